import ActiveCampaign
import ActiveCampaignMock
@testable import Export
import Foundation
import JSON
import Logging
import Testing

/// `run --reconcile` (docs/completeness.md#deletions): records deleted in the mock become tombstones in
/// `<endpoint>_deleted`, exactly once, read the same by pyarrow, deltalake, polars and the README's DuckDB query.
@Suite(.serialized) struct ReconcileTests {
    let logger = Logger(label: "test")
    static let incremental = [Endpoint.named("contacts")!, Endpoint.named("deals")!]

    func export(_ baseURL: String, _ mock: MockConfiguration, to lake: String, reconcile: Bool, checkpointEveryPage: Bool = false) async throws -> ExportSummary {
        let client = ActiveCampaignClient(
            credentials: try Credentials(apiKey: mock.apiKey, baseURL: baseURL), configuration: EndToEndTests.fastClient, logger: logger)
        var options = ExportOptions(target: .folder(lake), endpoints: Self.incremental, anchorDate: Date(timeIntervalSince1970: 0))
        options.reconcile = reconcile
        if checkpointEveryPage { options.checkpointInterval = .zero }
        defer { Task { try? await client.shutdown() } }
        let summary = try await ExportRun.run(options, source: APIRecordSource(client: client), logger: logger)
        try await client.shutdown()
        return summary
    }

    /// The ids of the mock's live records of `path`.
    static func liveIDs(_ server: MockServer, _ path: String) throws -> [Int] {
        try server.currentRecords(path: path).map { record in
            guard case .object(let object) = try JSONParser.parse(record), case .string(let id)? = object["id"], let value = Int(id) else {
                throw JSONParseError(offset: 0, reason: "a record without an id")
            }
            return value
        }
    }

    static func tombstones(_ lake: String, _ endpoint: String) async throws -> [String] {
        try await CompletenessTests.committedIDs(lake, Reconciliation.table(of: endpoint)).sorted { Int($0)! < Int($1)! }
    }

