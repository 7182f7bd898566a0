import ActiveCampaign
import Foundation
import Logging
import Parquet
import JSON

/// Exports one endpoint for one run: records → schema → typed rows → part files, each committed
/// together with the endpoint's resume point; the watermark moves only when the endpoint finishes.
final class EndpointExporter {
    struct Context {
        var storage: any LakeStorage
        var runID: String
        var runStartMicros: Int64
        var date: String
        var checkpointInterval: Duration
        var writerProperties: WriterProperties
        /// Rows held before the first file's types are fixed, and the memory that ends the hold sooner
        /// (`ExportOptions.inferenceRows`, `.inferenceBytes`; docs/commit-protocol.md#inference-hold).
        var inferenceRows: Int
        var inferenceBytes: Int
        var progress: (@Sendable (ExportProgress) -> Void)?
        /// The endpoints' Delta tables, which follow each manifest change (nil: no Delta log is written).
        var tables: DeltaTables?
        /// An incomplete listing finishes anyway (`ExportOptions.acceptIncomplete`).
        var acceptIncomplete = false
        var releaseFreedMemory: (@Sendable () -> Void)?
    }

    let endpoint: String
    let cursorField: String?
    private let context: Context
    private let manifest: ManifestStore
    private let logger: Logger
    private let tracker: SchemaTracker
    private let startingSchema: EndpointSchema
    private var pendingChanges: [PendingChange] = []
    private var part: PartFile?
    /// Encodes the last batch into `part` while the next one is read and shredded.
    private let encoding = EncodingStage()
    /// The buffers of the batch encoded last, emptied: the next batch is shredded into them.
    private var spareFields: [FieldValues] = []
    private var partSequence = 0
    /// Rows read and not yet written: the inference chunk until the schema is fixed, then one batch.
    private var shredder = RecordShredder()
    /// Per pending row: its cursor, and its fingerprint when it may end up at the largest cursor.
    private var pendingCursors: [Int64?] = []
    private var pendingFingerprints: [String?] = []
    /// Where pending rows came from (first pending row of each batch), for schema-change causes.
    private var pendingOrigins: [(firstRow: Int, origin: String)] = []
    private var schemaFixed = false
    /// The inference chunk or a committed part file was just let go: `Context.releaseFreedMemory` is due once the
    /// encoding stage has dropped its buffers too.
    private var releasesMemory = false
    private var runIDBytes: [UInt8]
    private(set) var rowsCommitted = 0
    private(set) var filesCommitted = 0
    private(set) var bytesCommitted: Int64 = 0
    private var maxCursor: Int64?
    /// Records at the largest cursor: of the committed files, and of the open part file.
    private var committedBoundary = CursorBoundary()
    private var partBoundary = CursorBoundary()
    /// Drops what earlier runs committed: the resumed run's ids, the unchanged records at the previous watermark.
    private var rowScreen: RowScreen
    /// Completeness figures (docs/completeness.md): records the listing returned and those read but not written (at
    /// the previous watermark, not objects), in all and up to `lastResume`; the listing's count at its first page.
    private var recordsRead = 0
    private var recordsSkipped = 0
    private var listedUpToResume = (read: 0, skipped: 0)
    private var totalAtStart: Int?
    /// The run continues its checkpoint's listing (from its resume point) rather than reading it again from the start.
    private let continuesListing: Bool
    /// The verdict of the listing once it was read to the end.
    private(set) var completeness: Completeness?
    /// The listing was found incomplete by this run or one it resumes: until it finishes, every checkpoint says so, so
    /// that a run resuming any of them reads the listing again from the start and screens the ids committed.
    private var restartsListing: Bool
    /// A listing with no record still commits one file (with no row) when the table has none: the table exists, with
    /// its schema, for the queries that read it (`Reconciliation`'s tombstone tables).
    var commitsEmptyFile = false
    /// The window and run of the checkpoint being continued (their files belong to this snapshot).
    private let window: IncrementalWindow?
    /// An incremental endpoint read again from its anchor: staged like a snapshot, and its files replace all earlier ones.
    private let fullRefresh: Bool
    private let logicalRunIDs: [String]
    private var lastResume: ResumePoint?
    private let startedAt = ContinuousClock.now
    /// A column widened since the last commit: the next commit rewrites the files that have its narrower type.
    private var widenedSinceCommit = false
    /// Records skipped and values repaired in this run: each is reported, never silent.
    private var oddities = 0
    /// Past this many oddities per endpoint, they are counted, not logged one by one.
    static let odditiesLogged = 100

