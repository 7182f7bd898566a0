import AsyncHTTPClient
import HTTPTransport
import Logging
import NIOCore
import NIOSSL
import Synchronization

/// The ActiveCampaign API v3 client of one account: one HTTP connection pool, one rate limiter and one retry
/// policy shared by every request. Call `shutdown()` before dropping it.
public final class ActiveCampaignClient: Sendable {
    let credentials: Credentials
    let configuration: ClientConfiguration
    let logger: Logger
    let httpClient: HTTPClient
    let limiter: RateLimiter
    let retryPolicy: RetryPolicy
    let counters = Mutex(RequestStatistics())
    /// The same counters per endpoint name (deal_stages' pipeline listing counts for deal_stages).
    let endpointCounters = Mutex([String: RequestStatistics]())
    /// For the request rate a failure message reports.
    let createdAt = ContinuousClock.now

    /// `logger` should carry a label like `ac-export.fetch`; the API key is never logged.
    public init(credentials: Credentials, configuration: ClientConfiguration = .init(), logger: Logger) {
        self.credentials = credentials
        self.configuration = configuration
        self.logger = logger
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.timeout = .init(connect: .seconds(10))
        // Redirects are followed by `perform`, only within the account's origin: the key must not go elsewhere.
        httpConfiguration.redirectConfiguration = .disallow
        if let bundle = configuration.transport.caBundlePath {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(bundle)
            httpConfiguration.tlsConfiguration = tls
        }
        // An https request goes through the proxy inside a CONNECT tunnel: the proxy sees the host, never the key.
        if let proxy = configuration.transport.proxy, credentials.apiBase.lowercased().hasPrefix("https:") {
            let authorization = proxy.username.map { HTTPClient.Authorization.basic(username: $0, password: proxy.password ?? "") }
            httpConfiguration.proxy = .server(host: proxy.host, port: proxy.port, authorization: authorization)
        }
        httpConfiguration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, configuration.maxInFlight))
        // A failed connection fails its attempt at once: `fetch`'s retry policy decides what is retried (a TLS
        // certificate that does not verify is not), instead of the pool retrying until the connect timeout.
        httpConfiguration.connectionPool.retryConnectionEstablishment = false
        self.httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        self.limiter = RateLimiter(
            requestsPerSecond: configuration.requestsPerSecond, maxInFlight: configuration.maxInFlight)
        self.retryPolicy = RetryPolicy(
            maxAttempts: configuration.maxAttempts, backoffBase: configuration.backoffBase, backoffCap: configuration.backoffCap,
            retryAfterFloor: configuration.retryAfterFloor)
    }

    public func shutdown() async throws {
        try await httpClient.shutdown()
    }

    /// Requests, retries, 429s and failures so far.
    public var statistics: RequestStatistics {
        counters.withLock { $0 }
    }

    /// Requests, retries, 429s and failures so far for one endpoint.
    public func statistics(for endpoint: String) -> RequestStatistics {
        endpointCounters.withLock { $0[endpoint] ?? RequestStatistics() }
    }

    func count(_ purpose: RequestPurpose, _ update: (inout RequestStatistics) -> Void) {
        counters.withLock { update(&$0) }
        if case .list(let endpoint) = purpose {
            endpointCounters.withLock { update(&$0[endpoint.name, default: RequestStatistics()]) }
        }
    }

    /// `GET users/me` (the API reference's own example call): succeeds when the key and base URL work; otherwise throws an
    /// `ActiveCampaignError` that says which of the two is wrong.
    public func checkCredentials() async throws {
        _ = try await fetch(RequestTarget(path: "users/me", query: []), recordsKey: nil, purpose: .credentialCheck)
    }

    /// `meta.total` of the endpoint (within `window` when it is incremental), from one `limit=1` request.
    /// For `deal_stages` it is the total over all pipelines.
    public func total(of endpoint: Endpoint, window: IncrementalWindow?) async throws -> Int? {
        var query: [(String, String)] = [("limit", "1")]
        if endpoint.isIncremental, let window { query += window.queryItems }
        let response = try await fetch(
            RequestTarget(path: endpoint.path, query: query), recordsKey: endpoint.recordsKey,
            purpose: .list(endpoint))
        return response.total
    }

    /// Whether the record `id` of the endpoint still exists: `GET <path>/<id>`, false on 404. Asked only after a listing
    /// of the same base URL succeeded, so a 404 means the record, not the URL, is missing (`run --reconcile`).
    public func recordExists(_ endpoint: Endpoint, id: Int64) async throws -> Bool {
        do {
            _ = try await fetch(RequestTarget(path: endpoint.path + "/" + String(id), query: []), recordsKey: nil, purpose: .list(endpoint))
            return true
        } catch let error as ActiveCampaignError where error.kind == .notFound {
            return false
        }
    }

    /// Every record of the endpoint, one request (or a few, with retries) per `next()`.
    /// `window` applies to incremental endpoints only; `resumeFrom` is a page's `resumeAfter`.
    public func pages(of endpoint: Endpoint, window: IncrementalWindow? = nil, resumeFrom: ResumePoint? = nil)
        -> PageSequence
    {
        PageSequence(client: self, endpoint: endpoint, window: endpoint.isIncremental ? window : nil, resumeFrom: resumeFrom)
    }
}
