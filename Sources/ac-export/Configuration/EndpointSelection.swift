import ActiveCampaign
import Foundation

/// Parses `--endpoints contacts,deals` against the catalog, suggesting the nearest name on a typo.
enum EndpointSelection {
    /// nil: every endpoint. A name given twice counts once; an empty list is a usage error, not "all".
    static func parse(_ list: String?) throws -> [Endpoint] {
        guard let list else { return Endpoint.all }
        let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !names.isEmpty else {
            throw UsageError(description: "--endpoints is empty; name one or more of: \(Endpoint.all.map(\.name).joined(separator: ", ")) (or leave it out for all)")
        }
        var endpoints: [Endpoint] = []
        for name in names {
            guard let endpoint = Endpoint.named(name) else {
                let nearest = Endpoint.all.map(\.name).min { distance($0, name) < distance($1, name) } ?? ""
                throw UsageError(description: "unknown endpoint '\(name)' in --endpoints; did you mean '\(nearest)'? Known: \(Endpoint.all.map(\.name).joined(separator: ", "))")
            }
            if !endpoints.contains(where: { $0.name == endpoint.name }) { endpoints.append(endpoint) }
        }
        return endpoints
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
