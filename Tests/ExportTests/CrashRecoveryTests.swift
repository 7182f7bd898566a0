import ActiveCampaign
import ActiveCampaignMock
import Foundation
@testable import Export
import Parquet
import Testing

/// kill -9 of the real `ac-export run` process at random moments of a backfill, then a final run:
/// only complete files are ever visible, and every record ends up in the lake exactly once.
@Suite struct CrashRecoveryTests {
    @Test func killNineRepeatedlyThenFinishExactlyOnce() async throws {
        guard FileManager.default.isExecutableFile(atPath: LakeHarness.cli) else {
            Issue.record("\(LakeHarness.cli) is missing: `make test` builds it before the tests")
            return
        }
        let lake = try LakeHarness.temporaryDirectory("crash-lake")
        let source = try LakeHarness.temporaryDirectory("crash-source")
        defer { try? FileManager.default.removeItem(atPath: lake); try? FileManager.default.removeItem(atPath: source) }
        let mock = MockConfiguration(apiKey: "crash-key", seed: 11, contacts: 20_000, deals: 3_000)
        try await withMockServer(mock) { baseURL, server in
            var environment = ProcessInfo.processInfo.environment
            environment["ACTIVECAMPAIGN_BASE_URL"] = baseURL
            environment["ACTIVECAMPAIGN_API_KEY"] = mock.apiKey
            let arguments = ["run", "--out", lake, "--endpoints", "contacts,deals", "--anchor-date", "2000-01-01",
                             "--rate-limit", "300", "--checkpoint-interval", "0.05", "--quiet"]
            var kills = 0
            var resumable = 0
            for _ in 0..<5 {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: LakeHarness.cli)
                process.arguments = arguments
                process.environment = environment
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                try await Task.sleep(for: .milliseconds(Int.random(in: 2500...8000)))
                if process.isRunning {
                    kill(process.processIdentifier, SIGKILL)
                    kills += 1
                }
                while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
                try expectOnlyReadableParquetFiles(in: lake)
                if (try? ManifestStore.read(directory: lake))?.endpoints["contacts"]?.checkpoint != nil { resumable += 1 }
            }
            let (status, output) = try await LakeHarness.run(LakeHarness.cli, arguments, environment: environment)
            #expect(status == 0, "final run failed: \(output)")
            #expect(kills > 0, "no run was killed: the backfill finished too fast to test anything")
            #expect(resumable > 0, "no kill left a checkpoint behind: resuming was never exercised")
            #expect(!output.contains(mock.apiKey))
            try expectOnlyReadableParquetFiles(in: lake)
            try LakeHarness.dumpSource(server, endpoints: [Endpoint.named("contacts")!, Endpoint.named("deals")!], to: source)
        }
        try LakeHarness.check(lake: lake, source: source)
    }

    /// Every `*.parquet` a reader would glob must be a complete file.
    func expectOnlyReadableParquetFiles(in lake: String) throws {
        let walker = FileManager.default.enumerator(atPath: lake)
        while let relative = walker?.nextObject() as? String {
            guard relative.hasSuffix(".parquet") else { continue }
            do {
                _ = try ParquetFileReader(path: lake + "/" + relative)
            } catch {
                Issue.record("unreadable file visible to readers: \(relative): \(error)")
            }
        }
    }
}
