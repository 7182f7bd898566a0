import ActiveCampaign
import ActiveCampaignMock
@testable import Export
import Foundation
import Logging
import Parquet
import Testing

/// The 14 opt-in endpoints and the custom-field tables (docs/custom-fields.md), over the mock, checked by the
/// independent readers: Tests/Interop/check_lake.py for every endpoint, check_custom_fields.py for the tables.
@Suite(.serialized) struct AdditionalEndpointsTests {
    let logger = Logger(label: "test")

    func export(_ baseURL: String, _ mock: MockConfiguration, to lake: String, endpoints: [Endpoint] = Endpoint.catalog) async throws -> ExportSummary {
        let client = ActiveCampaignClient(
            credentials: try Credentials(apiKey: mock.apiKey, baseURL: baseURL), configuration: EndToEndTests.fastClient, logger: logger)
        let options = ExportOptions(target: .folder(lake), endpoints: endpoints, anchorDate: Date(timeIntervalSince1970: 0))
        defer { Task { try? await client.shutdown() } }
        let summary = try await ExportRun.run(options, source: APIRecordSource(client: client), logger: logger)
        try await client.shutdown()
        return summary
    }

    static func checkCustomFields(lake: String, source: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await LakeHarness.checkWithScript("check_custom_fields.py", [lake, source], sourceLocation: sourceLocation)
    }

    /// Every endpoint of the catalog, value by value, under 429 storms, 5xx bursts and broken bodies on every
    /// additional path; and the three custom-field tables built from them.
    @Test func everyEndpointAndEveryCustomFieldTableUnderFaults() async throws {
        let lake = try LakeHarness.temporaryDirectory("lake")
        let source = try LakeHarness.temporaryDirectory("source")
        defer { try? FileManager.default.removeItem(atPath: lake); try? FileManager.default.removeItem(atPath: source) }
        let faults = Endpoint.additional.flatMap { endpoint in [
            // The first page fails twice; on longer listings the second and third pages fail once each.
            MockFaultRule(path: endpoint.path, requests: 0..<1, fault: .status(429, retryAfter: 0)),
            MockFaultRule(path: endpoint.path, requests: 1..<2, fault: .status(503)),
            MockFaultRule(path: endpoint.path, requests: 3..<4, fault: .truncatedBody),
            MockFaultRule(path: endpoint.path, requests: 5..<6, fault: .connectionReset),
        ] }
        let mock = MockConfiguration(seed: 31, contacts: 260, deals: 90, faults: faults)
        try await withMockServer(mock) { baseURL, server in
            let summary = try await export(baseURL, mock, to: lake)
            #expect(summary.succeeded, "\(summary.results.filter { $0.status != .succeeded }.map { "\($0.endpoint): \($0.error ?? "")" })")
            #expect(summary.results.reduce(0) { $0 + ($1.requests?.retries ?? 0) } >= 14 * 2 + 4 * 2, "the longer listings met the later faults too")
            #expect(summary.results.map(\.endpoint) == Endpoint.catalog.map(\.name) + CustomFieldTable.all.map(\.name))
            for result in summary.results where Endpoint.named(result.endpoint).map({ !$0.isStandard }) == true {
                #expect((result.requests?.retries ?? 0) >= 2, "\(result.endpoint): the faults were met and retried")
                #expect(result.completeness?.verdict == (result.endpoint == "deal_custom_fields" ? .unchecked : .complete), "\(result.endpoint)")
            }
            try LakeHarness.dumpSource(server, endpoints: Endpoint.catalog, to: source)
        }
        try LakeHarness.check(lake: lake, source: source)
        try await Self.checkCustomFields(lake: lake, source: source)
    }

