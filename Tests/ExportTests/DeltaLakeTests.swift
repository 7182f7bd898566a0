import ActiveCampaign
import ActiveCampaignMock
@testable import Export
import Foundation
import Testing

/// Every endpoint folder is a Delta table: deltalake (delta-rs), polars and DuckDB's delta extension read exactly the
/// rows of the files the manifest lists, after a first run, an incremental run with changed records, same-day
/// snapshot replacements, a widening and a new column (Tests/Interop/check_delta.py).
@Suite(.serialized) struct DeltaLakeTests {
    static var deltaPython: String { LakeHarness.repositoryRoot.appendingPathComponent(".venv-delta/bin/python").path }

    struct Seen: Decodable, Equatable {
        var rows: Int
        var digest: String
        var duplicates: Int
        var version: Int?
        var txn: Int?
    }

    struct ReadFailed: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// What `engine` reads of each endpoint of `lake` (a folder, or s3://… reached with `environment`'s AWS settings).
    static func read(_ lake: String, engine: String, endpoints: [String] = [], environment extra: [String: String] = [:]) async throws -> [String: Seen] {
        // DuckDB over S3 needs httpfs, which comes with the delta venv's DuckDB.
        let python = engine == "duckdb" || (engine == "glob" && lake.hasPrefix("s3://")) ? deltaPython : LakeHarness.python
        try #require(FileManager.default.isExecutableFile(atPath: python), "\(python) is missing: run `make venv`")
        let script = LakeHarness.repositoryRoot.appendingPathComponent("Tests/Interop/check_delta.py").path
        let home = try LakeHarness.temporaryDirectory("duckdb-home")  // DuckDB's extension import needs a writable HOME
        defer { try? FileManager.default.removeItem(atPath: home) }
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home
        environment.merge(extra) { _, new in new }
        let (status, output) = try await LakeHarness.run(python, [script, lake, engine] + endpoints, environment: environment)
        // Thrown, not recorded: a caller that expects a table to be unreadable decides what that means.
        guard status == 0 else { throw ReadFailed(message: "\(engine): \(output.suffix(1500))") }
        let json = output.split(separator: "\n").last.map(String.init) ?? ""
        return try JSONDecoder().decode([String: Seen].self, from: Data(json.utf8))
    }

