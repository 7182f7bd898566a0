import JSON
/// The records that carry the largest cursor committed, each as `id:content-hash`.
///
/// The next incremental window starts at the watermark inclusively (the API's `updated_after` is `>=`, and
/// many records share one second), so the records at the watermark come back. Those whose id and content are
/// unchanged were committed already and are skipped; a record updated again within that second differs in
/// content and is kept. Exactly once when nothing changed, at least once otherwise.
struct CursorBoundary: Equatable {
    private(set) var cursor: Int64?
    private(set) var fingerprints: Set<String> = []

    init() {}

    init(cursor: Int64?, fingerprints: [String]) {
        self.cursor = cursor
        self.fingerprints = Set(fingerprints)
    }

    mutating func observe(cursor: Int64, fingerprint: String) {
        if let current = self.cursor, cursor < current { return }
        if cursor != self.cursor {
            self.cursor = cursor
            fingerprints = []
        }
        fingerprints.insert(fingerprint)
    }

    mutating func merge(_ other: CursorBoundary) {
        guard let cursor = other.cursor else { return }
        for fingerprint in other.fingerprints { observe(cursor: cursor, fingerprint: fingerprint) }
    }

    func contains(cursor: Int64, fingerprint: String) -> Bool {
        cursor == self.cursor && fingerprints.contains(fingerprint)
    }

    var sortedFingerprints: [String] { fingerprints.sorted() }

    /// `id:hash` of a record (`RawRecords.contentHash(of:)`).
    static func fingerprint(id: String?, contentHash: UInt64) -> String {
        (id ?? "?") + ":" + String(contentHash, radix: 16)
    }
}
