import Export
import Foundation

/// The end-of-run table (stdout) and its JSON form.
enum SummaryTable {
    static func render(_ summary: ExportSummary) -> String {
        let header = ["endpoint", "mode", "status", "rows", "skipped", "api count", "check", "files", "bytes", "requests", "retries", "429s", "time", "watermark"]
        let rows = summary.results.map(cells)
        var out = TextTable.lines(header: header, rows: rows, rule: true)
        for r in summary.results where r.error != nil && r.status != .cancelled {
            out.append("\(r.endpoint): \(r.error!)")
        }
        for r in summary.results where r.status == .succeeded {
            guard let c = r.completeness, let explanation = c.explanation else { continue }
            if c.verdict == .changed { out.append("\(r.endpoint): \(explanation)") }
            if c.verdict == .incomplete { out.append("\(r.endpoint): finished by --accept-incomplete although \(explanation)") }
        }
        // One explanation for every endpoint the signal stopped: the status column already names them.
        if let stopped = summary.results.first(where: { $0.status == .cancelled }), let reason = stopped.error {
            out.append("stopped by a signal: \(reason)")
        }
        if let r = summary.requests {
            out.append("requests \(r.requests), retries \(r.retries), rate limited (429) \(r.rateLimited), failed \(r.failures)")
        }
        let accepted = summary.results.filter { $0.status == .succeeded && $0.completeness?.verdict == .incomplete }.map(\.endpoint)
        let outcome = summary.succeeded ? "all endpoints succeeded" : "\(summary.results.filter { $0.status != .succeeded }.count) endpoint(s) did not succeed"
        out.append("run \(summary.runID): \(outcome)" + (accepted.isEmpty ? "" : "; incomplete, accepted: \(accepted.joined(separator: ", "))"))
        return out.joined(separator: "\n")
    }

    private static func cells(_ r: EndpointResult) -> [String] {
        let seconds = Double(r.duration.components.seconds) + Double(r.duration.components.attoseconds) / 1e18
        let requests: String = r.requests.map { String($0.requests) } ?? "-"
        let retries: String = r.requests.map { String($0.retries) } ?? "-"
        let rateLimited: String = r.requests.map { String($0.rateLimited) } ?? "-"
        let completeness = r.completeness
        return [r.endpoint, r.mode.rawValue, r.status.rawValue, String(r.rows), completeness.map { String($0.skipped) } ?? "-",
                completeness?.expected.map(String.init) ?? "-", completeness.map(check) ?? "-", String(r.files), String(r.bytes),
                requests, retries, rateLimited, String(format: "%.1fs", seconds), r.watermark ?? "-"]
    }

    /// The verdict, with the records missing (positive) or read beyond the API's count (negative).
    private static func check(_ c: Completeness) -> String {
        switch c.verdict {
        case .complete, .unchecked: c.verdict.rawValue
        case .changed, .incomplete: "\(c.verdict.rawValue) \(c.difference.map { $0 > 0 ? "\($0) missing" : "\(-$0) extra" } ?? "")"
        }
    }

    private static func json(_ c: Completeness) -> [String: Any] {
        [
            "verdict": c.verdict.rawValue, "expected": c.expected ?? NSNull(), "expected_at_start": c.expectedAtStart ?? NSNull(),
            "read": c.read, "written": c.written, "skipped": c.skipped, "difference": c.difference ?? NSNull(),
            "explanation": c.explanation ?? NSNull(),
        ]
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
                    "requests": r.requests?.requests ?? NSNull(), "retries": r.requests?.retries ?? NSNull(),
                    "rate_limited": r.requests?.rateLimited ?? NSNull(), "completeness": r.completeness.map(json) ?? NSNull(),
                ]
            },
        ]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    }
}
