import ActiveCampaign
import Export
import Foundation
import Synchronization

/// On a terminal: a live block at the bottom of stderr, redrawn in place twice a second: a line "n of m endpoints
/// done" with the account's requests, then one line per endpoint started so far (running ones with records, total
/// and rate; finished ones as done or failed). Elsewhere the per-file log lines do this job.
///
/// While it is live the block owns the bottom of the terminal: every other stderr message (the Ctrl-C notice, a
/// warning) is written above it, and the block is drawn again below. Lines are cut to the terminal's width and the
/// block to its height, so that moving the cursor up by the lines drawn always lands on the block's first line: no
/// wrapped half-lines and no stale copies. The block is erased when the run ends.
final class ProgressDisplay: Sendable {
    private struct Entry {
        var progress: ExportProgress
        let started: ContinuousClock.Instant
        var finished: ContinuousClock.Instant?
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var order: [String] = []
        var linesDrawn = 0
        var live = true
    }

    private let state = Mutex(State())
    private let started = ContinuousClock.now
    private let endpoints: [String]
    private let statistics: @Sendable () -> RequestStatistics?

    init(endpoints: [String], statistics: @escaping @Sendable () -> RequestStatistics?) {
        self.endpoints = endpoints
        self.statistics = statistics
    }

    static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    func update(_ progress: ExportProgress) {
        state.withLock { state in
            if state.entries[progress.endpoint] == nil {
                state.order.append(progress.endpoint)
                state.entries[progress.endpoint] = Entry(progress: progress, started: .now)
            }
            state.entries[progress.endpoint]!.progress = progress
            if progress.state != .running, state.entries[progress.endpoint]!.finished == nil {
                state.entries[progress.endpoint]!.finished = .now
            }
        }
    }

    /// Redraws until cancelled, then erases the block. Other stderr messages go above the block meanwhile.
    func run() async {
        StandardError.setOverlay { [self] message in draw(above: message) }
        while !Task.isCancelled {
            draw(above: "")
            try? await Task.sleep(for: .milliseconds(500))
        }
        StandardError.setOverlay(nil)
        state.withLock { state in
            StandardError.writeDirectly(Self.cursorToBlockStart(state.linesDrawn) + "\u{1B}[J")
            state.linesDrawn = 0
            state.live = false
        }
    }

    /// Erases the block, writes `message` (permanent output), and draws the block again below it.
    private func draw(above message: String) {
        let size = TerminalSize.ofStandardError()
        let lines = render(width: size.columns, height: size.rows)
        state.withLock { state in
            guard state.live else { return StandardError.writeDirectly(message) }
            var output = Self.cursorToBlockStart(state.linesDrawn) + "\u{1B}[J" + message
            for line in lines { output += line + "\n" }
            state.linesDrawn = lines.count
            StandardError.writeDirectly(output)
        }
    }

    private static func cursorToBlockStart(_ lines: Int) -> String {
        (lines > 0 ? "\u{1B}[\(lines)A" : "") + "\r"
    }

    /// The block's lines, each at most `width - 1` columns (the last column would wrap on some terminals), at most
    /// `height - 1` of them (lines scrolled off the top could not be redrawn): the oldest finished endpoints give
    /// way first.
    func render(width: Int, height: Int) -> [String] {
        let now = ContinuousClock.now
        let (order, entries) = state.withLock { ($0.order, $0.entries) }
        let done = entries.values.filter { $0.progress.state != .running }.count
        var header = "\(done) of \(endpoints.count) endpoints done"
        if let s = statistics() {
            let seconds = max(0.001, (now - started).seconds)
            header += String(format: "  requests %d (%.1f/s)  retries %d  429s %d", s.requests, Double(s.requests) / seconds, s.retries, s.rateLimited)
        }
        let nameWidth = min(15, max(order.map(\.count).max() ?? 0, 8) + 1)
        var endpointLines = order.compactMap { name in entries[name].map { (name, Self.line(name, $0, nameWidth: nameWidth, now: now)) } }
        let room = max(0, height - 2)
        if endpointLines.count > room {
            // Drop finished endpoints, oldest first, then running ones from the top.
            var excess = endpointLines.count - room
            let finishedOldestFirst = order.filter { entries[$0]?.progress.state != .running }
                .sorted { entries[$0]!.finished! < entries[$1]!.finished! }
            var dropped = Set(finishedOldestFirst.prefix(excess))
            excess -= dropped.count
            dropped.formUnion(order.filter { !dropped.contains($0) }.prefix(excess))
            endpointLines.removeAll { dropped.contains($0.0) }
        }
        let lines = height >= 2 ? [header] + endpointLines.map(\.1) : []
        return lines.map { Self.cut($0, to: width - 1) }
    }

    private static func line(_ name: String, _ entry: Entry, nameWidth: Int, now: ContinuousClock.Instant) -> String {
        let p = entry.progress
        var line = name.padding(toLength: max(nameWidth, name.count + 1), withPad: " ", startingAt: 0)
        // A per-parent listing (deal_stages: one per pipeline) reports the first parent's total only: then no total.
        let total = p.total.flatMap { $0 >= p.records && $0 > 0 ? $0 : nil }
        switch p.state {
        case .running:
            let rate = Double(p.records) / max(0.001, (now - entry.started).seconds)
            line += total.map { "\(p.records)/\($0)" } ?? "\(p.records)"
            if let total, rate > 0 {
                line += String(format: " %d%%", p.records * 100 / total)
                if total > p.records { line += String(format: " ETA %.0fs", Double(total - p.records) / rate) }
            }
            line += String(format: " %.0f/s", rate)
        case .succeeded:
            line += "done \(p.records) records, \(p.filesCommitted) files"
        case .failed:
            line += "failed after \(p.records) records (see the summary)"
        case .cancelled:
            line += "stopped after \(p.records) records"
        }
        return line
    }

    /// `text` cut to `width` columns (the block's text is ASCII but for endpoint names, which are ASCII too).
    static func cut(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        return text.count <= width ? text : String(text.prefix(max(0, width - 1))) + "~"
    }
}

/// The terminal's size, from the kernel (`TIOCGWINSZ` on stderr); 80×24 when it does not say.
struct TerminalSize {
    var columns: Int
    var rows: Int

    static func ofStandardError() -> TerminalSize {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return TerminalSize(columns: 80, rows: 24) }
        return TerminalSize(columns: Int(size.ws_col), rows: size.ws_row > 0 ? Int(size.ws_row) : 24)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
