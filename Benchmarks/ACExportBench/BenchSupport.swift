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
