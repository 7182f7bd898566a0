import Foundation

/// The `shapes` benchmark (README.md, section 'Performance'): `ac-export convert` beside polars and DuckDB, each
/// single-threaded and with every core, on data made by a second generator written from the API's documented record
/// shapes (`Benchmarks/peers/shaped_records.py`, independent of the mock): contacts in six shapes (key order, escapes,
/// non-ASCII names, null and zero dates, 8 KB records), deals, and contacts with 50 extra fields. One row per
/// dataset, then the worst ratio of each comparison: the figure the README quotes.
struct ShapesBenchmark {
    let records: Int
    let directory: String
    let python: String
    let cli: String
    let repeats: Int

    /// (endpoint, shape): every contacts shape, then deals and the wide endpoint in the API's own shape.
    static let datasets: [(endpoint: String, shape: String)] =
        ["api", "id-first", "utf8-names", "escaped-names", "sparse-dates", "8kb"].map { ("contacts", $0) }
        + [("deals", "api"), ("wide_contacts", "api")]

    /// The peers, by name: engine and thread count (0: every core).
    static let peers: [(name: String, engine: String, threads: Int)] = [
        ("polars, 1 thread", "polars", 1), ("DuckDB, 1 thread", "duckdb", 1),
        ("polars, all cores", "polars", 0), ("DuckDB, all cores", "duckdb", 0),
    ]

    struct Result {
        var dataset: String
        var ours: BenchRow
        var cpuPercent: Int
        /// Best of `repeats` per peer, in `peers` order.
        var peers: [BenchRow]
        var duckdbBytes: Int
    }

    func run() throws -> [Result] {
        try Self.datasets.map { dataset in
            let name = "\(dataset.endpoint) \(dataset.shape)"
            let pages = directory + "/shape-pages"
            let ndjson = directory + "/shape.ndjson"
            try? FileManager.default.removeItem(atPath: pages)
            defer {
                try? FileManager.default.removeItem(atPath: pages)
                try? FileManager.default.removeItem(atPath: ndjson)
            }
            let made = try PeerProcess.runJSON(python, [
                PeerProcess.script("shaped_records.py"), "--endpoint", dataset.endpoint, "--shape", dataset.shape,
                "--records", "\(records)", "--pages", pages, "--ndjson", ndjson,
            ])
            let bytes = made["bytes"] as? Int ?? 0
            let endpoint = dataset.endpoint == "deals" ? "deals" : "contacts"
            var ours: (row: BenchRow, cpu: Int)?
            var peers = [BenchRow?](repeating: nil, count: Self.peers.count)
            var duckdbBytes = 0
            for _ in 0..<repeats {
                let out = directory + "/shape-out"
                try? FileManager.default.removeItem(atPath: out)
                let result = try TimedCommand.run(cli, ["convert", "--endpoint", endpoint, "--out", out, "--compression-level", "6", "--quiet", pages])
                let row = BenchRow(name: name, records: records, seconds: result.seconds, inputBytes: bytes,
                                   outputBytes: try ConvertBenchmark.folderSize(out), peakRSS: result.peakRSS)
                try? FileManager.default.removeItem(atPath: out)
                if ours.map({ $0.row.seconds > row.seconds }) ?? true { ours = (row, result.cpuPercent) }
                for (index, peer) in Self.peers.enumerated() {
                    let target = directory + "/shape-\(peer.engine).parquet"
                    let timed = try TimedCommand.run(python, [PeerProcess.script("convert_peers.py"), peer.engine, ndjson, target, "6", "\(peer.threads)"])
                    let reported = try JSONSerialization.jsonObject(with: Data(timed.output.split(separator: "\n").last!.utf8)) as? [String: Any]
                    let row = BenchRow(name: peer.name, records: records, seconds: reported?["seconds"] as? Double ?? timed.seconds,
                                       inputBytes: bytes, outputBytes: reported?["bytes"] as? Int ?? 0, peakRSS: timed.peakRSS)
                    try? FileManager.default.removeItem(atPath: target)
                    if peer.engine == "duckdb" { duckdbBytes = row.outputBytes }
                    if peers[index].map({ $0.seconds > row.seconds }) ?? true { peers[index] = row }
                }
            }
            return Result(dataset: name, ours: ours!.row, cpuPercent: ours!.cpu, peers: peers.map { $0! }, duckdbBytes: duckdbBytes)
        }
    }

    static func print(_ results: [Result], records: Int, repeats: Int) {
        Swift.print("\n## convert on every data shape: \(records) records → GZIP-6, best of \(repeats); ratio = peer's seconds ÷ ac-export's\n")
        Swift.print("| data | MB JSON | ac-export s | CPU | peak RSS | bytes | " + peers.map { "\($0.name) s | ratio" }.joined(separator: " | ") + " | DuckDB bytes |")
        Swift.print("|---|---:|---:|---:|---:|---:|" + peers.map { _ in "---:|---:|" }.joined() + "---:|")
        for result in results {
            let cells = result.peers.map { String(format: "%.2f | %.2f×", $0.seconds, $0.seconds / result.ours.seconds) }
            Swift.print(String(
                format: "| %@ | %.0f | %.2f | %d%% | %.0f MiB | %d | ", result.dataset, Double(result.ours.inputBytes) / 1e6, result.ours.seconds,
                result.cpuPercent, Double(result.ours.peakRSS ?? 0) / 1_048_576, result.ours.outputBytes)
                + cells.joined(separator: " | ") + " | \(result.duckdbBytes) |")
        }
        Swift.print("\nworst shape per comparison:")
        for (index, peer) in peers.enumerated() {
            guard let worst = results.min(by: { $0.peers[index].seconds / $0.ours.seconds < $1.peers[index].seconds / $1.ours.seconds }) else { continue }
            Swift.print(String(format: "- vs %@: %.2f× (%@)", peer.name, worst.peers[index].seconds / worst.ours.seconds, worst.dataset))
        }
        if let largest = results.max(by: { ($0.ours.peakRSS ?? 0) < ($1.ours.peakRSS ?? 0) }) {
            Swift.print(String(format: "- ac-export's largest peak RSS: %.0f MiB (%@)", Double(largest.ours.peakRSS ?? 0) / 1_048_576, largest.dataset))
        }
        let oversized = results.filter { $0.ours.outputBytes > $0.duckdbBytes }
        Swift.print("- output larger than DuckDB's: " + (oversized.isEmpty ? "none" : oversized.map {
            String(format: "%@ (+%.1f%%)", $0.dataset, (Double($0.ours.outputBytes) / Double($0.duckdbBytes) - 1) * 100)
        }.joined(separator: ", ")))
    }
}
