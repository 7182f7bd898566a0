import ActiveCampaign
import ActiveCampaignMock
@testable import Export
import Foundation
import JSON
import Logging
import Testing

/// Every run checks each listing against the API's count (docs/completeness.md): against the mock, whose request
/// log says what each page served.
@Suite(.serialized) struct CompletenessTests {
    let logger = Logger(label: "test")
    static let contacts = Endpoint.named("contacts")!
    static let deals = Endpoint.named("deals")!
    static let tags = Endpoint.named("tags")!

    func export(
        _ baseURL: String, _ mock: MockConfiguration, to lake: String, endpoints: [Endpoint], startedAt: Date = Date(),
        checkpointEveryPage: Bool = false
    ) async throws -> ExportSummary {
        let client = ActiveCampaignClient(
            credentials: try Credentials(apiKey: mock.apiKey, baseURL: baseURL), configuration: EndToEndTests.fastClient, logger: logger)
        var options = ExportOptions(target: .folder(lake), endpoints: endpoints, anchorDate: Date(timeIntervalSince1970: 0))
        options.startedAt = startedAt
        if checkpointEveryPage {
            options.inferenceRows = 100
            options.checkpointInterval = .zero
        }
        defer { Task { try? await client.shutdown() } }
        let summary = try await ExportRun.run(options, source: APIRecordSource(client: client), logger: logger)
        try await client.shutdown()
        return summary
    }