    init(
        endpoint: String, cursorField: String?, window: IncrementalWindow?, fullRefresh: Bool = false, resumedCheckpoint: Checkpoint?,
        committedIDs: Set<String> = [], continuesListing: Bool = false, knownTypes: [String: InferredType] = [:], state: EndpointState?,
        context: Context, manifest: ManifestStore, logger: Logger
    ) {
        self.endpoint = endpoint
        self.cursorField = cursorField
        self.window = window
        self.fullRefresh = fullRefresh && cursorField != nil
        self.manifest = manifest
        self.logger = logger
        var context = context
        if let resumedCheckpoint {
            context.date = resumedCheckpoint.date
            maxCursor = resumedCheckpoint.maxCursor.flatMap(Self.micros(fromISO:))
            committedBoundary = CursorBoundary(cursor: maxCursor, fingerprints: resumedCheckpoint.maxCursorRecords ?? [])
            rowsCommitted = resumedCheckpoint.rowsCommitted
        }
        self.continuesListing = continuesListing && resumedCheckpoint != nil
        restartsListing = resumedCheckpoint?.restartListing == true
        if self.continuesListing, let resumedCheckpoint {
            recordsRead = resumedCheckpoint.recordsRead ?? resumedCheckpoint.rowsCommitted
            recordsSkipped = resumedCheckpoint.recordsSkipped ?? 0
            listedUpToResume = (recordsRead, recordsSkipped)
            totalAtStart = resumedCheckpoint.totalAtStart
        }
        let watermark = state?.watermark.flatMap(Self.micros(fromISO:))
        var previousBoundary = CursorBoundary()
        if let watermark, let since = window?.since, Int64((since.timeIntervalSince1970 * 1_000_000).rounded()) == watermark {
            previousBoundary = CursorBoundary(cursor: watermark, fingerprints: state?.watermarkRecords ?? [])
        }
        rowScreen = RowScreen(committedIDs: committedIDs, previousBoundary: previousBoundary, consumedMaxCursor: maxCursor ?? .min)
        self.context = context
        logicalRunIDs = (resumedCheckpoint?.runIDs ?? []) + [context.runID]
        startingSchema = state?.schema ?? EndpointSchema()
        tracker = SchemaTracker(schema: startingSchema, knownTypes: knownTypes)
        runIDBytes = Array(context.runID.utf8)
    }

