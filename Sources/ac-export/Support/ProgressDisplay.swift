import ActiveCampaign
import Export
import Foundation
import Synchronization

/// On a terminal: one line per running endpoint (records / total, rate, ETA) and one for the account's
/// requests, redrawn in place on stderr twice a second. Elsewhere the per-file log lines do this job.
final class ProgressDisplay: Sendable {
    private struct Entry {
        var progress: ExportProgress
        let started: ContinuousClock.Instant
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var order: [String] = []
        var linesDrawn = 0
    }

    private let state = Mutex(State())
    private let started = ContinuousClock.now
    private let statistics: @Sendable () -> RequestStatistics?

    init(statistics: @escaping @Sendable () -> RequestStatistics?) {
        self.statistics = statistics
    }

    static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    func update(_ progress: ExportProgress) {
        state.withLock { state in
            if state.entries[progress.endpoint] == nil {
                state.order.append(progress.endpoint)
                state.entries[progress.endpoint] = Entry(progress: progress, started: .now)
            } else {
                state.entries[progress.endpoint]!.progress = progress
            }
        }
    }

    /// Redraws until cancelled, then clears its lines.
    func run() async {
        while !Task.isCancelled {
            redraw(final: false)
            try? await Task.sleep(for: .milliseconds(500))
        }
        redraw(final: true)
    }

    private func redraw(final: Bool) {
        let lines = final ? [] : render()
        var output = state.withLock { state -> String in
            defer { state.linesDrawn = lines.count }
            return state.linesDrawn > 0 ? "\u{1B}[\(state.linesDrawn)A" : ""
        }
        for line in lines { output += "\r\u{1B}[2K" + line + "\n" }
        if final { output += "\u{1B}[J" }
        StandardError.write(output)
    }

    func render() -> [String] {
        let now = ContinuousClock.now
        var lines: [String] = []
        let seconds = max(0.001, (now - started).seconds)
        if let s = statistics() {
            lines.append(String(format: "requests %d (%.1f/s)  retries %d  429s %d", s.requests, Double(s.requests) / seconds, s.retries, s.rateLimited))
        }
        state.withLock { state in
            for name in state.order {
                guard let entry = state.entries[name], !entry.progress.finished else { continue }
                let p = entry.progress
                let elapsed = max(0.001, (now - entry.started).seconds)
                let rate = Double(p.records) / elapsed
                var line = name.padding(toLength: 15, withPad: " ", startingAt: 0) + " \(p.records)"
                if let total = p.total, total > 0 {
                    line += " / \(total)"
                    if rate > 0, total > p.records { line += String(format: "  ETA %.0fs", Double(total - p.records) / rate) }
                }
                line += String(format: "  %.0f records/s  %d files", rate, p.filesCommitted)
                lines.append(line)
            }
        }
        return lines
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
