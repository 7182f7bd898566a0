import ArgumentParser
import Export
import Foundation
import Parquet

struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a Parquet file's schema, row groups, pages, encodings, sizes, statistics and first rows, or the versions of an endpoint's Delta table.")

    @Argument(help: "A Parquet file, or an endpoint folder of a lake (a Delta table: its versions are listed).")
    var file: String

    @Option(help: "How many rows to show.")
    var rows: Int = 5

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: file, isDirectory: &isFolder), isFolder.boolValue {
            return try await showTable()
        }
        let reader: ParquetFileReader
        do {
            reader = try ParquetFileReader(path: file)
        } catch {
            throw UsageError(description: "\(file): \(error)")
        }
        let report = try FileReport(reader: reader, rowLimit: rows)
        if json {
            let data = try JSONSerialization.data(withJSONObject: report.jsonObject, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(report.text)
        }
    }
}

extension InspectCommand {
    /// The versions of the Delta table in `file`: number, time, operation and step, files and rows added and removed.
    func showTable() async throws {
        guard let versions = try await DeltaVersion.history(ofTable: file) else {
            throw UsageError(description: "\(file) is a folder without a Delta log (_delta_log): give a Parquet file, or an endpoint folder of a lake")
        }
        let time = { (date: Date?) in date.map { UTCTimestamp.iso8601(micros: Int64($0.timeIntervalSince1970) * 1_000_000) } ?? "-" }
        if json {
            let objects = versions.map { v -> [String: Any] in
                [
                    "version": v.version, "timestamp": time(v.timestamp), "operation": v.operation, "step": v.step ?? NSNull(),
                    "run_id": v.runID ?? NSNull(), "files_added": v.filesAdded, "files_removed": v.filesRemoved,
                    "rows_added": v.rowsAdded, "rows_removed": v.rowsRemoved, "schema_changed": v.schemaChanged,
                ]
            }
            let data = try JSONSerialization.data(withJSONObject: ["versions": objects], options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        let rows = versions.map { v in
            [String(v.version), time(v.timestamp), v.operation + (v.step.map { " (\($0))" } ?? ""), v.runID ?? "-",
             "+\(v.filesAdded) -\(v.filesRemoved)", "+\(v.rowsAdded) -\(v.rowsRemoved)", v.schemaChanged ? "yes" : ""]
        }
        print(TextTable.lines(header: ["version", "time", "operation", "run", "files", "rows", "schema"], rows: rows, rule: true).joined(separator: "\n"))
    }
}

/// What `inspect` shows, gathered once and rendered as text or JSON.
struct FileReport {
    let reader: ParquetFileReader
    let firstRows: [[ParquetValue]]
    /// Why the rows are not shown (a codec this reader does not decode, such as LZ4 or BROTLI from other writers).
    let rowsUnavailable: String?
    let pageLists: [[[ParquetFileReader.PageInfo]]]

    /// Longest string shown in the text report before an ellipsis.
    static let textWidth = 60

    init(reader: ParquetFileReader, rowLimit: Int) throws {
        self.reader = reader
        var firstRows: [[ParquetValue]] = []
        var rowsUnavailable: String?
        do throws(ParquetError) {
            let columns = try reader.schema.columns.indices.map { (c) throws(ParquetError) -> [ParquetValue] in
                reader.metadata.rowGroups.isEmpty ? [] : Array(try reader.readColumn(rowGroup: 0, column: c).prefix(rowLimit))
            }
            let count = columns.first?.count ?? 0
            firstRows = (0..<count).map { r in columns.map { $0[r] } }
        } catch {
            guard case .unsupported(let what) = error else { throw error }
            rowsUnavailable = "\(what) is not decoded by this reader (it reads GZIP, ZSTD, SNAPPY and uncompressed files, PLAIN, dictionary and DELTA_BYTE_ARRAY)"
        }
        self.firstRows = firstRows
        self.rowsUnavailable = rowsUnavailable
        pageLists = try reader.metadata.rowGroups.indices.map { g in
            try reader.schema.columns.indices.map { c in try reader.pages(rowGroup: g, column: c) }
        }
    }

    func statisticText(_ bytes: [UInt8]?, _ type: ColumnType) -> String {
        guard let bytes else { return "-" }
        func int<T: FixedWidthInteger>(_: T.Type) -> T { bytes.withUnsafeBytes { $0.loadUnaligned(as: T.self) }.littleEndian }
        switch type {
        case .string: return String(decoding: bytes, as: UTF8.self)
        case .int64, .timestampMicros: return bytes.count == 8 ? Self.text(.int64(int(Int64.self)), type) : "?"
        case .int32, .date: return bytes.count == 4 ? Self.text(.int32(int(Int32.self)), type) : "?"
        case .double: return bytes.count == 8 ? String(Double(bitPattern: int(UInt64.self))) : "?"
        case .boolean: return bytes.first == 1 ? "true" : "false"
        }
    }

    /// A value as a person reads it: instants as ISO 8601 UTC, wall times without a zone, dates as days.
    static func text(_ value: ParquetValue, _ type: ColumnType) -> String {
        switch (value, type) {
        case (.int64(let micros), .timestampMicros(adjustedToUTC: true)): UTCTimestamp.iso8601(micros: micros)
        case (.int64(let micros), .timestampMicros(adjustedToUTC: false)): String(UTCTimestamp.iso8601(micros: micros).dropLast())
        case (.int32(let days), .date): UTCTimestamp.date(days: Int64(days))
        default: value.description
        }
    }

    /// The same, typed for JSON: numbers and booleans as such, instants and dates as their ISO text.
    static func jsonValue(_ value: ParquetValue, _ type: ColumnType) -> Any {
        switch (value, type) {
        case (.null, _): NSNull()
        case (.boolean(let v), _): v
        case (_, .timestampMicros), (_, .date): text(value, type)
        case (.int32(let v), _): Int(v)
        case (.int64(let v), _): v
        case (.double(let v), _): v.isFinite ? v as Any : v.description as Any
        case (.bytes, _): value.description
        }
    }

    /// One row as `name=value` pairs, long values cut (the text report, `run --limit`'s sample).
    func rowText(_ row: [ParquetValue]) -> String {
        zip(reader.schema.columns, row).map { "\($0.name)=\(Self.shortened(Self.text($1, $0.type)))" }.joined(separator: "  ")
    }

    /// Long strings end with an ellipsis in the text report.
    static func shortened(_ text: String) -> String {
        text.count > textWidth ? text.prefix(textWidth - 1) + "…" : text
    }

    var text: String {
        let m = reader.metadata
        var lines = ["created_by: \(m.createdBy ?? "-")", "rows: \(m.numRows)  row groups: \(m.rowGroups.count)", "schema:"]
        for column in reader.schema.columns {
            lines.append("  \(column.name): \(column.type)\(column.isRequired ? " REQUIRED" : "")")
        }
        for kv in m.keyValueMetadata { lines.append("metadata \(kv.key) = \(kv.value ?? "")") }
        for (g, rowGroup) in m.rowGroups.enumerated() {
            lines.append("row group \(g): \(rowGroup.numRows) rows, \(rowGroup.totalByteSize) bytes uncompressed")
            for (c, chunk) in rowGroup.columns.enumerated() {
                let type = reader.schema.columns[c].type
                let stats = chunk.statistics
                lines.append("  \(chunk.path.joined(separator: ".")): \(chunk.codec) \(chunk.encodings.map(\.description).joined(separator: ",")) "
                    + "\(chunk.totalCompressedSize)/\(chunk.totalUncompressedSize) bytes, \(pageLists[g][c].count) pages, "
                    + "nulls \(stats.map { String($0.nullCount) } ?? "-"), min \(Self.shortened(statisticText(stats?.minValue, type))), "
                    + "max \(Self.shortened(statisticText(stats?.maxValue, type)))")
            }
        }
        if let rowsUnavailable {
            lines.append("rows not shown: \(rowsUnavailable)")
        } else {
            lines.append("first \(firstRows.count) rows:")
            for row in firstRows { lines.append("  " + rowText(row)) }
        }
        return lines.joined(separator: "\n")
    }

    var jsonObject: [String: Any] {
        let m = reader.metadata
        return [
            "created_by": m.createdBy ?? NSNull(),
            "num_rows": m.numRows,
            "key_value_metadata": Dictionary(m.keyValueMetadata.map { ($0.key, $0.value ?? "") }, uniquingKeysWith: { $1 }),
            "schema": reader.schema.columns.map { ["name": $0.name, "type": "\($0.type)", "required": $0.isRequired] },
            "row_groups": m.rowGroups.enumerated().map { g, rowGroup in
                [
                    "num_rows": rowGroup.numRows, "total_byte_size": rowGroup.totalByteSize,
                    "columns": rowGroup.columns.enumerated().map { c, chunk -> [String: Any] in
                        let type = reader.schema.columns[c].type
                        return [
                            "path": chunk.path.joined(separator: "."), "codec": chunk.codec.description,
                            "encodings": chunk.encodings.map(\.description), "compressed_size": chunk.totalCompressedSize,
                            "uncompressed_size": chunk.totalUncompressedSize, "pages": pageLists[g][c].count,
                            "null_count": chunk.statistics?.nullCount ?? NSNull(),
                            "min": chunk.statistics?.minValue.map { statisticText($0, type) } ?? NSNull(),
                            "max": chunk.statistics?.maxValue.map { statisticText($0, type) } ?? NSNull(),
                        ]
                    },
                ] as [String: Any]
            },
            "rows": firstRows.map { row in
                Dictionary(zip(reader.schema.columns, row).map { ($0.name, Self.jsonValue($1, $0.type)) }, uniquingKeysWith: { $1 })
            },
            "rows_unavailable": rowsUnavailable ?? NSNull(),
        ]
    }
}