    /// Tombstones and current records as other engines read them (Tests/Interop/check_tombstones.py).
    static func checkWithOtherEngines(
        _ lake: String, deleted: [String: [Int]], live: [String: [Int]], sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let expected = lake + "-expected.json"
        defer { try? FileManager.default.removeItem(atPath: expected) }
        let object = Dictionary(uniqueKeysWithValues: deleted.keys.map { ($0, ["deleted": deleted[$0]!, "live": live[$0]!]) })
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: expected))
        try await LakeHarness.checkWithScript("check_tombstones.py", [lake, expected], sourceLocation: sourceLocation)
    }

    @Test func exactlyTheDeletedIDsGetTombstonesOnceAcrossReconciles() async throws {
        let lake = try LakeHarness.temporaryDirectory("lake")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        let mock = MockConfiguration(seed: 21, contacts: 430, deals: 260)
        try await withMockServer(mock) { baseURL, server in
            // Nothing deleted yet: the first reconcile creates both tables without a row, and the README's query works.
            let initial = try await export(baseURL, mock, to: lake, reconcile: true)
            #expect(initial.succeeded && initial.results[2].rows == 0 && initial.results[2].files == 1 && initial.results[3].files == 1)
            try await Self.checkWithOtherEngines(
                lake, deleted: ["contacts": [], "deals": []],
                live: ["contacts": try Self.liveIDs(server, "contacts"), "deals": try Self.liveIDs(server, "deals")])
            server.delete(path: "contacts", ids: [1, 150, 151, 200, 429, 430])
            server.delete(path: "deals", ids: [2, 77, 260])
            let first = try await export(baseURL, mock, to: lake, reconcile: true)
            #expect(first.succeeded, "\(first.results.map { "\($0.endpoint): \($0.error ?? "-")" })")
            #expect(first.results.map(\.endpoint) == ["contacts", "deals", "contacts_deleted", "deals_deleted"])
            #expect(first.results[2].rows == 6 && first.results[3].rows == 3)
            // The id listing is checked like any other: every live record listed, none missing.
            #expect(first.results[2].completeness?.read == 424 && first.results[2].completeness?.verdict == .complete)
            #expect(try await Self.tombstones(lake, "contacts") == ["1", "150", "151", "200", "429", "430"])
            #expect(try await Self.tombstones(lake, "deals") == ["2", "77", "260"])

            let again = try await export(baseURL, mock, to: lake, reconcile: true)
            #expect(again.succeeded && again.results[2].rows == 0 && again.results[3].rows == 0, "nothing new is deleted")
            server.delete(path: "contacts", ids: [42])
            let third = try await export(baseURL, mock, to: lake, reconcile: true)
            #expect(third.succeeded && third.results[2].rows == 1 && third.results[3].rows == 0)
            #expect(try await Self.tombstones(lake, "contacts") == ["1", "42", "150", "151", "200", "429", "430"], "each id once")
            #expect(try ManifestStore.read(directory: lake).reconciliations == nil, "no unfinished listing is left")
            try await Self.checkWithOtherEngines(
                lake, deleted: ["contacts": [1, 42, 150, 151, 200, 429, 430], "deals": [2, 77, 260]],
                live: ["contacts": try Self.liveIDs(server, "contacts"), "deals": try Self.liveIDs(server, "deals")])
        }
    }

    /// A reconcile stopped mid-listing keeps how far it got; the next one lists on from there and finds the same ids.
    @Test func aStoppedReconcileResumesAfterTheLastIDItJudged() async throws {
        let lake = try LakeHarness.temporaryDirectory("lake")
        let log = lake + "-requests.jsonl"
        defer { try? FileManager.default.removeItem(atPath: lake); try? FileManager.default.removeItem(atPath: log) }
        let now = Date()
        let deleted = [5, 120, 250, 333]
        let clean = MockConfiguration(seed: 22, contacts: 400, deals: 50, logPath: log, now: now)
        try await withMockServer(clean) { baseURL, _ in
            let first = try await export(baseURL, clean, to: lake, reconcile: false)
            #expect(first.succeeded)
        }
        // The second run's contacts export makes 2 requests (the window's one page and its count); the reconcile's
        // listing gets 2 pages, then the API refuses.
        let failing = MockConfiguration(
            seed: 22, contacts: 400, deals: 50, now: now, faults: [MockFaultRule(path: "contacts", requests: 4..<1000, fault: .status(400))])
        try await withMockServer(failing) { baseURL, server in
            server.delete(path: "contacts", ids: deleted)
            let stopped = try await export(baseURL, failing, to: lake, reconcile: true, checkpointEveryPage: true)
            #expect(stopped.results[0].status == .succeeded && stopped.results[2].status == .failed, "\(stopped.results.map { "\($0.endpoint): \($0.error ?? "-")" })")
        }
        let progress = try #require(try ManifestStore.read(directory: lake).reconciliations?["contacts"])
        #expect(progress.afterID == 202 && progress.missing == [5, 120] && progress.read == 200 && progress.totalAtStart == 396, "\(progress)")
        #expect(try await Self.tombstones(lake, "contacts").isEmpty, "nothing is written before the listing is complete")
        try Data().write(to: URL(fileURLWithPath: log))
        try await withMockServer(clean) { baseURL, server in
            server.delete(path: "contacts", ids: deleted)
            let resumed = try await export(baseURL, clean, to: lake, reconcile: true)
            #expect(resumed.succeeded, "\(resumed.results.map { "\($0.endpoint): \($0.error ?? "-")" })")
            #expect(resumed.results[2].completeness?.read == 396 && resumed.results[2].completeness?.verdict == .complete)
            let listing = try CompletenessTests.requests(log).compactMap { $0["query"] as? String }.filter { $0.contains("orders") && !$0.contains("filters") }
            #expect(listing.first?.contains("id_greater=202") == true, "the listing goes on after the last id judged: \(listing)")
        }
        #expect(try await Self.tombstones(lake, "contacts") == deleted.map(String.init))
        #expect(try ManifestStore.read(directory: lake).reconciliations == nil)
    }

    /// An id listing that stops early cannot tell deleted ids from unlisted ones: no tombstone, exit status 1.
    @Test func anIncompleteIDListingWritesNoTombstones() async throws {
        let lake = try LakeHarness.temporaryDirectory("lake")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        let now = Date()
        let clean = MockConfiguration(seed: 23, contacts: 300, deals: 50, now: now)
        try await withMockServer(clean) { baseURL, _ in
            let first = try await export(baseURL, clean, to: lake, reconcile: false)
            #expect(first.succeeded)
        }
        // The reconcile's second page (request 3 of contacts) is empty: the listing ends at 100 of 300.
        let stopping = MockConfiguration(seed: 23, contacts: 300, deals: 50, now: now, faults: [MockFaultRule(path: "contacts", requests: 3..<4, fault: .emptyPage)])
        try await withMockServer(stopping) { baseURL, _ in
            let run = try await export(baseURL, stopping, to: lake, reconcile: true)
            #expect(!run.succeeded && run.results[2].status == .incomplete, "\(run.results.map { "\($0.endpoint): \($0.error ?? "-")" })")
            #expect(run.results[2].error?.contains("No tombstones were written") == true)
            #expect(run.results[2].completeness?.read == 100 && run.results[2].completeness?.expected == 300)
        }
        let manifest = try ManifestStore.read(directory: lake)
        #expect(manifest.endpoints["contacts_deleted"] == nil && manifest.reconciliations == nil)
        #expect(!FileManager.default.fileExists(atPath: lake + "/contacts_deleted"))
    }

    /// The CLI: `--dry-run --reconcile` prices the listing; `--reconcile` reports the tombstone tables in its summary.
    @Test func theCommandLineReconcilesAndItsDryRunCountsTheListing() async throws {
        guard FileManager.default.isExecutableFile(atPath: LakeHarness.cli) else {
            Issue.record("\(LakeHarness.cli) is missing: `make test` builds it before the tests")
            return
        }
        let lake = try LakeHarness.temporaryDirectory("lake")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        let mock = MockConfiguration(apiKey: "reconcile-key", contacts: 250, deals: 40)
        try await withMockServer(mock) { baseURL, server in
            let environment = ["ACTIVECAMPAIGN_API_KEY": "reconcile-key", "ACTIVECAMPAIGN_BASE_URL": baseURL]
            let arguments = ["run", "--out", lake, "--endpoints", "contacts,deals", "--anchor-date", "2000-01-01", "--rate-limit", "100"]
            let (exported, firstOutput) = try await LakeHarness.run(LakeHarness.cli, arguments, environment: environment)
            #expect(exported == 0, "\(firstOutput)")
            server.delete(path: "contacts", ids: [7, 8])
            let (planned, plan) = try await LakeHarness.run(LakeHarness.cli, arguments + ["--dry-run", "--reconcile"], environment: environment)
            #expect(planned == 0, "\(plan)")
            let row = plan.split(separator: "\n").first { $0.hasPrefix("contacts_deleted") }.map { $0.split(separator: " ").map(String.init) } ?? []
            #expect(row.starts(with: ["contacts_deleted", "reconcile", "248", "4"]), "3 pages and the count: \(plan)")
            let (status, output) = try await LakeHarness.run(LakeHarness.cli, arguments + ["--reconcile"], environment: environment)
            #expect(status == 0, "\(output)")
            let summary = output.split(separator: "\n").first { $0.hasPrefix("contacts_deleted") }.map { $0.split(separator: " ").map(String.init) } ?? []
            #expect(summary.starts(with: ["contacts_deleted", "incremental", "succeeded", "2", "0", "248", "complete"]), "\(output)")
        }
        #expect(try await Self.tombstones(lake, "contacts") == ["7", "8"])
    }

    /// kill -9 during the reconcile's listing, once it saved how far it got: the next `--reconcile` resumes there and
    /// writes exactly the deleted ids.
    @Test func aKilledReconcileResumes() async throws {
        guard FileManager.default.isExecutableFile(atPath: LakeHarness.cli) else {
            Issue.record("\(LakeHarness.cli) is missing: `make test` builds it before the tests")
            return
        }
        let lake = try LakeHarness.temporaryDirectory("lake")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        let deleted = [3, 404, 405, 1_111, 1_500]
        let mock = MockConfiguration(apiKey: "kill-key", contacts: 1_500, deals: 20, latency: .milliseconds(60))
        try await withMockServer(mock) { baseURL, server in
            let environment = ["ACTIVECAMPAIGN_API_KEY": "kill-key", "ACTIVECAMPAIGN_BASE_URL": baseURL]
            let arguments = ["run", "--out", lake, "--endpoints", "contacts", "--anchor-date", "2000-01-01", "--rate-limit", "100"]
            let (exported, output) = try await LakeHarness.run(LakeHarness.cli, arguments, environment: environment)
            #expect(exported == 0, "\(output)")
            server.delete(path: "contacts", ids: deleted)
            let reconciling = try StartedProcess(
                LakeHarness.cli, arguments + ["--reconcile", "--checkpoint-interval", "0.05"], environment: environment, in: nil)
            let deadline = ContinuousClock.now + .seconds(60)
            while reconciling.isRunning, ContinuousClock.now < deadline,
                  (try? ManifestStore.read(directory: lake))?.reconciliations?["contacts"] == nil {
                try await Task.sleep(for: .milliseconds(10))
            }
            kill(reconciling.pid, SIGKILL)
            _ = try await reconciling.waitForExit(within: .seconds(10))
            let killed = reconciling.outcome()
            #expect(killed.crashed, "the run must be killed mid-listing, not finish: \(killed.combined)")
            let progress = try #require(try ManifestStore.read(directory: lake).reconciliations?["contacts"])
            #expect(progress.afterID > 0 && progress.afterID < 1_500, "\(progress)")
            #expect(try await Self.tombstones(lake, "contacts").isEmpty)
            let resumed = try await LakeHarness.runSeparately(LakeHarness.cli, arguments + ["--reconcile", "--log-format", "json"], environment: environment)
            #expect(resumed.status == 0, "\(resumed.combined)")
            #expect(resumed.stderr.contains("resuming the reconcile's listing") && resumed.stderr.contains("\(progress.afterID)"), "\(resumed.stderr)")
        }
        #expect(try await Self.tombstones(lake, "contacts") == deleted.map(String.init))
        #expect(try ManifestStore.read(directory: lake).reconciliations == nil)
    }

    /// Deals and contacts inserted, updated and deleted after every page of the id listings (an offset listing can then
    /// miss a live deal with its count unchanged): no live record gets a tombstone, and every record deleted before the
    /// reconcile gets one.
    @Test func recordsChangingDuringTheListingGetNoFalseTombstone() async throws {
        let lake = try LakeHarness.temporaryDirectory("lake")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        let now = Date()
        let calm = MockConfiguration(seed: 24, contacts: 900, deals: 700, now: now)
        let churning = { var mock = calm; mock.mutate = 4; return mock }()
        let before = (contacts: [10, 11, 400, 899], deals: [3, 350, 351, 699])
        try await withMockServer(calm) { baseURL, _ in
            let first = try await export(baseURL, calm, to: lake, reconcile: false)
            #expect(first.succeeded)
        }
        try await withMockServer(churning) { baseURL, server in
            server.delete(path: "contacts", ids: before.contacts)
            server.delete(path: "deals", ids: before.deals)
            let run = try await export(baseURL, churning, to: lake, reconcile: true)
            for result in run.results where result.endpoint.hasSuffix("_deleted") && result.status != .succeeded {
                // A listing the churn made short writes nothing: allowed, but then nothing may be tombstoned.
                #expect(result.status == .incomplete, "\(result.endpoint): \(result.error ?? "")")
            }
            for (endpoint, deletedBefore) in [("contacts", before.contacts), ("deals", before.deals)] {
                let tombstones = Set(try await Self.tombstones(lake, endpoint).compactMap { Int($0) })
                let live = Set(try Self.liveIDs(server, endpoint))
                #expect(tombstones.isDisjoint(with: live), "\(endpoint): live records tombstoned: \(tombstones.intersection(live).sorted())")
                if run.results.first(where: { $0.endpoint == endpoint + "_deleted" })?.status == .succeeded {
                    #expect(Set(deletedBefore).isSubset(of: tombstones), "\(endpoint): \(Set(deletedBefore).subtracting(tombstones).sorted()) not tombstoned")
                }
            }
        }
    }

    /// An id an offset listing did not return is asked for before its tombstone: the mock answers the live deal's
    /// `GET deals/<id>` with the deal and the deleted one's with a 404, and only the deleted one is confirmed.
    @Test func candidatesOfAnOffsetListingAreConfirmedOneByOne() async throws {
        let mock = MockConfiguration(seed: 25, contacts: 20, deals: 40)
        try await withMockServer(mock) { baseURL, server in
            server.delete(path: "deals", ids: [7])
            let client = ActiveCampaignClient(
                credentials: try Credentials(apiKey: mock.apiKey, baseURL: baseURL), configuration: EndToEndTests.fastClient, logger: logger)
            defer { Task { try? await client.shutdown() } }
            let source = APIRecordSource(client: client)
            let deals = Endpoint.named("deals")!
            #expect(try await Reconciliation.confirmed([5, 7, 9], of: deals, ordered: false, source: source, logger: logger) == [7])
            // A keyset listing cannot miss a live record: its candidates stand without a request.
            let before = client.statistics.requests
            #expect(try await Reconciliation.confirmed([5, 7], of: Endpoint.named("contacts")!, ordered: true, source: source, logger: logger) == [5, 7])
            #expect(client.statistics.requests == before)
            try await client.shutdown()
        }
    }
}
