import ActiveCampaignMock
import Foundation
import Testing

/// The API key never leaves (README.md, section 'Reliability'). Every `ExportScenario` run is scanned; these cases add the
/// noisiest output (debug JSON logs of a run failing in several ways at once) and the key-file warning.
@Suite(.serialized) struct SecretTests {
    @Test func debugJSONLogsOfARunFailingEveryWayNeverHoldTheKey() async throws {
        var mock = MockConfiguration(seed: 99, contacts: 300, deals: 60)
        mock.forbiddenPaths = ["lists"]
        mock.faults = [
            MockFaultRule(path: "deals", requests: 0..<5, fault: .status(503)),
            MockFaultRule(path: "tags", requests: 0..<1, fault: .truncatedBody),
            MockFaultRule(path: "users", requests: 0..<1, fault: .status(429, retryAfter: 0)),
            MockFaultRule(path: "notes", requests: 0..<1, fault: .connectionReset),
        ]
        try await ExportScenario.with("secrets in failing runs", mock: mock) { scenario in
            let endpoints = ["contacts", "deals", "lists", "tags", "users", "notes"]
            let outcome = try await scenario.run(
                scenario.runArguments(endpoints, ["-v", "--log-format", "json", "--summary-json", scenario.lake + "/summary.json"]))
            #expect(outcome.status == 1)
            #expect(outcome.stderr.contains("\"level\":\"debug\""), "debug logging was not on: nothing noisy was scanned")
            // A rejected key: the one failure whose message is about the key itself.
            let wrongKey = scenario.key + "-WRONG"
            let rejected = try await LakeHarness.runSeparately(
                LakeHarness.cli, scenario.runArguments(["contacts"], ["-v", "--log-format", "json"]),
                environment: ["ACTIVECAMPAIGN_API_KEY": wrongKey, "ACTIVECAMPAIGN_BASE_URL": scenario.baseURL], in: scenario.workingDirectory)
            #expect(rejected.status == 2 && rejected.combined.contains("API key was rejected"))
            #expect(!rejected.combined.contains(wrongKey))
            scenario.expectKeyAbsent()
            let tally = try await scenario.tally(["contacts"])
            scenario.record(tries: 1, tally: tally, note: "key scanned in stdout, stderr, JSON logs, request log, manifest(.bak), summary, Parquet bytes")
        }
    }

    /// `.env` or the replication YAML holding the key and readable by others: a warning on stderr that names the
    /// file and the fix, never the key; none once it is 600.
    @Test func aKeyFileOthersCanReadIsWarnedAbout() async throws {
        let folder = try LakeHarness.temporaryDirectory("key-file")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let key = "dotenv-secret-\(UUID().uuidString)"
        try Data("ACTIVECAMPAIGN_API_KEY=\(key)\nACTIVECAMPAIGN_BASE_URL=https://acct.api-us1.com\n".utf8).write(to: URL(fileURLWithPath: folder + "/.env"))
        try Data("source: { base_url: https://acct.api-us1.com, api_key: \(key) }\n".utf8).write(to: URL(fileURLWithPath: folder + "/replication.yaml"))
        for (mode, readers) in [(0o644, "every user of this machine"), (0o640, "its group")] {
            chmod(folder + "/.env", mode_t(mode))
            chmod(folder + "/replication.yaml", mode_t(mode))
            let shown = try await LakeHarness.runSeparately(LakeHarness.cli, ["config", "show", "--config", "replication.yaml"], environment: [:], in: folder)
            #expect(shown.status == 0, "\(shown.combined)")
            for file in [".env", "replication.yaml"] {
                #expect(shown.stderr.contains("warning: \(file) holds the API key and can be read by \(readers)") && shown.stderr.contains("chmod 600 \(file)"),
                        "mode \(String(mode, radix: 8)): \(shown.stderr)")
            }
            #expect(!shown.combined.contains(key))
        }
        chmod(folder + "/.env", 0o600)
        chmod(folder + "/replication.yaml", 0o600)
        let quiet = try await LakeHarness.runSeparately(LakeHarness.cli, ["config", "show", "--config", "replication.yaml"], environment: [:], in: folder)
        #expect(quiet.status == 0 && !quiet.stderr.contains("warning"), "\(quiet.stderr)")
    }
}
