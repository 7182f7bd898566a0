import Foundation

/// How long Delta readers take to open a table with many commits (README.md, section 'Performance'): one contacts
/// table with a commit per page (at least `commits` commits, checkpoints every 100, the default), and a copy of it
/// without the checkpoints; deltalake loads each (version and file list), DuckDB reads its first row and counts its
/// rows through delta_scan (Benchmarks/peers/delta_open.py).
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
        var version: Int
        var result: String
    }

    func run() throws -> [Row] {
        let lake = try runner.manyCommits(commits, deltaCheckpointInterval: 100)
        let bare = lake + "-without-checkpoints"
        defer {
            try? FileManager.default.removeItem(atPath: lake)
            try? FileManager.default.removeItem(atPath: bare)
        }
        try FileManager.default.copyItem(atPath: lake, toPath: bare)
        let log = bare + "/contacts/_delta_log"
        for name in try FileManager.default.contentsOfDirectory(atPath: log) where name.hasSuffix(".checkpoint.parquet") || name == "_last_checkpoint" {
            try FileManager.default.removeItem(atPath: log + "/" + name)
        }
        var rows: [Row] = []
        for (label, table) in [("every 100 commits", lake + "/contacts"), ("none", bare + "/contacts")] {
            let opened = try PeerProcess.runJSON(python, [PeerProcess.script("delta_open.py"), "deltalake", table, "\(repeats)"])
            let version = opened["version"] as? Int ?? -1
            rows.append(Row(checkpoints: label, reader: "deltalake: open (version, file list)", seconds: opened["seconds"] as? Double ?? .nan,
                            version: version, result: "\(opened["files"] as? Int ?? -1) files"))
            for (reader, query) in [("duckdb", "duckdb: first row (delta_scan … LIMIT 1)"), ("duckdb-count", "duckdb: count(*) from delta_scan (every file)")] {
                let scanned = try PeerProcess.runJSON(deltaPython, [PeerProcess.script("delta_open.py"), reader, table, "\(repeats)"])
                rows.append(Row(checkpoints: label, reader: query, seconds: scanned["seconds"] as? Double ?? .nan,
                                version: version, result: "\(scanned["rows"] as? Int ?? -1) rows"))
            }
        }
        return rows
    }

    static func print(_ rows: [Row]) {
        Swift.print("\n## Delta table with \(rows.first?.version ?? 0) commits (one part file each): opened by readers, best of the repeats\n")
        Swift.print("| checkpoints | reader | seconds | result |")
        Swift.print("|---|---|---:|---:|")
        for row in rows {
            Swift.print("| \(row.checkpoints) | \(row.reader) | \(String(format: "%.3f", row.seconds)) | \(row.result) |")
        }
    }
}
