import ActiveCampaign
import Foundation

/// Parses `--endpoints contacts,deals` against the catalog, suggesting the nearest name on a typo.
enum EndpointSelection {
    /// Every name `--endpoints` and `streams:` accept: the endpoints, and the custom-field tables (which stand for
    /// their two listings).
    static var knownNames: [String] { Endpoint.catalog.map(\.name) + CustomFieldTable.all.map(\.name) }

    /// nil: the 15 standard endpoints; `all`: every endpoint of the catalog. A custom-field table's name selects its
    /// two listings (the table is built whenever both are exported). A name given twice counts once; an empty list
    /// is a usage error, not "all".
    static func parse(_ list: String?) throws -> [Endpoint] {
        guard let list else { return Endpoint.standard }
        let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !names.isEmpty else {
            throw UsageError(description: "--endpoints is empty; name one or more of: \(knownNames.joined(separator: ", ")), or all (or leave it out for the standard 15)")
        }
        var endpoints: [Endpoint] = []
        for name in names {
            let selected: [Endpoint]
            if name == "all" {
                selected = Endpoint.catalog
            } else if let endpoint = Endpoint.named(name) {
                selected = [endpoint]
            } else if let table = CustomFieldTable.named(name) {
                selected = [table.definitions, table.values]
            } else {
                throw UsageError(description: "unknown endpoint '\(name)' in --endpoints; did you mean '\(nearest(name))'? Known: \(knownNames.joined(separator: ", ")), all")
            }
            for endpoint in selected where !endpoints.contains(endpoint) { endpoints.append(endpoint) }
        }
        return endpoints
    }

    static func nearest(_ name: String) -> String {
        knownNames.min { distance($0, name) < distance($1, name) } ?? ""
    }

    /// Levenshtein distance, for suggestions.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(1, b.count) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
