import JSON
/// One page from a lister, before it becomes a public `Page`.
struct ListedPage: Sendable {
    var records: RawRecords
    /// Aligned with `records`: each record's `id`.
    var recordIDs: [Int64?]
    var total: Int?
    var requestDescription: String
    /// For offset listers: the offset to restart from to get the next page.
    var resumeOffset: Int
}
