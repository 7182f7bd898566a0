import ActiveCampaign
import ActiveCampaignMock
@testable import Export
import Foundation
import Testing

/// System calls of the commit path made to fail one at a time by strace's fault injection (`-e inject=…`), on a
/// fresh lake, on a lake with an earlier same-day run, and on lakes resuming a backfill from a checkpoint (deals,
/// offset-paged; contacts, keyset-paged). After each injected run, and again after one clean run: the exit code is
/// a documented one (no crash, no hang), a failure names the system's reason, the manifest parses and lists only
/// files that exist, every visible file is readable, no record is doubled (in the Parquet files and in each
/// endpoint's Delta table), nothing committed before the injected
/// run is lost, and a run that said it succeeded lost nothing; the clean run then has every record exactly once and
/// leaves no temporaries behind.
///
/// `make test` sweeps the calls that only the commit path makes (rename, unlink, fsync, mkdir, link for the Delta
/// commits) and the manifest's
/// own open and write; `make stress` adds read, pwrite64, ftruncate, every open, more errnos and more occurrences.
/// The reproductions of the defects that such a sweep once found, one injected call each, run in both.
@Suite(.serialized) struct FaultInjectionTests {
    /// Where a fault lands: every call of its kind, or only calls on one file of the lake.
    enum Target: CustomStringConvertible, Sendable {
        case everywhere
        /// A path relative to the lake.
        case file(String)
        /// The first part file committed by the run that left the checkpoint.
        case firstCommittedFile
        /// A copy of a committed part file planted as the unlisted part of the run that left the checkpoint,
        /// as a run killed between renaming a part in and recording it leaves one.
        case plantedDebris
        /// The part file of the earlier run's `tags` snapshot (replaced by the injected run).
        case previousTagsSnapshot

        var description: String {
            switch self {
            case .everywhere: ""
            case .file(let path): " on \(path)"
            case .firstCommittedFile: " on the first committed file"
            case .plantedDebris: " on the interrupted run's debris"
            case .previousTagsSnapshot: " on the previous tags snapshot"
            }
        }
    }

    struct Fault: CustomStringConvertible, Sendable {
        var syscall: String
        /// An errno name: the call fails with it; or `SIGKILL`: the process is killed as it makes the call (kill -9 at
        /// a chosen step of the commit path).
        var errno: String
        var when: Int
        var target: Target = .everywhere
        var description: String { "\(syscall)=\(errno)#\(when)\(target)" }
        var kills: Bool { errno == "SIGKILL" }
        var inject: String { kills ? "inject=\(syscall):signal=KILL:when=\(when)" : "inject=\(syscall):error=\(errno):when=\(when)" }
    }

    /// The lake the injected run starts from.
    enum LakeState: String, CaseIterable, CustomStringConvertible, Sendable {
        case fresh = "fresh lake"
        case sameDayRun = "lake with an earlier same-day run"
        case resumedOffsetPaged = "lake resuming a deals backfill (offset-paged)"
        case resumedKeyset = "lake resuming a contacts backfill (keyset-paged)"

        var description: String { rawValue }

        /// The resumed endpoint, for the resumed states.
        var resumedEndpoint: String? {
            switch self {
            case .fresh, .sameDayRun: nil
            case .resumedOffsetPaged: "deals"
            case .resumedKeyset: "contacts"
            }
        }

        var endpoints: [String] { ["tags", resumedEndpoint ?? "contacts"] }

        /// Small for the fresh and same-day lakes; for the resumed ones, a backfill that a 403 on its sixth page
        /// stops (a 403 is not retried) after checkpoints have committed files.
        var mock: MockConfiguration {
            guard let resumed = resumedEndpoint else { return MockConfiguration(contacts: 120, deals: 5) }
            var mock = MockConfiguration(contacts: resumed == "contacts" ? 1_000 : 20, deals: resumed == "deals" ? 1_000 : 5)
            mock.faults = [MockFaultRule(path: resumed, requests: 5..<6, fault: .status(403))]
            return mock
        }
    }

    static let strace = "/usr/bin/strace"

    static var sweep: [(syscall: String, target: Target)] {
        var calls: [(String, Target)] = [("rename", .everywhere), ("unlink", .everywhere), ("fsync", .everywhere), ("mkdir", .everywhere), ("link", .everywhere),
                                         ("openat", .file(ManifestStore.fileName)), ("write", .file("." + ManifestStore.fileName + ".tmp"))]
        if StressScale.isStress {
            calls += [("read", .file(ManifestStore.fileName)), ("pwrite64", .everywhere), ("ftruncate", .everywhere), ("openat", .everywhere)]
        }
        return calls
    }
    static var errnos: [String] { StressScale.isStress ? ["EIO", "ENOSPC", "EDQUOT"] : ["EIO"] }
    static var occurrences: ClosedRange<Int> { 1...StressScale.count(fast: 2, stress: 4) }

