import Foundation

/// One line of the benchmark table.
struct BenchRow {
    var name: String
    var records: Int
    var seconds: Double
    var inputBytes: Int
    var outputBytes: Int
    var peakRSS: Int?

    var recordsPerSecond: Double { Double(records) / seconds }
}

enum PeerProcess {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func script(_ name: String) -> String {
        root.appendingPathComponent("Benchmarks/peers/\(name)").path
    }

    /// Runs a peer and parses the JSON object it prints last.
    static func runJSON(_ executable: String, _ arguments: [String]) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        else {
            throw BenchError(message: "peer \(arguments.first ?? executable) failed (status \(process.terminationStatus))")
        }
        return object
    }
}

enum TimedCommand {
    /// Runs a command under /usr/bin/time -v; returns wall seconds, peak RSS, CPU use (100 per busy core) and stdout.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (seconds: Double, peakRSS: Int, cpuPercent: Int, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
        process.arguments = ["-v", executable] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let start = ContinuousClock.now
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let report = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let seconds = (ContinuousClock.now - start).seconds
        guard process.terminationStatus == 0 else {
            throw BenchError(message: "\(executable) \(arguments.joined(separator: " ")) failed:\n\(output)\n\(report.suffix(2000))")
        }
        func figure(_ label: String) -> Int? {
            let line = report.split(separator: "\n").first { $0.contains(label) }
            return line.flatMap { Int($0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: ["%"])) }
        }
        return (seconds, (figure("Maximum resident set size") ?? 0) * 1024, figure("Percent of CPU this job got") ?? 0, output)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

enum BenchTable {
    /// Prints rows in pairs/groups; `ratioTo` names the row each one is compared with.
    static func print(_ title: String, _ rows: [BenchRow], baseline: (BenchRow) -> BenchRow?) {
        Swift.print("\n## \(title)\n")
        Swift.print("| run | records | records/s | MB/s in | MB/s out | output bytes | peak RSS | ours vs this |")
        Swift.print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for row in rows {
            let mbIn = Double(row.inputBytes) / row.seconds / 1e6
            let mbOut = Double(row.outputBytes) / row.seconds / 1e6
            let rss = row.peakRSS.map { String(format: "%.0f MiB", Double($0) / 1_048_576) } ?? "-"
            let ratio = baseline(row).map { String(format: "%.2f×", $0.recordsPerSecond / row.recordsPerSecond) } ?? "-"
            Swift.print("| \(row.name) | \(row.records) | \(String(format: "%.0f", row.recordsPerSecond)) | \(String(format: "%.1f", mbIn)) | \(String(format: "%.1f", mbOut)) | \(row.outputBytes) | \(rss) | \(ratio) |")
        }
    }
}
