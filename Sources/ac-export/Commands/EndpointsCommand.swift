import ActiveCampaign
import ArgumentParser

struct EndpointsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "endpoints", abstract: "List the 15 endpoints that can be exported.")

    func run() {
        let header = ["name", "api path", "mode", "cursor", "parent"]
        let rows = Endpoint.all.map { e in
            [e.name, "/api/3/" + e.path, e.cursorField == nil ? "full_refresh" : "incremental", e.cursorField ?? "-", e.parent ?? "-"]
        }
        TextTable.lines(header: header, rows: rows).forEach { print($0) }
    }
}
