/// What one Delta commit must contain to bring an endpoint's table to the manifest's state: the files to add and
/// remove, whether the schema (metaData) and the protocol change. A pure function of the log's state and the
/// manifest's entry, so that every commit of the export (an appended part, a checkpoint, a replaced snapshot, a
/// rewrite after a widening, the reconciliation after a kill) is the same computation. docs/delta-lake.md#commits.
struct DeltaCommitPlan: Equatable {
    /// Table-relative paths.
    var adds: [String]
    var removes: [String]
    /// Paths whose add and remove carry `dataChange: false`: a rewrite with wider types holds the same rows.
    var rewritten: Set<String>
    var schemaString: String?
    var protocolVersions: (reader: Int, writer: Int, features: [String])?

    static func == (a: DeltaCommitPlan, b: DeltaCommitPlan) -> Bool {
        a.adds == b.adds && a.removes == b.removes && a.rewritten == b.rewritten && a.schemaString == b.schemaString
            && a.protocolVersions?.reader == b.protocolVersions?.reader && a.protocolVersions?.writer == b.protocolVersions?.writer
            && a.protocolVersions?.features == b.protocolVersions?.features
    }

    /// The commit that makes `log` hold exactly `visible` (the manifest's files that readers can find, table-relative)
    /// with `schema`; nil when the log already does.
    static func make(log: DeltaLog.State, endpoint: String, state: EndpointState, visible: [String]) -> DeltaCommitPlan? {
        let live = Set(log.files.keys)
        let wanted = Set(visible)
        let adds = visible.filter { !live.contains($0) }
        let removes = log.files.keys.filter { !wanted.contains($0) }.sorted()
        let schemaString = DeltaSchema.schemaString(of: state.schema)
        let needsNtz = DeltaSchema.needsTimestampNtz(state.schema)
        var protocolVersions: (Int, Int, [String])?
        if !log.exists {
            protocolVersions = needsNtz ? (3, 7, ["timestampNtz"]) : (1, 2, [])
        } else if needsNtz && !log.readerFeatures.contains("timestampNtz") {
            protocolVersions = (3, 7, (log.readerFeatures + ["timestampNtz"]).sorted())
        }
        let newSchema = log.schemaString == schemaString ? nil : schemaString
        guard !adds.isEmpty || !removes.isEmpty || newSchema != nil || protocolVersions != nil else { return nil }
        let prefix = endpoint + "/"
        let pending = DeltaTables.pendingFolder + "/"
        var rewritten: Set<String> = []
        for rewrite in state.rewrites ?? [] {
            let from = String(Staging.publishedPath(rewrite.from).dropFirst(prefix.count))
            let to = String(Staging.publishedPath(rewrite.to).dropFirst(prefix.count))
            // The copy may come in under its `_pending` name first.
            for added in [to, pending + to] where removes.contains(from) && adds.contains(added) { rewritten.formUnion([from, added]) }
        }
        // A file moving from its `_pending` name to its published one holds the same rows.
        for path in removes where path.hasPrefix(pending) && adds.contains(String(path.dropFirst(pending.count))) {
            rewritten.formUnion([path, String(path.dropFirst(pending.count))])
        }
        return DeltaCommitPlan(adds: adds, removes: removes, rewritten: rewritten, schemaString: newSchema, protocolVersions: protocolVersions)
    }
}
