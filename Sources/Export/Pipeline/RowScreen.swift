/// Which records an endpoint commits, decided one record at a time from what earlier runs committed (a pure value:
/// `EndpointExporter` feeds it each row). A resumed offset-paged run pages again from the start, so it drops the ids
/// it committed already; a run whose window starts at the previous watermark drops the unchanged records that run
/// committed at that instant (docs/commit-protocol.md, at-least-once boundary). A kept record at or above the largest
/// cursor consumed so far may end up at the committed maximum, so it gets its fingerprint.
struct RowScreen {
    enum Verdict: Equatable {
        /// The resumed run committed this id already.
        case committedBefore
        /// The same record, unchanged, was committed at the previous watermark.
        case unchangedAtWatermark
        case keep(cursor: Int64?, fingerprint: String?)
    }

    let committedIDs: Set<String>
    /// Records at the previous watermark, already committed by the run that set it.
    let previousBoundary: CursorBoundary
    /// Largest cursor consumed so far: only records at or above it can end up at the committed maximum.
    private(set) var consumedMaxCursor: Int64

    init(committedIDs: Set<String> = [], previousBoundary: CursorBoundary = CursorBoundary(), consumedMaxCursor: Int64 = .min) {
        self.committedIDs = committedIDs
        self.previousBoundary = previousBoundary
        self.consumedMaxCursor = consumedMaxCursor
    }

    /// `id` and `contentHash` are asked for only when needed (most records need neither).
    mutating func screen(id: () -> String?, cursor: Int64?, contentHash: () -> UInt64) -> Verdict {
        if !committedIDs.isEmpty, let id = id(), committedIDs.contains(id) { return .committedBefore }
        guard let cursor, cursor == previousBoundary.cursor || cursor >= consumedMaxCursor else { return .keep(cursor: cursor, fingerprint: nil) }
        consumedMaxCursor = max(consumedMaxCursor, cursor)
        let fingerprint = CursorBoundary.fingerprint(id: id(), contentHash: contentHash())
        if previousBoundary.contains(cursor: cursor, fingerprint: fingerprint) { return .unchangedAtWatermark }
        return .keep(cursor: cursor, fingerprint: fingerprint)
    }
}
