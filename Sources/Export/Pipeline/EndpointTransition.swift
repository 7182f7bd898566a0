/// What one endpoint's commits do to its manifest entry, as pure functions of the entry before them: the part
/// commit (a file, its resume point, widened rewrites, the schema) and the run's last commit (watermark, same-date
/// snapshot replacement). `EndpointExporter` runs them inside its manifest updates and does the file work around
/// them; the Delta commit that follows is `DeltaCommitPlan`. docs/commit-protocol.md.
enum EndpointTransition {
    /// A committed file replaced by its copy with widened types.
    struct Rewrite {
        var old: CommittedFile
        var new: CommittedFile
        var record: FileRewrite
    }

    /// The schema the entry takes at a commit, and the changes that led to it.
    struct SchemaUpdate {
        var schema: EndpointSchema
        var changes: [SchemaChange]
    }

    /// The entry after a part file's commit: `file` listed, `rewrites` swapped in for their old files, the resume point
    /// `checkpoint` (nil once the window needs none), the schema; a first window also records its start, `anchor`.
    static func committingPart(
        _ previous: EndpointState?, fresh: EndpointState, anchor: String?, file: CommittedFile, rewrites: [Rewrite],
        checkpoint: Checkpoint?, schema: SchemaUpdate
    ) -> EndpointState {
        var state = previous ?? fresh
        if state.watermark == nil { state.anchor = state.anchor ?? anchor }
        state.files.append(file)
        apply(rewrites, to: &state)
        state.checkpoint = checkpoint
        state.schema = schema.schema
        state.schemaHistory += schema.changes
        return state
    }

    static func apply(_ rewrites: [Rewrite], to state: inout EndpointState) {
        guard !rewrites.isEmpty else { return }
        for rewrite in rewrites {
            guard let index = state.files.firstIndex(where: { $0.path == rewrite.old.path }) else { continue }
            state.files[index] = rewrite.new
        }
        state.rewrites = (state.rewrites ?? []) + rewrites.map(\.record)
    }

    /// The run's last commit, and the file work it asks for: `replaced` files leave the readers' view, `staged` ones
    /// (paths in the staging area) are published under the paths the entry now gives them.
    struct Finish {
        var state: EndpointState
        var replaced: [String]
        var staged: [String]
    }

    /// How the run ends for the entry.
    struct Ending {
        /// The maximum cursor of the records committed, and the fingerprints of the records at it.
        var watermark: String?
        var watermarkRecords: [String]
        /// The run re-read the whole history (`--full-refresh`): its window starts at `anchor` and its watermark
        /// replaces the old one even if older.
        var fullRefresh: Bool
        /// This run's files were staged (a snapshot, or a full refresh): they replace the earlier files of `date`
        /// (with `fullRefresh`: every earlier file) that `runIDs` did not write.
        var staged: Bool
        var runIDs: [String]
        var date: String
        var anchor: String?
    }

    /// The entry after the run's last commit: no checkpoint; an incremental endpoint's watermark moves to the run's
    /// maximum cursor (never backwards, except in a full refresh), with the records at it; a staged run replaces the
    /// same-date snapshot.
    static func finishing(_ previous: EndpointState?, fresh: EndpointState, ending: Ending, schema: SchemaUpdate) -> Finish {
        var state = previous ?? fresh
        var replaced: [String] = []
        var staged: [String] = []
        state.checkpoint = nil
        if fresh.mode == .incremental {
            if ending.fullRefresh || state.watermark == nil { state.anchor = ending.fullRefresh ? ending.anchor : state.anchor ?? ending.anchor }
            let previousMicros = ending.fullRefresh ? .min : state.watermark.flatMap(EndpointExporter.micros(fromISO:)) ?? .min
            if let watermark = ending.watermark, let micros = EndpointExporter.micros(fromISO: watermark), micros >= previousMicros {
                // At the same instant, the records already at the watermark stay known alongside this run's.
                state.watermarkRecords = micros == previousMicros
                    ? Array(Set(ending.watermarkRecords + (state.watermarkRecords ?? []))).sorted() : ending.watermarkRecords
                state.watermark = watermark
            }
        }
        if ending.staged {
            // The manifest switches first; the renames follow, and a crash between is rolled forward by the next run.
            replaced = state.files.filter {
                !ending.runIDs.contains($0.runID) && (ending.fullRefresh || $0.date == ending.date || Staging.isStaged($0.path))
            }.map(\.path)
            state.files.removeAll { replaced.contains($0.path) }
            for index in state.files.indices where Staging.isStaged(state.files[index].path) {
                staged.append(state.files[index].path)
                state.files[index].path = Staging.publishedPath(state.files[index].path)
            }
        }
        state.schema = schema.schema
        state.schemaHistory += schema.changes
        return Finish(state: state, replaced: replaced, staged: staged)
    }
}
