import ActiveCampaign
import ArgumentParser

struct EndpointsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "endpoints", abstract: "List the endpoints that can be exported: the standard 15, the opt-in ones, and the custom-field tables.")

    func run() {
        let header = ["name", "api path", "mode", "cursor", "paging", "selected", "notes"]
        var rows = Endpoint.catalog.map { e in
            [e.name, "/api/3/" + e.path, e.cursorField == nil ? "full_refresh" : "incremental", e.cursorField ?? "-", Self.paging(e),
             e.isStandard ? "default" : "opt-in", Self.volumeNotes[e.name] ?? "-"]
        }
        rows += CustomFieldTable.all.map { t in
            [t.name, "-", "full_refresh", "-", "built from \(t.values.name) + \(t.definitions.name)", "with both", "one row per \(t.entityColumn), a column per field"]
        }
        TextTable.lines(header: header, rows: rows).forEach { print($0) }
        print("\nSelect with --endpoints a,b (all: every one) or streams: in the YAML; `run --dry-run` estimates requests and time.")
    }

    static func paging(_ endpoint: Endpoint) -> String {
        if let parent = endpoint.parent { return "offset, per \(parent)" }
        return endpoint.pagination == .idGreater ? "id keyset" : "offset"
    }

    /// What an operator should know about an endpoint's size before selecting it.
    static let volumeNotes: [String: String] = [
        "contacts": "largest standard listing",
        "contact_tags": "about one per contact tag",
        "field_values": "one per contact and field set: often several times the contacts",
        "contact_lists": "one per contact and list: often several times the contacts",
        "contact_automations": "one per enrolment",
        "deal_activities": "several per deal",
        "messages": "large strings (email bodies)",
    ]
}
