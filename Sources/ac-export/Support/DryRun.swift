import ActiveCampaign
import Export
import Foundation
import Logging

/// `run --dry-run`: asks the API for each endpoint's `meta.total` (one request each) and says what the
/// run would do at the configured rate. Writes nothing.
enum DryRun {
    static func report(_ options: ExportOptions, credentials: Credentials, clientConfiguration: ClientConfiguration) async throws -> String {
        let plans = try await ExportRun.plan(options, logger: Logger(label: "ac-export.dry-run"))
        let client = ActiveCampaignClient(credentials: credentials, configuration: clientConfiguration, logger: Logger(label: "ac-export.dry-run"))
        var rows: [[String]] = []
        var totalRequests = 0
        do {
            for plan in plans {
                let total = try await client.total(of: plan.endpoint, window: plan.window)
                // The pages, and the count request that checks an incremental window or every pipeline's stages after reading.
                let countRequest = plan.endpoint.isIncremental || plan.endpoint.parent != nil ? 1 : 0
                let requests = total.map { max(1, ($0 + clientConfiguration.pageSize - 1) / clientConfiguration.pageSize) + countRequest }
                totalRequests += requests ?? 0
                let mode = plan.window == nil ? "full_refresh" : "incremental"
                let from = plan.window.map { ISO8601DateFormatter().string(from: $0.since) } ?? "-"
                rows.append([plan.endpoint.name, mode, total.map(String.init) ?? "?", requests.map(String.init) ?? "?",
                             requests.map { String(format: "%.0fs", Double($0) / clientConfiguration.requestsPerSecond) } ?? "?",
                             from + (plan.resumesCheckpoint ? " (resumes a checkpoint)" : "")])
            }
            // --reconcile lists every id of the incremental endpoints, then counts them once more.
            for plan in plans where options.reconcile && plan.endpoint.isIncremental {
                let total = try await client.total(of: plan.endpoint, window: nil)
                let requests = total.map { max(1, ($0 + clientConfiguration.pageSize - 1) / clientConfiguration.pageSize) + 1 }
                totalRequests += requests ?? 0
                rows.append([plan.endpoint.name + "_deleted", "reconcile", total.map(String.init) ?? "?", requests.map(String.init) ?? "?",
                             requests.map { String(format: "%.0fs", Double($0) / clientConfiguration.requestsPerSecond) } ?? "?", "every id"])
            }
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
        let header = ["endpoint", "mode", "records", "requests", "time", "window starts at"]
        var lines = TextTable.lines(header: header, rows: rows)
        let seconds = Double(totalRequests) / clientConfiguration.requestsPerSecond
        // An endpoint that alone takes an hour or more is named before anyone starts it (field_values, contact_lists).
        for row in rows {
            guard let requests = Double(row[3]), requests / clientConfiguration.requestsPerSecond >= 3600 else { continue }
            lines.append(String(format: "note: %@ alone is about %.1f hours at %g requests/s (%@ records)", row[0], requests / clientConfiguration.requestsPerSecond / 3600, clientConfiguration.requestsPerSecond, row[2]))
        }
        return (lines + ["about \(totalRequests) requests, \(String(format: "%.0f", seconds)) s at \(clientConfiguration.requestsPerSecond) requests/s (deal_stages adds one listing per pipeline; contacts, deals and deal_stages include the count that checks completeness); nothing was written"]).joined(separator: "\n")
    }
}
