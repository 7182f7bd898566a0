import Foundation
import Parquet

/// Rewrites a committed part file whose columns have narrower types than the endpoint's schema now has
/// (a field typed INT64 for 12,000 rows that then held text), so that every file of an endpoint has one type
/// per column and the folder stays one dataset for DuckDB, polars, pyarrow and Spark. The copy is written to
/// the staging area under a new name, a row group and a column at a time; the caller swaps it in.
enum WidenedFileRewrite {
    /// The widened types of `path`'s columns, or nil when the file already has `schema`'s types.
    static func widenedTypes(of reader: ParquetFileReader, schema: EndpointSchema) -> [InferredType?]? {
        let target = Dictionary(schema.columns.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
        var changed = false
        let types = reader.schema.columns.map { column -> InferredType? in
            guard let wanted = target[column.name], wanted.columnType != column.type else { return nil }
            changed = true
            return wanted
        }
        return changed ? types : nil
    }

    /// Copies `source` into `part` with the columns of `types` (nil: unchanged) converted.
    static func copy(_ reader: ParquetFileReader, widening types: [InferredType?], into part: PartFile) throws {
        for rowGroup in reader.metadata.rowGroups.indices {
            let rows = Int(reader.metadata.rowGroups[rowGroup].numRows)
            for (index, column) in reader.schema.columns.enumerated() {
                let writer = part.columns[index]
                for value in try reader.readColumn(rowGroup: rowGroup, column: index) {
                    try append(value, from: column.type, as: types[index], to: writer)
                }
            }
            try part.endRows(cursors: ArraySlice(repeating: nil, count: rows))
        }
    }

    /// One value, in its new type: the text it had in the API where the type keeps it (integers, decimals,
    /// booleans, dates, wall times); an instant with an offset becomes its UTC ISO 8601 text (same instant).
    private static func append(_ value: ParquetValue, from type: ColumnType, as widened: InferredType?, to writer: ColumnWriter) throws {
        switch (value, widened) {
        case (.null, _): try writer.appendNull()
        case (.int64(let v), .double?): try writer.append(Double(v))
        case (_, .string?): try writer.append(text(value, type))
        case (.boolean(let v), nil): try writer.append(v)
        case (.int32(let v), nil): try writer.append(v)
        case (.int64(let v), nil): try writer.append(v)
        case (.double(let v), nil): try writer.append(v)
        case (.bytes(let v), nil): try v.withUnsafeBytes { try writer.append(utf8: $0) }
        default: throw ValueDoesNotFit(column: writer.column.name, type: widened, value: value.description)
        }
    }

    /// A stored value as the API sent it where the type keeps that (see `append`); also what a custom-field table reads.
    static func text(_ value: ParquetValue, _ type: ColumnType) -> String {
        switch (value, type) {
        case (.int64(let micros), .timestampMicros(adjustedToUTC: true)):
            return UTCTimestamp.iso8601(micros: micros)
        case (.int64(let micros), .timestampMicros(adjustedToUTC: false)):
            // `YYYY-MM-DD HH:MM:SS`, the API's zone-less form.
            return String(UTCTimestamp.iso8601(micros: micros).dropLast().replacingOccurrences(of: "T", with: " "))
        case (.int32(let days), .date):
            return UTCTimestamp.date(days: Int64(days))
        case (.double(let v), _) where v.rounded() == v && v.magnitude <= 0x1p53:
            // An integral DOUBLE came from an integer's text (the decimal form never ends in .0).
            return String(Int64(v))
        default:
            return value.description
        }
    }
}

/// A committed file replaced by its rewritten copy, as the manifest records it.
public struct FileRewrite: Codable, Sendable, Equatable {
    public var runID: String
    public var from: String
    public var to: String
    /// e.g. `organization: int64 → string`.
    public var reason: String
}
