import ActiveCampaign
import ActiveCampaignMock
@testable import Export
import Foundation
import Logging
import Testing
import JSON

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

    func export(_ baseURL: String, _ mock: MockConfiguration, to lake: String, endpoints: [Endpoint] = Endpoint.standard, startedAt: Date = Date()) async throws -> ExportSummary {
        try await export(baseURL, mock, to: .folder(lake), endpoints: endpoints, startedAt: startedAt)
    }

    func export(
        _ baseURL: String, _ mock: MockConfiguration, to target: LakeTarget, endpoints: [Endpoint] = Endpoint.standard, startedAt: Date = Date(),
        reconcile: Bool = false
    ) async throws -> ExportSummary {
        let client = ActiveCampaignClient(credentials: try Credentials(apiKey: mock.apiKey, baseURL: baseURL), configuration: Self.fastClient, logger: logger)
        var options = ExportOptions(target: target, endpoints: endpoints, anchorDate: Date(timeIntervalSince1970: 0))
        options.startedAt = startedAt
        options.reconcile = reconcile
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
            #expect(summary.results.map(\.endpoint) == Endpoint.standard.map(\.name))
            try LakeHarness.dumpSource(server, endpoints: Endpoint.standard, to: source)
        }
        try LakeHarness.check(lake: lake, source: source)
    }

    /// Run 1 ends 30 days before the dataset's "now", so the records updated since are the changes run 2
    /// must pick up, from the watermark, and nothing else (the boundary records are not written twice).
    @Test func secondRunReadsOnlyChangesSinceTheWatermark() async throws {
        let lake = try LakeHarness.temporaryDirectory("lake")
        let log = lake + "-requests.jsonl"
        defer { try? FileManager.default.removeItem(atPath: lake); try? FileManager.default.removeItem(atPath: log) }
        let mock = MockConfiguration(seed: 3, contacts: 600, deals: 300, logPath: log)
        let incremental = [Endpoint.named("contacts")!, Endpoint.named("deals")!]
        try await withMockServer(mock) { baseURL, server in
            let first = try await export(baseURL, mock, to: lake, endpoints: incremental, startedAt: mock.now.addingTimeInterval(-30 * 86_400))
            #expect(first.succeeded)
            let afterFirst = try ManifestStore.read(directory: lake)
            var expectedChanges: [String: Int] = [:]
            for endpoint in incremental {
                let watermark = try #require(afterFirst.endpoints[endpoint.name]?.watermark.flatMap(EndpointExporter.micros(fromISO:)))
                expectedChanges[endpoint.name] = server.currentRecords(path: endpoint.path).filter { record in
                    guard case .object(let object)? = try? JSONParser.parse(record), case .string(let text)? = object[endpoint.cursorField!],
                          let cursor = EndpointExporter.micros(fromISO: text) else { return false }
                    return cursor > watermark
                }.count
            }
            #expect(expectedChanges.values.allSatisfy { $0 > 0 }, "the dataset must have records updated in the last 30 days")
            try Data().write(to: URL(fileURLWithPath: log))
            let second = try await export(baseURL, mock, to: lake, endpoints: incremental, startedAt: mock.now.addingTimeInterval(1))
            #expect(second.succeeded)
            for result in second.results {
                #expect(result.rows == expectedChanges[result.endpoint], "\(result.endpoint): only the records changed since the watermark")
            }
            let requests = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
            let listings = requests.filter { $0.contains("contacts") || $0.contains("deals") }
            #expect(!listings.isEmpty)
            for line in listings {
                #expect(line.contains("updated_after"), "second run must be incremental: \(line)")
            }
            let manifest = try ManifestStore.read(directory: lake)
            for endpoint in incremental {
                let before = try #require(afterFirst.endpoints[endpoint.name]?.watermark.flatMap(EndpointExporter.micros(fromISO:)))
                let after = try #require(manifest.endpoints[endpoint.name]?.watermark.flatMap(EndpointExporter.micros(fromISO:)))
                #expect(after > before)
            }
            #expect(manifest.runs.count == 2 && manifest.runs.allSatisfy { ($0.requests ?? 0) > 0 })
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
