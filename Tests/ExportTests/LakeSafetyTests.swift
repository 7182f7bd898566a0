import ActiveCampaign
import ActiveCampaignMock
@testable import Export
import Foundation
import Parquet
import Testing

/// What keeps wrong data out of a lake, through the real CLI: no silent demo, one account per lake, exact
/// anchor dates, resume that refuses to guess.
@Suite struct LakeSafetyTests {
    func environmentWithoutAccount() -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["ACTIVECAMPAIGN_API_KEY"] = nil
        environment["ACTIVECAMPAIGN_BASE_URL"] = nil
        return environment
    }

    @Test func withoutCredentialsRunStopsAndNamesWhatToSet() async throws {
        let lake = try LakeHarness.temporaryDirectory("no-account")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        let (status, output) = try await LakeHarness.run(
            LakeHarness.cli, ["run", "--out", lake + "/out", "--endpoints", "tags"], environment: environmentWithoutAccount(), in: lake)
        #expect(status == 2, "\(output)")
        #expect(output.contains("ACTIVECAMPAIGN_API_KEY") && output.contains("ACTIVECAMPAIGN_BASE_URL") && output.contains("--demo"))
        #expect(!FileManager.default.fileExists(atPath: lake + "/out"))
    }

    @Test func demoIntoARealAccountsLakeAndTheReverseAreRefused() async throws {
        let folder = try LakeHarness.temporaryDirectory("account-binding")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let demoLake = folder + "/demo", realLake = folder + "/real"
        let (demoStatus, demoOutput) = try await LakeHarness.run(
            LakeHarness.cli, ["run", "--demo", "--out", demoLake, "--endpoints", "tags", "--rate-limit", "50"],
            environment: environmentWithoutAccount(), in: folder)
        #expect(demoStatus == 0, "\(demoOutput)")
        #expect(try ManifestStore.read(directory: demoLake).account == "demo")
        try await withMockServer(MockConfiguration(apiKey: "binding-key-SECRET", contacts: 20, deals: 5)) { baseURL, _ in
            var environment = environmentWithoutAccount()
            environment["ACTIVECAMPAIGN_API_KEY"] = "binding-key-SECRET"
            environment["ACTIVECAMPAIGN_BASE_URL"] = baseURL
            let before = TreeSnapshot(demoLake)
            let (status, output) = try await LakeHarness.run(LakeHarness.cli, ["run", "--out", demoLake, "--endpoints", "tags"], environment: environment, in: folder)
            #expect(status == 2, "\(output)")
            #expect(output.contains("account demo") && output.contains(baseURL.lowercased()), "\(output)")
            #expect(TreeSnapshot(demoLake) == before, "a refused run changed the lake")

            let (realStatus, realOutput) = try await LakeHarness.run(LakeHarness.cli, ["run", "--out", realLake, "--endpoints", "tags"], environment: environment, in: folder)
            #expect(realStatus == 0, "\(realOutput)")
            let manifest = try String(contentsOfFile: realLake + "/_manifest.json", encoding: .utf8)
            #expect(manifest.contains(#""account" : "\#(baseURL.lowercased())""#) && !manifest.contains("binding-key-SECRET"))
            let (reverse, reverseOutput) = try await LakeHarness.run(
                LakeHarness.cli, ["run", "--demo", "--out", realLake, "--endpoints", "tags"], environment: environmentWithoutAccount(), in: folder)
            #expect(reverse == 2 && reverseOutput.contains("account demo"), "\(reverseOutput)")
        }
    }

    @Test(arguments: ["2024-06-01junk", "2024-02-30", "2024-06-01T12", "2024-06-01T25:00", "2024-06-01T12:34+2", "06/01/2024", ""])
    func anAnchorDateThatIsNotExactlyISO8601IsAUsageError(anchor: String) async throws {
        let (status, output) = try await LakeHarness.run(
            LakeHarness.cli, ["run", "--out", "/tmp/never-written-anchor", "--anchor-date", anchor, "--endpoints", "contacts"],
            environment: ["ACTIVECAMPAIGN_API_KEY": "k", "ACTIVECAMPAIGN_BASE_URL": "http://127.0.0.1:9"])
        #expect(status == 2, "\(anchor): \(output)")
        #expect(output.contains("not an ISO 8601"), "\(anchor): \(output)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never-written-anchor"))
    }

    /// Times and zones are kept, not truncated to the day; a time without a zone is UTC and `config show` says so.
    @Test(arguments: [
        ("2024-06-01T12:34:56", "2024-06-01T12:34:56Z", true), ("2024-06-01T12:34+02:00", "2024-06-01T10:34:00Z", false),
        ("2024-02-29", "2024-02-29T00:00:00Z", false), ("2024-06-01T00:30:00-0130", "2024-06-01T02:00:00Z", false),
    ])
    func anAnchorDateKeepsItsTimeAndZone(anchor: String, utc: String, assumed: Bool) async throws {
        let (status, output) = try await LakeHarness.run(
            LakeHarness.cli, ["config", "show", "--anchor-date", anchor], environment: environmentWithoutAccount())
        #expect(status == 0, "\(output)")
        let line = output.split(separator: "\n").first { $0.hasPrefix("anchor_date") }.map(String.init) ?? ""
        #expect(line.contains(utc), "\(anchor): \(line)")
        #expect(line.contains("no zone given: UTC") == assumed, "\(anchor): \(line)")
    }

    /// Resume re-reads the ids of an offset-paged endpoint's committed files; one it cannot read fails the
    /// endpoint, naming the file, instead of committing those rows a second time.
    @Test func resumeWithAnUnreadableCommittedFileFailsInsteadOfDuplicating() async throws {
        try await ExportScenario.with("unreadable committed file on resume", mock: MockConfiguration(contacts: 10, deals: 900, latency: .milliseconds(15))) { scenario in
            // A first run killed once deals has a checkpoint with committed files.
            let started = try scenario.start(scenario.runArguments(["deals"], ["--checkpoint-interval", "0.2", "--rate-limit", "200"]))
            let deadline = ContinuousClock.now + .seconds(60)
            var committed: [CommittedFile] = []
            while ContinuousClock.now < deadline {
                if let state = try? scenario.manifest().endpoints["deals"], state.checkpoint != nil, !state.files.isEmpty {
                    committed = state.files
                    break
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            Foundation.kill(started.pid, SIGKILL)
            _ = try await started.waitForExit(within: .seconds(10))
            _ = scenario.finish(started)
            try #require(!committed.isEmpty, "deals never had a checkpoint with a committed file")
            let filesAfterKill = try scenario.manifest().endpoints["deals"]?.files
            let victim = scenario.lake + "/" + committed[0].path
            let healthy = try Data(contentsOf: URL(fileURLWithPath: victim))
            try Data(healthy.prefix(healthy.count / 2)).write(to: URL(fileURLWithPath: victim))

            let outcome = try await scenario.run(scenario.runArguments(["deals"]))
            #expect(outcome.status == 1, "\(outcome.stderr)")
            #expect((outcome.stdout + outcome.stderr).contains(committed[0].path), "the message must name the file")
            #expect(try scenario.manifest().endpoints["deals"]?.checkpoint != nil, "the checkpoint must survive")
            #expect(try scenario.manifest().endpoints["deals"]?.files == filesAfterKill, "a refused resume must not commit anything")

            // Restored, the next run completes exactly once.
            try healthy.write(to: URL(fileURLWithPath: victim))
            let retry = try await scenario.run(scenario.runArguments(["deals"]))
            #expect(retry.status == 0, "\(retry.stderr)")
            let tally = try await scenario.tally(["deals"])
            #expect(tally.isExactlyOnce, "\(tally.summary)")
        }
    }
}

/// Column names chosen for awkward source keys (an empty key, `ID` beside `id`) stay the same run after run.
@Suite struct ColumnNameStabilityTests {
    @Test func renamedColumnsAreTheSameAfterThreeRuns() async throws {
        let folder = try LakeHarness.temporaryDirectory("column-names")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let page = folder + "/page.json"
        try #"{"contacts":[{"id":"1","ID":"upper","":"empty","email":"a@example.com","date":"x"},{"id":"2","ID":"U2","":"e2","email":"b@example.com","date":"y"}],"meta":{"total":"2"}}"#
            .write(toFile: page, atomically: true, encoding: .utf8)
        var columnsPerRun: [[String]] = []
        for _ in 0..<3 {
            let (status, output) = try await LakeHarness.run(LakeHarness.cli, ["convert", "--endpoint", "contacts", "--out", folder + "/lake", "--quiet", page])
            #expect(status == 0, "\(output)")
            columnsPerRun.append(try ManifestStore.read(directory: folder + "/lake").endpoints["contacts"]?.schema.columns.map(\.name) ?? [])
        }
        // `date` is the partition column (folder names, the Delta schema): a field of that name gets another.
        #expect(columnsPerRun[0] == ["id", "ID_2", "_empty_key", "email", "date_2"], "\(columnsPerRun[0])")
        #expect(columnsPerRun[1] == columnsPerRun[0] && columnsPerRun[2] == columnsPerRun[0], "\(columnsPerRun)")
        // Every file of the endpoint has the same columns.
        let files = try ManifestStore.read(directory: folder + "/lake").endpoints["contacts"]?.files ?? []
        #expect(!files.isEmpty)
        for file in files {
            let reader = try ParquetFileReader(path: folder + "/lake/" + file.path)
            #expect(Array(reader.schema.columns.map(\.name).prefix(5)) == columnsPerRun[0], "\(file.path)")
        }
    }
}

/// `--checkpoint-interval` bounds the work a kill loses from the first page on, also before enough rows
/// have been read to fix the column types.
@Suite struct EarlyCheckpointTests {
    @Test func aCheckpointLandsBeforeTheInferenceRowsAndAKilledBackfillResumesFromIt() async throws {
        try await ExportScenario.with("checkpoint before inference", mock: MockConfiguration(contacts: 3_000, deals: 5, latency: .milliseconds(40))) { scenario in
            let started = try scenario.start(scenario.runArguments(["contacts"], ["--checkpoint-interval", "0.5", "--rate-limit", "50"]))
            let deadline = ContinuousClock.now + .seconds(60)
            var checkpointRows = 0
            while ContinuousClock.now < deadline, checkpointRows == 0 {
                checkpointRows = (try? scenario.manifest().endpoints["contacts"]?.checkpoint?.rowsCommitted) ?? 0
                try await Task.sleep(for: .milliseconds(20))
            }
            Foundation.kill(started.pid, SIGKILL)
            _ = try await started.waitForExit(within: .seconds(10))
            _ = scenario.finish(started)
            // 3,000 contacts are below the 10,000 rows that fix the types otherwise: without the interval, nothing
            // would be committed before the end.
            #expect(checkpointRows > 0 && checkpointRows < 3_000, "rows committed at the first checkpoint: \(checkpointRows)")
            let resumed = try await scenario.run(scenario.runArguments(["contacts"]))
            #expect(resumed.status == 0, "\(resumed.stderr)")
            #expect(resumed.stderr.contains("resuming from checkpoint"), "\(resumed.stderr)")
            let tally = try await scenario.tally(["contacts"])
            #expect(tally.isExactlyOnce, "\(tally.summary)")
        }
    }
}

/// Ways a lake could lose or double rows through the CLI's own options.
@Suite struct LakeHistoryTests {
    /// A full refresh of an incremental endpoint replaces what it re-reads, from the lake's original anchor.
    @Test func fullRefreshReplacesAnIncrementalEndpointInsteadOfDoublingIt() async throws {
        try await ExportScenario.with("full refresh replaces", mock: MockConfiguration(contacts: 400, deals: 5)) { scenario in
            let first = try await scenario.run(scenario.runArguments(["contacts"]))
            #expect(first.status == 0, "\(first.stderr)")
            let refresh = try await scenario.run(["run", "--out", scenario.lake, "--endpoints", "contacts", "--full-refresh", "--rate-limit", "300"])
            #expect(refresh.status == 0, "\(refresh.stderr)")
            #expect(refresh.stdout.split(separator: "\n").contains { $0.hasPrefix("contacts") && $0.contains("full_refresh") }, "\(refresh.stdout)")
            let tally = try await scenario.tally(["contacts"])
            #expect(tally.isExactlyOnce, "\(tally.summary)")
            let state = try scenario.manifest().endpoints["contacts"]
            #expect(state?.anchor == "2000-01-01T00:00:00Z")
            #expect(state?.files.allSatisfy { FileManager.default.fileExists(atPath: scenario.lake + "/" + $0.path) } == true)
        }
    }

    /// Without a trustworthy manifest, no run of any endpoint may treat another endpoint's files as debris.
    @Test func aMissingManifestStopsRunsOfEveryEndpoint() async throws {
        try await ExportScenario.with("missing manifest", mock: MockConfiguration(contacts: 10, deals: 300)) { scenario in
            let first = try await scenario.run(scenario.runArguments(["deals"]))
            #expect(first.status == 0, "\(first.stderr)")
            let manifest = scenario.lake + "/_manifest.json"
            let backup = try Data(contentsOf: URL(fileURLWithPath: manifest + ".bak"))
            try FileManager.default.removeItem(atPath: manifest)
            let before = TreeSnapshot(scenario.lake)
            let withBackup = try await scenario.run(scenario.runArguments(["users"]))
            #expect(withBackup.status == 2 && withBackup.stderr.contains("_manifest.json"), "\(withBackup.stderr)")
            #expect(TreeSnapshot(scenario.lake) == before, "a refused run changed the lake")
            #expect(try Data(contentsOf: URL(fileURLWithPath: manifest + ".bak")) == backup, "the backup was rotated over")

            try FileManager.default.removeItem(atPath: manifest + ".bak")
            let without = try await scenario.run(scenario.runArguments(["users"]))
            #expect(without.status == 2 && without.stderr.contains("deals/"), "\(without.stderr)")
            let tally = try await scenario.tally(["deals"])
            #expect(tally.isExactlyOnce, "the deals backfill must survive: \(tally.summary)")
        }
    }
}
