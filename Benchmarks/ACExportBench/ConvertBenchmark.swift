import ActiveCampaignMock
import Foundation

/// The `convert` benchmark (README.md, section 'Performance'): saved API pages of synthetic contacts → GZIP Parquet by `ac-export convert`,
/// beside polars, pyarrow and DuckDB converting the same records (as NDJSON), each in its own
/// process under /usr/bin/time for peak RSS, single-threaded, GZIP level 6.
struct ConvertBenchmark {
    let contacts: Int
    let directory: String
    let python: String
    let cli: String
    static let seed: UInt64 = 2026

    /// Writes the mock's contacts as page files (100 per page, exactly as served) and, for the peers, as NDJSON.
    static func makeDataset(contacts: Int, directory: String, ndjson writeNDJSON: Bool) throws -> (pages: String, ndjson: String, bytes: Int) {
        let dataset = MockDataset(configuration: MockConfiguration(seed: seed, contacts: contacts, deals: contacts / 4))
        let pages = directory + "/pages-\(contacts)"
        try FileManager.default.createDirectory(atPath: pages, withIntermediateDirectories: true)
        let ndjsonPath = directory + "/contacts-\(contacts).ndjson"
        guard FileManager.default.createFile(atPath: ndjsonPath, contents: nil) else { throw BenchError(message: "cannot create \(ndjsonPath)") }
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
                guard writeNDJSON else { continue }
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

    /// `ac-export convert` alone on `contacts` saved contacts: how peak RSS grows with the input.
    static func ours(contacts: Int, directory: String, cli: String) throws -> BenchRow {
        let data = try makeDataset(contacts: contacts, directory: directory, ndjson: false)
        defer {
            try? FileManager.default.removeItem(atPath: data.pages)
            try? FileManager.default.removeItem(atPath: data.ndjson)
        }
        return try convert(pages: data.pages, bytes: data.bytes, contacts: contacts, directory: directory, cli: cli)
    }

    /// `parquetVersion` 1 is the default output (every reader); 2 adds DELTA_BYTE_ARRAY, measured beside it.
    static func convert(pages: String, bytes: Int, contacts: Int, directory: String, cli: String, parquetVersion: Int = 1) throws -> BenchRow {
        let out = directory + "/convert-out-\(contacts)-v\(parquetVersion)"
        try? FileManager.default.removeItem(atPath: out)
        defer { try? FileManager.default.removeItem(atPath: out) }
        let ours = try TimedCommand.run(
            cli, ["convert", "--endpoint", "contacts", "--out", out, "--compression-level", "6", "--parquet-version", "\(parquetVersion)", "--quiet", pages])
        return BenchRow(
            name: parquetVersion == 1 ? "ac-export convert (pages)" : "ac-export convert --parquet-version 2", records: contacts,
            seconds: ours.seconds, inputBytes: bytes, outputBytes: try folderSize(out), peakRSS: ours.peakRSS)
    }

    func run() throws -> [BenchRow] {
        let data = try Self.makeDataset(contacts: contacts, directory: directory, ndjson: true)
        var rows = [
            try Self.convert(pages: data.pages, bytes: data.bytes, contacts: contacts, directory: directory, cli: cli),
            try Self.convert(pages: data.pages, bytes: data.bytes, contacts: contacts, directory: directory, cli: cli, parquetVersion: 2),
        ]
        for engine in ["polars", "pyarrow", "duckdb"] {
            let target = directory + "/\(engine)-\(contacts).parquet"
            let result = try TimedCommand.run(python, [PeerProcess.script("convert_peers.py"), engine, data.ndjson, target, "6"])
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
