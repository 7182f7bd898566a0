/// The server-side filters of contacts and deals (docs/activecampaign-api.md#incremental-filters): update time against `udate`
/// (contacts) or `mdate` (deals), creation time against `cdate`. `*_after` is inclusive (>=), `*_before`
/// exclusive (<), as documented for deals. Unparseable values are ignored like unknown parameters.
struct RecordFilter: Hashable, Sendable {
    var updatedAfter: Int64?
    var updatedBefore: Int64?
    var createdAfter: Int64?
    var createdBefore: Int64?

    init(query: MockQuery) {
        func date(_ name: String) -> Int64? { query["filters[\(name)]"].flatMap(FilterDate.parse) }
        updatedAfter = date("updated_after")
        updatedBefore = date("updated_before")
        createdAfter = date("created_after")
        createdBefore = date("created_before")
    }

    func matches(_ times: RecordTimes) -> Bool {
        if let updatedAfter, times.updated < updatedAfter { return false }
        if let updatedBefore, times.updated >= updatedBefore { return false }
        if let createdAfter, times.created < createdAfter { return false }
        if let createdBefore, times.created >= createdBefore { return false }
        return true
    }
}
