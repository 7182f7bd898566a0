import ActiveCampaign
import ActiveCampaignMock
@testable import Export
import Foundation
import Logging
import Testing

/// The whole job over loopback HTTP against the mock, checked by pyarrow and DuckDB.
@Suite(.serialized) struct EndToEndTests {
    let logger = Logger(label: "test")

    static var fastClient: ClientConfiguration {
        var c = ClientConfiguration()
        c.requestsPerSecond = 500
        c.backoffBase = .milliseconds(5)
        c.retryAfterFloor = .milliseconds(5)
        return c
    }

    func export(_ baseURL: String, _ mock: MockConfiguration, to lake: String, endpoints: [Endpoint] = Endpoint.all, startedAt: Date = Date()) async throws -> ExportSummary {
        let client = ActiveCampaignClient(credentials: try Credentials(apiKey: mock.apiKey, baseURL: baseURL), configuration: Self.fastClient, logger: logger)
        var options = ExportOptions(outputDirectory: lake, endpoints: endpoints, anchorDate: Date(timeIntervalSince1970: 0))
        options.startedAt = startedAt
        do {
            let summary = try await ExportRun.run(options, source: APIRecordSource(client: client), logger: logger)
            try await client.shutdown()
            return summary
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    @Test func allFifteenEndpointsExactlyOnceWithSourceValues() async throws {
        let lake = try LakeHarness.temporaryDirectory("lake")
        let source = try LakeHarness.temporaryDirectory("source")
        defer { try? FileManager.default.removeItem(atPath: lake); try? FileManager.default.removeItem(atPath: source) }
        let mock = MockConfiguration(seed: 7, contacts: 450, deals: 260)
        try await withMockServer(mock) { baseURL, server in
            let summary = try await export(baseURL, mock, to: lake)
            #expect(summary.succeeded, "\(summary.results.filter { $0.status != .succeeded }.map { "\($0.endpoint): \($0.error ?? "")" })")
            #expect(summary.results.map(\.endpoint) == Endpoint.all.map(\.name))
            try LakeHarness.dumpSource(server, endpoints: Endpoint.all, to: source)
        }
        try LakeHarness.check(lake: lake, source: source)
    }

    @Test func secondRunReadsOnlyChangesSinceTheWatermark() async throws {
        let lake = try LakeHarness.temporaryDirectory("lake")
        let log = lake + "-requests.jsonl"
        defer { try? FileManager.default.removeItem(atPath: lake); try? FileManager.default.removeItem(atPath: log) }
        let mock = MockConfiguration(seed: 3, contacts: 300, deals: 150, logPath: log)
        let incremental = [Endpoint.named("contacts")!, Endpoint.named("deals")!]
        try await withMockServer(mock) { baseURL, server in
            let first = try await export(baseURL, mock, to: lake, endpoints: incremental)
            #expect(first.succeeded)
            let afterFirst = try ManifestStore.read(directory: lake)
            let contactsWatermark = try #require(afterFirst.endpoints["contacts"]?.watermark)
            let dealsWatermark = try #require(afterFirst.endpoints["deals"]?.watermark)
            try Data().write(to: URL(fileURLWithPath: log))
            let second = try await export(baseURL, mock, to: lake, endpoints: incremental, startedAt: Date().addingTimeInterval(1))
            #expect(second.succeeded)
            let requests = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
            let contactQueries = requests.filter { $0.contains("\"path\":\"\\/api\\/3\\/contacts\"") || $0.contains("\"path\":\"/api/3/contacts\"") }
            #expect(!contactQueries.isEmpty)
            for line in contactQueries + requests.filter({ $0.contains("api/3/deals") }) {
                #expect(line.contains("updated_after"), "second run must be incremental: \(line)")
            }
            #expect(requests.contains { $0.contains(contactsWatermark.prefix(19).replacingOccurrences(of: ":", with: "%3A")) || $0.contains(contactsWatermark.prefix(19)) })
            // Only records at or after the watermark come back: far fewer than the first run.
            let secondRows = second.results.map(\.rows).reduce(0, +)
            #expect(secondRows < first.results.map(\.rows).reduce(0, +))
            let manifest = try ManifestStore.read(directory: lake)
            #expect(manifest.endpoints["contacts"]?.watermark ?? "" >= contactsWatermark)
            #expect(manifest.endpoints["deals"]?.watermark ?? "" >= dealsWatermark)
            #expect(manifest.runs.count == 2)
        }
    }

    @Test func oneForbiddenEndpointFailsAloneAndTheKeyNeverLeaks() async throws {
        let lake = try LakeHarness.temporaryDirectory("lake")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        let mock = MockConfiguration(apiKey: "sekrit-key-0123456789", contacts: 50, deals: 20, forbiddenPaths: ["lists"])
        try await withMockServer(mock) { baseURL, _ in
            let summary = try await export(baseURL, mock, to: lake, endpoints: [Endpoint.named("lists")!, Endpoint.named("tags")!])
            #expect(summary.results.first { $0.endpoint == "lists" }?.status == .failed)
            #expect(summary.results.first { $0.endpoint == "tags" }?.status == .succeeded)
            let error = summary.results.first { $0.endpoint == "lists" }?.error ?? ""
            #expect(error.contains("permission"))
            #expect(!error.contains(mock.apiKey))
        }
        let manifestText = try String(contentsOfFile: lake + "/_manifest.json", encoding: .utf8)
        #expect(!manifestText.contains("sekrit-key"))
    }
}
