import ActiveCampaign
import ArgumentParser

struct EndpointsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "endpoints", abstract: "List the 15 endpoints that can be exported.")

    func run() {
        let header = ["name", "api path", "mode", "cursor", "parent"]
        let rows = Endpoint.all.map { e in
            [e.name, "/api/3/" + e.path, e.cursorField == nil ? "full_refresh" : "incremental", e.cursorField ?? "-", e.parent ?? "-"]
        }
        let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
        for row in [header] + rows {
            print(row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  "))
        }
    }
}