    /// The mock's request log: one object per request.
    static func requests(_ log: String) throws -> [[String: Any]] {
        try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    /// The `id` of every row the manifest lists for the endpoint, duplicates kept.
    static func committedIDs(_ lake: String, _ endpoint: String) async throws -> [String] {
        let manifest = try ManifestStore.read(directory: lake)
        let storage = LocalFolderStorage(directory: lake)
        var ids: [String] = []
        for file in manifest.endpoints[endpoint]?.files ?? [] {
            let reader = try await storage.openParquet(file.path)
            let column = try #require(reader.schema.columns.firstIndex { $0.name == "id" })
            for rowGroup in reader.metadata.rowGroups.indices {
                ids += try reader.readColumn(rowGroup: rowGroup, column: column).map(\.description)
            }
        }
        return ids
    }

    @Test func theVerdictFollowsTheFigures() {
        #expect(Completeness(expected: 10, expectedAtStart: 10, read: 10, written: 9, skipped: 1).verdict == .complete)
        // A surplus: records left the listing after they were read.
        #expect(Completeness(expected: 8, expectedAtStart: 10, read: 10, written: 10, skipped: 0).verdict == .changed)
        // A shortfall within what the count grew is explained; beyond it, or with a count that held still or fell
        // (deletions explain no unread record), it is not.
        #expect(Completeness(expected: 12, expectedAtStart: 10, read: 10, written: 10, skipped: 0).verdict == .changed)
        #expect(Completeness(expected: 12, expectedAtStart: 11, read: 10, written: 10, skipped: 0).verdict == .incomplete)
        #expect(Completeness(expected: 8, expectedAtStart: 12, read: 7, written: 7, skipped: 0).verdict == .incomplete)
        let stopped = Completeness(expected: 10, expectedAtStart: 10, read: 9, written: 9, skipped: 0)
        #expect(stopped.verdict == .incomplete && stopped.difference == 1)
        #expect(Completeness(expected: 10, expectedAtStart: nil, read: 9, written: 9, skipped: 0).verdict == .incomplete)
        #expect(Completeness(expected: nil, expectedAtStart: nil, read: 9, written: 9, skipped: 0).verdict == .unchecked)
    }

    /// All 15 endpoints: each listing's figures equal what the mock's log says it served, in the summary and the
    /// manifest's run record.
    @Test func everyEndpointIsCheckedAgainstTheCountTheMockServed() async throws {
        let lake = try LakeHarness.temporaryDirectory("lake")
        let log = lake + "-requests.jsonl"
        defer { try? FileManager.default.removeItem(atPath: lake); try? FileManager.default.removeItem(atPath: log) }
        let mock = MockConfiguration(seed: 5, contacts: 320, deals: 230, logPath: log)
        try await withMockServer(mock) { baseURL, _ in
            let summary = try await export(baseURL, mock, to: lake, endpoints: Endpoint.standard)
            #expect(summary.succeeded)
            let requests = try Self.requests(log)
            let record = try #require(try ManifestStore.read(directory: lake).runs.last)
            for result in summary.results {
                let endpoint = try #require(Endpoint.named(result.endpoint))
                let served = requests.filter { ($0["path"] as? String) == "/api/3/" + endpoint.path && $0["total"] != nil }
                let counted = endpoint.isIncremental || endpoint.parent != nil
                // The count request is the last one (`limit=1`, no offset); a snapshot's last page carries its count.
                let last = try #require(served.last)
                #expect(!counted || (last["query"] as? String)?.hasPrefix("limit=1") == true, "\(endpoint.name): \(last)")
                let c = try #require(result.completeness, "\(endpoint.name)")
                #expect(c.verdict == .complete && c.expected == last["total"] as? Int && c.read == c.expected, "\(endpoint.name): \(c)")
                #expect(c.written == result.rows && c.skipped == 0, "\(endpoint.name): \(c)")
                let pages = served.dropLast(counted ? 1 : 0)
                // deal_stages lists the pipelines too: their path's log is not deal_pipelines' alone.
                if !Endpoint.standard.contains(where: { $0.parent == endpoint.name }) {
                    #expect(c.read == pages.reduce(0) { $0 + ($1["records"] as? Int ?? 0) }, "\(endpoint.name): every record served is read once")
                }
                if endpoint.parent == nil { #expect(c.expectedAtStart == pages.first?["total"] as? Int, "\(endpoint.name)") }
                #expect(record.endpoints[endpoint.name]?.completeness == c, "\(endpoint.name): in the manifest's run record")
            }
        }
    }

    /// Contacts and deals inserted, updated out of the window and deleted after every page: the figures are what the
    /// log says was served and counted, each record read is in the lake once, and no difference is called a loss.
    @Test func recordsChangingWhilePagingAreAccountedFor() async throws {
        let lake = try LakeHarness.temporaryDirectory("lake")
        let log = lake + "-requests.jsonl"
        defer { try? FileManager.default.removeItem(atPath: lake); try? FileManager.default.removeItem(atPath: log) }
        let mock = MockConfiguration(seed: 11, contacts: 700, deals: 450, mutate: 3, logPath: log)
        try await withMockServer(mock) { baseURL, server in
            let startedAt = Date()
            let summary = try await export(baseURL, mock, to: lake, endpoints: [Self.contacts, Self.deals], startedAt: startedAt)
            #expect(summary.succeeded, "\(summary.results.map { "\($0.endpoint): \($0.error ?? "-")" })")
            let requests = try Self.requests(log)
            for result in summary.results {
                let endpoint = try #require(Endpoint.named(result.endpoint))
                let served = requests.filter { ($0["path"] as? String) == "/api/3/" + endpoint.path }
                let c = try #require(result.completeness)
                #expect(c.expected == served.last?["total"] as? Int && c.expectedAtStart == served.first?["total"] as? Int, "\(c)")
                #expect(c.read == c.written + c.skipped && c.written == result.rows)
                #expect(c.verdict == (c.difference == 0 ? .complete : .changed), "\(endpoint.name): \(c)")
                let ids = try await Self.committedIDs(lake, endpoint.name)
                #expect(ids.count == c.written && Set(ids).count == ids.count, "\(endpoint.name): each record read is committed once")
                // The mock's state: a record still there and last updated before the run started was in the window the
                // whole run (a mutation updates to the mock's now, later than the start): it must be in the lake.
                let stayed = try server.currentRecords(path: endpoint.path).compactMap { record -> String? in
                    guard case .object(let object) = try JSONParser.parse(record), case .string(let id)? = object["id"],
                          case .string(let cursor)? = object[endpoint.cursorField!], let micros = EndpointExporter.micros(fromISO: cursor),
                          Double(micros) / 1_000_000 < startedAt.timeIntervalSince1970 - 1 else { return nil }
                    return id
                }
                let missing = Set(stayed).subtracting(ids)
                #expect(!stayed.isEmpty && missing.isEmpty, "\(endpoint.name): \(missing.count) records present for the whole run are not in the lake: \(missing.sorted().prefix(10))")
            }
            // Keyset paging cannot skip or repeat: every contact served is read.
            let contactPages = requests.filter { ($0["path"] as? String) == "/api/3/contacts" }.dropLast()
            #expect(summary.results[0].completeness?.read == contactPages.reduce(0) { $0 + ($1["records"] as? Int ?? 0) })
            #expect(requests.contains { ($0["path"] as? String) == "/api/3/deals" && ($0["total"] as? Int) != mock.deals }, "the deals' count moved")
        }
    }

    /// An empty page before the end (contacts by id keyset; a snapshot, in each of the offset lister's 3 passes): incomplete, the rows read committed,
    /// the watermark where the previous run left it. The next run reads the listing again, skipping what is
    /// committed, and ends with every record once.
    @Test func aListingThatStopsEarlyIsIncompleteAndTheNextRunCompletesIt() async throws {
        let lake = try LakeHarness.temporaryDirectory("lake")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        let now = Date()
        let clean = MockConfiguration(seed: 4, contacts: 900, deals: 100, now: now)
        let stopping = {
            var mock = clean
            mock.faults = [
                MockFaultRule(path: "contacts", requests: 4..<5, fault: .emptyPage), MockFaultRule(path: "tags", requests: 0..<3, fault: .emptyPage),
            ]
            return mock
        }()
        let endpoints = [Self.contacts, Self.tags]
        try await withMockServer(clean) { baseURL, _ in
            let first = try await export(baseURL, clean, to: lake, endpoints: endpoints, startedAt: now.addingTimeInterval(-600 * 86_400))
            #expect(first.succeeded)
        }
        let watermark = try #require(try ManifestStore.read(directory: lake).endpoints["contacts"]?.watermark)
        let tagFiles = try ManifestStore.read(directory: lake).endpoints["tags"]?.files.filter { !Staging.isStaged($0.path) }
        try await withMockServer(stopping) { baseURL, _ in
            let second = try await export(baseURL, stopping, to: lake, endpoints: endpoints, checkpointEveryPage: true)
            #expect(!second.succeeded)
            for result in second.results {
                #expect(result.status == .incomplete && result.completeness?.verdict == .incomplete, "\(result.endpoint): \(result.error ?? "")")
                #expect(result.error?.contains("watermark did not move") == true)
            }
            let contacts = try #require(second.results.first?.completeness)
            #expect(contacts.read < contacts.expected! && contacts.read == contacts.written + contacts.skipped)
        }
        let afterStop = try ManifestStore.read(directory: lake)
        #expect(afterStop.endpoints["contacts"]?.watermark == watermark, "the watermark stays")
        #expect(afterStop.endpoints["contacts"]?.checkpoint?.restartListing == true)
        #expect(afterStop.endpoints["tags"]?.files.filter { !Staging.isStaged($0.path) } == tagFiles, "the previous snapshot stays the one readers see")
        try await withMockServer(clean) { baseURL, server in
            let third = try await export(baseURL, clean, to: lake, endpoints: endpoints)
            #expect(third.succeeded, "\(third.results.map { "\($0.endpoint): \($0.error ?? "-")" })")
            #expect(third.results.allSatisfy { $0.completeness?.verdict == .complete })
            // The mock's records do not change: each contact lies in one of the two windows and is in the lake once.
            let ids = try await Self.committedIDs(lake, "contacts")
            #expect(ids.count == 900 && Set(ids).count == 900 && server.currentRecords(path: "contacts").count == 900)
            let manifest = try ManifestStore.read(directory: lake)
            let firstRun = Set(manifest.endpoints["contacts"]!.files.filter { $0.runID == manifest.runs[0].id }.map(\.path))
            let resumed = manifest.endpoints["contacts"]!.files.filter { !firstRun.contains($0.path) }.reduce(0) { $0 + $1.rows }
            #expect(resumed == third.results[0].completeness!.written, "the window's rows, counted once across both runs")
            let todaysTags = manifest.endpoints["tags"]!.files.filter { $0.runID == third.runID }
            #expect(todaysTags.reduce(0) { $0 + $1.rows } == 50 && todaysTags.allSatisfy { !Staging.isStaged($0.path) }, "today's snapshot, published")
        }
    }

    /// A run stopped mid-listing resumes after its last id: the figures of the first part come from the checkpoint.
    @Test func aResumedListingCountsWhatItsFirstPartRead() async throws {
        let lake = try LakeHarness.temporaryDirectory("lake")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        let now = Date()
        let clean = MockConfiguration(seed: 6, contacts: 640, deals: 10, now: now)
        let failing = {
            var mock = clean
            mock.faults = [MockFaultRule(path: "contacts", requests: 3..<4, fault: .status(400))]
            return mock
        }()
        try await withMockServer(failing) { baseURL, _ in
            let first = try await export(baseURL, failing, to: lake, endpoints: [Self.contacts], checkpointEveryPage: true)
            #expect(first.results[0].status == .failed && first.results[0].completeness == nil)
        }
        let checkpoint = try #require(try ManifestStore.read(directory: lake).endpoints["contacts"]?.checkpoint)
        #expect(checkpoint.recordsRead == 300 && checkpoint.totalAtStart == 640 && checkpoint.resume == .afterID(300))
        try await withMockServer(clean) { baseURL, _ in
            let second = try await export(baseURL, clean, to: lake, endpoints: [Self.contacts])
            let c = try #require(second.results[0].completeness)
            #expect(c.verdict == .complete && c.read == 640 && c.expected == 640 && c.expectedAtStart == 640 && c.written == 640, "\(c)")
        }
        #expect(try await Self.committedIDs(lake, "contacts").count == 640)
    }

    /// The CLI: exit 1, the verdict in the summary table, `--summary-json` and the JSON log.
    @Test func theCommandLineReportsAnIncompleteListingAndExitsOne() async throws {
        guard FileManager.default.isExecutableFile(atPath: LakeHarness.cli) else {
            Issue.record("\(LakeHarness.cli) is missing: `make test` builds it before the tests")
            return
        }
        let lake = try LakeHarness.temporaryDirectory("lake")
        let summaryPath = lake + "-summary.json"
        defer { try? FileManager.default.removeItem(atPath: lake); try? FileManager.default.removeItem(atPath: summaryPath) }
        let mock = MockConfiguration(
            apiKey: "count-key", contacts: 120, deals: 30, faults: [MockFaultRule(path: "tags", requests: 0..<100, fault: .totalOff(by: 7))])
        try await withMockServer(mock) { baseURL, _ in
            let (status, output) = try await LakeHarness.run(
                LakeHarness.cli,
                ["run", "--out", lake, "--endpoints", "contacts,tags", "--anchor-date", "2000-01-01", "--log-format", "json", "--summary-json", summaryPath, "--rate-limit", "100"],
                environment: ["ACTIVECAMPAIGN_API_KEY": "count-key", "ACTIVECAMPAIGN_BASE_URL": baseURL])
            #expect(status == 1, "\(output)")
            let tags = output.split(separator: "\n").first { $0.hasPrefix("tags ") }.map { $0.split(separator: " ").map(String.init) } ?? []
            #expect(tags.starts(with: ["tags", "full_refresh", "incomplete", "50", "0", "57", "incomplete", "7", "missing"]), "\(output)")
            let contacts = output.split(separator: "\n").first { $0.hasPrefix("contacts ") }.map { $0.split(separator: " ").map(String.init) } ?? []
            #expect(contacts.starts(with: ["contacts", "incremental", "succeeded", "120", "0", "120", "complete"]), "\(output)")
            let checks = output.split(separator: "\n").compactMap { line -> [String: Any]? in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      (object["message"] as? String)?.hasPrefix("listing checked") == true else { return nil }
                return object
            }
            let logged = checks.compactMap { $0["metadata"] as? [String: Any] ?? $0 }
            #expect(logged.contains { "\($0["endpoint"] ?? "")" == "tags" && "\($0["verdict"] ?? "")" == "incomplete" && "\($0["expected"] ?? "")" == "57" }, "\(output)")
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath))) as? [String: Any])
            let endpoints = try #require(summary["endpoints"] as? [[String: Any]])
            let tagSummary = try #require(endpoints.first { $0["endpoint"] as? String == "tags" })
            let completeness = try #require(tagSummary["completeness"] as? [String: Any])
            #expect(tagSummary["status"] as? String == "incomplete" && completeness["verdict"] as? String == "incomplete")
            #expect(completeness["expected"] as? Int == 57 && completeness["read"] as? Int == 50 && completeness["difference"] as? Int == 7)
            let tagFiles = try #require(try ManifestStore.read(directory: lake).endpoints["tags"]?.files)
            #expect(tagFiles.count == 1 && tagFiles.allSatisfy { Staging.isStaged($0.path) }, "the incomplete snapshot is committed, not published")
            let visible = (FileManager.default.enumerator(atPath: lake + "/tags")?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".parquet") }
            #expect(visible.isEmpty, "readers see no tags file: \(visible)")
            let (statusCode, statusOutput) = try await LakeHarness.run(LakeHarness.cli, ["status", lake])
            #expect(statusCode == 0 && statusOutput.contains("incomplete (read 50 of 57)") && statusOutput.contains("complete (read 120 of 120)"), "\(statusOutput)")
            // The operator's way out for an account whose counts are known to be off: reported, not failed.
            let (accepted, acceptedOutput) = try await LakeHarness.run(
                LakeHarness.cli, ["run", "--out", lake, "--endpoints", "tags", "--accept-incomplete", "--rate-limit", "100"],
                environment: ["ACTIVECAMPAIGN_API_KEY": "count-key", "ACTIVECAMPAIGN_BASE_URL": baseURL])
            #expect(accepted == 0, "\(acceptedOutput)")
            let acceptedRow = acceptedOutput.split(separator: "\n").first { $0.hasPrefix("tags ") }.map { $0.split(separator: " ").map(String.init) } ?? []
            #expect(acceptedRow.starts(with: ["tags", "full_refresh", "succeeded", "50", "0", "57", "incomplete", "7", "missing"]), "\(acceptedOutput)")
            let published = try ManifestStore.read(directory: lake).endpoints["tags"]?.files ?? []
            #expect(published.count == 1 && !Staging.isStaged(published[0].path), "the snapshot is published")
        }
    }
}
