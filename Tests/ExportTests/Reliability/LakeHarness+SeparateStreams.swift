import Foundation

/// The outcome of a finished process, with stdout and stderr kept apart (a warning must be on stderr).
struct ProcessOutcome: Sendable {
    var status: Int32
    /// Ended by a signal (a crash, or a kill), not by exiting.
    var crashed = false
    var stdout: String
    var stderr: String
    var combined: String { stdout + "\n" + stderr }
}

/// A started process whose output goes to files, so that it can be killed at any moment and read after.
final class StartedProcess: @unchecked Sendable {
    let process = Process()
    private let stdoutPath: String
    private let stderrPath: String

    init(_ executable: String, _ arguments: [String], environment: [String: String]?, in directory: String?) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("ac-export-process-\(UUID().uuidString)").path
        stdoutPath = base + ".out"
        stderrPath = base + ".err"
        FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// Waits (polling, off no thread) until the process ends or `limit` passes; true if it ended.
    func waitForExit(within limit: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        return !process.isRunning
    }

    /// Status and output of the ended process (call after it ended); removes the output files.
    func outcome() -> ProcessOutcome {
        process.waitUntilExit()
        defer {
            try? FileManager.default.removeItem(atPath: stdoutPath)
            try? FileManager.default.removeItem(atPath: stderrPath)
        }
        let read = { (path: String) in String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self) }
        return ProcessOutcome(
            status: process.terminationStatus, crashed: process.terminationReason == .uncaughtSignal,
            stdout: read(stdoutPath), stderr: read(stderrPath))
    }
}

extension LakeHarness {
    /// Runs a process to completion, stdout and stderr apart. Polls instead of blocking a thread: the mock
    /// server in this process needs the cooperative threads while the child talks to it.
    static func runSeparately(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, in directory: String? = nil,
        timeLimit: Duration = .seconds(600)
    ) async throws -> ProcessOutcome {
        let started = try StartedProcess(executable, arguments, environment: environment, in: directory)
        if try await !started.waitForExit(within: timeLimit) {
            kill(started.pid, SIGKILL)
            _ = try await started.waitForExit(within: .seconds(10))
            var outcome = started.outcome()
            outcome.stderr += "\n[killed by the test after \(timeLimit)]"
            return outcome
        }
        return started.outcome()
    }
}
