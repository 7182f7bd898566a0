@testable import Export
import Testing

/// The commit that brings an endpoint's Delta table to the manifest's state, as a pure function of both.
@Suite struct DeltaCommitPlanTests {
    static func state(_ columns: [(String, InferredType)], rewrites: [FileRewrite]? = nil) -> EndpointState {
        var state = EndpointState(mode: .incremental, cursorField: "udate")
        state.schema = EndpointSchema(columns: columns.map { EndpointSchema.Column(name: $0.0, type: $0.1) })
        state.rewrites = rewrites
        return state
    }

    static func log(_ files: [String], schema: EndpointState, ntz: Bool = false) -> DeltaLog.State {
        var log = DeltaLog.State()
        log.version = 3
        log.tableID = "table"
        log.schemaString = DeltaSchema.schemaString(of: schema.schema)
        (log.minReaderVersion, log.minWriterVersion) = ntz ? (3, 7) : (1, 2)
        log.readerFeatures = ntz ? ["timestampNtz"] : []
        for file in files { log.files[file] = DeltaLog.LiveFile(size: 1, partitionValues: ["date": "2026-11-30"]) }
        return log
    }

    @Test func aNewTableStartsWithProtocolSchemaAndEveryVisibleFile() {
        let state = Self.state([("id", .int64)])
        let plan = DeltaCommitPlan.make(log: DeltaLog.State(), endpoint: "tags", state: state, visible: ["date=1/a.parquet", "date=1/b.parquet"])
        #expect(plan?.adds == ["date=1/a.parquet", "date=1/b.parquet"] && plan?.removes == [])
        #expect(plan?.protocolVersions?.reader == 1 && plan?.protocolVersions?.writer == 2 && plan?.protocolVersions?.features == [])
        #expect(plan?.schemaString?.contains(#""name":"id","nullable":true,"type":"long""#) == true, "\(plan?.schemaString ?? "")")
    }

    @Test func zoneLessTimestampsNeedTheTimestampNtzFeature() {
        let state = Self.state([("id", .int64), ("created_timestamp", .timestampLocal)])
        let fresh = DeltaCommitPlan.make(log: DeltaLog.State(), endpoint: "tags", state: state, visible: [])
        #expect(fresh?.protocolVersions?.reader == 3 && fresh?.protocolVersions?.writer == 7 && fresh?.protocolVersions?.features == ["timestampNtz"])
        // An existing table upgrades when such a column appears, with its new schema.
        let before = Self.state([("id", .int64)])
        let upgrade = DeltaCommitPlan.make(log: Self.log([], schema: before), endpoint: "tags", state: state, visible: [])
        #expect(upgrade?.protocolVersions?.features == ["timestampNtz"] && upgrade?.schemaString != nil)
    }

    @Test func nothingChangedIsNoCommit() {
        let state = Self.state([("id", .int64)])
        #expect(DeltaCommitPlan.make(log: Self.log(["date=1/a.parquet"], schema: state), endpoint: "tags", state: state, visible: ["date=1/a.parquet"]) == nil)
    }

    @Test func aReplacedSnapshotIsOneCommitOfRemovesAndAdds() {
        let state = Self.state([("id", .int64)])
        let plan = DeltaCommitPlan.make(
            log: Self.log(["date=1/old.parquet", "date=0/kept.parquet"], schema: state), endpoint: "tags", state: state,
            visible: ["date=0/kept.parquet", "date=1/new.parquet"])
        #expect(plan?.adds == ["date=1/new.parquet"] && plan?.removes == ["date=1/old.parquet"] && plan?.rewritten == [])
        #expect(plan?.schemaString == nil && plan?.protocolVersions == nil)
    }

    @Test func aRewriteAfterAWideningChangesNoDataAndCarriesTheNewSchema() {
        let before = Self.state([("id", .int64), ("organization", .int64)])
        let rewrite = FileRewrite(runID: "r2", from: "contacts/date=1/a.parquet", to: "contacts/date=1/a-r2.parquet", reason: "organization: int64 → string")
        let after = Self.state([("id", .int64), ("organization", .string)], rewrites: [rewrite])
        let plan = DeltaCommitPlan.make(
            log: Self.log(["date=1/a.parquet"], schema: before), endpoint: "contacts", state: after, visible: ["date=1/a-r2.parquet", "date=1/b.parquet"])
        #expect(plan?.removes == ["date=1/a.parquet"] && plan?.adds == ["date=1/a-r2.parquet", "date=1/b.parquet"])
        #expect(plan?.rewritten == ["date=1/a.parquet", "date=1/a-r2.parquet"], "the new file b is data, the rewrite is not")
        #expect(plan?.schemaString?.contains(#""name":"organization","nullable":true,"type":"string""#) == true)
    }

    /// A snapshot switched in the manifest but still staged comes in under its `_pending` name (a data change); its
    /// move to the published name afterwards holds the same rows.
    @Test func aPendingNameGivesWayToThePublishedOneWithoutADataChange() {
        let state = Self.state([("id", .int64)])
        let old = Self.log(["date=1/a.parquet"], schema: state)
        let switched = DeltaCommitPlan.make(log: old, endpoint: "tags", state: state, visible: ["_pending/date=1/b.parquet"])
        #expect(switched?.removes == ["date=1/a.parquet"] && switched?.adds == ["_pending/date=1/b.parquet"] && switched?.rewritten == [])
        let pending = Self.log(["_pending/date=1/b.parquet"], schema: state)
        let published = DeltaCommitPlan.make(log: pending, endpoint: "tags", state: state, visible: ["date=1/b.parquet"])
        #expect(published?.removes == ["_pending/date=1/b.parquet"] && published?.adds == ["date=1/b.parquet"])
        #expect(published?.rewritten == ["_pending/date=1/b.parquet", "date=1/b.parquet"])
    }
}
