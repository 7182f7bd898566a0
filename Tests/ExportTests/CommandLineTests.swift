import ActiveCampaign
import ActiveCampaignMock
import Foundation
@testable import Export
import Testing

/// The `ac-export` binary as a user runs it: exit codes, messages, `inspect`.
@Suite struct CommandLineTests {
    func requireCLI() -> Bool {
        guard FileManager.default.isExecutableFile(atPath: LakeHarness.cli) else {
            Issue.record("\(LakeHarness.cli) is missing: `make test` builds it before the tests")
            return false
        }
        return true
    }

    @Test func unknownEndpointIsAUsageErrorWithASuggestion() async throws {
        guard requireCLI() else { return }
        let (status, output) = try await LakeHarness.run(LakeHarness.cli, ["run", "--out", "/tmp/never-written", "--endpoints", "contcts"],
                                                   environment: ["ACTIVECAMPAIGN_API_KEY": "k", "ACTIVECAMPAIGN_BASE_URL": "http://127.0.0.1:9"])
        #expect(status == 2)
        #expect(output.contains("unknown endpoint 'contcts'") && output.contains("did you mean 'contacts'"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never-written"))
    }

    /// The run's preflight request: exit 2 within seconds, nothing written, and never the key.
    @Test func aRejectedKeyStopsTheRunBeforeAnythingIsWrittenAndNeverPrintsTheKey() async throws {
        guard requireCLI() else { return }
        let lake = try LakeHarness.temporaryDirectory("cli-badkey")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        try await withMockServer(MockConfiguration(apiKey: "the-right-key", contacts: 20, deals: 5)) { baseURL, _ in
            let started = ContinuousClock.now
            let (status, output) = try await LakeHarness.run(
                LakeHarness.cli, ["run", "--out", lake, "--endpoints", "contacts,tags", "-v"],
                environment: ["ACTIVECAMPAIGN_API_KEY": "wrong-key-4242", "ACTIVECAMPAIGN_BASE_URL": baseURL])
            #expect(status == 2, "\(output)")
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(output.contains("API key was rejected") && output.contains("before writing anything"), "\(output)")
            #expect(!output.contains("wrong-key-4242"))
        }
        #expect(!FileManager.default.fileExists(atPath: lake + "/_manifest.json"))
    }

    @Test func dryRunReportsTotalsAndRequestsAndWritesNothing() async throws {
        guard requireCLI() else { return }
        let lake = FileManager.default.temporaryDirectory.appendingPathComponent("dry-run-\(UUID().uuidString)").path
        try await withMockServer(MockConfiguration(apiKey: "dry-key", contacts: 250, deals: 40)) { baseURL, _ in
            let (status, output) = try await LakeHarness.run(
                LakeHarness.cli, ["run", "--dry-run", "--out", lake, "--endpoints", "contacts,deals,tags", "--anchor-date", "2000-01-01"],
                environment: ["ACTIVECAMPAIGN_API_KEY": "dry-key", "ACTIVECAMPAIGN_BASE_URL": baseURL])
            #expect(status == 0, "\(output)")
            let contacts = output.split(separator: "\n").first { $0.hasPrefix("contacts") }.map { $0.split(separator: " ").map(String.init) } ?? []
            // 3 pages of 100, and the count request that checks the window's completeness after them.
            #expect(contacts.count >= 5 && contacts[1] == "incremental" && contacts[2] == "250" && contacts[3] == "4")
            let tags = output.split(separator: "\n").first { $0.hasPrefix("tags") }.map { $0.split(separator: " ").map(String.init) } ?? []
            #expect(tags.count >= 5 && tags[1] == "full_refresh" && tags[3] == "1", "a snapshot's pages carry its count: no extra request")
            #expect(output.contains("nothing was written"))
        }
        #expect(!FileManager.default.fileExists(atPath: lake))
    }

