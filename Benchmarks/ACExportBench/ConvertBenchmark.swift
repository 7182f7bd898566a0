import ActiveCampaignMock
import Foundation

/// Issue #6's benchmark: saved API pages of synthetic contacts → GZIP Parquet by `ac-export convert`,
/// beside polars, pyarrow and DuckDB converting the same records (as NDJSON), each in its own
/// process under /usr/bin/time for peak RSS, single-threaded, GZIP level 6.
struct ConvertBenchmark {
    let contacts: Int
    let directory: String
    let python: String
    let cli: String

    /// Writes the mock's contacts as page files (100 per page, exactly as served) and as NDJSON.
    func makeDataset() throws -> (pages: String, ndjson: String, bytes: Int) {
        let dataset = MockDataset(configuration: MockConfiguration(seed: 2026, contacts: contacts, deals: contacts / 4))
        let pages = directory + "/pages-\(contacts)"
        try FileManager.default.createDirectory(atPath: pages, withIntermediateDirectories: true)
        let ndjsonPath = directory + "/contacts-\(contacts).ndjson"
        FileManager.default.createFile(atPath: ndjsonPath, contents: nil)
        let ndjson = try FileHandle(forWritingTo: URL(fileURLWithPath: ndjsonPath))
        defer { try? ndjson.close() }
        var total = 0
        var buffer = Data()
        for offset in stride(from: 0, to: contacts, by: 100) {
            let page = dataset.pageJSON(path: "contacts", offset: offset, limit: 100)
            try Data(page).write(to: URL(fileURLWithPath: pages + String(format: "/page-%07d.json", offset / 100)))
            for index in offset..<min(contacts, offset + 100) {
                let record = dataset.recordJSON(path: "contacts", index: index)
                total += record.count
                buffer.append(contentsOf: record)
                buffer.append(0x0A)
            }
            if buffer.count > 1 << 22 {
                ndjson.write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        ndjson.write(buffer)
        return (pages, ndjsonPath, total)
    }

    /// Runs a command under /usr/bin/time -v; returns wall seconds, peak RSS and stdout.
    static func timed(_ executable: String, _ arguments: [String]) throws -> (seconds: Double, peakRSS: Int, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
        process.arguments = ["-v", executable] + arguments
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
        let rssLine = report.split(separator: "\n").first { $0.contains("Maximum resident set size") }
        let kilobytes = rssLine.flatMap { Int($0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces)) } ?? 0
        return (seconds, kilobytes * 1024, output)
    }

    func run() throws -> [BenchRow] {
        let data = try makeDataset()
        var rows: [BenchRow] = []
        let out = directory + "/convert-out-\(contacts)"
        try? FileManager.default.removeItem(atPath: out)
        let ours = try Self.timed(cli, ["convert", "--endpoint", "contacts", "--out", out, "--compression-level", "6", "--quiet", data.pages])
        let ourBytes = try Self.folderSize(out)
        rows.append(BenchRow(name: "ac-export convert (pages)", records: contacts, seconds: ours.seconds, inputBytes: data.bytes, outputBytes: ourBytes, peakRSS: ours.peakRSS))
        for engine in ["polars", "pyarrow", "duckdb"] {
            let target = directory + "/\(engine)-\(contacts).parquet"
            let result = try Self.timed(python, [PeerProcess.script("convert_peers.py"), engine, data.ndjson, target, "6"])
            let reported = try JSONSerialization.jsonObject(with: Data(result.output.split(separator: "\n").last!.utf8)) as? [String: Any]
            rows.append(BenchRow(name: "\(engine) (ndjson)", records: contacts, seconds: reported?["seconds"] as? Double ?? result.seconds,
                                 inputBytes: data.bytes, outputBytes: reported?["bytes"] as? Int ?? 0, peakRSS: result.peakRSS))
        }
        return rows
    }

    static func folderSize(_ path: String) throws -> Int {
        var total = 0
        let walker = FileManager.default.enumerator(atPath: path)
        while let relative = walker?.nextObject() as? String {
            guard relative.hasSuffix(".parquet") else { continue }
            total += (try FileManager.default.attributesOfItem(atPath: path + "/" + relative)[.size] as? NSNumber)?.intValue ?? 0
        }
        return total
    }
}
