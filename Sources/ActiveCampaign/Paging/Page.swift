/// One page of records as fetched, with what a checkpoint needs to restart after it.
public struct Page: Sendable {
    public var endpoint: Endpoint
    /// The page's records not yielded before (offset paging drops ids it has already seen).
    public var records: [JSONObject]
    /// The same records' JSON text as received (what the exporter reads, without serialising them again).
    public var text: RawRecords
    /// `meta.total` as reported with this page (a hint: it moves while records change).
    public var total: Int?
    /// Zero-based position of this page in the sequence.
    public var index: Int
    /// Where to restart to get the NEXT page.
    public var resumeAfter: ResumePoint
    /// `GET /api/3/...` of the request that returned it, for messages.
    public var requestDescription: String

    public init(
        endpoint: Endpoint, records: [JSONObject], text: RawRecords, total: Int?, index: Int, resumeAfter: ResumePoint,
        requestDescription: String
    ) {
        self.endpoint = endpoint
        self.records = records
        self.text = text
        self.total = total
        self.index = index
        self.resumeAfter = resumeAfter
        self.requestDescription = requestDescription
    }
}
