import ActiveCampaign
import ActiveCampaignMock
@testable import Export
import Foundation
import Testing

/// System calls of the commit path made to fail one at a time by strace's fault injection (`-e inject=…`), on a
/// fresh lake and on a lake with an earlier same-day run. After each injected run, and again after one clean
/// run: the exit code is a documented one (no crash), the manifest parses and lists only files that exist,
/// every visible file is readable, no record is doubled, and a run that said it succeeded lost nothing; the
/// clean run then has every record exactly once and leaves no temporaries behind.
///
/// `make test` sweeps the calls that only the commit path makes (rename, unlink, fsync, mkdir) and the manifest's
/// own open and write; `make stress` adds read, pwrite64 and ftruncate, more errnos and more occurrences.
@Suite(.serialized) struct FaultInjectionTests {
    struct Fault: CustomStringConvertible, Sendable {
        var syscall: String
        var errno: String
        var when: Int
        /// Only calls on this path (relative to the lake) count, when set.
        var path: String?
        var description: String { "\(syscall)=\(errno)#\(when)" + (path.map { " on \($0)" } ?? "") }
    }

    static let strace = "/usr/bin/strace"
    static let endpoints = ["tags", "contacts"]

    static var sweep: [(syscall: String, path: String?)] {
        var calls: [(String, String?)] = [("rename", nil), ("unlink", nil), ("fsync", nil), ("mkdir", nil),
                                          ("openat", "_manifest.json"), ("write", "_manifest.json.tmp")]
        if StressScale.isStress { calls += [("read", "_manifest.json"), ("pwrite64", nil), ("ftruncate", nil), ("openat", nil)] }
        return calls
    }
    static var errnos: [String] { StressScale.isStress ? ["EIO", "ENOSPC", "EDQUOT"] : ["EIO"] }
    static var occurrences: ClosedRange<Int> { 1...StressScale.count(fast: 3, stress: 10) }

    @Test(arguments: [false, true])
    func everyInjectedFailureLeavesALakeThatReadersTrust(existingLake: Bool) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.strace), "strace is missing: .ci/run installs it (apt-get install strace)")
        var tried = 0, fired = 0, exitCodes: [Int32: Int] = [:]
        var problems: [String] = []
        for (syscall, path) in Self.sweep {
            for errno in Self.errnos {
                for when in Self.occurrences {
                    let fault = Fault(syscall: syscall, errno: errno, when: when, path: path)
                    let result = try await Self.tryFault(fault, existingLake: existingLake)
                    tried += 1
                    if result.fired { fired += 1 }
                    exitCodes[result.status, default: 0] += 1
                    problems += result.problems.map { "\(fault): \($0)" }
                }
            }
        }
        let lake = existingLake ? "lake with an earlier same-day run" : "fresh lake"
        ReliabilityResults.record(ReliabilityResult(
            scenario: "injected system-call failures, \(lake)", tries: tried, tally: LakeTally(problems: problems),
            exitCodes: [exitCodes.keys.sorted()], note: "\(fired) of \(tried) injections fired (\(Self.sweep.map(\.syscall).joined(separator: ", ")); \(Self.errnos.joined(separator: "/")))"))
        #expect(problems.isEmpty, "\(problems.prefix(20).joined(separator: "\n"))")
        #expect(fired >= tried / 3, "only \(fired) of \(tried) injections fired: the sweep does not reach the commit path")
    }

    struct Result {
        var status: Int32
        var fired: Bool
        var problems: [String]
    }

    static func tryFault(_ fault: Fault, existingLake: Bool) async throws -> Result {
        try await ExportScenario.with("fault \(fault)", mock: MockConfiguration(contacts: 120, deals: 5)) { scenario in
            let arguments = scenario.runArguments(endpoints, ["--checkpoint-interval", "0.001"])
            if existingLake {
                let first = try await scenario.run(arguments)
                guard first.status == 0 else { return Result(status: first.status, fired: false, problems: ["setup run failed: \(first.stderr)"]) }
            }
            let traceLog = scenario.lake + "-strace.log"
            var straceArguments = ["-f", "-qq", "-o", traceLog, "-e", "trace=\(fault.syscall)", "-e", "inject=\(fault.syscall):error=\(fault.errno):when=\(fault.when)"]
            if let path = fault.path { straceArguments += ["-P", scenario.lake + "/" + path] }
            let outcome = try await LakeHarness.runSeparately(
                strace, straceArguments + ["--", LakeHarness.cli] + arguments, environment: scenario.environment,
                in: scenario.workingDirectory, timeLimit: .seconds(120))
            scenario.expectKeyAbsent(outputs: ["stdout": outcome.stdout, "stderr": outcome.stderr])
            let fired = ((try? String(contentsOfFile: traceLog, encoding: .utf8)) ?? "").contains("(INJECTED)")
            try? FileManager.default.removeItem(atPath: traceLog)
            var problems: [String] = []
            if ![0, 1, 2].contains(outcome.status) || outcome.crashed || outcome.stderr.contains("Fatal error") {
                problems.append("exit \(outcome.status)\(outcome.crashed ? " (signal)" : ""): \(outcome.stderr.suffix(300))")
            }
            if outcome.stderr.contains("[killed by the test") { problems.append("hung past 120 s") }
            if outcome.status != 0 && outcome.stderr.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && outcome.stdout.isEmpty {
                problems.append("exit \(outcome.status) with no message")
            }
            problems += try await audit(scenario, requireComplete: outcome.status == 0, label: "after the injected run")
            let clean = try await scenario.run(scenario.runArguments(endpoints))
            if clean.status != 0 { problems.append("the clean run after it exits \(clean.status): \(clean.stderr.suffix(300))") }
            problems += try await audit(scenario, requireComplete: true, label: "after the clean run")
            let leftovers = (FileManager.default.subpaths(atPath: scenario.lake) ?? []).filter {
                $0.hasSuffix(".tmp") || ($0.hasPrefix(Staging.folder + "/") && $0.hasSuffix(".parquet"))
            }
            if !leftovers.isEmpty { problems.append("leftovers after the clean run: \(leftovers.prefix(3))") }
            return Result(status: outcome.status, fired: fired, problems: problems)
        }
    }

    /// The manifest parses and lists only existing files; visible files are readable and hold no record twice;
    /// `requireComplete`: every record the mock serves is there.
    static func audit(_ scenario: ExportScenario, requireComplete: Bool, label: String) async throws -> [String] {
        var problems: [String] = []
        let manifest: Manifest
        do {
            manifest = try scenario.manifest()
        } catch {
            return ["\(label): the manifest does not read: \(error)"]
        }
        for (endpoint, state) in manifest.endpoints {
            for file in state.files where !FileManager.default.fileExists(atPath: scenario.lake + "/" + file.path) {
                problems.append("\(label): \(endpoint)'s manifest lists \(file.path), which does not exist")
            }
        }
        let tally = try await scenario.tally(endpoints)
        if tally.unreadableFiles > 0 || tally.duplicated > 0 || tally.unexpected > 0 || (requireComplete && !tally.isExactlyOnce) {
            problems.append("\(label): \(tally.summary)")
        }
        return problems
    }
}
