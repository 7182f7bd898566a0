import Foundation
import Synchronization

/// One row of the results table of `make stress` (README "Reliability").
struct ReliabilityResult: Sendable {
    var scenario: String
    var tries: Int
    var tally: LakeTally
    /// Exit codes of the runs of each try, in order (e.g. `1→0`: failed cleanly, then completed); one entry per
    /// distinct pattern over the tries.
    var exitCodes: [[Int32]]
    var note: String = ""

    var markdownRow: String {
        let codes = exitCodes.map { $0.map(String.init).joined(separator: "→") }.joined(separator: " / ")
        return "| \(scenario) | \(tries) | \(tally.expected) | \(tally.found) | \(tally.duplicated) | \(tally.lost) | \(tally.unreadableFiles) | \(codes) | \(note) |"
    }
}

/// Appends result rows to the file named by AC_EXPORT_RELIABILITY_RESULTS (set by `make stress`), the header
/// first; without it the rows are not kept, the tests still assert everything.
enum ReliabilityResults {
    static let header = """
        | case | tries | records expected | found | duplicated | lost | unreadable files | exit codes | notes |
        |---|---:|---:|---:|---:|---:|---:|---|---|
        """
    private static let lock = Mutex(())

    static func record(_ result: ReliabilityResult) {
        guard let path = ProcessInfo.processInfo.environment["AC_EXPORT_RELIABILITY_RESULTS"], !path.isEmpty else { return }
        lock.withLock { _ in
            let line = Data((result.markdownRow + "\n").utf8)
            if let handle = FileHandle(forWritingAtPath: path) {
                handle.seekToEndOfFile()
                handle.write(line)
                handle.closeFile()
            } else {
                FileManager.default.createFile(atPath: path, contents: Data((header + "\n").utf8) + line)
            }
        }
    }
}