    @Test(arguments: LakeState.allCases)
    func everyInjectedFailureLeavesALakeThatReadersTrust(state: LakeState) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.strace), "strace is missing: .ci/run installs it (apt-get install strace)")
        var tried = 0, fired = 0, runtimeCrashes = 0, exitCodes: [Int32: Int] = [:]
        var problems: [String] = []
        var perCall: [String: (tried: Int, fired: Int)] = [:]
        for (syscall, target) in Self.sweep {
            for errno in Self.errnos {
                // The resumed lakes take longer to set up: the fast subset tries their first occurrence only.
                for when in state.resumedEndpoint == nil || StressScale.isStress ? Self.occurrences : 1...1 {
                    let fault = Fault(syscall: syscall, errno: errno, when: when, target: target)
                    let result = try await Self.tryFault(fault, on: state)
                    tried += 1
                    if result.fired { fired += 1 }
                    if result.runtimeCrash { runtimeCrashes += 1 }
                    let key = "\(syscall)/\(errno)"
                    perCall[key, default: (0, 0)].tried += 1
                    if result.fired { perCall[key, default: (0, 0)].fired += 1 }
                    exitCodes[result.status, default: 0] += 1
                    problems += result.problems.map { "\(fault): \($0)" }
                }
            }
        }
        let calls = perCall.keys.sorted().map { "\($0) \(perCall[$0]!.fired)/\(perCall[$0]!.tried)" }.joined(separator: ", ")
        ReliabilityResults.record(ReliabilityResult(
            scenario: "injected system-call failures, \(state)", tries: tried, tally: LakeTally(problems: problems),
            exitCodes: [exitCodes.keys.sorted()],
            note: "\(problems.count) breaks; \(fired) of \(tried) injections fired (fired/tried per call and errno: \(calls))"
                + (runtimeCrashes > 0 ? "; \(runtimeCrashes) crashed in the Swift runtime (libdispatch) on an injection into its own /proc or library files" : "")))
        #expect(problems.isEmpty, "\(problems.prefix(20).joined(separator: "\n"))")
        #expect(fired >= tried / 3, "only \(fired) of \(tried) injections fired: the sweep does not reach the commit path")
    }

    /// kill -9 at each step of a commit (issue: Delta tables), by strace delivering SIGKILL as the process makes the
    /// step's call, at its first occurrences. After each kill the Delta tables read and show no record twice (perhaps one
    /// commit behind the manifest); after one more run, every record once, and the tables hold the manifest's files.
    static let killSteps: [(syscall: String, target: Target, step: String)] = [
        ("rename", .everywhere, "a part file (or the manifest) written, about to be renamed into place"),
        ("openat", .file("." + ManifestStore.fileName + ".tmp"), "a part file renamed in, the manifest not yet written"),
        ("link", .everywhere, "the manifest written, the Delta commit not yet created"),
        ("fsync", .file("contacts/" + DeltaLog.folder), "the Delta commit created, its folder not yet synced"),
        ("openat", .file("contacts/" + DeltaLog.folder + "/." + DeltaCheckpoint.lastCheckpointName + ".tmp"), "a Delta checkpoint written, _last_checkpoint not yet"),
    ]

    /// On a fresh lake (a first commit, a snapshot) and on one resuming a backfill (appends, checkpoints, and a
    /// same-day snapshot replaced); each step must be reached on at least one of them.
    @Test func killNineAtEachCommitStep() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.strace), "strace is missing: .ci/run installs it (apt-get install strace)")
        var problems: [String] = []
        for (syscall, target, step) in Self.killSteps {
            var fired = 0
            for state in [LakeState.fresh, .resumedKeyset] {
                for when in 1...StressScale.count(fast: 1, stress: 4) {
                    let fault = Fault(syscall: syscall, errno: "SIGKILL", when: when, target: target)
                    let result = try await Self.tryFault(fault, on: state)
                    if result.fired { fired += 1 }
                    problems += result.problems.map { "kill at \(step) (\(fault), \(state)): \($0)" }
                }
            }
            if fired == 0 { problems.append("no kill at \(step) fired: the runs never made that call") }
        }
        #expect(problems.isEmpty, "\(problems.prefix(20).joined(separator: "\n"))")
    }

    // MARK: The reproductions (issue: a failed system call is reported truthfully)

    /// A resumed offset-paged endpoint re-reads its committed ids; a committed file that fails to open must fail
    /// the endpoint, naming the file, instead of committing its rows again.
    @Test func aCommittedFileThatFailsToOpenOnResumeFailsTheEndpoint() async throws {
        let result = try await Self.tryFault(Fault(syscall: "openat", errno: "EIO", when: 1, target: .firstCommittedFile), on: .resumedOffsetPaged)
        #expect(result.fired, "the injection did not fire")
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains(result.targetPath ?? "?") && result.stderr.contains("Input/output error"), "\(result.stderr)")
        #expect(result.problems.isEmpty, "\(result.problems)")
    }

    /// The previous same-day snapshot that cannot be deleted must not stay visible beside the new one.
    @Test func aPreviousSnapshotThatCannotBeDeletedIsNotSeenTwice() async throws {
        let result = try await Self.tryFault(Fault(syscall: "unlink", errno: "EIO", when: 1, target: .previousTagsSnapshot), on: .sameDayRun)
        #expect([0, 1].contains(result.status), "\(result.stderr)")
        #expect(result.problems.isEmpty, "\(result.problems)")
    }

    /// Debris of an interrupted run that cannot be deleted is moved out of view or stops the run; the log never
    /// claims a removal that did not happen.
    @Test func debrisThatCannotBeDeletedIsNeitherSeenNorReportedRemoved() async throws {
        let result = try await Self.tryFault(Fault(syscall: "unlink", errno: "EIO", when: 1, target: .plantedDebris), on: .resumedKeyset)
        #expect(result.fired, "the injection did not fire")
        #expect(!result.stderr.contains("removed debris"), "\(result.stderr)")
        #expect(result.problems.isEmpty, "\(result.problems)")
    }

    /// Every rename of a run replacing a same-day snapshot, failed in turn: the previous snapshot stays readable,
    /// the manifest lists only files that exist, and the message does not claim what is not true.
    @Test func aFailedPublishRenameLeavesThePreviousSnapshotReadable() async throws {
        var problems: [String] = []
        for when in 1...6 {
            let result = try await Self.tryFault(Fault(syscall: "rename", errno: "EIO", when: when), on: .sameDayRun)
            problems += result.problems.map { "rename#\(when): \($0)" }
            if result.status != 0 && result.stderr.contains("intact") && !result.stderr.contains("Input/output error") {
                problems.append("rename#\(when): claims the lake is intact without naming the failure: \(result.stderr.suffix(300))")
            }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    // MARK: One injected run

    struct Result {
        var status: Int32
        var fired: Bool
        var stderr: String
        var targetPath: String?
        var problems: [String]
        /// The process crashed because an injection hit the runtime's own files (counted apart, never silently).
        var runtimeCrash = false
    }

    /// One case; tried again when its runs straddled midnight UTC: a snapshot endpoint then rightly holds one
    /// snapshot per date, which the exactly-once count would take for duplicates.
    static func tryFault(_ fault: Fault, on state: LakeState) async throws -> Result {
        func utcDay() -> Int { Int(Date().timeIntervalSince1970 / 86_400) }
        let day = utcDay()
        let result = try await tryFaultOnce(fault, on: state)
        return utcDay() == day ? result : try await tryFaultOnce(fault, on: state)
    }

    private static func tryFaultOnce(_ fault: Fault, on state: LakeState) async throws -> Result {
        try await ExportScenario.with("fault \(fault) \(state)", mock: state.mock) { scenario in
            let endpoints = state.endpoints
            // A Delta checkpoint after every commit: its writes are on the commit path too.
            let arguments = scenario.runArguments(endpoints, ["--checkpoint-interval", "0.001", "--delta-checkpoint-interval", "1"])
            func setupFailed(_ why: String) -> Result { Result(status: -1, fired: false, stderr: "", problems: ["setup: \(why)"]) }
            if state != .fresh {
                let first = try await scenario.run(arguments)
                if let resumed = state.resumedEndpoint {
                    let checkpointed = try scenario.manifest().endpoints[resumed]
                    guard first.status == 1, checkpointed?.checkpoint != nil, checkpointed?.files.count ?? 0 >= 2 else {
                        return setupFailed("the first run (exit \(first.status)) left no checkpoint with two committed files of \(resumed): \(first.stderr.suffix(300))")
                    }
                } else if first.status != 0 {
                    return setupFailed("the first run failed: \(first.stderr.suffix(300))")
                }
            }
            let before = state == .fresh ? LakeTally() : try await scenario.tally(endpoints)
            guard let targetPath = try resolve(fault.target, in: scenario, state: state) else {
                return setupFailed("no file for the target\(fault.target)")
            }

            let traceLog = scenario.lake + "-strace.log"
            // -y: descriptors printed with their paths, so that each injection says which file it hit.
            var straceArguments = ["-f", "-qq", "-y", "-o", traceLog, "-e", "trace=\(fault.syscall)", "-e", fault.inject]
            if let path = targetPath.isEmpty ? nil : targetPath { straceArguments += ["-P", scenario.lake + "/" + path] }
            let outcome = try await LakeHarness.runSeparately(
                strace, straceArguments + ["--", LakeHarness.cli] + arguments, environment: scenario.environment,
                in: scenario.workingDirectory, timeLimit: .seconds(120))
            scenario.expectKeyAbsent(outputs: ["stdout": outcome.stdout, "stderr": outcome.stderr])
            let trace = (try? String(contentsOfFile: traceLog, encoding: .utf8)) ?? ""
            let injected = trace.split(separator: "\n").filter { $0.contains("(INJECTED)") }
            // A signal injection leaves the call unfinished (`= ?`) and the process "killed by SIGKILL".
            let fired = fault.kills ? trace.contains("+++ killed by SIGKILL +++") : !injected.isEmpty
            try? FileManager.default.removeItem(atPath: traceLog)

            var problems: [String] = []
            var runtimeCrash = false
            let killed = fault.kills && fired
            if killed {
                if !outcome.crashed { problems.append("the process outlived its SIGKILL (exit \(outcome.status))") }
            } else if ![0, 1, 2].contains(outcome.status) || outcome.crashed || outcome.stderr.contains("Fatal error") {
                // Only libdispatch's own trap excuses a crash: it reads /proc/<tid>/stat to size its thread pool and traps
                // (`_dispatch_workq_monitor_pools`) when that open fails. The lake is still audited as after any other case.
                if outcome.crashed && outcome.stderr.contains("_dispatch_workq_monitor_pools") && injected.contains(where: Self.hitsTheRuntimesOwnFile) {
                    runtimeCrash = true
                } else {
                    problems.append("exit \(outcome.status)\(outcome.crashed ? " (signal)" : ""): \(outcome.stderr.suffix(300))")
                }
            }
            if outcome.stderr.contains("[killed by the test") { problems.append("hung past 120 s") }
            if !killed && outcome.status != 0 && outcome.stderr.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && outcome.stdout.isEmpty {
                problems.append("exit \(outcome.status) with no message")
            }
            if fired && !killed && !runtimeCrash && outcome.status != 0 && !outcome.stderr.contains(reason(of: fault.errno)) {
                problems.append("exit \(outcome.status) without the system's reason (\(reason(of: fault.errno))): \(outcome.stderr.suffix(300))")
            }
            // A Delta commit that failed after a snapshot replacement leaves the table naming the replaced files until
            // the next run's reconcile; the run says so (exit 1), and then the table is not checked until the clean run.
            let deltaBehind = outcome.stderr.contains("Delta table does not show the last commit")
            problems += try await audit(
                scenario, endpoints, requireComplete: outcome.status == 0, before: before, label: "after the injected run",
                delta: deltaBehind ? .none : .consistent)
            let clean = try await scenario.run(scenario.runArguments(endpoints))
            if clean.status != 0 { problems.append("the clean run after it exits \(clean.status): \(clean.stderr.suffix(300))") }
            problems += try await audit(scenario, endpoints, requireComplete: true, before: before, label: "after the clean run", delta: .sameAsFiles)
            let leftovers = (FileManager.default.subpaths(atPath: scenario.lake) ?? []).filter {
                $0.hasSuffix(".tmp") || (($0.hasPrefix(Staging.folder + "/") || $0.contains("/" + DeltaTables.pendingFolder + "/")) && $0.hasSuffix(".parquet"))
            }
            if !leftovers.isEmpty { problems.append("leftovers after the clean run: \(leftovers.prefix(3))") }
            return Result(status: outcome.status, fired: fired, stderr: outcome.stderr, targetPath: targetPath, problems: problems, runtimeCrash: runtimeCrash)
        }
    }

    /// An injected call (a line of `strace -y`) on the runtime's view of the process (`/proc`), not a file of the program.
    static func hitsTheRuntimesOwnFile(_ line: Substring) -> Bool {
        line.contains("\"/proc/") || line.contains("</proc/")
    }

    /// The path `-P` restricts the fault to ("" for every call), or nil when the lake has no such file. Plants the
    /// debris that `.plantedDebris` names.
    static func resolve(_ target: Target, in scenario: ExportScenario, state: LakeState) throws -> String? {
        let manifest = try scenario.manifest()
        switch target {
        case .everywhere:
            return ""
        case .file(let path):
            return path
        case .firstCommittedFile:
            return state.resumedEndpoint.flatMap { manifest.endpoints[$0]?.files.first?.path }
        case .previousTagsSnapshot:
            return manifest.endpoints["tags"]?.files.first?.path
        case .plantedDebris:
            guard let resumed = state.resumedEndpoint, let committed = manifest.endpoints[resumed]?.files.last?.path else { return nil }
            // The same run's next part number: a file of a run the manifest knows, which it does not list.
            let debris = committed.replacingOccurrences(of: #"-\d{5}\.parquet$"#, with: "-09999.parquet", options: .regularExpression)
            try FileManager.default.copyItem(atPath: scenario.lake + "/" + committed, toPath: scenario.lake + "/" + debris)
            return debris
        }
    }

    /// The words `strerror` gives for an injected errno (EDQUOT: ours, as the run says it).
    static func reason(of errno: String) -> String {
        switch errno {
        case "EIO": "Input/output error"
        case "ENOSPC": "No space left on device"
        case "EDQUOT": "quota exceeded"
        default: errno
        }
    }

    /// What is asked of the Delta tables after a run.
    enum DeltaCheck {
        /// Nothing: the run said its last Delta commit failed.
        case none
        /// Readable and no record twice (perhaps one commit behind the manifest).
        case consistent
        /// The same rows as the files the manifest lists.
        case sameAsFiles
    }

    /// The manifest parses and lists only existing files; visible files are readable and hold no record twice;
    /// nothing readers saw `before` is lost; `requireComplete`: every record the mock serves is there.
    static func audit(
        _ scenario: ExportScenario, _ endpoints: [String], requireComplete: Bool, before: LakeTally, label: String, delta: DeltaCheck
    ) async throws -> [String] {
        var problems: [String] = []
        let manifest: Manifest
        do {
            manifest = try scenario.manifest()
        } catch {
            return ["\(label): the manifest does not read: \(error)"]
        }
        for (endpoint, state) in manifest.endpoints {
            // A file the manifest has switched to but that is still staged is published by the next run (a run stopped
            // between the manifest's switch and the swap); readers see the previous snapshot meanwhile.
            for file in state.files where !FileManager.default.fileExists(atPath: scenario.lake + "/" + file.path)
                && !FileManager.default.fileExists(atPath: scenario.lake + "/" + Staging.stagedPath(file.path))
            {
                problems.append("\(label): \(endpoint)'s manifest lists \(file.path), which does not exist")
            }
        }
        let tally = try await scenario.tally(endpoints)
        if tally.unreadableFiles > 0 || tally.duplicated > 0 || tally.unexpected > 0 || (requireComplete && !tally.isExactlyOnce) {
            problems.append("\(label): \(tally.summary)")
        }
        do {
            switch delta {
            case .none:
                break
            case .consistent:
                // Each table shows a consistent commit, perhaps one behind the manifest: it reads, and no record twice.
                for (endpoint, seen) in try await DeltaLakeTests.read(scenario.lake, engine: "deltalake", endpoints: manifest.endpoints.keys.sorted())
                where seen.duplicates > 0 {
                    problems.append("\(label): the Delta table of \(endpoint) shows \(seen.duplicates) records twice")
                }
            case .sameAsFiles:
                let plain = try await DeltaLakeTests.read(scenario.lake, engine: "plain")
                let table = try await DeltaLakeTests.read(scenario.lake, engine: "deltalake")
                for (endpoint, files) in plain where table[endpoint]?.digest != files.digest {
                    problems.append("\(label): the Delta table of \(endpoint) differs from the manifest's files (\(String(describing: table[endpoint])) vs \(files))")
                }
            }
        } catch {
            problems.append("\(label): a Delta table does not read: \(error)")
        }
        if tally.found - tally.duplicated < before.found - before.duplicated {
            problems.append("\(label): readers see \(tally.found - tally.duplicated) distinct records, fewer than the \(before.found - before.duplicated) committed before the injected run")
        }
        return problems
    }
}
