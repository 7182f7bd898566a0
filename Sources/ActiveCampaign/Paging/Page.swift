import JSON
/// One page of records as fetched, with what a checkpoint needs to restart after it.
public struct Page: Sendable {
    public var endpoint: Endpoint
    /// The page's records not yielded before (offset paging drops ids it has already seen), as JSON text as
    /// received: the exporter reads them without any tree built or text serialised again.
    public var records: RawRecords
    /// Aligned with `records`: each record's top-level `id` as an integer, nil when it has none.
    public var recordIDs: [Int64?]
    /// `meta.total` as reported with this page (a hint: it moves while records change).
    public var total: Int?
    /// Zero-based position of this page in the sequence.
    public var index: Int
    /// Where to restart to get the NEXT page.
    public var resumeAfter: ResumePoint
    /// `GET /api/3/...` of the request that returned it, for messages.
    public var requestDescription: String

    public init(
        endpoint: Endpoint, records: RawRecords, recordIDs: [Int64?], total: Int?, index: Int, resumeAfter: ResumePoint,
        requestDescription: String
    ) {
        self.endpoint = endpoint
        self.records = records
        self.recordIDs = recordIDs
        self.total = total
        self.index = index
        self.resumeAfter = resumeAfter
        self.requestDescription = requestDescription
    }
}
