import ActiveCampaignMock
@testable import Export
import Foundation
import Testing

/// The output volume fills up mid-run (README.md, section 'Reliability'): a small tmpfs mounted by the test is the lake. The run
/// fails with a message naming the path; the previous manifest and files are intact and nothing unreadable is
/// visible; after the volume is enlarged the next run completes exactly once.
@Suite(.serialized) struct DiskFullTests {
    /// 2 MiB: the first contacts file fits, a manifest write hits ENOSPC; 1 MiB: the first Parquet file does not fit.
    @Test(arguments: ["2m", "1m"])
    func aFullVolumeFailsCleanlyAndTheNextRunCompletes(size: String) async throws {
        let tries = StressScale.count(fast: 1, stress: 3)
        var codes: [[Int32]] = []
        var total = LakeTally()
        for attempt in 0..<tries {
            let mountPoint = try LakeHarness.temporaryDirectory("tmpfs-lake")
            defer { try? FileManager.default.removeItem(atPath: mountPoint) }
            // We run as root in CI and here; without the permission the test must fail, saying why.
            let mounted = try await Self.mount(["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", mountPoint])
            guard mounted.status == 0 else {
                Issue.record("cannot mount a \(size) tmpfs at \(mountPoint) to fill a disk (needs root or CAP_SYS_ADMIN): \(mounted.combined)")
                return
            }
            defer { _ = try? Self.unmountNow(mountPoint) }
            let mock = MockConfiguration(seed: 80 + UInt64(attempt), contacts: size == "1m" ? 8_000 : 12_000, deals: 200)
            let (tally, exitCodes) = try await ExportScenario.with("disk full", mock: mock, lake: mountPoint) { scenario in
                let small = ["tags", "users", "lists"]
                let first = try await scenario.run(scenario.runArguments(small))
                #expect(first.status == 0, "\(first.combined)")
                let manifestBefore = try scenario.manifest()
                let filesBefore = try Self.contents(of: manifestBefore, in: scenario.lake)

                let all = small + ["contacts"]
                let full = try await scenario.run(scenario.runArguments(["contacts"], ["--checkpoint-interval", "0.05"]))
                #expect(full.status == 1, "a full disk must fail the run: \(full.combined)")
                #expect(full.combined.contains(scenario.lake), "the message must name the path on the full volume: \(full.combined)")
                #expect(full.combined.contains("No space left on device") && full.combined.contains("free space"), "\(full.combined)")
                #expect(full.combined.range(of: "[0-9] (bytes|KiB|MiB|GiB)", options: .regularExpression) != nil,
                        "the message must say how much space is needed: \(full.stderr.suffix(1500))")
                let manifestAfter = try #require(try? scenario.manifest(), "the manifest does not read after the disk filled up")
                for (path, data) in filesBefore {
                    #expect(FileManager.default.contents(atPath: scenario.lake + "/" + path) == data, "\(path) of the previous run changed")
                }
                for endpoint in small {
                    #expect(manifestAfter.endpoints[endpoint]?.files.map(\.path) == manifestBefore.endpoints[endpoint]?.files.map(\.path),
                            "\(endpoint): the previous run's files are no longer listed")
                }
                for file in manifestAfter.endpoints.values.flatMap(\.files) {
                    #expect(FileManager.default.fileExists(atPath: scenario.lake + "/" + file.path), "listed but missing: \(file.path)")
                }
                try scenario.expectWatermarksHonest(before: manifestBefore, failed: ["contacts"])
                let afterFailure = try await LakeAudit.read(lake: scenario.lake, endpoints: all)
                let unreadable = afterFailure.endpoints.values.flatMap(\.unreadable)
                #expect(unreadable.isEmpty, "unreadable files after ENOSPC: \(unreadable)")

                let enlarged = try await Self.mount(["-o", "remount,size=256m", mountPoint])
                #expect(enlarged.status == 0, "remount: \(enlarged.combined)")
                let last = try await scenario.run(scenario.runArguments(all))
                #expect(last.status == 0, "after space was freed: \(last.combined)")
                try scenario.checkValues(all)
                let tally = try await scenario.tally(all)
                #expect(tally.isExactlyOnce, "\(tally.summary)")
                return (tally, scenario.exitCodes)
            }
            total = total + tally
            if !codes.contains(exitCodes) { codes.append(exitCodes) }
        }
        ReliabilityResults.record(ReliabilityResult(
            scenario: "disk full (\(size) tmpfs), then enlarged", tries: tries, tally: total, exitCodes: codes,
            note: "ok run, ENOSPC run, run after remount"))
    }

    static func contents(of manifest: Manifest, in lake: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for file in manifest.endpoints.values.flatMap(\.files) {
            result[file.path] = try Data(contentsOf: URL(fileURLWithPath: lake + "/" + file.path))
        }
        return result
    }

    static func mount(_ arguments: [String]) async throws -> ProcessOutcome {
        try await LakeHarness.runSeparately("/bin/mount", arguments)
    }

    static func unmountNow(_ path: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/umount")
        process.arguments = [path]
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