    /// Consumes every batch, committing part files as it goes; then checks the listing against the API's count
    /// (`check`) and finalizes the endpoint, unless the listing is incomplete.
    func run<Source: AsyncSequence>(_ source: Source, check: CompletenessCheck? = nil) async throws where Source.Element == RecordBatch {
        var records = 0
        var total: Int?
        var count = check.map { ListingCount(check: $0, continuingFrom: totalAtStart, continuing: continuesListing) }
        func report(_ state: ExportProgress.State) {
            context.progress?(ExportProgress(endpoint: endpoint, records: records, total: total, filesCommitted: filesCommitted, state: state))
        }
        do {
            for try await batch in source {
                try Task.checkCancellation()
                count?.observe(batch)
                totalAtStart = count?.atStart ?? totalAtStart
                // The listing's last page can be empty: it is handed on for its total only.
                guard batch.records.count > 0 else { continue }
                try await consume(batch)
                records += batch.records.count
                total = total ?? batch.total  // the first page's total: later ones may count only what is left
                report(.running)
            }
            try await finishEncoding()
            // A cancelled sequence may just end (the read-ahead buffer does): that is no proof the listing is
            // complete, and finishing would move the watermark past records never read.
            try Task.checkCancellation()
            if oddities > Self.odditiesLogged {
                logger.warning("records skipped or values repaired in all", metadata: ["endpoint": "\(endpoint)", "count": .stringConvertible(oddities)])
            }
            if !schemaFixed { try await writeInferenceChunk() }
            if commitsEmptyFile && filesCommitted == 0 && part == nil { _ = try openPartIfNeeded() }
            // What was read is committed before the count is asked for: a count that fails keeps it, with the checkpoint.
            try await commitPart()
            try await judgeCompleteness(expected: try await count?.expected(), checked: count != nil)
            try await finish()
            report(.succeeded)
        } catch {
            report(error is CancellationError || Task.isCancelled ? .cancelled : .failed)
            await encoding.settle()
            part?.abandon()
            part = nil
            throw error
        }
    }

    private func consume(_ batch: RecordBatch) async throws {
        recordsRead += batch.records.count
        let batch = droppingNonObjects(batch)
        let firstRow = shredder.rowCount
        do {
            try shredder.shred(batch.records)
        } catch {
            throw RejectedRecord(endpoint: endpoint, location: batch.location(ofRecord: error.index), reason: error.reason)
        }
        reportRepairs(firstRow: firstRow, of: batch)
        try screenRows(from: firstRow, of: batch.records)
        pendingOrigins.append((firstRow, batch.origin))
        // Up to here the previous batch was being encoded beside this one; the part file and the tracker are the
        // exporter's again from here on.
        try await finishEncoding()
        releaseFreedMemoryIfDue()
        if !schemaFixed {
            advanceResume(to: batch.resumeAfter)
            // The checkpoint interval bounds what a kill loses from the first page on: when it elapses first, the
            // rows seen so far fix the types (later rows widen as usual).
            let checkpointDue = ContinuousClock.now - startedAt >= context.checkpointInterval
            if shredder.rowCount >= context.inferenceRows || shredder.bufferedByteCount >= context.inferenceBytes || checkpointDue {
                try await writeInferenceChunk()
                if checkpointDue { try await commitPart() }
            }
            return
        }
        // The previous batch filled the part file (known once it is encoded): committed at that batch's page boundary.
        if let part, part.isFull { try await commitPart() }
        let changes = tracker.requiredChanges(for: shredder.fields, rows: 0..<shredder.rowCount, origin: origin(ofRow:))
        if !changes.isEmpty {
            // A schema change starts a new file: commit the current one at this page boundary first.
            try await commitPart()
            let adjusted = try await avoidingLossyDoubles(changes)
            tracker.apply(adjusted)
            pendingChanges += adjusted
            widenedSinceCommit = widenedSinceCommit || adjusted.contains { $0.from != nil }
            logger.info("schema widened", metadata: ["endpoint": "\(endpoint)", "changes": "\(adjusted.map { "\($0.column): \($0.from?.rawValue ?? "new") → \($0.to.rawValue)" })"])
        }
        try writePendingRows()
        advanceResume(to: batch.resumeAfter)
        // The checkpoint interval elapsed: this batch is committed now rather than after the next one, which may
        // never come (a failed request, a kill).
        if let part, ContinuousClock.now - part.openedAt >= context.checkpointInterval { try await commitPart() }
    }

    /// An element of a records array that is not an object cannot be a row: it is reported and skipped, and
    /// the rest of its page goes on.
    private func droppingNonObjects(_ batch: RecordBatch) -> RecordBatch {
        let others = batch.records.nonObjectIndices()
        guard !others.isEmpty else { return batch }
        recordsSkipped += others.count
        for index in others {
            reportOddity(
                "skipped a record that is not an object",
                ["endpoint": "\(endpoint)", "record": "\(batch.location(ofRecord: index))", "value": "\(batch.records.preview(of: index))"])
        }
        return batch.removing(others)
    }

