import ActiveCampaignMock
@testable import Export
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Two runs on one folder, and Ctrl-C / SIGTERM (docs/commit-protocol.md#the-lock).
@Suite(.serialized) struct ConcurrencyTests {
    /// A slow account: a backfill that lasts several seconds.
    static let slowAccount = MockConfiguration(seed: 90, contacts: 12_000, deals: 10, latency: .milliseconds(30))

    /// While a run works on a folder, a second one refuses with a clear message, exit 2, and writes nothing
    /// (its endpoint never appears); the first run is not disturbed and completes exactly once.
    @Test func aSecondRunOnTheSameFolderRefusesAndTheFirstIsUndisturbed() async throws {
        try await ExportScenario.with("second run on the same folder", mock: Self.slowAccount) { scenario in
            let first = try scenario.start(scenario.runArguments(["contacts"], ["--rate-limit", "100", "--checkpoint-interval", "0.2", "--quiet"]))
            let deadline = ContinuousClock.now + .seconds(20)
            while !FileManager.default.fileExists(atPath: scenario.lake + "/_manifest.json") && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(first.isRunning, "the first run ended before the second could start")
            let second = try await scenario.run(scenario.runArguments(["users"]))
            #expect(second.status == 2, "\(second.combined)")
            #expect(second.stderr.contains("another ac-export run is using \(scenario.lake)") && second.stderr.contains("Nothing was written"), "\(second.stderr)")
            #expect(!FileManager.default.fileExists(atPath: scenario.lake + "/users"))
            _ = try await first.waitForExit(within: .seconds(120))
            let firstOutcome = scenario.finish(first)
            #expect(firstOutcome.status == 0, "\(firstOutcome.combined)")
            let manifest = try scenario.manifest()
            #expect(manifest.endpoints["users"] == nil && manifest.runs.count == 1, "the refused run left traces in the manifest")
            let tally = try await scenario.tally(["contacts"])
            #expect(tally.isExactlyOnce, "\(tally.summary)")
            scenario.record(tries: 1, tally: tally, note: "second run refused with exit 2")
        }
    }

    /// The lock held (as by a run stuck between writes): the refused run changes no byte, no time stamp.
    @Test func aRefusedRunTouchesNothing() async throws {
        try await ExportScenario.with("refused run touches nothing", mock: MockConfiguration(seed: 91, contacts: 300, deals: 50)) { scenario in
            let done = try await scenario.run(scenario.runArguments(["contacts", "tags"]))
            #expect(done.status == 0, "\(done.combined)")
            let descriptor = open(scenario.lake + "/.ac-export.lock", O_RDWR)
            #expect(descriptor >= 0 && flock(descriptor, LOCK_EX | LOCK_NB) == 0, "the test could not take the lock")
            defer { close(descriptor) }
            let before = TreeSnapshot(scenario.lake)
            try await Task.sleep(for: .milliseconds(1100))  // a touched file would show a new modification time
            let refused = try await scenario.run(scenario.runArguments(["contacts", "tags", "users"]))
            #expect(refused.status == 2 && refused.stderr.contains("another ac-export run is using"), "\(refused.combined)")
            #expect(before.differences(to: TreeSnapshot(scenario.lake)).isEmpty, "the refused run changed \(before.differences(to: TreeSnapshot(scenario.lake)))")
            let tally = try await scenario.tally(["contacts", "tags"])
            #expect(tally.isExactlyOnce, "\(tally.summary)")
            scenario.record(tries: 1, tally: tally, note: "lock held by the test; tree byte-identical")
        }
    }

    /// SIGINT and SIGTERM: the run stops within seconds, exit 1, no temporary files, the committed files stay
    /// listed and readable, the run is recorded as cancelled, and the next run completes exactly once.
    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalStopsTheRunCleanly(signal: Int32) async throws {
        let name = signal == SIGINT ? "SIGINT" : "SIGTERM"
        let tries = StressScale.count(fast: 1, stress: 3)
        try await ExportScenario.repeated("\(name) mid-run, then one more run", tries: tries, note: "stopped within 10 s, no temporaries", mock: { _ in Self.slowAccount }) { scenario in
            let process = try scenario.start(scenario.runArguments(["contacts"], ["--rate-limit", "100", "--checkpoint-interval", "0.2", "--quiet"]))
            try await Task.sleep(for: .milliseconds(Int.random(in: 2_500...5_000)))
            #expect(process.isRunning, "the export finished before it could be signalled")
            let signalled = ContinuousClock.now
            kill(process.pid, signal)
            let stopped = try await process.waitForExit(within: .seconds(15))
            #expect(stopped && ContinuousClock.now - signalled < .seconds(10), "\(name): still running \(ContinuousClock.now - signalled) after the signal")
            let outcome = scenario.finish(process)
            #expect(outcome.status == 1 && !outcome.crashed, "\(name): exit \(outcome.status)")
            let leftovers = (FileManager.default.subpaths(atPath: scenario.lake) ?? []).filter { $0.hasSuffix(".tmp") }
            #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
            let manifest = try scenario.manifest()
            #expect(manifest.runs.last?.status == "cancelled")
            let committed = manifest.endpoints["contacts"]?.files ?? []
            let audit = try await LakeAudit.read(lake: scenario.lake, endpoints: ["contacts"])
            #expect(audit.endpoints["contacts"]?.unreadable.isEmpty ?? true)
            #expect(audit.endpoints["contacts"]?.ids.count == committed.reduce(0) { $0 + $1.rows }, "committed rows and readable rows differ")
            try scenario.expectWatermarksHonest(before: nil, failed: ["contacts"])
            let next = try await scenario.run(scenario.runArguments(["contacts"], ["--rate-limit", "300"]))
            #expect(next.status == 0, "\(next.combined)")
            let tally = try await scenario.tally(["contacts"])
            #expect(tally.isExactlyOnce, "\(tally.summary)")
            return tally
        }
    }
}
