/// One page from a lister, before it becomes a public `Page`.
struct ListedPage: Sendable {
    var records: [JSONObject]
    /// The records' JSON text, aligned with `records`.
    var text: RawRecords
    var total: Int?
    var requestDescription: String
    /// For offset listers: the offset to restart from to get the next page.
    var resumeOffset: Int
}