    /// Strings stored other than as sent, each reported with the record's id and the field.
    private func reportRepairs(firstRow: Int, of batch: RecordBatch) {
        let repairs = shredder.takeRepairs()
        guard !repairs.isEmpty else { return }
        let idField = shredder.topLevelField(named: "id")
        for repair in repairs {
            reportOddity(
                "stored a repaired string value",
                [
                    "endpoint": "\(endpoint)", "id": "\(idField.flatMap { shredder.fields[$0].text(at: repair.row) } ?? "-")",
                    "field": "\(shredder.fields[repair.field].name)", "record": "\(batch.location(ofRecord: repair.row - firstRow))",
                    "repair": "\(repair.cause.rawValue)",
                ])
        }
    }

    private func reportOddity(_ message: Logger.Message, _ metadata: @autoclosure () -> Logger.Metadata) {
        oddities += 1
        if oddities <= Self.odditiesLogged {
            logger.warning(message, metadata: metadata())
        } else if oddities == Self.odditiesLogged + 1 {
            logger.warning(
                "more records skipped or values repaired: counted from here on, not logged one by one",
                metadata: ["endpoint": "\(endpoint)"])
        }
    }

    /// Notes each new row's cursor and drops the rows an earlier run committed already: ids of the resumed
    /// run, and unchanged records at the previous watermark.
    private func screenRows(from firstRow: Int, of records: RawRecords) throws {
        let idField = shredder.topLevelField(named: "id")
        let cursorIndex = cursorField.flatMap(shredder.topLevelField(named:))
        var dropped: [Int] = []
        for row in firstRow..<shredder.rowCount {
            let id = { idField.flatMap { self.shredder.fields[$0].text(at: row) } }
            let cursor = cursorIndex.flatMap { field in
                shredder.fields[field].value(at: row) { kind, bytes -> Int64? in
                    guard kind == .string, case .instant(let micros)? = TextValueParser.dateTime(bytes) else { return nil }
                    return micros
                }
            }
            switch rowScreen.screen(id: id, cursor: cursor, contentHash: { records.contentHash(of: row - firstRow) }) {
            case .committedBefore:
                dropped.append(row)
            case .unchangedAtWatermark:
                recordsSkipped += 1
                dropped.append(row)
            case .keep(let cursor, let fingerprint):
                pendingCursors.append(cursor)
                pendingFingerprints.append(fingerprint)
            }
        }
        shredder.removeRows(dropped)
    }

    /// The next checkpoint resumes after the batch consumed last, with the figures of the listing up to there.
    private func advanceResume(to resume: ResumePoint?) {
        lastResume = resume
        listedUpToResume = (recordsRead, recordsSkipped)
    }

    /// The listing read to its end against the API's count: an unexplained shortfall keeps the watermark where it was
    /// and has the next run read the listing again from its start (the rows read are committed, and skipped then).
    private func judgeCompleteness(expected: Int?, checked: Bool) async throws {
        let result = Completeness(
            expected: checked ? expected : nil, expectedAtStart: totalAtStart, read: recordsRead, written: rowsCommitted, skipped: recordsSkipped)
        completeness = result
        guard result.verdict != .unchecked else { return }
        let metadata: Logger.Metadata = [
            "endpoint": "\(endpoint)", "verdict": "\(result.verdict.rawValue)", "expected": "\(result.expected.map(String.init) ?? "-")",
            "expected_at_start": "\(result.expectedAtStart.map(String.init) ?? "-")", "read": .stringConvertible(result.read),
            "written": .stringConvertible(result.written), "skipped": .stringConvertible(result.skipped),
            "difference": "\(result.difference.map(String.init) ?? "-")", "explanation": "\(result.explanation ?? "-")",
        ]
        logger.notice("listing checked against the API's count", metadata: metadata)
        guard result.verdict == .incomplete else { return }
        guard !context.acceptIncomplete else {
            logger.warning("--accept-incomplete: the endpoint finishes although records may be missing", metadata: metadata)
            return
        }
        restartsListing = true
        try await manifest.update { [endpoint] m in m.endpoints[endpoint]?.checkpoint?.restartListing = true }
        throw IncompleteListing(endpoint: endpoint, completeness: result)
    }

