import ActiveCampaign
import ActiveCampaignMock
import Foundation
import Logging
import Synchronization
import Testing
import JSON

/// Parent of the suites that run a client against the mock. Serialized: the rate-limit test reads wall-clock
/// start times in the mock's log, which other heavy paging tests on the same two cores would bunch up.
@Suite(.serialized) struct ClientAgainstMockTests {}

/// A client configuration for tests that are not about the rate limit: fast limits, tiny backoff.
func fastClientConfiguration() -> ClientConfiguration {
    var configuration = ClientConfiguration()
    configuration.requestsPerSecond = 1000
    configuration.maxInFlight = 8
    configuration.backoffBase = .milliseconds(5)
    configuration.backoffCap = .milliseconds(50)
    configuration.retryAfterFloor = .milliseconds(10)
    configuration.requestTimeout = .seconds(20)
    return configuration
}

/// Every log line and its metadata, as text, for asserting on what a client logs.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    func logger(label: String = "ac-export.fetch") -> Logger {
        var logger = Logger(label: label) { label in CapturingLogHandler(capture: self, label: label) }
        logger.logLevel = .trace
        return logger
    }
}

struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    let label: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        capture.append("\(event.level) \(label) \(event.message) \(merged)")
    }
}

/// Runs `body` with a client of the mock, shutting the client down whatever happens.
func withClient<T: Sendable>(
    baseURL: String, apiKey: String = "mock-api-key", configuration: ClientConfiguration = fastClientConfiguration(),
    logger: Logger = Logger(label: "ac-export.fetch"), _ body: (ActiveCampaignClient) async throws -> T
) async throws -> T {
    let client = ActiveCampaignClient(
        credentials: try Credentials(apiKey: apiKey, baseURL: baseURL), configuration: configuration, logger: logger)
    do {
        let result = try await body(client)
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// All records of an endpoint, in the order fetched.
func fetchAll(_ client: ActiveCampaignClient, _ endpoint: Endpoint, window: IncrementalWindow? = nil,
    resumeFrom: ResumePoint? = nil) async throws -> [JSONObject]
{
    var records: [JSONObject] = []
    for try await page in client.pages(of: endpoint, window: window, resumeFrom: resumeFrom) {
        let objects = try parsedRecords(page)
        // The skimmed ids must be what a full parse of each record finds.
        #expect(page.recordIDs == objects.map(recordID), "\(page.requestDescription): skimmed ids differ from parsed ones")
        records += objects
    }
    return records
}

/// A page's records as trees, parsed from the text the client kept.
func parsedRecords(_ page: Page) throws -> [JSONObject] {
    try page.records.ranges.map { range in
        guard case .object(let object) = try JSONParser.parse(Array(page.records.bytes[range])) else {
            throw JSONParseError(offset: range.lowerBound, reason: "not an object")
        }
        return object
    }
}

/// The id of a record, as the API sends it (a string).
func recordID(_ record: JSONObject) -> Int64? {
    if case .string(let text)? = record["id"] { return Int64(text) }
    return nil
}

/// The mock's current records of a path, parsed.
func mockRecords(_ server: MockServer, path: String) throws -> [JSONObject] {
    try server.currentRecords(path: path).map { bytes in
        guard case .object(let object) = try JSONParser.parse(bytes) else { throw JSONParseError(offset: 0, reason: "not an object") }
        return object
    }
}

/// One line of the mock's request log.
struct MockLogLine: Decodable {
    var time: String
    var path: String
    var query: String
    var status: Int
    var in_flight: Int

    var startMilliseconds: Int64 {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        return Int64(((try? style.parse(time))?.timeIntervalSince1970 ?? 0) * 1000)
    }

    static func read(_ path: String) throws -> [MockLogLine] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(MockLogLine.self, from: Data($0.utf8)) }
    }
}
