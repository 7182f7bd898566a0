import Foundation
import Parquet

/// The `stats` of an `add` action, from the file's own footer: `numRecords`, and per column `nullCount` and, where
/// the footer has exact values, `minValues`/`maxValues`. Readers skip files by these, so a value is only given when
/// it bounds every row: a column whose footer lacks min/max in any row group that has values (strings too long for
/// statistics) gets none. docs/delta-lake.md#stats.
enum DeltaFileStats {
    static func json(metadata: FileMetadata, schema: Schema) -> String {
        var minValues: [String: Any] = [:]
        var maxValues: [String: Any] = [:]
        var nullCounts: [String: Any] = [:]
        let rowGroups = metadata.rowGroups
        for (index, column) in schema.columns.enumerated() {
            var nulls: Int64 = 0
            var low: Bound?
            var high: Bound?
            var exact = true
            for group in rowGroups {
                guard let statistics = group.columns[index].statistics else {
                    exact = false
                    continue
                }
                nulls += statistics.nullCount
                guard statistics.nullCount < group.numRows else { continue }  // only nulls: no bound needed
                guard let minBytes = statistics.minValue, let maxBytes = statistics.maxValue,
                    let groupLow = Bound(minBytes, column.type), let groupHigh = Bound(maxBytes, column.type)
                else {
                    exact = false
                    continue
                }
                low = low.map { $0 < groupLow ? $0 : groupLow } ?? groupLow
                high = high.map { $0 < groupHigh ? groupHigh : $0 } ?? groupHigh
            }
            if rowGroups.allSatisfy({ $0.columns[index].statistics != nil }) { nullCounts[column.name] = nulls }
            if exact, let low, let high {
                minValues[column.name] = low.json(column.type)
                maxValues[column.name] = high.json(column.type)
            }
        }
        return DeltaJSON.text([
            "numRecords": metadata.numRows, "minValues": minValues, "maxValues": maxValues, "nullCount": nullCounts,
        ])
    }

    /// One min or max from the footer, comparable within its column.
    enum Bound: Comparable {
        case integer(Int64)
        case real(Double)
        case text([UInt8])

        init?(_ bytes: [UInt8], _ type: ColumnType) {
            func load<T: FixedWidthInteger>(_: T.Type) -> T? {
                bytes.count == MemoryLayout<T>.size ? bytes.withUnsafeBytes { $0.loadUnaligned(as: T.self) }.littleEndian : nil
            }
            switch type {
            case .int64, .timestampMicros:
                guard let value = load(Int64.self) else { return nil }
                self = .integer(value)
            case .int32, .date:
                guard let value = load(Int32.self) else { return nil }
                self = .integer(Int64(value))
            case .double:
                guard let bits = load(UInt64.self), Double(bitPattern: bits).isFinite else { return nil }
                self = .real(Double(bitPattern: bits))
            case .string:
                self = .text(bytes)
            case .boolean:
                return nil  // Delta keeps no min/max for booleans
            }
        }

        static func < (a: Bound, b: Bound) -> Bool {
            switch (a, b) {
            case (.integer(let x), .integer(let y)): x < y
            case (.real(let x), .real(let y)): x < y
            case (.text(let x), .text(let y)): x.lexicographicallyPrecedes(y)
            default: false
            }
        }

        /// The value as Delta writes it in stats: numbers, ISO 8601 text for dates and timestamps (microseconds
        /// kept, so that a maximum is never below the real one).
        func json(_ type: ColumnType) -> Any {
            switch (self, type) {
            case (.integer(let micros), .timestampMicros(let adjustedToUTC)):
                let text = Self.microsecondText(micros)
                return adjustedToUTC ? text + "Z" : text
            case (.integer(let days), .date): return UTCTimestamp.date(days: days)
            case (.integer(let value), _): return value
            case (.real(let value), _): return value
            case (.text(let bytes), _): return String(decoding: bytes, as: UTF8.self)
            }
        }

        /// `YYYY-MM-DDTHH:MM:SS.ffffff`, without a zone.
        static func microsecondText(_ micros: Int64) -> String {
            let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
            let fraction = micros - seconds * 1_000_000
            let whole = UTCTimestamp.iso8601(micros: seconds * 1_000_000).dropLast()  // "…:SS", its "Z" dropped
            return "\(whole).\(String(format: "%06d", fraction))"
        }
    }
}
