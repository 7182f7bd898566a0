import Foundation

/// Settings of one mock ActiveCampaign account: where it listens, which key it accepts, how big its synthetic
/// dataset is, and which faults it injects. Every default is a well-behaved account of 1,000 contacts.
public struct MockConfiguration: Sendable {
    /// Interface to bind. Keep it on loopback: the mock is for local tests only.
    public var host: String = "127.0.0.1"
    /// TCP port; 0 picks an ephemeral port (reported by `MockServer.run(onListening:)`).
    public var port: Int = 0
    /// The only `Api-Token` value accepted; anything else gets 403, as on the API.
    public var apiKey: String = "mock-api-key"
    /// Seed of the synthetic data and of every random fault decision, so runs are reproducible.
    public var seed: UInt64 = 1
    /// Number of contacts; most other endpoints are scaled from `contacts` and `deals`.
    public var contacts: Int = 1000
    /// Number of deals.
    public var deals: Int = 300
    /// Requests per second the account may start (sliding one-second window); `nil` = unlimited.
    /// The real API allows 5, shared by all keys of an account.
    public var rateLimit: Int? = nil
    /// Value of the `Retry-After` header on a 429.
    public var retryAfterSeconds: Int = 1
    /// Probability that a request fails with a random 500, 502 or 503.
    public var failRate: Double = 0
    /// Probability that a 200 response body is cut off mid-way (invalid JSON).
    public var truncateRate: Double = 0
    /// Delay added to every request before it is answered.
    public var latency: Duration = .zero
    /// After each contacts or deals page served, this many random updates, inserts or deletes on that endpoint.
    public var mutate: Int = 0
    /// List paths (e.g. `"lists"`) answered with 403 "You do not have permission to view lists.", as the API answers
    /// a key whose user lacks that permission.
    public var forbiddenPaths: Set<String> = []
    /// Scripted faults on chosen requests (429 storms, 5xx bursts, broken bodies, stalls, resets).
    public var faults: [MockFaultRule] = []
    /// Unusual values injected into one endpoint's records.
    public var shapes: MockDataShapes? = nil
    /// How list pages write `meta.total`.
    public var totalStyle: MockTotalStyle = .asAPI
    /// When set, one JSON line per request is appended to this file (never containing the API key).
    public var logPath: String? = nil
    /// The dataset's "current time": records' creation and update times spread over the two years before it.
    public var now: Date = Date()
    /// Contact custom fields beyond the 20 of every dataset: a field added in the account.
    public var extraContactFields = 0
    /// Appended to every contact field's personalization tag: fields renamed in the account.
    public var contactFieldTagSuffix = ""
    /// Keeps every list page it wrote and serves it again from memory when asked for again (no mutations, no
    /// faults): for benchmarks, where the mock shares the cores with the client and a real API would not.
    public var cachesPages = false

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        apiKey: String = "mock-api-key",
        seed: UInt64 = 1,
        contacts: Int = 1000,
        deals: Int = 300,
        rateLimit: Int? = nil,
        retryAfterSeconds: Int = 1,
        failRate: Double = 0,
        truncateRate: Double = 0,
        latency: Duration = .zero,
        mutate: Int = 0,
        forbiddenPaths: Set<String> = [],
        logPath: String? = nil,
        now: Date = Date(),
        faults: [MockFaultRule] = [],
        shapes: MockDataShapes? = nil,
        totalStyle: MockTotalStyle = .asAPI
    ) {
        self.host = host
        self.port = port
        self.apiKey = apiKey
        self.seed = seed
        self.contacts = contacts
        self.deals = deals
        self.rateLimit = rateLimit
        self.retryAfterSeconds = retryAfterSeconds
        self.failRate = failRate
        self.truncateRate = truncateRate
        self.latency = latency
        self.mutate = mutate
        self.forbiddenPaths = forbiddenPaths
        self.logPath = logPath
        self.now = now
        self.faults = faults
        self.shapes = shapes
        self.totalStyle = totalStyle
    }
}
