import ActiveCampaign
import Foundation

/// Parses `--endpoints contacts,deals` against the catalog, suggesting the nearest name on a typo.
enum EndpointSelection {
    static func parse(_ list: String?) throws -> [Endpoint] {
        guard let list, !list.isEmpty else { return Endpoint.all }
        return try list.split(separator: ",").map { raw in
            let name = raw.trimmingCharacters(in: .whitespaces)
            guard let endpoint = Endpoint.named(name) else {
                let nearest = Endpoint.all.map(\.name).min { distance($0, name) < distance($1, name) } ?? ""
                throw UsageError(description: "unknown endpoint '\(name)' in --endpoints; did you mean '\(nearest)'? Known: \(Endpoint.all.map(\.name).joined(separator: ", "))")
            }
            return endpoint
        }
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

/// ISO 8601 dates and date-times for --anchor-date.
