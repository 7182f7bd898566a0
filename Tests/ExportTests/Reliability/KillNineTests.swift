import ActiveCampaignMock
@testable import Export
import Foundation
import Testing

/// kill -9 of the real `ac-export run` at random moments of a backfill (docs/commit-protocol.md#crash-points), N times
/// (10 in `make test`, 21 in `make stress`): after each kill the tree holds only complete readable files, the manifest
/// reads, and no watermark is past committed data; the following run finishes with every record exactly once.
@Suite(.serialized) struct KillNineTests {
    /// What the tree shows about the moment of a kill.
    enum Moment: String, CaseIterable {
        case writingPartFile = "while writing a part file"
        case afterRenameBeforeManifest = "between rename and manifest write"
        case writingManifest = "during the manifest write"
        case betweenCommits = "between commits (fetching)"
    }

    @Test func killNineAtRandomMomentsThenFinishExactlyOnce() async throws {
        let kills = StressScale.count(fast: 10, stress: 21)
        var mock = MockConfiguration(
            // More contacts than the ~10,000 rows held for type inference, so that checkpoints are committed mid-run.
            // Under stress, enough that the 21st attempt, resuming what 20 killed runs committed, is still running.
            seed: 11, contacts: StressScale.count(fast: 40_000, stress: 90_000), deals: StressScale.count(fast: 1_500, stress: 8_000))
        // The dataset's last records were updated at its "now"; in the first run's starting second they would belong to
        // the next window (`updated_before` is the first run's start, to the second), which this test never reads.
        mock.now = Date().addingTimeInterval(-60)
        let endpoints = ["contacts", "deals", "tags", "notes"]
        try await ExportScenario.with("kill -9 during a backfill", mock: mock) { scenario in
            let arguments = scenario.runArguments(endpoints, ["--checkpoint-interval", "0.05", "--quiet"])
            var killed = 0
            var moments: [Moment: Int] = [:]
            var unreadable = 0
            var resumable = 0
            var generator = SystemRandomNumberGenerator()
            for attempt in 0..<kills {
                let process = try scenario.start(arguments)
                // Every third kill waits for a rename not yet in the manifest, every third for a manifest being
                // written (windows of milliseconds a random moment rarely hits); the rest are random moments.
                switch attempt % 3 {
                case 1: try await Self.waitFor(.afterRenameBeforeManifest, in: scenario.lake, while: process)
                case 2: try await Self.waitFor(.writingManifest, in: scenario.lake, while: process)
                default:
                    try await Task.sleep(for: .milliseconds(Int.random(in: 300...StressScale.count(fast: 3_000, stress: 6_000), using: &generator)))
                }
                if process.isRunning {
                    kill(process.pid, SIGKILL)
                    killed += 1
                }
                _ = try await process.waitForExit(within: .seconds(30))
                _ = scenario.finish(process)
                let moment = try Self.moment(in: scenario.lake)
                moments[moment, default: 0] += 1
                let manifest = try #require(try? scenario.manifest(), "the manifest does not read after a kill (\(moment.rawValue))")
                try scenario.expectWatermarksHonest(before: nil, failed: [])
                if manifest.endpoints["contacts"]?.checkpoint != nil { resumable += 1 }
                for endpoint in ["contacts", "deals"] where manifest.endpoints[endpoint]?.checkpoint != nil {
                    #expect(manifest.endpoints[endpoint]?.watermark == nil, "\(endpoint): watermark set while its first backfill is unfinished")
                }
                let audit = try await LakeAudit.read(lake: scenario.lake, endpoints: endpoints)
                let broken = audit.endpoints.values.flatMap(\.unreadable)
                unreadable += broken.count
                #expect(broken.isEmpty, "unreadable files visible to readers after a kill \(moment.rawValue): \(broken)")
                // The Delta tables show a consistent commit (perhaps one behind the manifest): every file they list
                // reads, and no record twice.
                for (endpoint, seen) in try await DeltaLakeTests.read(scenario.lake, engine: "deltalake") {
                    #expect(seen.duplicates == 0, "the Delta table of \(endpoint) shows \(seen.duplicates) records twice after a kill \(moment.rawValue)")
                }
            }
            let final = try await scenario.run(arguments)
            #expect(final.status == 0, "the run after the kills failed: \(final.combined)")
            #expect(killed >= kills / 2, "only \(killed) of \(kills) runs were still running when killed: the backfill is too small")
            #expect(resumable > 0, "no kill left a contacts checkpoint behind: resuming was never exercised")
            try scenario.checkValues(endpoints)
            try await DeltaLakeTests.expectDeltaReadersAgree(scenario.lake)
            let tally = try await scenario.tally(endpoints)
            #expect(tally.isExactlyOnce, "\(tally.summary)")
            let seen = Moment.allCases.compactMap { moment in moments[moment].map { "\(moment.rawValue) ×\($0)" } }.joined(separator: ", ")
            var result = ReliabilityResult(
                scenario: "kill -9 at random and targeted moments, then one more run", tries: kills, tally: tally, exitCodes: [scenario.exitCodes],
                note: "\(killed) killed, \(resumable) left a contacts checkpoint to resume; \(seen)")
            result.tally.unreadableFiles += unreadable
            ReliabilityResults.record(result)
        }
    }

    /// Polls the tree until a contacts checkpoint is committed (so the kill lands mid-backfill, not at the start),
    /// then until it shows `moment` (or 10 s pass, or the process ends).
    static func waitFor(_ moment: Moment, in lake: String, while process: StartedProcess) async throws {
        var deadline = ContinuousClock.now + .seconds(20)
        while process.isRunning && ContinuousClock.now < deadline
            && (try? ManifestStore.read(directory: lake))?.endpoints["contacts"]?.checkpoint == nil
        {
            try await Task.sleep(for: .milliseconds(5))
        }
        try await Task.sleep(for: .milliseconds(Int.random(in: 0...300)))
        deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning && ContinuousClock.now < deadline {
            if moment == .writingManifest {
                if FileManager.default.fileExists(atPath: lake + "/._manifest.json.tmp") || FileManager.default.fileExists(atPath: lake + "/._manifest.json.bak.tmp") { return }
            } else if try Self.moment(in: lake) == moment {
                return
            }
            try await Task.sleep(for: .microseconds(200))
        }
    }

    /// Reads the moment of a kill off the tree: a hidden part temporary, a manifest temporary, or a visible part
    /// file the manifest does not list yet.
    static func moment(in lake: String) throws -> Moment {
        let paths = FileManager.default.subpaths(atPath: lake) ?? []
        if paths.contains(where: { $0.hasSuffix("._manifest.json.tmp") || $0.hasSuffix("._manifest.json.bak.tmp") }) { return .writingManifest }
        let listed = Set(((try? ManifestStore.read(directory: lake))?.endpoints.values.flatMap(\.files) ?? []).map { Staging.publishedPath($0.path) })
        if paths.contains(where: { path in
            (path as NSString).lastPathComponent.hasPrefix("part-") && path.hasSuffix(".parquet") && !listed.contains(Staging.publishedPath(path))
        }) {
            return .afterRenameBeforeManifest
        }
        if paths.contains(where: { ($0 as NSString).lastPathComponent.hasPrefix(".part-") }) { return .writingPartFile }
        return .betweenCommits
    }
}