    /// `make run`'s flow: no account configured → `--demo`: the built-in mock serves a demo account, all 15 endpoints land.
    @Test func theDemoExportsAllFifteenEndpoints() async throws {
        guard requireCLI() else { return }
        let lake = try LakeHarness.temporaryDirectory("demo")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        var environment = ProcessInfo.processInfo.environment
        environment["ACTIVECAMPAIGN_API_KEY"] = nil
        environment["ACTIVECAMPAIGN_BASE_URL"] = nil
        let (status, output) = try await LakeHarness.run(LakeHarness.cli, ["run", "--demo", "--out", lake, "--rate-limit", "50"], environment: environment, in: lake)
        #expect(status == 0, "\(output)")
        #expect(output.contains("built-in demo account") && output.contains("all endpoints succeeded"))
        let folders = try FileManager.default.contentsOfDirectory(atPath: lake).filter { !$0.hasPrefix(".") && !$0.hasPrefix("_") }
        #expect(Set(folders) == Set(Endpoint.standard.map(\.name)))
    }

    /// Without a terminal, `--log-format json`: one JSON object per event on stderr, one per committed file.
    @Test func jsonLogLinesParse() async throws {
        guard requireCLI() else { return }
        let lake = try LakeHarness.temporaryDirectory("jsonlog")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        try await withMockServer(MockConfiguration(apiKey: "json-key", contacts: 50, deals: 10)) { baseURL, _ in
            // stderr only: the summary table goes to stdout, which is discarded here.
            let (status, text) = try await LakeHarness.run(
                "/bin/sh", ["-c", "\"$0\" run --out \"$1\" --endpoints tags,users --log-format json 2>&1 >/dev/null", LakeHarness.cli, lake],
                environment: ["ACTIVECAMPAIGN_API_KEY": "json-key", "ACTIVECAMPAIGN_BASE_URL": baseURL])
            #expect(status == 0)
            let events = text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(events.count == text.split(separator: "\n").count && !events.isEmpty)
            let committed = events.filter { $0["message"] as? String == "committed" }
            #expect(committed.compactMap { $0["endpoint"] as? String }.sorted() == ["tags", "users"])
            // Typed values, and the paths readers will find (never `_staging/`).
            #expect(committed.allSatisfy { $0["rows"] is Int && $0["bytes"] is Int && !(($0["file"] as? String) ?? "_staging").hasPrefix("_staging") }, "\(committed)")
            let started = events.first { $0["message"] as? String == "run started" }
            let finished = events.first { $0["message"] as? String == "run finished" }
            #expect(started?["run_id"] is String && (started?["endpoints"] as? [String]) == ["tags", "users"] && started?["account"] as? String == baseURL.lowercased(), "\(String(describing: started))")
            #expect(finished?["status"] as? String == "succeeded" && finished?["rows"] is Int, "\(String(describing: finished))")
            #expect(!text.contains("json-key"))
            // A configuration error is JSON too when JSON was asked for.
            let (badStatus, bad) = try await LakeHarness.run(
                "/bin/sh", ["-c", "\"$0\" run --out \"$1\" --endpoints nope --log-format json 2>&1 >/dev/null", LakeHarness.cli, lake],
                environment: ["ACTIVECAMPAIGN_API_KEY": "json-key", "ACTIVECAMPAIGN_BASE_URL": baseURL])
            let error = try? JSONSerialization.jsonObject(with: Data(bad.utf8)) as? [String: Any]
            #expect(badStatus == 2 && error?["level"] as? String == "error" && error?["exit_code"] as? Int == 2, "\(bad)")
        }
    }

    @Test func checkSaysWhichCredentialIsWrong() async throws {
        guard requireCLI() else { return }
        try await withMockServer(MockConfiguration(apiKey: "check-key", contacts: 5, deals: 1)) { baseURL, _ in
            let ok = try await LakeHarness.run(LakeHarness.cli, ["check"], environment: ["ACTIVECAMPAIGN_API_KEY": "check-key", "ACTIVECAMPAIGN_BASE_URL": baseURL])
            #expect(ok.0 == 0 && ok.1.contains("accepted the key"))
            let badKey = try await LakeHarness.run(LakeHarness.cli, ["check"], environment: ["ACTIVECAMPAIGN_API_KEY": "nope-nope", "ACTIVECAMPAIGN_BASE_URL": baseURL])
            #expect(badKey.0 == 1 && badKey.1.contains("API key was rejected") && !badKey.1.contains("nope-nope"))
        }
        let unreachable = try await LakeHarness.run(LakeHarness.cli, ["check"], environment: ["ACTIVECAMPAIGN_API_KEY": "k", "ACTIVECAMPAIGN_BASE_URL": "http://127.0.0.1:1"])
        #expect(unreachable.0 == 1 && unreachable.1.contains("could not reach 127.0.0.1:1"), "\(unreachable.1)")
        #expect(unreachable.1.contains("connection refused") && unreachable.1.contains("check ACTIVECAMPAIGN_BASE_URL"), "\(unreachable.1)")
        #expect(!unreachable.1.contains("errno") && !unreachable.1.contains("<redacted>"), "\(unreachable.1)")
    }

