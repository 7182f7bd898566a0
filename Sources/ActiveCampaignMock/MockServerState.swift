/// Everything about a running mock that changes: the mutable record sets, the rate-limit window and the
/// seeded random source of fault decisions. Guarded by `MockServer`'s mutex.
struct MockServerState: Sendable {
    var contacts: MutableRecordSet
    var deals: MutableRecordSet
    var limiter: SlidingWindowRateLimiter?
    var random: SplitMix64
    var inFlight = 0
    /// Requests seen per list path, and over all list paths under "", for `MockFaultRule`s.
    var requestCounts: [String: Int] = [:]

    /// Counts a request to `path` and returns the first scripted fault that applies to it.
    mutating func fault(for path: String, rules: [MockFaultRule]) -> MockFault? {
        let ordinal = requestCounts[path, default: 0]
        let overall = requestCounts["", default: 0]
        requestCounts[path] = ordinal + 1
        requestCounts[""] = overall + 1
        return rules.first { rule in
            rule.path.map { $0 == path && rule.requests.contains(ordinal) } ?? rule.requests.contains(overall)
        }?.fault
    }

    subscript(endpoint: MockEndpoint) -> MutableRecordSet {
        get { endpoint == .contacts ? contacts : deals }
        set {
            if endpoint == .contacts { contacts = newValue } else { deals = newValue }
        }
    }

    /// `count` random updates (bump to `now`), inserts (new id above max) and deletes on one endpoint, so that
    /// offset paging shifts under the client.
    mutating func mutate(_ endpoint: MockEndpoint, count: Int, now: Int64, dataset: MockDataset) {
        var records = self[endpoint]
        for _ in 0..<count {
            switch random.below(3) {
            case 0:
                if let id = records.randomLiveID(using: &random) { records.update(id: id, at: now, dataset: dataset) }
            case 1:
                records.insert(at: now)
            default:
                if let id = records.randomLiveID(using: &random) { records.delete(id: id) }
            }
        }
        self[endpoint] = records
    }
}