    /// A field added in the account adds a column on the next run; renamed fields keep their columns; a field deleted
    /// keeps its column, null from then on.
    @Test func customFieldColumnsFollowTheAccount() async throws {
        let lake = try LakeHarness.temporaryDirectory("lake")
        let source = try LakeHarness.temporaryDirectory("source")
        defer { try? FileManager.default.removeItem(atPath: lake); try? FileManager.default.removeItem(atPath: source) }
        let endpoints = [Endpoint.named("custom_fields")!, Endpoint.named("field_values")!]
        let first = MockConfiguration(seed: 32, contacts: 150, deals: 10)
        try await withMockServer(first) { baseURL, _ in
            let summary = try await export(baseURL, first, to: lake, endpoints: endpoints)
            #expect(summary.succeeded && summary.results.last?.endpoint == "contact_fields")
        }
        let before = try #require(try ManifestStore.read(directory: lake).customFieldColumns?["contact_fields"])
        #expect(before.count == 20 && before["7"] == "field_7", "named from the tag, lower-cased: \(before)")
        let second = {
            var mock = first
            mock.extraContactFields = 1
            mock.contactFieldTagSuffix = "_RENAMED"
            return mock
        }()
        try await withMockServer(second) { baseURL, server in
            let summary = try await export(baseURL, second, to: lake, endpoints: endpoints)
            #expect(summary.succeeded)
            try LakeHarness.dumpSource(server, endpoints: endpoints, to: source)
        }
        let manifest = try ManifestStore.read(directory: lake)
        let after = try #require(manifest.customFieldColumns?["contact_fields"])
        #expect(after.filter { before[$0.key] != nil } == before, "renamed fields keep their columns")
        #expect(after["21"] == "field_21_renamed", "the new field gets a column from its tag: \(after)")
        let schema = manifest.endpoints["contact_fields"]?.schema.columns.map(\.name) ?? []
        #expect(schema.contains("field_21_renamed") && schema.contains("field_7") && !schema.contains("field_7_renamed"), "\(schema)")
        try await Self.checkCustomFields(lake: lake, source: source)
        // Field 21 deleted again: its column stays, all null in the new snapshot.
        try await withMockServer(first) { baseURL, _ in
            let summary = try await export(baseURL, first, to: lake, endpoints: endpoints)
            #expect(summary.succeeded)
        }
        let afterDeletion = try ManifestStore.read(directory: lake)
        #expect(afterDeletion.customFieldColumns?["contact_fields"]?["21"] == "field_21_renamed")
        let files = afterDeletion.endpoints["contact_fields"]?.files ?? []
        #expect(!files.isEmpty)
        for file in files {
            let reader = try ParquetFileReader(path: lake + "/" + file.path)
            let column = try #require(reader.schema.columns.firstIndex { $0.name == "field_21_renamed" }, "the deleted field keeps its column")
            #expect(try reader.readColumn(column).allSatisfy { $0 == .null })
        }
    }

    /// `endpoints` lists every endpoint with its paging and selection; `--dry-run --endpoints all` on a million-contact
    /// account says that field_values alone takes hours, before anything starts.
    @Test func theCatalogAndItsCostAreShownBeforeAnythingRuns() async throws {
        guard FileManager.default.isExecutableFile(atPath: LakeHarness.cli) else {
            Issue.record("\(LakeHarness.cli) is missing: `make test` builds it before the tests")
            return
        }
        let (listed, catalog) = try await LakeHarness.run(LakeHarness.cli, ["endpoints"])
        #expect(listed == 0)
        for name in Endpoint.catalog.map(\.name) + CustomFieldTable.all.map(\.name) {
            #expect(catalog.split(separator: "\n").contains { $0.hasPrefix(name + " ") }, "\(name) is listed: \(catalog)")
        }
        #expect(catalog.contains("/api/3/fieldValues") && catalog.contains("id keyset") && catalog.contains("opt-in"))
        let lake = FileManager.default.temporaryDirectory.appendingPathComponent("dry-run-\(UUID().uuidString)").path
        let mock = MockConfiguration(apiKey: "big-key", contacts: 1_000_000, deals: 50_000)
        try await withMockServer(mock) { baseURL, _ in
            let (status, plan) = try await LakeHarness.run(
                LakeHarness.cli, ["run", "--dry-run", "--out", lake, "--endpoints", "all", "--anchor-date", "2000-01-01"],
                environment: ["ACTIVECAMPAIGN_API_KEY": "big-key", "ACTIVECAMPAIGN_BASE_URL": baseURL])
            #expect(status == 0, "\(plan)")
            let fieldValues = plan.split(separator: "\n").first { $0.hasPrefix("field_values ") }.map { $0.split(separator: " ").map(String.init) } ?? []
            #expect(fieldValues.starts(with: ["field_values", "full_refresh", "2700000", "27000"]), "\(plan)")
            #expect(plan.contains("note: field_values alone is about 1.9 hours at 4 requests/s"), "\(plan)")
            #expect(plan.contains("note: contact_lists alone is about 1.4 hours"), "\(plan)")
        }
        #expect(!FileManager.default.fileExists(atPath: lake))
    }
}