    @Test func summaryJSONCountsRowsAndRequestsPerEndpoint() async throws {
        guard requireCLI() else { return }
        let lake = try LakeHarness.temporaryDirectory("summary")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        try await withMockServer(MockConfiguration(apiKey: "sum-key", contacts: 30, deals: 10)) { baseURL, server in
            let (status, output) = try await LakeHarness.run(
                LakeHarness.cli, ["run", "--out", lake, "--endpoints", "tags,deal_stages", "--summary-json", lake + "/summary.json"],
                environment: ["ACTIVECAMPAIGN_API_KEY": "sum-key", "ACTIVECAMPAIGN_BASE_URL": baseURL])
            #expect(status == 0, "\(output)")
            let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: lake + "/summary.json"))) as? [String: Any]
            let endpoints = summary?["endpoints"] as? [[String: Any]] ?? []
            #expect(endpoints.map { $0["endpoint"] as? String } == ["tags", "deal_stages"])
            #expect(endpoints.first?["rows"] as? Int == server.currentRecords(path: "tags").count)
            #expect(endpoints.allSatisfy { ($0["requests"] as? Int ?? 0) >= 1 })
            #expect(output.contains("requests") && output.contains("429s"))
        }
    }

    /// Ctrl-C: the run stops within seconds, removes its temporary files and keeps what it committed.
    @Test func interruptStopsCleanly() async throws {
        guard requireCLI() else { return }
        let lake = try LakeHarness.temporaryDirectory("sigint")
        defer { try? FileManager.default.removeItem(atPath: lake) }
        try await withMockServer(MockConfiguration(apiKey: "int-key", contacts: 30_000, deals: 10, latency: .milliseconds(30))) { baseURL, _ in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: LakeHarness.cli)
            process.arguments = ["run", "--out", lake, "--endpoints", "contacts", "--anchor-date", "2000-01-01", "--rate-limit", "100", "--checkpoint-interval", "0.2", "--quiet"]
            process.environment = ["ACTIVECAMPAIGN_API_KEY": "int-key", "ACTIVECAMPAIGN_BASE_URL": baseURL]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            try await Task.sleep(for: .seconds(6))
            #expect(process.isRunning, "the export finished before it could be interrupted")
            let interrupted = ContinuousClock.now
            kill(process.processIdentifier, SIGINT)
            while process.isRunning && ContinuousClock.now - interrupted < .seconds(15) { try await Task.sleep(for: .milliseconds(50)) }
            #expect(!process.isRunning)
            #expect(ContinuousClock.now - interrupted < .seconds(10))
            #expect(process.terminationStatus == 1)
        }
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: lake).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
        let manifest = try ManifestStore.read(directory: lake)
        #expect(manifest.runs.last?.status == "cancelled")
        for file in manifest.endpoints["contacts"]?.files ?? [] {  // whatever was committed is kept
            #expect(FileManager.default.fileExists(atPath: lake + "/" + file.path))
        }
    }

    @Test func inspectPrintsSchemaStatisticsAndRowsAsJSON() async throws {
        guard requireCLI() else { return }
        let fixture = LakeHarness.repositoryRoot.appendingPathComponent("fixtures/worked-example.parquet").path
        let (status, output) = try await LakeHarness.run(LakeHarness.cli, ["inspect", fixture, "--json"])
        #expect(status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        #expect(object?["num_rows"] as? Int == 3)
        #expect((object?["rows"] as? [[String: Any]])?.first?["a"] as? Int == 1, "values are typed in JSON")
        let (badStatus, badOutput) = try await LakeHarness.run(LakeHarness.cli, ["inspect", LakeHarness.repositoryRoot.appendingPathComponent("README.md").path])
        #expect(badStatus == 2 && badOutput.contains("not a valid Parquet file"))
    }
}

