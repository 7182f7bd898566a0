@testable import Export
import Testing

/// Which records a run commits, given what earlier runs committed (`RowScreen`).
@Suite struct RowScreenTests {
    @Test func aResumedRunDropsTheIdsItCommittedAlready() {
        var screen = RowScreen(committedIDs: ["1", "2"])
        #expect(screen.screen(id: { "1" }, cursor: nil, contentHash: { 0 }) == .committedBefore)
        #expect(screen.screen(id: { "3" }, cursor: nil, contentHash: { 0 }) == .keep(cursor: nil, fingerprint: nil))
    }

    @Test func unchangedRecordsAtThePreviousWatermarkAreDroppedAndChangedOnesKept() {
        let unchanged = CursorBoundary.fingerprint(id: "7", contentHash: 0xabc)
        var screen = RowScreen(previousBoundary: CursorBoundary(cursor: 100, fingerprints: [unchanged]))
        #expect(screen.screen(id: { "7" }, cursor: 100, contentHash: { 0xabc }) == .unchangedAtWatermark)
        // The same id with other content changed at the same instant: kept, with its fingerprint.
        #expect(screen.screen(id: { "7" }, cursor: 100, contentHash: { 0xdef }) == .keep(cursor: 100, fingerprint: "7:def"))
    }

    @Test func onlyRecordsAtOrAboveTheLargestCursorSoFarGetAFingerprint() {
        var screen = RowScreen()
        #expect(screen.screen(id: { "1" }, cursor: 50, contentHash: { 1 }) == .keep(cursor: 50, fingerprint: "1:1"))
        #expect(screen.screen(id: { "2" }, cursor: 40, contentHash: { 2 }) == .keep(cursor: 40, fingerprint: nil))
        #expect(screen.screen(id: { "3" }, cursor: 50, contentHash: { 3 }) == .keep(cursor: 50, fingerprint: "3:3"))
        #expect(screen.consumedMaxCursor == 50)
        var asked = false
        _ = screen.screen(id: { asked = true; return "4" }, cursor: 10, contentHash: { 4 })
        #expect(!asked, "a record below the maximum needs neither its id nor its hash")
    }

    @Test func aResumedRunStartsFromTheCheckpointsMaximum() {
        var screen = RowScreen(consumedMaxCursor: 200)
        #expect(screen.screen(id: { "1" }, cursor: 150, contentHash: { 1 }) == .keep(cursor: 150, fingerprint: nil))
        #expect(screen.screen(id: { "1" }, cursor: 200, contentHash: { 1 }) == .keep(cursor: 200, fingerprint: "1:1"))
    }
}
