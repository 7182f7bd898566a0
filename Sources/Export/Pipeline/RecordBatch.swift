import ActiveCampaign
import JSON

/// A page of records as the pipeline consumes it, from HTTP or from saved pages.
public struct RecordBatch: Sendable {
    public var records: RawRecords
    /// Where to restart to get the records after this batch (nil for saved pages: no resume).
    public var resumeAfter: ResumePoint?
    /// Where the batch came from, for error messages: "GET /api/3/contacts?..." or a file path.
    public var origin: String
    /// The listing's size as the source reports it (`meta.total`), for progress.
    public var total: Int?
    /// NDJSON input: the line of each record, so that messages point at it.
    public var lineNumbers: [Int]?
    /// Each record's `id` as the API page was skimmed for it (nil for saved pages): what `--reconcile` lists.
    public var ids: [Int64?]?

    public init(records: RawRecords, resumeAfter: ResumePoint?, origin: String, total: Int? = nil) {
        self.records = records
        self.resumeAfter = resumeAfter
        self.origin = origin
        self.total = total
    }

    public init(records: [JSONValue], resumeAfter: ResumePoint?, origin: String, total: Int? = nil) {
        self.init(records: RawRecords(records), resumeAfter: resumeAfter, origin: origin, total: total)
    }

    /// The batch without the records at `indices` (ascending).
    func removing(_ indices: [Int]) -> RecordBatch {
        var kept: [Int] = []
        var next = 0
        for index in 0..<records.count {
            if next < indices.count, indices[next] == index {
                next += 1
            } else {
                kept.append(index)
            }
        }
        var batch = self
        batch.records = records.subset(kept)
        batch.lineNumbers = lineNumbers.map { lines in kept.map { lines[$0] } }
        batch.ids = ids.map { ids in kept.map { ids[$0] } }
        return batch
    }

    /// Where record `index` came from, for messages: "record 3 of GET /api/3/contacts?..." or "file.ndjson line 7".
    public func location(ofRecord index: Int) -> String {
        if let lineNumbers, index < lineNumbers.count { return "\(origin) line \(lineNumbers[index])" }
        return "record \(index) of \(origin)"
    }
}

/// A record the pipeline could not store, reported precisely instead of crashing or dropping others.
public struct RejectedRecord: Error, CustomStringConvertible {
    public var endpoint: String
    /// `RecordBatch.location(ofRecord:)`.
    public var location: String
    public var reason: String

    public var description: String {
        "\(endpoint): \(location) \(reason)"
    }
}

/// Where an endpoint stands, reported after every batch (for a progress display).
public struct ExportProgress: Sendable {
    public var endpoint: String
    /// Records read in this run so far (skipped re-reads included).
    public var records: Int
    /// `meta.total` of the listing, when the source reports it.
    public var total: Int?
    public var filesCommitted: Int
    public var state: State

    public enum State: Sendable {
        case running, succeeded, failed, cancelled
    }
}
