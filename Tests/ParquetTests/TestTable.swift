import Foundation
import Parquet

/// A table of source values for tests: written through `ParquetWriter`, then compared with what
/// our reader and the interop engines return. Expectations come from these source values only.
enum Cell: Equatable {
    case null, bool(Bool), i32(Int32), i64(Int64), double(Double), string(String)
}

struct TestTable {
    var schema: Schema
    var columns: [[Cell]]

    var rowCount: Int { columns.first?.count ?? 0 }

    @discardableResult
    func write(to sink: any ParquetSink, properties: WriterProperties = WriterProperties()) throws -> FileMetadata {
        let writer = try ParquetWriter(sink: sink, schema: schema, properties: properties)
        for row in 0..<rowCount {
            for (c, column) in writer.columns.enumerated() {
                switch columns[c][row] {
                case .null: try column.appendNull()
                case .bool(let v): try column.append(v)
                case .i32(let v): try column.append(v)
                case .i64(let v): try column.append(v)
                case .double(let v): try column.append(v)
                case .string(let v): try column.append(v)
                }
            }
            try writer.endRow()
        }
        return try writer.close()
    }

    /// What our reader should return for a cell.
    static func parquetValue(_ cell: Cell) -> ParquetValue {
        switch cell {
        case .null: .null
        case .bool(let v): .boolean(v)
        case .i32(let v): .int32(v)
        case .i64(let v): .int64(v)
        case .double(let v): .double(v)
        case .string(let v): .bytes(Array(v.utf8))
        }
    }

    func interopCase(path: String) -> InteropHarness.Case {
        InteropHarness.Case(path: path, rows: rowCount, columns: schema.columns.enumerated().map { c, column in
            InteropHarness.ExpectedColumn(
                name: column.name, type: Self.interopType(column.type),
                values: columns[c].map(Self.scalar), stats: Self.expectedStatistics(columns[c]))
        })
    }

    static func interopType(_ type: ColumnType) -> String {
        switch type {
        case .boolean: "boolean"
        case .int32: "int32"
        case .int64: "int64"
        case .double: "double"
        case .string: "string"
        case .date: "date"
        case .timestampMicros(let utc): utc ? "timestamp_utc" : "timestamp_local"
        }
    }

    static func scalar(_ cell: Cell) -> InteropHarness.JSONScalar {
        switch cell {
        case .null: .null
        case .bool(let v): .bool(v)
        case .i32(let v): .int(Int64(v))
        case .i64(let v): .int(v)
        case .double(let v): .string(v.isNaN ? "nan" : "\(v)")
        case .string(let v): .string(v)
        }
    }

    /// Spec rules (docs/parquet-layout.md#statistics), computed from the source values: strings by unsigned bytes,
    /// NaN ignored, zero min as -0.0 and zero max as +0.0, long strings (> 4096 bytes) without min/max.
    static func expectedStatistics(_ cells: [Cell]) -> InteropHarness.ExpectedStatistics {
        let nulls = cells.filter { $0 == .null }.count
        let present = cells.filter { $0 != .null }
        var minimum: InteropHarness.JSONScalar = .null
        var maximum: InteropHarness.JSONScalar = .null
        switch present.first {
        case .bool?:
            let values = present.compactMap { if case .bool(let v) = $0 { v } else { nil } }
            minimum = .bool(values.allSatisfy { $0 })
            maximum = .bool(values.contains(true))
        case .i32?:
            let values = present.compactMap { if case .i32(let v) = $0 { v } else { nil } }
            minimum = .int(Int64(values.min()!))
            maximum = .int(Int64(values.max()!))
        case .i64?:
            let values = present.compactMap { if case .i64(let v) = $0 { v } else { nil } }
            minimum = .int(values.min()!)
            maximum = .int(values.max()!)
        case .double?:
            let values = present.compactMap { if case .double(let v) = $0, !v.isNaN { v } else { nil } }
            if let lo = values.min(), let hi = values.max() {
                minimum = .string(lo == 0 ? "-0.0" : "\(lo)")
                maximum = .string(hi == 0 ? "0.0" : "\(hi)")
            }
        case .string?:
            let values = present.compactMap { if case .string(let v) = $0 { Array(v.utf8) } else { nil } }
            let lo = values.min { $0.lexicographicallyPrecedes($1) }!
            let hi = values.max { $0.lexicographicallyPrecedes($1) }!
            if lo.count <= 4096 && hi.count <= 4096 {
                minimum = .string(String(decoding: lo, as: UTF8.self))
                maximum = .string(String(decoding: hi, as: UTF8.self))
            }
        default:
            break
        }
        return InteropHarness.ExpectedStatistics(null_count: nulls, min: minimum, max: maximum)
    }
}

/// Deterministic pseudo-random numbers (SplitMix64), so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum SampleTables {
    static let words = ["", "a", "active", "Zoë", "日本語", "🎉 party", "quote \" and \\ back", "line\nbreak", "ß", "z", "\u{7F}", "é"]

    /// Every supported type, optional with nulls, plus a required column; edge values included.
    static func allTypes(rows: Int, seed: UInt64 = 42) -> TestTable {
        var rng = SeededGenerator(state: seed)
        let schema = Schema([
            Column("id", .int64, required: true),
            Column("flag", .boolean),
            Column("small", .int32),
            Column("big", .int64),
            Column("ratio", .double),
            Column("name", .string),
            Column("seen_at", .timestampMicros(adjustedToUTC: true)),
            Column("local_at", .timestampMicros(adjustedToUTC: false)),
            Column("day", .date),
        ])
        let int64Edges: [Int64] = [.min, .max, 0, -1, 1]
        let int32Edges: [Int32] = [.min, .max, 0, -1]
        let doubleEdges: [Double] = [0.0, -0.0, .nan, .infinity, -.infinity, .leastNonzeroMagnitude, -1.5e308]
        var columns = Array(repeating: [Cell](), count: schema.columns.count)
        for row in 0..<rows {
            let isNull = { (rng: inout SeededGenerator) in rng.next() % 5 == 0 }
            columns[0].append(.i64(Int64(row)))
            columns[1].append(isNull(&rng) ? .null : .bool(rng.next() % 2 == 0))
            columns[2].append(isNull(&rng) ? .null : .i32(row < int32Edges.count ? int32Edges[row] : Int32(truncatingIfNeeded: rng.next() % 1000)))
            columns[3].append(isNull(&rng) ? .null : .i64(row < int64Edges.count ? int64Edges[row] : Int64(bitPattern: rng.next())))
            columns[4].append(isNull(&rng) ? .null : .double(row < doubleEdges.count ? doubleEdges[row] : Double(Int64(rng.next() % 100_000)) / 7))
            columns[5].append(isNull(&rng) ? .null : .string(words[Int(rng.next() % UInt64(words.count))] + (row % 3 == 0 ? "\(row)" : "")))
            // Years 0001..9999: the range every engine represents (DuckDB keeps int64 extremes for ±infinity).
            let micros = Int64(rng.next() % 315_537_897_600_000_000) - 62_135_596_800_000_000
            columns[6].append(isNull(&rng) ? .null : .i64(micros))
            columns[7].append(isNull(&rng) ? .null : .i64(micros / 7))
            columns[8].append(isNull(&rng) ? .null : .i32(Int32(Int64(rng.next() % 3_652_059) - 719_162)))
        }
        return TestTable(schema: schema, columns: columns)
    }
}
