import Export
import Foundation

/// The end-of-run table (stdout) and its JSON form.
enum SummaryTable {
    static func render(_ summary: ExportSummary) -> String {
        let header = ["endpoint", "mode", "status", "rows", "files", "bytes", "time", "watermark"]
        let rows = summary.results.map { r in
            [r.endpoint, r.mode.rawValue, r.status.rawValue, "\(r.rows)", "\(r.files)", "\(r.bytes)",
             String(format: "%.1fs", Double(r.duration.components.seconds) + Double(r.duration.components.attoseconds) / 1e18),
             r.watermark ?? "-"]
        }
        let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        var out = [line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)
        for r in summary.results where r.error != nil {
            out.append("\(r.endpoint): \(r.error!)")
        }
        if let r = summary.requests {
            out.append("requests \(r.requests), retries \(r.retries), rate limited (429) \(r.rateLimited), failed \(r.failures)")
        }
        out.append("run \(summary.runID): \(summary.succeeded ? "all endpoints succeeded" : "\(summary.results.filter { $0.status != .succeeded }.count) endpoint(s) did not succeed")")
        return out.joined(separator: "\n")
    }

    static func json(_ summary: ExportSummary) -> Data {
        let object: [String: Any] = [
            "run_id": summary.runID,
            "succeeded": summary.succeeded,
            "requests": summary.requests.map { ["requests": $0.requests, "retries": $0.retries, "rate_limited": $0.rateLimited, "failures": $0.failures] } ?? NSNull(),
            "endpoints": summary.results.map { r -> [String: Any] in
                [
                    "endpoint": r.endpoint, "mode": r.mode.rawValue, "status": r.status.rawValue, "rows": r.rows,
                    "files": r.files, "bytes": r.bytes, "watermark": r.watermark ?? NSNull(), "error": r.error ?? NSNull(),
                    "seconds": Double(r.duration.components.seconds) + Double(r.duration.components.attoseconds) / 1e18,
                ]
            },
        ]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    }
}