/// Configuration sources and their precedence: replication YAML < .env < environment < flags.
@Suite struct ConfigurationTests {
    func configShow(_ arguments: [String], environment: [String: String] = [:], files: [String: String]) async throws -> (Int32, String) {
        let folder = try LakeHarness.temporaryDirectory("config")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (name, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/" + name)) }
        return try await LakeHarness.run(LakeHarness.cli, ["config", "show"] + arguments, environment: environment, in: folder)
    }

    @Test func laterSourcesOverrideEarlierOnesAndTheKeyIsMasked() async throws {
        let yaml = """
            source: { base_url: "https://yaml.api-us1.com", api_key: yaml-key-000000 }
            target: ./from-yaml
            defaults: { anchor_date: "2020-01-01", mode: incremental }
            streams:
              contacts: { mode: full-refresh }
              deals:
              notes: { disabled: true }
            """
        let dotEnv = "ACTIVECAMPAIGN_BASE_URL=https://dotenv.api-us1.com\nexport ACTIVECAMPAIGN_API_KEY='dotenv-key-111111'\n"
        let (status, output) = try await configShow(
            ["--config", "replication.yaml", "--out", "./from-flag"],
            environment: ["ACTIVECAMPAIGN_API_KEY": "environment-key-222222"],
            files: ["replication.yaml": yaml, ".env": dotEnv])
        #expect(status == 0, "\(output)")
        #expect(output.contains("https://dotenv.api-us1.com/api/3") && output.contains("(.env)"))
        #expect(output.contains("api_key      set, 22 characters (masked)   (environment)"))
        #expect(output.contains("./from-flag   (flag)"))
        #expect(output.contains("2020-01-01T00:00:00Z   (config replication.yaml)"))
        #expect(output.contains("contacts (full_refresh), deals (incremental)") && !output.contains("notes"))
        for secret in ["yaml-key-000000", "dotenv-key-111111", "environment-key-222222"] { #expect(!output.contains(secret)) }
    }

    /// `--endpoints all` is every endpoint of the catalog; a custom-field table's name, in the flag or under `streams:`,
    /// selects its two listings.
    @Test func allAndCustomFieldTablesSelectTheirEndpoints() async throws {
        let (allStatus, all) = try await configShow(["--endpoints", "all"], files: [:])
        #expect(allStatus == 0 && all.contains("field_values (full_refresh)") && all.contains("messages (full_refresh)") && all.contains("contacts (incremental)"), "\(all)")
        let (status, output) = try await configShow(["--config", "r.yaml"], files: ["r.yaml": "streams:\n  contact_fields: {}\n  tags:\n"])
        #expect(status == 0 && output.contains("tags (full_refresh), custom_fields (full_refresh), field_values (full_refresh)"), "\(output)")
        #expect(!output.contains("contacts ("), "\(output)")
    }

    @Test(arguments: [
        ("source: { base_url: x }\nbogus: 1\n", "unknown key 'bogus' in top level; allowed: source, target, defaults, streams"),
        ("streams:\n  contact: {}\n", "unknown stream 'contact' under 'streams'; did you mean 'contacts'?"),
        ("defaults: { mode: sometimes }\n", "'defaults.mode' is 'sometimes'; allowed: incremental, full_refresh"),
        ("streams:\n  tags: { mode: incremental }\n", "streams.tags.mode is incremental, but tags has no cursor"),
        ("source: { base_url: 'not a url', api_key: k }\n", "base_url from config replication.yaml"),
        ("defaults: { anchor_date: yesterday }\n", "anchor_date from config replication.yaml"),
    ])
    func configurationErrorsNameTheFileTheKeyAndWhatIsAllowed(yaml: String, message: String) async throws {
        let (status, output) = try await configShow(["--config", "replication.yaml"], files: ["replication.yaml": yaml])
        #expect(status == 2, "\(output)")
        #expect(output.contains(message), "\(output)")
    }
}
