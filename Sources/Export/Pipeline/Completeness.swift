/// Did a run get every record the API holds for an endpoint? The listing's own count (`meta.total`) against the
/// records the run read (docs/completeness.md). Kept per endpoint in the manifest's run record and the summary.
public struct Completeness: Codable, Sendable, Equatable {
    public enum Verdict: String, Codable, Sendable {
        /// Every record the API counts was read.
        case complete
        /// Read and counted differ, by no more than the count grew while the run read (records inserted meanwhile), or
        /// more were read than the API counts now (records left the listing after they were read).
        case changed
        /// Fewer records read than the API counts, and no change during the run explains it: the listing stopped
        /// early or skipped records. The endpoint fails and its watermark stays.
        case incomplete
        /// No count to check against: saved pages without totals, a sample (`run --limit`).
        case unchecked
    }

    public var verdict: Verdict
    /// What the API counts now: `meta.total` of the listing's last page, or of one `limit=1` request with the same
    /// window filters after the window was read (incremental endpoints, and `deal_stages` over all pipelines).
    public var expected: Int?
    /// `meta.total` of the listing's first page (of the run's first part, when it resumed a checkpoint).
    public var expectedAtStart: Int?
    /// Records the listing returned, each once (a resumed run counts those before its resume point too).
    public var read: Int
    /// Rows committed, resumed parts included.
    public var written: Int
    /// Read and not written: unchanged records at the previous watermark (committed by the run that set it), and
    /// elements of a records array that are not objects.
    public var skipped: Int
    /// `expected - read`: positive when records are missing.
    public var difference: Int?
    /// What the difference means, in words; nil when there is none.
    public var explanation: String?

    /// The verdict of the figures. A shortfall is explained by changes during the run only up to how much the count
    /// grew between the first page and the end (inserts shift an offset listing); a count that fell (deletions, records
    /// updated out of the window) explains no unread record. A surplus means records left the listing after they were read.
    public init(expected: Int?, expectedAtStart: Int?, read: Int, written: Int, skipped: Int) {
        self.expected = expected
        self.expectedAtStart = expectedAtStart
        self.read = read
        self.written = written
        self.skipped = skipped
        guard let expected else {
            verdict = .unchecked
            return
        }
        let difference = expected - read
        self.difference = difference
        let grew = expectedAtStart.map { max(0, expected - $0) } ?? 0
        switch difference {
        case 0:
            verdict = .complete
        case ..<0:
            verdict = .changed
            explanation = "read \(-difference) more than the API counts now: records deleted or moved out of the window after they were read"
        case ...grew:
            verdict = .changed
            explanation = "\(difference) fewer than the API counts now, while its count grew by \(grew) during the run: records inserted while paging come with the next run"
        default:
            verdict = .incomplete
            explanation = "\(difference) fewer than the API counts"
                + (grew > 0 ? ", more than the \(grew) its count grew during the run" : ", and its count did not grow during the run")
                + ": the listing stopped early or skipped records"
        }
    }
}

/// How a source lets an endpoint's listing be checked (`RecordSource.completenessCheck`).
public struct CompletenessCheck: Sendable {
    /// The batches' totals are counts of one listing (not per parent record): the first is the count at the start,
    /// the last the count at the end when `finalCount` is nil.
    public var usesPageTotals: Bool
    /// One more request after the listing, for the count of what it should have returned.
    public var finalCount: (@Sendable () async throws -> Int?)?

    public init(usesPageTotals: Bool, finalCount: (@Sendable () async throws -> Int?)?) {
        self.usesPageTotals = usesPageTotals
        self.finalCount = finalCount
    }
}

/// A listing's counts, as its pages report them and as the count request after it gives (`CompletenessCheck`): what
/// an export and a reconcile compare their records with.
struct ListingCount {
    let check: CompletenessCheck
    /// `meta.total` of the listing's first page; a listing that continues a checkpoint's starts with the checkpoint's.
    private(set) var atStart: Int?
    private var sawFirstPage: Bool
    private var last: Int?

    init(check: CompletenessCheck, continuingFrom atStart: Int?, continuing: Bool) {
        self.check = check
        self.atStart = atStart
        sawFirstPage = continuing
    }

    mutating func observe(_ batch: RecordBatch) {
        guard check.usesPageTotals else { return }
        if !sawFirstPage { atStart = batch.total }
        sawFirstPage = true
        last = batch.total ?? last
    }

    /// What the API counts now: the count request's answer, else the last page's total.
    func expected() async throws -> Int? {
        guard let finalCount = check.finalCount else { return last }
        return try await finalCount()
    }
}

/// A listing that returned fewer records than the API counts. For an export, what was read is committed, the
/// watermark stays, and the next run reads the listing again from its start, skipping the records committed; for a
/// reconcile, no tombstone is written.
struct IncompleteListing: Error, CustomStringConvertible {
    var endpoint: String
    var completeness: Completeness
    var reconcile = false
    var description: String {
        let consequence = reconcile
            ? "No tombstones were written (an id that was not listed cannot be told from a deleted one); the next --reconcile lists again"
            : "The \(completeness.written) rows read are committed and the watermark did not move: the next run reads the listing again from its start and skips what is committed"
        return "\(endpoint): incomplete: read \(completeness.read) records, the API counts \(completeness.expected ?? 0); \(completeness.explanation ?? "fewer than it counts"). "
            + consequence + ". If it stays incomplete, compare with the count in ActiveCampaign's interface and report it"
    }
}