    /// Every Delta reader sees what the plain read of the manifest's files sees; returns that, with each table's
    /// version from deltalake.
    @discardableResult
    static func expectDeltaReadersAgree(_ lake: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Seen] {
        let plain = try await read(lake, engine: "plain")
        let delta = try await read(lake, engine: "deltalake")
        for engine in ["polars", "duckdb"] {
            let seen = try await read(lake, engine: engine)
            for (endpoint, expected) in plain {
                #expect(seen[endpoint]?.digest == expected.digest && seen[endpoint]?.rows == expected.rows,
                        "\(engine) reads \(endpoint) as \(String(describing: seen[endpoint])), the files hold \(expected)", sourceLocation: sourceLocation)
            }
        }
        for (endpoint, expected) in plain {
            let table = delta[endpoint]
            #expect(table?.digest == expected.digest && table?.rows == expected.rows,
                    "deltalake reads \(endpoint) as \(String(describing: table)), the files hold \(expected)", sourceLocation: sourceLocation)
            // One txn version per commit: the table's version and ac-export's transaction grow together.
            #expect(table?.txn == table?.version, "\(endpoint): txn \(String(describing: table?.txn)), version \(String(describing: table?.version))", sourceLocation: sourceLocation)
        }
        return delta
    }

    @Test func everyEndpointIsADeltaTableThatEveryReaderReadsAsTheManifestSays() async throws {
        var mock = MockConfiguration(contacts: 1_500, deals: 400, mutate: 2)
        mock.shapes = MockDataShapes(path: "contacts", kinds: [.typeChange, .lateField], from: 700)
        try await ExportScenario.with("delta tables", mock: mock) { scenario in
            let all = Endpoint.standard.map(\.name)
            // Checkpoints from the first page on: the types are fixed early, so the drift widens committed files.
            let arguments = scenario.runArguments(all, ["--checkpoint-interval", "0.001"])
            let first = try await scenario.run(arguments)
            #expect(first.status == 0, "\(first.combined)")
            let afterFirst = try await Self.expectDeltaReadersAgree(scenario.lake)
            #expect(afterFirst.count == 15, "\(afterFirst.keys.sorted())")
            let manifest = try scenario.manifest()
            #expect(manifest.endpoints["contacts"]?.rewrites?.isEmpty == false, "the drift did not widen committed files")
            #expect(manifest.endpoints["contacts"]?.schema.columns.contains { $0.name == "shape_late" } == true)

            // The mock changed contacts and deals while they were read: an incremental run; the snapshot endpoints
            // replace their same-day snapshot.
            let second = try await scenario.run(scenario.runArguments(all))
            #expect(second.status == 0, "\(second.combined)")
            let afterSecond = try await Self.expectDeltaReadersAgree(scenario.lake)
            let expected = scenario.expectedIDs(["tags", "contacts"])
            #expect(afterSecond["tags"]?.rows == expected["tags"]?.count, "a Delta reader must see exactly the new tags snapshot")
            #expect((afterSecond["contacts"]?.version ?? 0) > (afterFirst["contacts"]?.version ?? 0))

            // Time travel: the version after the first run reads as it did then.
            let version = try #require(afterFirst["contacts"]?.version)
            let past = try await Self.read(scenario.lake, engine: "deltalake@\(version)", endpoints: ["contacts"])
            #expect(past["contacts"]?.digest == afterFirst["contacts"]?.digest)
        }
    }

    /// Checkpoints every 3 commits, through appends, a widening (new metaData, files removed and re-added) and
    /// same-day snapshot replacements: each table's last checkpoint alone, with the JSON commits after it, reads as
    /// the whole log does (a copy of the lake loses every commit up to the checkpoint and is read by all three readers).
    @Test func aCheckpointHoldsTheWholeStateOfItsVersion() async throws {
        var mock = MockConfiguration(contacts: 1_500, deals: 400, mutate: 2)
        mock.shapes = MockDataShapes(path: "contacts", kinds: [.typeChange, .lateField], from: 700)
        try await ExportScenario.with("delta checkpoints", mock: mock) { scenario in
            let endpoints = ["contacts", "deals", "tags", "deal_stages"]
            let options = ["--checkpoint-interval", "0.001", "--delta-checkpoint-interval", "3"]
            // Four runs: the snapshot endpoints commit once per run, so their version 3 has a checkpoint.
            for _ in 0..<4 {
                let run = try await scenario.run(scenario.runArguments(endpoints, options))
                #expect(run.status == 0, "\(run.combined)")
            }
            let whole = try await Self.expectDeltaReadersAgree(scenario.lake)
            // The checkpoints beside the data do not disturb the README's glob of the plain view.
            let glob = try await Self.read(scenario.lake, engine: "glob")
            for endpoint in endpoints {
                #expect(glob[endpoint]?.digest == whole[endpoint]?.digest, "\(endpoint): the glob reads \(String(describing: glob[endpoint]))")
            }
            let copy = scenario.lake + "-from-checkpoints"
            try FileManager.default.copyItem(atPath: scenario.lake, toPath: copy)
            defer { try? FileManager.default.removeItem(atPath: copy) }
            for endpoint in endpoints {
                let log = copy + "/\(endpoint)/_delta_log"
                let last = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: log + "/_last_checkpoint"))) as? [String: Any]
                let checkpoint = try #require(last?["version"] as? Int, "\(endpoint) has no checkpoint")
                #expect(checkpoint % 3 == 0 && checkpoint > 0 && checkpoint <= whole[endpoint]?.version ?? -1, "\(endpoint): \(String(describing: last))")
                for version in 0...checkpoint { try FileManager.default.removeItem(atPath: log + "/" + DeltaLog.commitName(version)) }
            }
            let fromCheckpoints = try await Self.expectDeltaReadersAgree(copy)
            for endpoint in endpoints {
                #expect(fromCheckpoints[endpoint]?.version == whole[endpoint]?.version && fromCheckpoints[endpoint]?.txn == whole[endpoint]?.txn,
                        "\(endpoint): \(String(describing: fromCheckpoints[endpoint])) vs \(String(describing: whole[endpoint]))")
            }
        }
    }

    /// `--no-delta-log` writes plain Parquet only, and is refused (exit 2, nothing written) on a lake with Delta tables,
    /// whose logs it would leave behind the data.
    @Test func aRunWithoutTheLogIsOnlyForALakeWithout() async throws {
        try await ExportScenario.with("no delta log", mock: MockConfiguration(contacts: 120, deals: 10)) { scenario in
            let plain = try await scenario.run(scenario.runArguments(["contacts", "tags"], ["--no-delta-log"]))
            #expect(plain.status == 0, "\(plain.combined)")
            for endpoint in ["contacts", "tags"] {
                #expect(!FileManager.default.fileExists(atPath: scenario.lake + "/\(endpoint)/_delta_log"))
            }
            #expect(try await Self.read(scenario.lake, engine: "plain")["contacts"]?.rows == 120)
            // The default run makes the tables from the manifest (the reconcile), then a run without logs is refused.
            #expect(try await scenario.run(scenario.runArguments(["tags"])).status == 0)
            try await Self.expectDeltaReadersAgree(scenario.lake)
            let before = try scenario.manifest()
            let refused = try await scenario.run(scenario.runArguments(["contacts"], ["--no-delta-log"]))
            #expect(refused.status == 2 && refused.combined.contains("is a Delta table") && refused.combined.contains("_delta_log"), "\(refused.combined)")
            #expect(try scenario.manifest().runs.count == before.runs.count, "a refused run must not be recorded")
        }
    }

    /// A table whose log lost its last commit (a kill between the manifest and the log) catches up in the next run's
    /// first step, and a lake written before the tables existed (no `_delta_log`) gets its whole table there.
    @Test func aLakeWithoutOrBehindItsLogIsReconciledByTheNextRun() async throws {
        try await ExportScenario.with("delta reconcile", mock: MockConfiguration(contacts: 300, deals: 50)) { scenario in
            let endpoints = ["contacts", "deals", "tags"]
            // A commit per page of contacts (3 pages): versions 0, 1 and 2.
            #expect(try await scenario.run(scenario.runArguments(endpoints, ["--checkpoint-interval", "0.001"])).status == 0)
            let log = scenario.lake + "/contacts/_delta_log"
            let commits = try FileManager.default.contentsOfDirectory(atPath: log).filter { $0.hasSuffix(".json") }.sorted()
            try #require(commits.count >= 2, "\(commits)")
            try FileManager.default.removeItem(atPath: log + "/" + commits.last!)
            #expect(try await scenario.run(scenario.runArguments(["tags"])).status == 0)
            try await Self.expectDeltaReadersAgree(scenario.lake)
            var versions = try await Self.versions(scenario.lake + "/contacts")
            #expect(versions.count == commits.count && versions.last?["step"] as? String == "reconcile", "\(versions)")
            #expect((versions.last?["rows_added"] as? Int ?? 0) > 0 && versions.first?["step"] as? String != "reconcile", "\(versions)")

            for endpoint in endpoints { try FileManager.default.removeItem(atPath: scenario.lake + "/\(endpoint)/_delta_log") }
            #expect(try await scenario.run(scenario.runArguments(["tags"])).status == 0)
            try await Self.expectDeltaReadersAgree(scenario.lake)
            versions = try await Self.versions(scenario.lake + "/contacts")
            #expect(versions.count == 1 && versions.first?["rows_added"] as? Int == 300 && versions.first?["step"] as? String == "reconcile", "\(versions)")
            let (_, table) = try await LakeHarness.run(LakeHarness.cli, ["inspect", scenario.lake + "/contacts"])
            #expect(table.contains("WRITE (reconcile)") && table.contains("+300 -0"), "\(table)")
        }
    }

    /// `inspect --json` of a table folder: its versions.
    static func versions(_ table: String) async throws -> [[String: Any]] {
        let (status, text) = try await LakeHarness.run(LakeHarness.cli, ["inspect", table, "--json"])
        #expect(status == 0, "\(text)")
        return (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["versions"] as? [[String: Any]] ?? []
    }
}
