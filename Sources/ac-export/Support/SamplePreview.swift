import Export
import Foundation
import Parquet

/// What `run --limit N` shows of each endpoint's sample: the records read, the columns with the types the lake
/// would get, and the first rows, read back from the sample's own Parquet files.
enum SamplePreview {
    static func render(lake: String, endpoints: [String], rows: Int = 3) throws -> String {
        let manifest = try ExportRun.manifest(in: lake)
        var lines: [String] = []
        for endpoint in endpoints {
            guard let state = manifest.endpoints[endpoint], let file = state.files.first else {
                lines.append("\(endpoint): no records")
                continue
            }
            let report = try FileReport(reader: try ParquetFileReader(path: lake + "/" + file.path), rowLimit: rows)
            let columns = report.reader.schema.columns
            lines.append("")
            lines.append("\(endpoint): \(state.files.reduce(0) { $0 + $1.rows }) records, \(columns.count) columns")
            lines.append("  columns: " + columns.map { "\($0.name) \($0.type)" }.joined(separator: ", "))
            for row in report.firstRows { lines.append("  " + report.rowText(row)) }
        }
        return lines.joined(separator: "\n")
    }
}