    private func origin(ofRow row: Int) -> String {
        let batch = pendingOrigins.last { $0.firstRow <= row } ?? (0, "?")
        return "\(batch.origin) record \(row - batch.firstRow)"
    }

    /// Fixes the column types from the inference chunk (`Context.inferenceRows`) and writes it.
    private func writeInferenceChunk() async throws {
        let changes = try await avoidingLossyDoubles(
            tracker.requiredChanges(for: shredder.fields, rows: 0..<shredder.rowCount, origin: origin(ofRow:)))
        tracker.apply(changes)
        pendingChanges += changes
        widenedSinceCommit = widenedSinceCommit || changes.contains { $0.from != nil }
        pendingChanges += tracker.addNullOnlyColumns(shredder.fields, cause: "first \(shredder.rowCount) records")
        schemaFixed = true
        // Later batches are a page each: the chunk's buffers would only hold memory.
        try writePendingRows(keepingBuffers: false)
        releasesMemory = true
    }

    /// Hands the pending rows to the encoding stage, which appends them to the open part file column by column.
    private func writePendingRows(keepingBuffers: Bool = true) throws {
        let count = shredder.rowCount
        defer {
            pendingCursors.removeAll(keepingCapacity: true)
            pendingFingerprints.removeAll(keepingCapacity: true)
            pendingOrigins.removeAll(keepingCapacity: true)
        }
        guard count > 0 else { return }
        let part = try openPartIfNeeded()
        for row in 0..<count {
            if let cursor = pendingCursors[row], let fingerprint = pendingFingerprints[row] {
                partBoundary.observe(cursor: cursor, fingerprint: fingerprint)
            }
        }
        let fields = shredder.takeRows(reusing: spareFields)
        spareFields = []
        let (cursors, tracker, runStartMicros, runIDBytes) = (pendingCursors, tracker, context.runStartMicros, runIDBytes)
        encoding.start(EncodingStage.Job {
            var fields = fields
            let columns = part.columns
            try tracker.append(fields, rows: 0..<count, to: columns)
            let dataColumns = tracker.schema.columns.count
            for _ in 0..<count {
                try columns[dataColumns].append(runStartMicros)
                try runIDBytes.withUnsafeBytes { try columns[dataColumns + 1].append(utf8: $0) }
            }
            try part.endRows(cursors: cursors[0..<count])
            guard keepingBuffers else { return [] }
            for index in fields.indices { fields[index].removeAllRows() }
            return fields
        })
    }

    /// Waits for the batch being encoded; its buffers are shredded into next.
    private func finishEncoding() async throws {
        if let buffers = try await encoding.finish() { spareFields = buffers }
    }

    private func releaseFreedMemoryIfDue() {
        guard releasesMemory else { return }
        releasesMemory = false
        context.releaseFreedMemory?()
    }

    private func openPartIfNeeded() throws -> PartFile {
        if let part { return part }
        let part = try PartFile(
            storage: context.storage, endpoint: endpoint, date: context.date, runID: context.runID,
            sequence: partSequence, staged: isStaged, schema: tracker.parquetSchema, properties: context.writerProperties,
            metadata: [KeyValue("ac-export.endpoint", endpoint), KeyValue("ac-export.run_id", context.runID)])
        partSequence += 1
        self.part = part
        return part
    }

