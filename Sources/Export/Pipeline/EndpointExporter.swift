import ActiveCampaign
import Foundation
import Logging
import Parquet

/// Exports one endpoint for one run: records → schema → typed rows → part files, each committed
/// together with the endpoint's resume point; the watermark moves only when the endpoint finishes.
final class EndpointExporter {
    struct Context {
        var outputDirectory: String
        var runID: String
        var runStartMicros: Int64
        var date: String
        var checkpointInterval: Duration
        var writerProperties: WriterProperties
        /// Rows held before the first file's types are fixed (DESIGN.md: about 10k).
        var inferenceRows: Int = 10_000
        var progress: (@Sendable (ExportProgress) -> Void)?
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
    private var partSequence = 0
    private var heldRecords: [[FlatField]] = []
    private var heldCursors: [Int64?] = []
    private var heldFingerprints: [String?] = []
    private var schemaFixed = false
    /// Typed cells of the batch being written, row after row (reused across batches).
    private var cells: [CellValue] = []
    private var runIDBytes: [UInt8]
    private(set) var rowsCommitted = 0
    private(set) var filesCommitted = 0
    private(set) var bytesCommitted: Int64 = 0
    private var maxCursor: Int64?
    /// Records at the largest cursor: of the committed files, and of the open part file.
    private var committedBoundary = CursorBoundary()
    private var partBoundary = CursorBoundary()
    /// Records at the previous watermark, already committed by the run that set it: skipped when re-read.
    private let previousBoundary: CursorBoundary
    private(set) var rowsSkippedAtWatermark = 0
    /// Ids the resumed run committed already (offset-paged endpoints page again from the start).
    private let committedIDs: Set<String>
    /// Largest cursor consumed so far: only records at or above it can end up at the committed maximum.
    private var consumedMaxCursor: Int64 = .min
    /// The window and run of the checkpoint being continued (their files belong to this snapshot).
    private let window: IncrementalWindow?
    private let logicalRunIDs: [String]
    private var lastResume: ResumePoint?

    init(
        endpoint: String, cursorField: String?, window: IncrementalWindow?, resumedCheckpoint: Checkpoint?,
        committedIDs: Set<String> = [], state: EndpointState?, context: Context, manifest: ManifestStore, logger: Logger
    ) {
        self.endpoint = endpoint
        self.cursorField = cursorField
        self.committedIDs = committedIDs
        self.window = window
        self.manifest = manifest
        self.logger = logger
        var context = context
        if let resumedCheckpoint {
            context.date = resumedCheckpoint.date
            maxCursor = resumedCheckpoint.maxCursor.flatMap(Self.micros(fromISO:))
            committedBoundary = CursorBoundary(cursor: maxCursor, fingerprints: resumedCheckpoint.maxCursorRecords ?? [])
            consumedMaxCursor = maxCursor ?? .min
            rowsCommitted = resumedCheckpoint.rowsCommitted
        }
        let watermark = state?.watermark.flatMap(Self.micros(fromISO:))
        if let watermark, let since = window?.since, Int64((since.timeIntervalSince1970 * 1_000_000).rounded()) == watermark {
            previousBoundary = CursorBoundary(cursor: watermark, fingerprints: state?.watermarkRecords ?? [])
        } else {
            previousBoundary = CursorBoundary()
        }
        self.context = context
        logicalRunIDs = (resumedCheckpoint?.runIDs ?? []) + [context.runID]
        startingSchema = state?.schema ?? EndpointSchema()
        tracker = SchemaTracker(schema: startingSchema)
        runIDBytes = Array(context.runID.utf8)
    }

    /// Consumes every batch, committing part files as it goes; then finalizes the endpoint.
    func run<Source: AsyncSequence>(_ source: Source) async throws where Source.Element == RecordBatch {
        do {
            var records = 0
            var total: Int?
            for try await batch in source {
                try Task.checkCancellation()
                try await consume(batch)
                records += batch.records.count
                total = total ?? batch.total  // the first page's total: later ones may count only what is left
                context.progress?(ExportProgress(endpoint: endpoint, records: records, total: total, filesCommitted: filesCommitted, finished: false))
            }
            try await finish()
            context.progress?(ExportProgress(endpoint: endpoint, records: records, total: total, filesCommitted: filesCommitted, finished: true))
        } catch {
            part?.abandon()
            part = nil
            throw error
        }
    }

