import Foundation

/// How long Delta readers take to open a table with many commits (README.md, section 'Performance'): the same table
/// with checkpoints every 100 commits (the default) and with none, opened by deltalake and by DuckDB's delta_scan
/// (Benchmarks/peers/delta_open.py), each counting the table's rows.
struct DeltaOpenBenchmark {
    let runner: RunBenchmark
    let python: String
    let deltaPython: String
    let commits: Int
    let repeats: Int

    struct Row {
        var checkpoints: String
        var reader: String
        var seconds: Double
        var rows: Int
        var version: Int?
    }

    func run() throws -> [Row] {
        var rows: [Row] = []
        for (label, interval) in [("every 100 commits", 100), ("none", Int(Int32.max))] {
            let lake = try runner.manyCommits(commits, deltaCheckpointInterval: interval)
            defer { try? FileManager.default.removeItem(atPath: lake) }
            let table = lake + "/contacts"
            for (reader, executable) in [("deltalake", python), ("duckdb delta_scan", deltaPython)] {
                let result = try PeerProcess.runJSON(executable, [PeerProcess.script("delta_open.py"), reader.split(separator: " ")[0].description, table, "\(repeats)"])
                rows.append(Row(
                    checkpoints: label, reader: reader, seconds: result["seconds"] as? Double ?? .nan,
                    rows: result["rows"] as? Int ?? -1, version: result["version"] as? Int))
            }
        }
        return rows
    }

    static func print(_ rows: [Row], commits: Int) {
        Swift.print("\n## Delta table with \(commits) commits (one part file each): open and count its rows, best of the repeats\n")
        Swift.print("| checkpoints | reader | seconds | rows | version |")
        Swift.print("|---|---|---:|---:|---:|")
        for row in rows {
            Swift.print("| \(row.checkpoints) | \(row.reader) | \(String(format: "%.3f", row.seconds)) | \(row.rows) | \(row.version.map(String.init) ?? "-") |")
        }
    }
}
