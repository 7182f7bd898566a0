import Logging

/// Pages a list by `limit`/`offset` until a short page, yielding each valid id once
/// (docs/activecampaign-api.md#offset-paging).
///
/// Offset paging skips a record when one before it is deleted mid-run, and repeats one when a record is inserted
/// before it. So a pass is trusted only when `meta.total` held still, no id came twice, and
/// the ids seen reach the total; otherwise the list is paged again from offset 0, yielding only unseen ids, at
/// most `maximumPasses` times in all. Records without a valid id are yielded in the first pass only.
struct OffsetLister: Sendable {
    static let maximumPasses = 3

    let endpoint: Endpoint
    let path: String
    let recordsKey: String
    let filters: [(String, String)]
    private var offset: Int
    /// Offset the first pass started at (a resume): records before it were consumed by an earlier run.
    private let firstPassStart: Int
    /// Restart offset reported while re-paging: the end of the first pass, so a resume never repeats a pass.
    private var firstPassEnd: Int?
    private var pass = 1
    private var seen: Set<Int64> = []
    private var tally = PassTally()
    private var finished = false

    /// What one pass observed, for the completeness check.
    private struct PassTally: Sendable {
        var ids: Set<Int64> = []
        var recordsWithoutID = 0
        var firstTotal: Int??
        var lastTotal: Int?
        var totalChanged = false
        var repeatedID = false
    }

    init(endpoint: Endpoint, path: String, recordsKey: String, filters: [(String, String)], startOffset: Int) {
        self.endpoint = endpoint
        self.path = path
        self.recordsKey = recordsKey
        self.filters = filters
        self.offset = max(0, startOffset)
        self.firstPassStart = max(0, startOffset)
    }

    /// The next page; its records may be empty while re-paging finds nothing new. Nil at the end.
    mutating func next(using client: ActiveCampaignClient) async throws -> ListedPage? {
        guard !finished else { return nil }
        let pageSize = client.configuration.pageSize
        let query = filters + [("limit", String(pageSize)), ("offset", String(offset))]
        let response = try await client.fetch(
            RequestTarget(path: path, query: query), recordsKey: recordsKey, purpose: .list(endpoint))
        if let firstTotal = tally.firstTotal {
            if firstTotal != response.total { tally.totalChanged = true }
        } else {
            tally.firstTotal = .some(response.total)
        }
        tally.lastTotal = response.total
        var fresh: [Int] = []
        fresh.reserveCapacity(response.records.count)
        var newInPass = 0
        for (index, id) in response.recordIDs.enumerated() {
            guard let id else {
                tally.recordsWithoutID += 1
                if pass == 1 { fresh.append(index) }
                continue
            }
            if tally.ids.insert(id).inserted { newInPass += 1 } else { tally.repeatedID = true }
            if seen.insert(id).inserted { fresh.append(index) }
        }
        if response.records.count == pageSize, newInPass == 0, tally.recordsWithoutID == 0 {
            throw ActiveCampaignError(
                kind: .invalidResponse, request: response.requestDescription,
                message: "\(response.requestDescription): a full page of ids already seen; offset paging is not advancing")
        }
        offset += response.records.count
        if response.records.count < pageSize { endPass(client: client, request: response.requestDescription) }
        return ListedPage(
            records: response.records.subset(fresh), recordIDs: fresh.map { response.recordIDs[$0] }, total: response.total,
            requestDescription: response.requestDescription,
            resumeOffset: firstPassEnd ?? offset)
    }

    private mutating func endPass(client: ActiveCampaignClient, request: String) {
        let start = pass == 1 ? firstPassStart : 0
        let counted = start + tally.ids.count + tally.recordsWithoutID
        let reachedTotal = tally.lastTotal.map { counted >= $0 } ?? true
        if firstPassEnd == nil { firstPassEnd = offset }
        guard pass < Self.maximumPasses, !reachedTotal || tally.totalChanged || tally.repeatedID else {
            if !reachedTotal {
                client.logger.warning(
                    "records kept changing while paging; some may be missing from this run and come with the next",
                    metadata: ["endpoint": "\(endpoint.name)", "seen": .stringConvertible(counted), "total": "\(tally.lastTotal.map(String.init) ?? "-")"])
            }
            finished = true
            return
        }
        client.logger.info(
            "records changed while paging; paging again from offset 0 for records not seen yet",
            metadata: [
                "endpoint": "\(endpoint.name)", "request": "\(request)", "pass": "\(pass + 1)",
                "seen": .stringConvertible(counted), "total": "\(tally.lastTotal.map(String.init) ?? "-")",
            ])
        pass += 1
        offset = 0
        tally = PassTally()
    }
}
