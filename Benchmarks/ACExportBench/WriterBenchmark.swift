import ActiveCampaignMock
import Foundation
import Parquet

/// The writer benchmark (README.md, section 'Performance'): 1M rows × 20 columns written with each codec (GZIP levels 1
/// and 6, ZSTD at its default level 3, SNAPPY), beside pyarrow writing the same table with the same codec and level, in
/// the same run.
struct WriterBenchmark {
    let rows: Int
    let directory: String
    let python: String
    let repeats: Int

    struct Table {
        var schema: Schema
        var int64s: [[Int64?]] = []
        var doubles: [[Double?]] = []
        var strings: [[String?]] = []
        var timestamps: [[Int64?]] = []
        var bools: [Bool?] = []
        var dates: [Int32?] = []
        /// Bytes of the values as PLAIN would store them: the "MB/s in" basis.
        var plainBytes = 0
    }

    func makeTable() -> Table {
        var rng = SplitMix64(seed: 2026)
        var columns: [Column] = []
        for i in 0..<6 { columns.append(Column("int_\(i)", .int64)) }
        for i in 0..<4 { columns.append(Column("double_\(i)", .double)) }
        for i in 0..<6 { columns.append(Column("text_\(i)", .string)) }
        for i in 0..<2 { columns.append(Column("ts_\(i)", .timestampMicros(adjustedToUTC: true))) }
        columns.append(Column("flag", .boolean))
        columns.append(Column("day", .date))
        var t = Table(schema: Schema(columns))
        let statuses = ["active", "unsubscribed", "bounced", "unconfirmed", "deleted"]
        for c in 0..<6 {
            t.int64s.append((0..<rows).map { r in
                if rng.next() % 10 == 0 { return nil }
                switch c {
                case 0: return Int64(r) + 1  // ids
                case 1: return Int64(rng.next() % 50)  // foreign keys, low cardinality
                default: return Int64(bitPattern: rng.next() % 1_000_000_007)
                }
            })
        }
        for _ in 0..<4 { t.doubles.append((0..<rows).map { _ in rng.next() % 10 == 0 ? nil : Double(rng.next() % 1_000_000) / 100 }) }
        for c in 0..<6 {
            t.strings.append((0..<rows).map { r in
                if rng.next() % 10 == 0 { return nil }
                switch c {
                case 0: return statuses[Int(rng.next() % 5)]
                case 1: return "person\(r)@example.org"
                case 2: return "https://demo.api-us1.com/api/3/contacts/\(r)/contactAutomations"
                case 3: return ["Zoë", "日本語", "Ana", "Bob", "Émile"][Int(rng.next() % 5)] + " \(rng.next() % 1000)"
                default: return String(rng.next(), radix: 16)
                }
            })
        }
        for _ in 0..<2 {
            t.timestamps.append((0..<rows).map { _ in rng.next() % 10 == 0 ? nil : 1_700_000_000_000_000 + Int64(rng.next() % 63_072_000) * 1_000_000 })
        }
        t.bools = (0..<rows).map { _ in rng.next() % 10 == 0 ? nil : rng.next() % 2 == 0 }
        t.dates = (0..<rows).map { _ in rng.next() % 10 == 0 ? nil : Int32(19_000 + rng.next() % 1000) }
        t.plainBytes = t.int64s.joined().compactMap { $0 }.count * 8 + t.doubles.joined().compactMap { $0 }.count * 8
            + t.strings.joined().compactMap { $0 }.reduce(0) { $0 + 4 + $1.utf8.count }
            + t.timestamps.joined().compactMap { $0 }.count * 8 + t.bools.count / 8 + t.dates.compactMap { $0 }.count * 4
        return t
    }

    func write(_ t: Table, to path: String, properties: WriterProperties) throws -> Int {
        let writer = try ParquetWriter(path: path, schema: t.schema, properties: properties)
        let columns = writer.columns
        for r in 0..<rows {
            var c = 0
            for column in t.int64s {
                if let v = column[r] { try columns[c].append(v) } else { try columns[c].appendNull() }
                c += 1
            }
            for column in t.doubles {
                if let v = column[r] { try columns[c].append(v) } else { try columns[c].appendNull() }
                c += 1
            }
            for column in t.strings {
                if let v = column[r] { try columns[c].append(v) } else { try columns[c].appendNull() }
                c += 1
            }
            for column in t.timestamps {
                if let v = column[r] { try columns[c].append(v) } else { try columns[c].appendNull() }
                c += 1
            }
            if let v = t.bools[r] { try columns[c].append(v) } else { try columns[c].appendNull() }
            if let v = t.dates[r] { try columns[c + 1].append(v) } else { try columns[c + 1].appendNull() }
            try writer.endRow()
        }
        try writer.close()
        return Int((try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0)
    }

    /// Each codec and level measured (nil: the codec has no level).
    static let codecs: [(CompressionCodec, Int?)] = [(.gzip, 1), (.gzip, 6), (.zstd, 3), (.snappy, nil)]

    /// `gzip-6`, `zstd-3`, `snappy`: the last word of a row's name, which pairs it with its peer.
    static func label(_ codec: CompressionCodec, _ level: Int?) -> String {
        "\(codec)".lowercased() + (level.map { "-\($0)" } ?? "")
    }

    func run() throws -> [BenchRow] {
        let table = makeTable()
        var results: [BenchRow] = []
        // The peer's input: the same table, uncompressed, written by us (reading it is not timed).
        var plain = WriterProperties()
        plain.compression = .uncompressed
        let peerInput = directory + "/writer-input.parquet"
        _ = try write(table, to: peerInput, properties: plain)
        for (codec, level) in Self.codecs {
            var properties = WriterProperties()
            properties.compression = codec
            properties.compressionLevel = level ?? 0
            let label = Self.label(codec, level)
            let path = directory + "/writer-\(label).parquet"
            var best = Double.infinity
            var bytes = 0
            for _ in 0..<repeats {
                let start = ContinuousClock.now
                bytes = try write(table, to: path, properties: properties)
                best = min(best, (ContinuousClock.now - start).seconds)
            }
            let peer = try PeerProcess.runJSON(
                python, [PeerProcess.script("pyarrow_write.py"), peerInput, directory + "/peer-\(label).parquet", "\(codec)".lowercased(), level.map(String.init) ?? "-", "\(repeats)"])
            let peerSeconds = peer["seconds"] as? Double ?? .nan
            let peerBytes = peer["bytes"] as? Int ?? 0
            let ours = BenchRow(name: "ac-export writer \(label)", records: rows, seconds: best, inputBytes: table.plainBytes, outputBytes: bytes, peakRSS: nil)
            let theirs = BenchRow(name: "pyarrow write_table \(label)", records: rows, seconds: peerSeconds, inputBytes: table.plainBytes, outputBytes: peerBytes, peakRSS: nil)
            results += [ours, theirs]
        }
        return results
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