    private func consume(_ batch: RecordBatch) async throws {
        var flattened: [[FlatField]] = []
        var cursors: [Int64?] = []
        var fingerprints: [String?] = []
        flattened.reserveCapacity(batch.records.count)
        for (index, record) in batch.records.enumerated() {
            guard case .object(let object) = record else {
                throw RejectedRecord(endpoint: endpoint, origin: batch.origin, index: index, reason: "is not a JSON object")
            }
            if !committedIDs.isEmpty, let id = object.idText, committedIDs.contains(id) { continue }
            let cursor = cursor(of: object)
            var fingerprint: String?
            if let cursor, cursor == previousBoundary.cursor || cursor >= consumedMaxCursor {
                consumedMaxCursor = cursor
                let print = CursorBoundary.fingerprint(of: object)
                if previousBoundary.contains(cursor: cursor, fingerprint: print) {
                    rowsSkippedAtWatermark += 1
                    continue
                }
                fingerprint = print
            }
            var fields: [FlatField] = []
            RecordFlattener.flatten(object, objectPaths: &tracker.objectPaths, into: &fields)
            flattened.append(fields)
            cursors.append(cursor)
            fingerprints.append(fingerprint)
        }
        if !schemaFixed {
            let changes = tracker.requiredChanges(for: flattened) { "\(batch.origin) record \($0)" }
            tracker.apply(changes)
            pendingChanges += changes
            heldRecords += flattened
            heldCursors += cursors
            heldFingerprints += fingerprints
            lastResume = batch.resumeAfter
            if heldRecords.count >= context.inferenceRows { try await writeHeldRecords() }
            return
        }
        // Fast path: convert once; only a value that does not fit makes the schema change be worked out.
        if tracker.typedRows(flattened, into: &cells) != nil {
            let changes = tracker.requiredChanges(for: flattened) { "\(batch.origin) record \($0)" }
            // A schema change starts a new file: commit the current one at this page boundary first.
            try await commitPart()
            tracker.apply(changes)
            pendingChanges += changes
            logger.info("schema widened", metadata: ["endpoint": "\(endpoint)", "changes": "\(changes.map { "\($0.column): \($0.from?.rawValue ?? "new") → \($0.to.rawValue)" })"])
            if let field = tracker.typedRows(flattened, into: &cells) { throw tracker.doesNotFit(field) }
        }
        try writeCells(count: flattened.count, cursors: cursors, fingerprints: fingerprints)
        lastResume = batch.resumeAfter
        if let part, part.isFull || ContinuousClock.now - part.openedAt >= context.checkpointInterval {
            try await commitPart()
        }
    }

    private func writeHeldRecords() async throws {
        // Batches were typed one at a time: check all held records against the final types once more.
        let late = tracker.requiredChanges(for: heldRecords) { "held record \($0)" }
        tracker.apply(late)
        pendingChanges += late
        pendingChanges += tracker.addNullOnlyColumns(cause: "first \(heldRecords.count) records")
        schemaFixed = true
        let records = heldRecords
        let cursors = heldCursors
        let fingerprints = heldFingerprints
        heldRecords = []
        heldCursors = []
        heldFingerprints = []
        // In slices, so the cell buffer stays the size of a page, not of the whole inference chunk.
        for start in stride(from: 0, to: records.count, by: 100) {
            let slice = start..<min(records.count, start + 100)
            if let field = tracker.typedRows(Array(records[slice]), into: &cells) { throw tracker.doesNotFit(field) }
            try writeCells(count: slice.count, cursors: Array(cursors[slice]), fingerprints: Array(fingerprints[slice]))
        }
    }

    /// Appends the first `count` rows of `cells` to the open part file.
    private func writeCells(count: Int, cursors: [Int64?], fingerprints: [String?]) throws {
        guard count > 0 else { return }
        let part = try openPartIfNeeded()
        let columns = part.columns
        let dataColumns = tracker.schema.columns.count
        for r in 0..<count {
            if let cursor = cursors[r], let fingerprint = fingerprints[r] { partBoundary.observe(cursor: cursor, fingerprint: fingerprint) }
            let base = r * dataColumns
            for i in 0..<dataColumns { try cells[base + i].append(to: columns[i]) }
            try columns[dataColumns].append(context.runStartMicros)
            try runIDBytes.withUnsafeBytes { try columns[dataColumns + 1].append(utf8: $0) }
            try part.endRow(cursor: cursors[r])
        }
    }

    private func openPartIfNeeded() throws -> PartFile {
        if let part { return part }
        let part = try PartFile(
            outputDirectory: context.outputDirectory, endpoint: endpoint, date: context.date, runID: context.runID,
            sequence: partSequence, staged: mode == .fullRefresh, schema: tracker.parquetSchema, properties: context.writerProperties,
            metadata: [KeyValue("ac-export.endpoint", endpoint), KeyValue("ac-export.run_id", context.runID)])
        partSequence += 1
        self.part = part
        return part
    }