    /// Commits the open part file and, in the same manifest write, the resume point after it.
    private func commitPart() async throws {
        try await finishEncoding()
        guard let part, part.rows > 0 || commitsEmptyFile else { return }
        // Copies with the widened types are made before the new file becomes visible, so that readers see the
        // mixed set only for the renames that swap them in.
        let rewrites = widenedSinceCommit ? try await rewriteNarrowerFiles() : []
        widenedSinceCommit = false
        let bytes = try await part.commit()
        self.part = nil
        // The run's counters and resume state move only once the manifest holds the file: a summary must not count
        // a file that the next run deletes as debris.
        let newMaxCursor = part.maxCursor.map { max(maxCursor ?? $0, $0) } ?? maxCursor
        var newBoundary = committedBoundary
        newBoundary.merge(partBoundary)
        let newRowsCommitted = rowsCommitted + part.rows
        let file = CommittedFile(
            path: part.relativePath, rows: part.rows, bytes: bytes, runID: part.runID, date: part.date,
            minCursor: part.minCursor.map(Self.iso), maxCursor: part.maxCursor.map(Self.iso))
        let checkpoint = lastResume.map {
            Checkpoint(runIDs: logicalRunIDs, date: context.date,
                       window: window, resume: $0, maxCursor: newMaxCursor.map(Self.iso),
                       maxCursorRecords: newBoundary.sortedFingerprints, rowsCommitted: newRowsCommitted,
                       fullRefresh: fullRefresh ? true : nil, recordsRead: listedUpToResume.read, recordsSkipped: listedUpToResume.skipped,
                       totalAtStart: totalAtStart, restartListing: restartsListing ? true : nil)
        }
        let schema = EndpointTransition.SchemaUpdate(schema: tracker.schema, changes: takeSchemaChanges())
        let fresh = EndpointState(mode: mode, cursorField: cursorField)
        let anchor = window.map { Self.iso(date: $0.since) }
        let previousState: EndpointState?
        do {
            previousState = try await manifest.update { [endpoint] m -> EndpointState? in
                let previousState = m.endpoints[endpoint]
                m.endpoints[endpoint] = EndpointTransition.committingPart(
                    previousState, fresh: fresh, anchor: anchor, file: file, rewrites: rewrites, checkpoint: checkpoint, schema: schema)
                return previousState
            }
        } catch {
            // Unlisted, the file is debris: out of the readers' view now rather than at the next run.
            if !Staging.isStaged(file.path) {
                try? await evenIfCancelled { [storage = context.storage] in try await Staging.withdraw(file.path, in: storage) }
            }
            throw error
        }
        maxCursor = newMaxCursor
        committedBoundary = newBoundary
        partBoundary = CursorBoundary()
        rowsCommitted = newRowsCommitted
        filesCommitted += 1
        bytesCommitted += bytes
        // Rewritten copies of published files replace them the way a snapshot does; staged ones are not visible yet.
        let published = rewrites.filter { !Staging.isStaged($0.old.path) }
        let step = Staging.isStaged(file.path) ? "checkpoint" : "append"
        try await swap(
            replaced: rewrites.map(\.old.path), staged: published.map { Staging.stagedPath($0.new.path) }, restoring: previousState,
            withdrawing: Staging.isStaged(file.path) ? [] : [file.path], step: step)
        try await commitToTable(step: step)
        releasesMemory = true
        // The path readers will find it at: a staged snapshot file is renamed there when the snapshot is published.
        logger.info(
            "committed",
            metadata: [
                "endpoint": "\(endpoint)", "file": "\(Staging.publishedPath(file.path))", "rows": .stringConvertible(file.rows),
                "bytes": .stringConvertible(bytes), "published": .stringConvertible(!Staging.isStaged(file.path)),
            ])
    }

