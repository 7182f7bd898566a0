import ActiveCampaign
@testable import Export
import Testing

/// What an endpoint's commits do to its manifest entry (`EndpointTransition`), rule by rule.
@Suite struct EndpointTransitionTests {
    static let incremental = EndpointState(mode: .incremental, cursorField: "udate")
    static let snapshot = EndpointState(mode: .fullRefresh, cursorField: nil)

    static func file(_ path: String, run: String, date: String = "2026-11-30") -> CommittedFile {
        CommittedFile(path: path, rows: 10, bytes: 100, runID: run, date: date, minCursor: nil, maxCursor: nil)
    }

    static func schema(_ columns: [String]) -> EndpointTransition.SchemaUpdate {
        EndpointTransition.SchemaUpdate(schema: EndpointSchema(columns: columns.map { EndpointSchema.Column(name: $0, type: .string) }), changes: [])
    }

    static func ending(
        watermark: String?, records: [String] = [], fullRefresh: Bool = false, staged: Bool = false, runIDs: [String] = ["r2"], anchor: String? = "2025-01-01T00:00:00Z"
    ) -> EndpointTransition.Ending {
        EndpointTransition.Ending(
            watermark: watermark, watermarkRecords: records, fullRefresh: fullRefresh, staged: staged, runIDs: runIDs, date: "2026-11-30", anchor: anchor)
    }

    @Test func aPartCommitListsTheFileAndKeepsTheResumePointAndTheFirstWindowsStart() {
        let checkpoint = Checkpoint(runIDs: ["r1"], date: "2026-11-30", window: nil, resume: .afterID(42), maxCursor: nil, maxCursorRecords: nil, rowsCommitted: 10)
        let state = EndpointTransition.committingPart(
            nil, fresh: Self.incremental, anchor: "2025-01-01T00:00:00Z", file: Self.file("contacts/a.parquet", run: "r1"), rewrites: [],
            checkpoint: checkpoint, schema: Self.schema(["id"]))
        #expect(state.files.map(\.path) == ["contacts/a.parquet"])
        #expect(state.checkpoint == checkpoint && state.anchor == "2025-01-01T00:00:00Z" && state.schema.columns.map(\.name) == ["id"])
        // A later window (the endpoint has a watermark) keeps the anchor of the first.
        var later = state
        later.watermark = "2026-11-01T00:00:00Z"
        later.anchor = "2024-01-01T00:00:00Z"
        let next = EndpointTransition.committingPart(
            later, fresh: Self.incremental, anchor: "2026-11-01T00:00:00Z", file: Self.file("contacts/b.parquet", run: "r2"), rewrites: [],
            checkpoint: nil, schema: Self.schema(["id", "email"]))
        #expect(next.anchor == "2024-01-01T00:00:00Z" && next.checkpoint == nil && next.files.count == 2 && next.schema.columns.count == 2)
    }

    @Test func aRewriteReplacesItsFileInPlaceAndIsRecorded() {
        var previous = Self.incremental
        previous.files = [Self.file("contacts/a.parquet", run: "r1"), Self.file("contacts/b.parquet", run: "r1")]
        let widened = Self.file("contacts/a-w.parquet", run: "r2")
        let record = FileRewrite(runID: "r2", from: "contacts/a.parquet", to: "contacts/a-w.parquet", reason: "id: int64 → double")
        let state = EndpointTransition.committingPart(
            previous, fresh: Self.incremental, anchor: nil, file: Self.file("contacts/c.parquet", run: "r2"),
            rewrites: [EndpointTransition.Rewrite(old: previous.files[0], new: widened, record: record)], checkpoint: nil, schema: Self.schema(["id"]))
        #expect(state.files.map(\.path) == ["contacts/a-w.parquet", "contacts/b.parquet", "contacts/c.parquet"])
        #expect(state.rewrites == [record])
    }

    @Test func theWatermarkMovesForwardOnlyAndKeepsTheRecordsAtAnEqualInstant() {
        var previous = Self.incremental
        previous.watermark = "2026-11-29T10:00:00Z"
        previous.watermarkRecords = ["a"]
        previous.checkpoint = Checkpoint(runIDs: ["r1"], date: "2026-11-29", window: nil, resume: .offset(100), maxCursor: nil, maxCursorRecords: nil, rowsCommitted: 1)
        let forward = EndpointTransition.finishing(previous, fresh: Self.incremental, ending: Self.ending(watermark: "2026-11-30T10:00:00Z", records: ["b"]), schema: Self.schema([]))
        #expect(forward.state.watermark == "2026-11-30T10:00:00Z" && forward.state.watermarkRecords == ["b"] && forward.state.checkpoint == nil)
        let same = EndpointTransition.finishing(previous, fresh: Self.incremental, ending: Self.ending(watermark: "2026-11-29T10:00:00Z", records: ["c"]), schema: Self.schema([]))
        #expect(same.state.watermarkRecords == ["a", "c"])
        let backwards = EndpointTransition.finishing(previous, fresh: Self.incremental, ending: Self.ending(watermark: "2026-11-01T00:00:00Z", records: ["d"]), schema: Self.schema([]))
        #expect(backwards.state.watermark == "2026-11-29T10:00:00Z" && backwards.state.watermarkRecords == ["a"])
        let none = EndpointTransition.finishing(previous, fresh: Self.incremental, ending: Self.ending(watermark: nil), schema: Self.schema([]))
        #expect(none.state.watermark == "2026-11-29T10:00:00Z" && none.replaced.isEmpty && none.staged.isEmpty)
    }

    @Test func aFullRefreshRestartsTheWindowAndReplacesEveryEarlierFile() {
        var previous = Self.incremental
        previous.watermark = "2026-11-29T10:00:00Z"
        previous.anchor = "2025-01-01T00:00:00Z"
        previous.files = [Self.file("contacts/date=2026-11-01/old.parquet", run: "r1", date: "2026-11-01"),
                          Self.file("_staging/contacts/date=2026-11-30/new.parquet", run: "r2")]
        let finish = EndpointTransition.finishing(
            previous, fresh: Self.incremental,
            ending: Self.ending(watermark: "2026-11-20T00:00:00Z", fullRefresh: true, staged: true, anchor: "2020-01-01T00:00:00Z"), schema: Self.schema([]))
        #expect(finish.state.watermark == "2026-11-20T00:00:00Z" && finish.state.anchor == "2020-01-01T00:00:00Z")
        #expect(finish.replaced == ["contacts/date=2026-11-01/old.parquet"])
        #expect(finish.staged == ["_staging/contacts/date=2026-11-30/new.parquet"])
        #expect(finish.state.files.map(\.path) == ["contacts/date=2026-11-30/new.parquet"])
    }

    @Test func aSnapshotReplacesOnlyTheSameDatesEarlierSnapshot() {
        var previous = Self.snapshot
        previous.files = [Self.file("tags/date=2026-11-29/a.parquet", run: "r0", date: "2026-11-29"),
                          Self.file("tags/date=2026-11-30/b.parquet", run: "r1"),
                          Self.file("_staging/tags/date=2026-11-30/c.parquet", run: "r2")]
        let finish = EndpointTransition.finishing(previous, fresh: Self.snapshot, ending: Self.ending(watermark: nil, staged: true), schema: Self.schema(["id"]))
        #expect(finish.replaced == ["tags/date=2026-11-30/b.parquet"])
        #expect(finish.state.files.map(\.path) == ["tags/date=2026-11-29/a.parquet", "tags/date=2026-11-30/c.parquet"])
        #expect(finish.state.watermark == nil && finish.state.schema.columns.map(\.name) == ["id"])
    }
}
