import ActiveCampaign
import ActiveCampaignMock
import Foundation
import Testing

/// The live progress of `run` on a terminal, seen through a pseudo-terminal of several sizes and rendered by a
/// terminal emulator (pyte, Tests/Interop/pty_run.py): what is left on the screen afterwards is what a person sees.
@Suite(.serialized) struct ProgressDisplayTests {
    struct Screen: Decodable {
        var exit: Int32
        var interrupted: Bool
        var raw: String
        var lines: [String]
    }

    /// A progress line: the header, a running endpoint (a rate) or a finished one.
    static var progressLine: Regex<Substring> { #/endpoints done|done \d+ records|\d+/s~?$|stopped after \d+ records|failed after \d+ records/# }

    func runInTerminal(columns: Int, rows: Int, interruptAfter: Double, _ body: @Sendable (Screen, [String: String]) throws -> Void) async throws {
        let mock = MockConfiguration(contacts: 2_500, deals: 600, latency: .milliseconds(40))
        try await ExportScenario.with("progress \(columns)x\(rows)", mock: mock) { scenario in
            let summary = scenario.lake + "-summary.json"
            let arguments = scenario.runArguments(Endpoint.standard.map(\.name), ["--rate-limit", "40", "--summary-json", summary])
            let script = LakeHarness.repositoryRoot.appendingPathComponent("Tests/Interop/pty_run.py").path
            let (status, output) = try await LakeHarness.run(
                LakeHarness.python, [script, String(columns), String(rows), String(interruptAfter), "--", LakeHarness.cli] + arguments,
                environment: scenario.environment, in: scenario.workingDirectory)
            try #require(status == 0, "pty_run.py: \(output)")
            let screen = try JSONDecoder().decode(Screen.self, from: Data(output.utf8))
            scenario.expectKeyAbsent(outputs: ["terminal": screen.raw])
            var statuses: [String: String] = [:]
            if let data = FileManager.default.contents(atPath: summary),
               let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] {
                for endpoint in object["endpoints"] as? [[String: Any]] ?? [] {
                    statuses[endpoint["endpoint"] as? String ?? "?"] = endpoint["status"] as? String
                }
            }
            try body(screen, statuses)
        }
    }

    /// The block is drawn (with "n of m endpoints done" and finished endpoints as done), and nothing of it is left:
    /// no stale copies, no wrapped half-lines, at a narrow pane's width, a usual one and a wide one.
    @Test(arguments: [(45, 30), (80, 24), (132, 40), (60, 8)])
    func progressFitsTheTerminalAndLeavesNothingBehind(columns: Int, rows: Int) async throws {
        try await runInTerminal(columns: columns, rows: rows, interruptAfter: 0) { screen, statuses in
            #expect(screen.exit == 0, "\(screen.lines.joined(separator: "\n"))")
            #expect(screen.raw.contains("of 15 endpoints done"), "no header line was drawn")
            #expect(screen.raw.contains(#/done \d+ records/#), "finished endpoints were not shown as done")
            let leftovers = screen.lines.filter { $0.contains(Self.progressLine) }
            #expect(leftovers.isEmpty, "progress lines left on a \(columns)x\(rows) terminal:\n\(leftovers.joined(separator: "\n"))")
            #expect(statuses.count == 15 && statuses.values.allSatisfy { $0 == "succeeded" }, "\(statuses)")
        }
    }

    /// Ctrl-C: the block is erased, the endpoints that were running or pending say "cancelled" once each (in the
    /// summary), those that finished say succeeded, and no raw internal error appears.
    @Test(arguments: [45, 80, 132])
    func controlCLeavesOneCancelledLinePerUnfinishedEndpoint(columns: Int) async throws {
        try await runInTerminal(columns: columns, rows: 30, interruptAfter: 1.5) { screen, statuses in
            let text = screen.lines.joined(separator: "\n")
            #expect(screen.interrupted && screen.exit == 1, "exit \(screen.exit):\n\(text)")
            let cancelled = statuses.filter { $0.value == "cancelled" }.map(\.key)
            #expect(!cancelled.isEmpty && statuses.count == 15, "the interrupt did not land mid-run: \(statuses)")
            #expect(statuses.values.allSatisfy { ["cancelled", "succeeded"].contains($0) }, "\(statuses)")
            let cancelledLines = screen.lines.filter { $0.contains("cancelled") }
            #expect(cancelledLines.count == cancelled.count, "\(cancelled.count) endpoints cancelled, \(cancelledLines.count) lines say so:\n\(text)")
            for endpoint in cancelled {
                #expect(cancelledLines.filter { $0.hasPrefix(endpoint + " ") }.count == 1, "\(endpoint):\n\(text)")
            }
            #expect(screen.lines.filter { $0.contains(Self.progressLine) }.isEmpty, "progress lines left after Ctrl-C:\n\(text)")
            #expect(!text.contains("Error:") && !text.contains("CancellationError"), "\(text)")
            #expect(text.contains("stopped by a signal"), "\(text)")
        }
    }
}
