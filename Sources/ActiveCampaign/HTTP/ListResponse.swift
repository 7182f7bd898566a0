import JSON
/// A 200 response body that skimmed as JSON: its records as received, their ids and `meta.total`.
struct ListResponse: Sendable {
    /// Every element of the records array, objects or not (paging counts elements; the exporter reads them).
    var records: RawRecords
    /// Aligned with `records`: each element's `id` (`PageSkim.recordIDs`).
    var recordIDs: [Int64?]
    var total: Int?
    var requestDescription: String
}
