/// Pages `/contacts` by id (`orders[id]=ASC` + `id_greater`): a record deleted or inserted while paging cannot
/// shift the others, so nothing present for the whole run is skipped (docs/activecampaign-api.md#id-keyset-paging).
struct IDGreaterLister: Sendable {
    let endpoint: Endpoint
    let window: IncrementalWindow?
    private(set) var lastID: Int64
    private var finished = false

    init(endpoint: Endpoint, window: IncrementalWindow?, afterID: Int64) {
        self.endpoint = endpoint
        self.window = window
        self.lastID = afterID
    }

    mutating func next(using client: ActiveCampaignClient) async throws -> ListedPage? {
        guard !finished else { return nil }
        let pageSize = client.configuration.pageSize
        var query: [(String, String)] = [("orders[id]", "ASC"), ("id_greater", String(lastID)), ("limit", String(pageSize))]
        if let window { query += window.queryItems }
        let response = try await client.fetch(
            RequestTarget(path: endpoint.path, query: query), recordsKey: endpoint.recordsKey, purpose: .list(endpoint))
        let highest = response.recordIDs.lazy.compactMap { $0 }.max() ?? lastID
        if response.records.count < pageSize {
            finished = true
        } else if highest <= lastID {
            throw ActiveCampaignError(
                kind: .invalidResponse, request: response.requestDescription,
                message: "\(response.requestDescription): a full page without ids above \(lastID); id_greater paging cannot advance")
        }
        lastID = max(lastID, highest)
        return ListedPage(
            records: response.records, recordIDs: response.recordIDs, total: response.total, requestDescription: response.requestDescription,
            resumeOffset: 0)
    }
}