    /// Last commit of the run, after its last part file: clears the checkpoint, moves the watermark, replaces the same-date snapshot.
    private func finish() async throws {
        let schema = EndpointTransition.SchemaUpdate(schema: tracker.schema, changes: takeSchemaChanges())
        let fresh = EndpointState(mode: mode, cursorField: cursorField)
        let ending = EndpointTransition.Ending(
            watermark: maxCursor.map(Self.iso), watermarkRecords: committedBoundary.sortedFingerprints, fullRefresh: fullRefresh,
            staged: isStaged, runIDs: logicalRunIDs, date: context.date, anchor: window.map { Self.iso(date: $0.since) })
        let (finish, previousState) = try await manifest.update { [endpoint] m -> (EndpointTransition.Finish, EndpointState?) in
            let previousState = m.endpoints[endpoint]
            let finish = EndpointTransition.finishing(previousState, fresh: fresh, ending: ending, schema: schema)
            m.endpoints[endpoint] = finish.state
            return (finish, previousState)
        }
        let step = finish.staged.isEmpty && finish.replaced.isEmpty ? "finish" : "snapshot"
        try await swap(replaced: finish.replaced, staged: finish.staged, restoring: previousState, step: step)
        try await commitToTable(step: step)
    }

    /// The Delta commit of what the manifest now holds for this endpoint (see `DeltaTables`).
    private func commitToTable(step: String) async throws {
        guard let tables = context.tables else { return }
        do {
            try await tables.sync(endpoint: endpoint, state: manifest.manifest.endpoints[endpoint], step: step)
        } catch {
            throw DeltaCommitFailed(endpoint: endpoint, reason: "\(error)")
        }
    }

    /// The data is committed (in `_manifest.json`, readable as Parquet) but the Delta table does not show it yet.
    struct DeltaCommitFailed: Error, CustomStringConvertible {
        var endpoint: String
        var reason: String
        var description: String {
            "\(reason): the data of \(endpoint) is committed (in _manifest.json and the Parquet files) but its Delta table does not show the last commit yet; the next run brings the table up to date"
        }
    }

    /// Moves `replaced` out of the readers' view and publishes `staged` (see `SnapshotSwap`). When that fails,
    /// the files are back where they were, and so is the endpoint's manifest entry (else the next run rolls the
    /// switch forward).
    /// The Delta table switches first, to the staged files under their `_pending` names (`DeltaTables`), so that
    /// it never names a replaced file after the swap moved it away; the commit after the swap gives the published names.
    /// `withdrawing`: files this commit made visible, moved out of the readers' view again when the swap fails.
    private func swap(replaced: [String], staged: [String], restoring previousState: EndpointState?, withdrawing: [String] = [], step: String) async throws {
        guard !staged.isEmpty || !replaced.isEmpty else { return }
        try await commitToTable(step: step)
        do {
            try await SnapshotSwap(storage: context.storage, replaced: replaced, staged: staged, logger: logger).run()
        } catch {
            for path in withdrawing {
                try? await evenIfCancelled { [storage = context.storage] in try await Staging.withdraw(path, in: storage) }
            }
            let restored: Bool
            do {
                try await evenIfCancelled { [manifest, endpoint] in try await manifest.update { m in m.endpoints[endpoint] = previousState } }
                restored = true
            } catch {
                restored = false
            }
            throw SnapshotNotPublished(endpoint: endpoint, reason: "\(error)", previousSnapshotKept: restored)
        }
    }

