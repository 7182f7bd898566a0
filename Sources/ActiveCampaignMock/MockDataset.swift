import Foundation

/// The pure generator behind the mock: every record is a function of (seed, endpoint, index), so a dataset of a
/// million contacts costs no memory. Usable without a server, e.g. for saved-page fixtures and benchmarks.
public struct MockDataset: Sendable {
    /// The list paths served under `/api/3/`, which are also the records keys.
    public static let paths: [String] = MockEndpoint.allCases.map(\.rawValue)

    let seed: UInt64
    let contactCount: Int
    let dealCount: Int
    /// The dataset's "now" and the start of the two years its records are spread over.
    let nowSeconds: Int64
    let startSeconds: Int64
    /// Instants at which many records were touched by one bulk job, so that many share one `udate` second.
    let bulkUpdateSeconds: [Int64]
    /// Unusual values injected into one endpoint's records, and how `meta.total` is written.
    let shapes: MockDataShapes?
    let totalStyle: MockTotalStyle
    /// Contact custom fields, and the suffix of their tags (`MockConfiguration.extraContactFields`, `contactFieldTagSuffix`).
    let contactFieldCount: Int
    let contactFieldTagSuffix: String

    /// Deal stages per pipeline (~5 each); `dealStages` ids are numbered pipeline after pipeline.
    static let stagesPerGroup = [4, 5, 6]

    public init(configuration: MockConfiguration) {
        seed = configuration.seed
        contactCount = max(0, configuration.contacts)
        dealCount = max(0, configuration.deals)
        nowSeconds = Int64(configuration.now.timeIntervalSince1970.rounded(.down))
        let start = nowSeconds - 2 * 365 * 86400
        startSeconds = start
        let span = nowSeconds - start
        shapes = configuration.shapes
        totalStyle = configuration.totalStyle
        contactFieldCount = 20 + max(0, configuration.extraContactFields)
        contactFieldTagSuffix = configuration.contactFieldTagSuffix
        bulkUpdateSeconds = (1...9).map { start + span * Int64($0) / 10 + Int64($0 * 137) }
    }

    /// Number of records of a list path (0 for an unknown path).
    public func count(path: String) -> Int {
        MockEndpoint(rawValue: path).map(count(of:)) ?? 0
    }

    /// One record serialized exactly as served (before mutations); index is zero-based (`id = index + 1`).
    public func recordJSON(path: String, index: Int) -> [UInt8] {
        guard let endpoint = MockEndpoint(rawValue: path) else { return [] }
        var writer = JSONWriter(capacity: 2600)
        writeRecord(endpoint, index: index, times: nil, into: &writer)
        return writer.bytes
    }

    /// A whole response body as the API would serve `GET /api/3/<path>?offset=&limit=` (no filters).
    public func pageJSON(path: String, offset: Int, limit: Int) -> [UInt8] {
        guard let endpoint = MockEndpoint(rawValue: path) else { return [] }
        let total = count(of: endpoint)
        let first = min(max(0, offset), total)
        let last = min(total, first + max(0, limit))
        let rows = (first..<last).map { MockPageRow(index: $0, times: nil) }
        var writer = JSONWriter(capacity: rows.count * 2600 + 512)
        writePage(
            endpoint, rows: rows, total: total, query: MockPageQuery(limit: limit, offset: offset),
            currencies: endpoint == .deals ? dealCurrencies(rows: (0..<total).lazy.map { MockPageRow(index: $0, times: nil) }) : [],
            into: &writer)
        return writer.bytes
    }

    func count(of endpoint: MockEndpoint) -> Int {
        switch endpoint {
        case .contacts: contactCount
        case .deals: dealCount
        case .lists: min(20, max(5, contactCount / 100))
        case .tags: 50
        case .contactTags: contactCount
        case .fields: contactFieldCount
        case .forms: 10
        case .dealGroups: Self.stagesPerGroup.count
        case .dealStages: Self.stagesPerGroup.reduce(0, +)
        case .accounts: max(1, contactCount / 20)
        case .notes: dealCount / 2
        case .dealTasks: dealCount / 2
        case .campaigns: 30
        case .automations: 15
        case .users: 8
        case .fieldValues: (contactCount - contactCount / 10) * Self.fieldValuesPerContact
        case .contactLists: contactCount * 2
        case .contactAutomations: (contactCount + 1) / 2
        case .accountContacts: contactCount / 2
        case .dealCustomFieldMeta: Self.dealFieldTypes.count
        case .dealCustomFieldData: dealCount * 2
        case .accountCustomFieldMeta: Self.accountFieldTypes.count
        case .accountCustomFieldData: count(of: .accounts) * 2
        case .dealActivities: dealCount * 3
        case .ecomOrders: (contactCount + 7) / 10
        case .ecomOrderProducts: count(of: .ecomOrders) * 2
        case .ecomCustomers: max(1, contactCount / 20)
        case .segments: 12
        case .messages: 25
        }
    }

    func random(_ endpoint: MockEndpoint, _ index: Int) -> SplitMix64 {
        SplitMix64(seed: seed, stream: endpoint.stream, index: index)
    }

    /// Base creation/update instants of a record. Creation grows with the id across the two years; about 15% of
    /// updates land on a shared bulk-job second, 20% were never updated, the rest are spread up to now.
    func baseTimes(_ endpoint: MockEndpoint, index: Int) -> RecordTimes {
        var random = SplitMix64(seed: seed, stream: endpoint.stream &+ 1000, index: index)
        let total = max(1, count(of: endpoint))
        let span = nowSeconds - startSeconds
        let slot = Int64(min(index, total - 1))
        let created = min(nowSeconds, startSeconds + slot * span / Int64(total) + Int64(random.below(3600)))
        let roll = random.below(100)
        let updated: Int64
        if roll < 15 {
            updated = max(created, bulkUpdateSeconds[random.below(bulkUpdateSeconds.count)])
        } else if roll < 35 {
            updated = created
        } else {
            updated = created + Int64(random.below(Int(nowSeconds - created) + 1))
        }
        return RecordTimes(created: created, updated: updated)
    }
}