    /// Commits the open part file and, in the same manifest write, the resume point after it.
    private func commitPart() async throws {
        guard let part, part.rows > 0 else { return }
        let bytes = try part.commit()
        self.part = nil
        if let fileMax = part.maxCursor { maxCursor = max(maxCursor ?? fileMax, fileMax) }
        committedBoundary.merge(partBoundary)
        partBoundary = CursorBoundary()
        rowsCommitted += part.rows
        filesCommitted += 1
        bytesCommitted += bytes
        let file = CommittedFile(
            path: part.relativePath, rows: part.rows, bytes: bytes, runID: part.runID, date: part.date,
            minCursor: part.minCursor.map(Self.iso), maxCursor: part.maxCursor.map(Self.iso))
        let checkpoint = lastResume.map {
            Checkpoint(runIDs: logicalRunIDs, date: context.date,
                       window: window, resume: $0, maxCursor: maxCursor.map(Self.iso),
                       maxCursorRecords: committedBoundary.sortedFingerprints, rowsCommitted: rowsCommitted)
        }
        let changes = takeSchemaChanges()
        let schema = tracker.schema
        let fresh = EndpointState(mode: mode, cursorField: cursorField)
        try await manifest.update { [endpoint] m in
            var state = m.endpoints[endpoint] ?? fresh
            state.files.append(file)
            state.checkpoint = checkpoint
            state.schema = schema
            state.schemaHistory += changes
            m.endpoints[endpoint] = state
        }
        logger.info("committed", metadata: ["endpoint": "\(endpoint)", "file": "\(file.path)", "rows": "\(file.rows)", "bytes": "\(bytes)"])
    }

    /// Last commit of the run: clears the checkpoint, moves the watermark, replaces the same-date snapshot.
    private func finish() async throws {
        if !schemaFixed { try await writeHeldRecords() }
        try await commitPart()
        let changes = takeSchemaChanges()
        let watermark = maxCursor.map(Self.iso)
        let watermarkRecords = committedBoundary.sortedFingerprints
        let schema = tracker.schema
        let fresh = EndpointState(mode: mode, cursorField: cursorField)
        let date = context.date
        let (replaced, staged) = try await manifest.update { [endpoint, logicalRunIDs] m -> ([String], [String]) in
            var state = m.endpoints[endpoint] ?? fresh
            var replaced: [String] = []
            var staged: [String] = []
            state.checkpoint = nil
            if fresh.mode == .incremental {
                let previous = state.watermark.flatMap(Self.micros(fromISO:)) ?? .min
                if let watermark, let micros = Self.micros(fromISO: watermark), micros >= previous {
                    state.watermarkRecords = micros == previous ? Array(Set(watermarkRecords + (state.watermarkRecords ?? []))).sorted() : watermarkRecords
                    state.watermark = watermark
                }
            } else {
                // Full snapshot: this run's staged files replace the earlier snapshot of the same date. The
                // manifest switches first; the renames follow, and a crash between is rolled forward by the next run.
                replaced = state.files.filter {
                    !logicalRunIDs.contains($0.runID) && ($0.date == date || Staging.isStaged($0.path))
                }.map(\.path)
                state.files.removeAll { replaced.contains($0.path) }
                for index in state.files.indices where Staging.isStaged(state.files[index].path) {
                    staged.append(state.files[index].path)
                    state.files[index].path = Staging.publishedPath(state.files[index].path)
                }
            }
            state.schema = schema
            state.schemaHistory += changes
            m.endpoints[endpoint] = state
            return (replaced, staged)
        }
        // Old snapshot out before the new one in: a reader may briefly see no files, never both snapshots.
        for path in replaced {
            try? FileManager.default.removeItem(atPath: context.outputDirectory + "/" + path)
        }
        for path in staged {
            try Staging.publish(path, in: context.outputDirectory)
        }
    }

    private var mode: SyncMode { cursorField == nil ? .fullRefresh : .incremental }

    private func takeSchemaChanges() -> [SchemaChange] {
        defer { pendingChanges = [] }
        let previous = Dictionary(startingSchema.columns.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
        return pendingChanges.compactMap { change in
            // The first file's inference merely repeats the manifest's types: only real changes are history.
            if let before = previous[change.column], before == change.to { return nil }
            return SchemaChange(runID: context.runID, column: change.column, from: change.from ?? previous[change.column], to: change.to, cause: change.cause)
        }
    }

    private func cursor(of object: JSONObject) -> Int64? {
        guard let cursorField, case .string(let text)? = object[cursorField] else { return nil }
        if case .instant(let micros)? = ValueTyping.withUTF8(text, TextValueParser.dateTime) { return micros }
        return nil
    }

    static func iso(_ micros: Int64) -> String {
        UTCTimestamp.iso8601(micros: micros)
    }

    static func micros(fromISO text: String) -> Int64? {
        if case .instant(let micros)? = ValueTyping.withUTF8(text, TextValueParser.dateTime) { return micros }
        return nil
    }
}
