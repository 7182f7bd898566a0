import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Tests/Interop/s3_fault_proxy.py in front of an S3 server: requests pass through unchanged until a rule injects
/// a 503 SlowDown, a reset, a stall, or a SIGKILL of the client at an exact request.
public final class FaultProxy: @unchecked Sendable {
    public let port: Int
    public let directory: String
    private let process: Process

    public var endpoint: String { "http://127.0.0.1:\(port)" }
    public var pidFile: String { directory + "/client.pid" }
    private var rulesFile: String { directory + "/rules.json" }
    private var logFile: String { directory + "/fired.jsonl" }

    public init(upstreamPort: Int) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ac-export-proxy-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        port = try Loopback.freePorts(1)[0]
        process = Process()
        process.executableURL = URL(fileURLWithPath: Loopback.python)
        process.arguments = [
            Loopback.repositoryRoot.appendingPathComponent("Tests/Interop/s3_fault_proxy.py").path, String(port), String(upstreamPort), rulesFile, logFile,
        ]
        process.standardOutput = FileHandle.nullDevice
        try Loopback.start(process, answeringOn: port, name: "the fault proxy")
    }

    /// One fault: which requests (method, a regex on path and query, a header they carry, the n-th matching ones)
    /// and what happens to them (see the script).
    public struct Rule: Sendable {
        public enum Action: String, Sendable { case slowdown, resetBefore = "reset-before", resetAfter = "reset-after", stall, killBefore = "kill-before", killAfter = "kill-after" }
        public var method: String
        public var path: String?
        public var header: String?
        public var occurrences: [Int]?
        public var action: Action
        public var seconds: Double?

        public init(_ method: String, path: String? = nil, header: String? = nil, occurrences: [Int]? = nil, _ action: Action, seconds: Double? = nil) {
            self.method = method
            self.path = path
            self.header = header
            self.occurrences = occurrences
            self.action = action
            self.seconds = seconds
        }
    }

    /// Replaces the rules; the occurrence counts start again.
    public func setRules(_ rules: [Rule]) throws {
        let objects = rules.map { rule -> [String: Any] in
            var object: [String: Any] = ["method": rule.method, "action": rule.action.rawValue, "pid_file": pidFile]
            if let path = rule.path { object["path"] = path }
            if let header = rule.header { object["header"] = header }
            if let occurrences = rule.occurrences { object["occurrences"] = occurrences }
            if let seconds = rule.seconds { object["seconds"] = seconds }
            return object
        }
        let data = try JSONSerialization.data(withJSONObject: objects)
        try data.write(to: URL(fileURLWithPath: rulesFile + ".tmp"))
        guard rename(rulesFile + ".tmp", rulesFile) == 0 else { throw Missing(description: "cannot write \(rulesFile)") }
    }

    /// The client the kill rules aim at.
    public func aim(at pid: Int32) throws {
        try String(pid).write(toFile: pidFile, atomically: true, encoding: .utf8)
    }

    /// The rules that fired so far, in order: the action and the request.
    public func fired() -> [[String: Any]] {
        let text = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    public func stop() {
        Loopback.stop(process)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