    /// Copies every committed file of the endpoint that has a narrower type than the schema now has into the
    /// staging area, with the widened types (see `WidenedFileRewrite`).
    private func rewriteNarrowerFiles() async throws -> [EndpointTransition.Rewrite] {
        let files = await manifest.manifest.endpoints[endpoint]?.files ?? []
        let schema = tracker.schema
        var rewrites: [EndpointTransition.Rewrite] = []
        for file in files {
            let reader = try await ExportRun.openCommitted(file.path, in: context.storage, purpose: "to give it the widened column types")
            guard let types = WidenedFileRewrite.widenedTypes(of: reader, schema: schema) else { continue }
            let columns = reader.schema.columns.enumerated().map { index, column in
                types[index].map { Column(column.name, $0.columnType) } ?? column
            }
            let copy = try PartFile(
                storage: context.storage, endpoint: endpoint, date: file.date, runID: context.runID,
                sequence: partSequence, staged: true, schema: Schema(columns), properties: context.writerProperties,
                metadata: [KeyValue("ac-export.endpoint", endpoint), KeyValue("ac-export.run_id", file.runID),
                           KeyValue("ac-export.rewritten_by_run", context.runID)])
            partSequence += 1
            let bytes: Int64
            do {
                try WidenedFileRewrite.copy(reader, widening: types, into: copy)
                bytes = try await copy.commit()
            } catch {
                copy.abandon()
                throw error
            }
            var new = file
            new.path = Staging.isStaged(file.path) ? copy.relativePath : Staging.publishedPath(copy.relativePath)
            new.bytes = bytes
            let reason = zip(reader.schema.columns, types).compactMap { column, type in
                type.map { "\(column.name): \(InferredType(columnType: column.type)?.rawValue ?? "\(column.type)") → \($0.rawValue)" }
            }.joined(separator: ", ")
            rewrites.append(EndpointTransition.Rewrite(old: file, new: new, record: FileRewrite(runID: context.runID, from: file.path, to: new.path, reason: reason)))
            logger.info("rewrote a committed file with widened column types", metadata: ["endpoint": "\(endpoint)", "file": "\(file.path)", "columns": "\(reason)"])
        }
        return rewrites
    }

    /// INT64 → DOUBLE keeps every integer only within ±2^53; the rows at hand were checked for that, the committed
    /// files are checked here by their chunk statistics, and a column holding a larger integer becomes STRING.
    private func avoidingLossyDoubles(_ changes: [PendingChange]) async throws -> [PendingChange] {
        let columns = Set(changes.filter { $0.from == .int64 && $0.to == .double }.compactMap { tracker.columnName(ofField: $0.column) })
        guard !columns.isEmpty else { return changes }
        var lossy: Set<String> = []
        for file in await manifest.manifest.endpoints[endpoint]?.files ?? [] {
            let reader = try await ExportRun.openCommitted(
                file.path, in: context.storage, purpose: "to check its integers before widening to DOUBLE")
            for (index, column) in reader.schema.columns.enumerated() where columns.contains(column.name) && column.type == .int64 {
                for rowGroup in reader.metadata.rowGroups {
                    let statistics = rowGroup.columns[index].statistics
                    // No statistics: the values are unknown, so only text is safe.
                    guard let statistics else { lossy.insert(column.name); continue }
                    for bytes in [statistics.minValue, statistics.maxValue].compactMap({ $0 }) where bytes.count == 8 {
                        let value = bytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                        if Int64(bitPattern: value).magnitude > 1 << 53 { lossy.insert(column.name) }
                    }
                }
            }
        }
        return changes.map { change in
            guard change.from == .int64, change.to == .double, let name = tracker.columnName(ofField: change.column), lossy.contains(name) else { return change }
            var text = change
            text.to = .string
            return text
        }
    }

    private var mode: SyncMode { cursorField == nil ? .fullRefresh : .incremental }
    /// Files wait in the staging area until the run completes: snapshots and full refreshes.
    private var isStaged: Bool { mode == .fullRefresh || fullRefresh }

    private func takeSchemaChanges() -> [SchemaChange] {
        defer { pendingChanges = [] }
        let previous = Dictionary(startingSchema.columns.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
        return pendingChanges.compactMap { change in
            // The first file's inference merely repeats the manifest's types: only real changes are history.
            if let before = previous[change.column], before == change.to { return nil }
            return SchemaChange(runID: context.runID, column: change.column, from: change.from ?? previous[change.column], to: change.to, cause: change.cause)
        }
    }

    static func iso(_ micros: Int64) -> String {
        UTCTimestamp.iso8601(micros: micros)
    }

    static func iso(date: Date) -> String {
        iso(Int64((date.timeIntervalSince1970 * 1_000_000).rounded()))
    }

    static func micros(fromISO text: String) -> Int64? {
        if case .instant(let micros)? = TextValueParser.withUTF8(text, TextValueParser.dateTime) { return micros }
        return nil
    }
}
