import ActiveCampaign
import Foundation
import Logging
import Parquet

public struct ExportOptions: Sendable {
    /// The lake: a local folder or an S3 prefix.
    public var target: LakeTarget
    public var endpoints: [Endpoint]
    /// The account the records come from (see `Manifest.account`); nil when unknown (saved pages).
    public var account: String?
    /// Start of the first incremental window, and of a full refresh's; nil: the lake's original anchor, and for
    /// a new lake one year before the run.
    public var anchorDate: Date?
    /// Ignore watermarks and checkpoints: re-read every incremental endpoint from the anchor date.
    public var fullRefresh = false
    /// The same for these endpoints only.
    public var fullRefreshEndpoints: Set<String> = []
    public var checkpointInterval: Duration = .seconds(60)
    /// Pages and row groups sized for the file's bytes, within a fixed memory budget (docs/parquet-layout.md#sizes):
    /// every page restarts zlib's window, so a column's pages grow up to 2 MiB while the open pages of all columns
    /// together stay within 16 MiB (long strings get the long pages; larger pages left a core idle, the compression
    /// queue holding only two of them); a row group, and so a part file, holds up to 512 MiB of uncompressed values,
    /// so that dictionaries restart rarely and a lake gets fewer, larger files.
    public var writerProperties: WriterProperties = {
        var properties = WriterProperties()
        properties.dataPageSize = 2 << 20
        properties.openPagesByteLimit = 16 << 20
        properties.rowGroupByteLimit = 512 << 20
        return properties
    }()
    public var maxConcurrentEndpoints = 3
    /// Rows held before a file's column types are fixed (docs/commit-protocol.md#inference-hold).
    public var inferenceRows = 10_000
    /// ... or fewer, once they take this much memory: 10,000 records of 8 KB would hold 80 MB (docs/commit-protocol.md#inference-hold).
    public var inferenceBytes = 32 << 20
    /// Called after every batch of every endpoint, from the endpoint's task.
    public var progress: (@Sendable (ExportProgress) -> Void)?
    /// Called once an endpoint has dropped a lot of memory at once (its inference chunk once written, a part file
    /// once committed), so that the process can hand the freed pages back (docs/performance.md#memory).
    public var releaseFreedMemory: (@Sendable () -> Void)?
    public var startedAt = Date()
    /// The writer named in each Delta commit (`commitInfo.engineInfo`).
    public var engineInfo = "ac-export"
    /// A Delta checkpoint every this many commits of a table (docs/delta-lake.md#checkpoints).
    public var deltaCheckpointInterval = 100
    /// Keep each endpoint's Delta log; off only for a lake that has none (plain Parquet readers, or measuring the log's cost).
    public var deltaTables = true
    /// How long an S3 lake's run lock holds without renewal: a killed run's lock is taken over after this.
    public var lockTTL: Duration = .seconds(120)
    /// After the export, list the incremental endpoints' ids and write tombstones for those gone (`run --reconcile`).
    public var reconcile = false
    /// An incomplete listing is reported but finishes like a complete one, watermark included (`run --accept-incomplete`,
    /// for an account whose counts are known to disagree with its listings).
    public var acceptIncomplete = false

    public init(target: LakeTarget, endpoints: [Endpoint], anchorDate: Date? = nil) {
        self.target = target
        self.endpoints = endpoints
        self.anchorDate = anchorDate
    }

    public init(outputDirectory: String, endpoints: [Endpoint], anchorDate: Date? = nil) {
        self.init(target: .folder(outputDirectory), endpoints: endpoints, anchorDate: anchorDate)
    }

    /// One year before the run: the anchor of a new lake when none is given.
    var defaultAnchorDate: Date { startedAt.addingTimeInterval(-365 * 86_400) }
}

public struct EndpointResult: Sendable {
    /// `incomplete`: the listing returned fewer records than the API counts (docs/completeness.md).
    public enum Status: String, Sendable { case succeeded, failed, incomplete, cancelled }
    public var endpoint: String
    public var mode: SyncMode
    public var status: Status
    public var rows: Int
    public var files: Int
    public var bytes: Int64
    public var watermark: String?
    public var error: String?
    public var duration: Duration
    public var requests: RequestStatistics?
    /// The listing against the API's count; nil when the endpoint stopped before its listing was read to the end.
    public var completeness: Completeness?
}

public struct ExportSummary: Sendable {
    public var runID: String
    public var results: [EndpointResult]
    public var requests: RequestStatistics?
    public var succeeded: Bool { results.allSatisfy { $0.status == .succeeded } }
}

/// One run over a set of endpoints into one output folder. Each endpoint succeeds or fails on its
/// own; setup problems (lock held, manifest unreadable, folder not writable) throw before any write.
public enum ExportRun {
    public static func run<Source: RecordSource>(_ options: ExportOptions, source: Source, logger: Logger) async throws -> ExportSummary {
        try await options.target.withStorage(lockTTL: options.lockTTL, logger: logger) { storage in
            // Refusals come before the lock is taken, so that a refused run leaves the lake byte for byte as it was;
            // they are checked again under the lock.
            try await checkLakeBeforeWriting(storage: storage, manifest: try await ManifestStore.read(storage: storage), options: options, locked: false)
            let runID = makeRunID(options.startedAt)
            let lock = try await storage.lock(runID: runID)
            do {
                let summary = try await whileKeepingAlive(lock) {
                    try await run(options, runID: runID, lock: lock, storage: storage, source: source, logger: logger)
                }
                try? await evenIfCancelled { await lock.release() }
                return summary
            } catch {
                try? await evenIfCancelled { await lock.release() }
                throw error
            }
        }
    }

    /// Runs `body` while `lock.keepAlive` renews the lock; a lost lock cancels `body` and is the error.
    private static func whileKeepingAlive<T: Sendable>(_ lock: any LakeLock, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await lock.keepAlive()
                return nil
            }
            group.addTask { try await body() }
            while let finished = try await group.next() {
                guard let result = finished else { continue }  // a lock with nothing to renew
                group.cancelAll()
                return result
            }
            throw CancellationError()
        }
    }

    private static func run<Source: RecordSource>(
        _ options: ExportOptions, runID: String, lock: any LakeLock, storage: any LakeStorage, source: Source, logger: Logger
    ) async throws -> ExportSummary {
        let store = try await ManifestStore(storage: storage)
        if lock.tookOver {
            // The run whose lease ran out may still be alive: replacing the manifest (If-Match) fences it off before
            // anything of the lake is judged or removed; its next manifest write fails instead of committing.
            try await store.update { _ in }
        }
        let abandoned = try await storage.removeAbandonedUploads()
        if abandoned > 0 {
            logger.notice("aborted unfinished uploads of an interrupted run", metadata: ["count": .stringConvertible(abandoned)])
        }
        let lake = try await checkLakeBeforeWriting(storage: storage, manifest: await store.manifest, options: options, locked: true)
        let startMicros = Int64((options.startedAt.timeIntervalSince1970 * 1_000_000).rounded())
        let date = UTCTimestamp.date(days: Int64((options.startedAt.timeIntervalSince1970 / 86_400).rounded(.down)))
        // Each endpoint's Delta table catches up with the manifest: after a kill between a manifest write and its Delta
        // commit, and on a lake written before the tables existed (docs/delta-lake.md#reconcile). Before the debris goes
        // (a switched but unpublished snapshot: the table takes its files under `_pending` names before the replaced
        // ones are deleted) and after (the published names).
        let tables = options.deltaTables ? DeltaTables(storage: storage, runID: runID, options: options, logger: logger) : nil
        func reconcile(_ manifest: Manifest) async {
            guard let tables else { return }
            for endpoint in manifest.endpoints.keys.sorted() {
                do {
                    try await tables.sync(endpoint: endpoint, state: manifest.endpoints[endpoint], step: "reconcile")
                } catch {
                    // The endpoint's own commits try again and fail it if the table still cannot follow; the others go on.
                    logger.error("the Delta table could not be brought up to date", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
                }
            }
        }
        await reconcile(await store.manifest)
        try await removeDebris(lake, in: storage, manifest: store.manifest, logger: logger)
        try await store.update { [account = options.account] m in
            m.account = m.account ?? account
            m.runs.append(RunRecord(id: runID, startedAt: options.startedAt, status: "running"))
        }
        let manifestAtStart = await store.manifest
        await reconcile(manifestAtStart)
        logger.notice(
            "run started",
            metadata: [
                "run_id": "\(runID)", "writer": "\(options.writerProperties.createdBy ?? "-")", "account": "\(options.account ?? "-")",
                "output": "\(storage.location)", "endpoints": .array(options.endpoints.map { .string($0.name) }),
                "windows": .dictionary(Dictionary(uniqueKeysWithValues: options.endpoints.compactMap { endpoint in
                    let (window, _, _) = plannedWindow(for: endpoint, state: manifestAtStart.endpoints[endpoint.name], options: options)
                    return window.map { (endpoint.name, .string(UTCTimestamp.iso8601(micros: Int64($0.since.timeIntervalSince1970 * 1_000_000)) + "/" + UTCTimestamp.iso8601(micros: Int64($0.until.timeIntervalSince1970 * 1_000_000)))) }
                })),
            ])
        let context = EndpointExporter.Context(
            storage: storage, runID: runID, runStartMicros: startMicros, date: date,
            checkpointInterval: options.checkpointInterval, writerProperties: options.writerProperties,
            inferenceRows: options.inferenceRows, inferenceBytes: options.inferenceBytes, progress: options.progress, tables: tables, acceptIncomplete: options.acceptIncomplete,
            releaseFreedMemory: options.releaseFreedMemory)

        var results: [EndpointResult] = []
        await withTaskGroup(of: EndpointResult.self) { group in
            var pending = options.endpoints[...]
            func startNext() {
                guard let endpoint = pending.popFirst() else { return }
                group.addTask {
                    await exportEndpoint(endpoint, options: options, context: context, store: store, source: source, logger: logger)
                }
            }
            for _ in 0..<max(1, options.maxConcurrentEndpoints) { startNext() }
            for await result in group {
                results.append(result)
                startNext()
            }
        }
        var exported = options.endpoints.compactMap { e in results.first { $0.endpoint == e.name } }
        for table in CustomFieldTable.built(from: options.endpoints) {
            let sources = [table.definitions.name, table.values.name]
            if let failed = exported.first(where: { sources.contains($0.endpoint) && $0.status != .succeeded }) {
                exported.append(EndpointResult(
                    endpoint: table.name, mode: .fullRefresh, status: failed.status == .cancelled ? .cancelled : .failed, rows: 0, files: 0, bytes: 0,
                    watermark: nil, error: "not built: \(failed.endpoint) did not succeed; the previous \(table.name) stays", duration: .zero))
            } else {
                exported.append(await CustomFieldColumns.build(table, store: store, context: context, logger: logger))
            }
        }
        if options.reconcile {
            for endpoint in options.endpoints where endpoint.isIncremental {
                let export = exported.first { $0.endpoint == endpoint.name }
                exported.append(await reconcileDeletions(endpoint, exported: export, context: context, store: store, source: source, logger: logger))
            }
        }
        let ordered = exported
        let summary = ExportSummary(runID: runID, results: ordered, requests: source.requestStatistics)
        try await evenIfCancelled { try await store.update { m in
            guard let index = m.runs.firstIndex(where: { $0.id == runID }) else { return }
            m.runs[index].finishedAt = Date()
            m.runs[index].requests = summary.requests?.requests
            m.runs[index].retries = summary.requests?.retries
            m.runs[index].rateLimited = summary.requests?.rateLimited
            m.runs[index].status = summary.succeeded ? "succeeded" : (ordered.contains { $0.status == .cancelled } ? "cancelled" : "failed")
            for r in ordered {
                m.runs[index].endpoints[r.endpoint] = EndpointRunSummary(
                    status: r.status.rawValue, rows: r.rows, files: r.files, bytes: r.bytes, error: r.error,
                    requests: r.requests?.requests, retries: r.requests?.retries, rateLimited: r.requests?.rateLimited,
                    completeness: r.completeness)
            }
        } }
        logger.notice(
            "run finished",
            metadata: [
                "run_id": "\(runID)", "status": "\(summary.succeeded ? "succeeded" : "failed")",
                "rows": .stringConvertible(ordered.reduce(0) { $0 + $1.rows }), "files": .stringConvertible(ordered.reduce(0) { $0 + $1.files }),
                "bytes": .stringConvertible(ordered.reduce(Int64(0)) { $0 + $1.bytes }),
                "requests": .stringConvertible(summary.requests?.requests ?? 0),
                "endpoints": .dictionary(Dictionary(uniqueKeysWithValues: ordered.map { ($0.endpoint, .string($0.status.rawValue)) })),
            ])
        return summary
    }

    private static func exportEndpoint<Source: RecordSource>(
        _ endpoint: Endpoint, options: ExportOptions, context: EndpointExporter.Context, store: ManifestStore,
        source: Source, logger: Logger
    ) async -> EndpointResult {
        let started = ContinuousClock.now
        let state = await store.manifest.endpoints[endpoint.name]
        let (window, checkpoint, fullRefresh) = plannedWindow(for: endpoint, state: state, options: options)
        var result = EndpointResult(
            endpoint: endpoint.name, mode: endpoint.cursorField == nil || fullRefresh ? .fullRefresh : .incremental, status: .succeeded,
            rows: 0, files: 0, bytes: 0, watermark: nil, error: nil, duration: .zero)
        if let checkpoint {
            logger.info("resuming from checkpoint", metadata: ["endpoint": "\(endpoint.name)", "rows_already_committed": .stringConvertible(checkpoint.rowsCommitted)])
        }
        var exporter: EndpointExporter?
        do {
            // Offset paging cannot resume at an offset: records that left the listing since would shift the
            // rest below it, unseen. Such endpoints page again from the start and skip the ids already committed;
            // a committed file that cannot be read fails the endpoint (reading on would commit its rows twice).
            // So does a listing found incomplete, whatever its paging.
            var resumeFrom = checkpoint?.resume
            var committedIDs: Set<String> = []
            if let checkpoint, endpoint.pagination == .offset || endpoint.parent != nil || checkpoint.restartListing == true {
                resumeFrom = nil
                let files = (state?.files ?? []).filter { checkpoint.runIDs.contains($0.runID) }
                committedIDs = try await Self.ids(in: files, storage: context.storage)
            }
            let running = EndpointExporter(
                endpoint: endpoint.name, cursorField: endpoint.cursorField, window: window, fullRefresh: fullRefresh, resumedCheckpoint: checkpoint,
                committedIDs: committedIDs, continuesListing: resumeFrom != nil, state: state, context: context, manifest: store, logger: logger)
            exporter = running
            try await running.run(
                source.batches(for: endpoint, window: window, resumeFrom: resumeFrom), check: source.completenessCheck(for: endpoint, window: window))
        } catch is CancellationError {
            result.status = .cancelled
            result.error = "committed files are kept and the next run resumes from the last checkpoint"
        } catch {
            result.status = error is IncompleteListing ? .incomplete : .failed
            result.error = "\(error)"
            logger.error("endpoint failed", metadata: ["endpoint": "\(endpoint.name)", "status": "\(result.status.rawValue)", "error": "\(error)"])
        }
        if result.status != .succeeded {
            // A failed step may have rolled the manifest back: the table follows it (or the next run's reconcile does).
            do {
                try await context.tables?.sync(endpoint: endpoint.name, state: store.manifest.endpoints[endpoint.name], step: "reconcile")
            } catch {
                logger.warning("the Delta log was not brought up to date; the next run does it", metadata: ["endpoint": "\(endpoint.name)", "error": "\(error)"])
            }
        }
        result.rows = exporter?.rowsCommitted ?? checkpoint?.rowsCommitted ?? 0
        result.files = exporter?.filesCommitted ?? 0
        result.bytes = exporter?.bytesCommitted ?? 0
        result.watermark = await store.manifest.endpoints[endpoint.name]?.watermark
        result.duration = ContinuousClock.now - started
        result.requests = source.requestStatistics(for: endpoint.name)
        result.completeness = exporter?.completeness
        return result
    }

    /// The endpoint's deletions, once its export succeeded: the lake must hold every id the API has listed until now.
    private static func reconcileDeletions<Source: RecordSource>(
        _ endpoint: Endpoint, exported: EndpointResult?, context: EndpointExporter.Context, store: ManifestStore, source: Source, logger: Logger
    ) async -> EndpointResult {
        guard exported?.status == .succeeded, !Task.isCancelled else {
            let cancelled = Task.isCancelled || exported?.status == .cancelled
            return EndpointResult(
                endpoint: Reconciliation.table(of: endpoint.name), mode: .incremental, status: cancelled ? .cancelled : .failed, rows: 0, files: 0,
                bytes: 0, watermark: await store.manifest.endpoints[Reconciliation.table(of: endpoint.name)]?.watermark,
                error: cancelled ? "committed files are kept and the next run resumes from the last checkpoint"
                    : "not reconciled: the export of \(endpoint.name) did not succeed, so the lake may lack ids the API has; the next --reconcile tries again",
                duration: .zero)
        }
        return await Reconciliation.reconcile(endpoint, source: source, store: store, context: context, logger: logger)
    }

    /// The window an endpoint's run reads, the checkpoint it resumes (if any), and whether it is a full refresh
    /// (asked for, or the resumed checkpoint is one): then its files replace every earlier file of the endpoint.
    static func plannedWindow(for endpoint: Endpoint, state: EndpointState?, options: ExportOptions) -> (IncrementalWindow?, Checkpoint?, fullRefresh: Bool) {
        let requested = options.fullRefresh || options.fullRefreshEndpoints.contains(endpoint.name)
        let checkpoint = requested ? nil : state?.checkpoint
        guard endpoint.cursorField != nil else { return (nil, checkpoint, false) }
        let fullRefresh = requested || checkpoint?.fullRefresh == true
        if let window = checkpoint?.window { return (window, checkpoint, fullRefresh) }
        let since = fullRefresh ? nil : state?.watermark.flatMap(EndpointExporter.micros(fromISO:))
        let anchor = options.anchorDate ?? state?.anchor.flatMap(EndpointExporter.micros(fromISO:)).map(Self.date(micros:)) ?? options.defaultAnchorDate
        let window = IncrementalWindow(since: since.map(Self.date(micros:)) ?? anchor, until: options.startedAt)
        return (window, checkpoint, fullRefresh)
    }

    private static func date(micros: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(micros) / 1_000_000)
    }

    public struct EndpointPlan: Sendable {
        public var endpoint: Endpoint
        public var window: IncrementalWindow?
        public var resumesCheckpoint: Bool
        public var watermark: String?
    }

    /// The manifest of a lake, validated; read without the lock (`status`, `inspect`). A lake that does not exist yet
    /// has an empty one; for a local folder, nothing is created.
    public static func manifest(of target: LakeTarget, logger: Logger) async throws -> Manifest {
        if case .folder(let directory) = target { return try manifest(in: directory) }
        return try await target.withStorage(lockTTL: .seconds(1), logger: logger) { try await ManifestStore.read(storage: $0) }
    }

    /// The manifest of a local lake, validated.
    public static func manifest(in directory: String) throws -> Manifest {
        try ManifestStore.read(directory: directory)
    }

    /// What a run would read, from the manifest alone: writes nothing, takes no lock (`run --dry-run`).
    public static func plan(_ options: ExportOptions, logger: Logger) async throws -> [EndpointPlan] {
        let manifest = try await manifest(of: options.target, logger: logger)
        return options.endpoints.map { endpoint in
            let state = manifest.endpoints[endpoint.name]
            let (window, checkpoint, _) = plannedWindow(for: endpoint, state: state, options: options)
            return EndpointPlan(endpoint: endpoint, window: window, resumesCheckpoint: checkpoint != nil, watermark: state?.watermark)
        }
    }

    /// The lake is this account's, and its manifest accounts for every part file (see `debris`).
    /// Without the lock, a run holding it may be writing files its manifest does not list yet: only what cannot
    /// change under a running export is checked then.
    /// Returns the debris it found and every file of the lake, for `removeDebris`.
    @discardableResult
    private static func checkLakeBeforeWriting(storage: any LakeStorage, manifest: Manifest, options: ExportOptions, locked: Bool) async throws -> LakeFiles {
        if let account = options.account, let bound = manifest.account, bound != account {
            throw AccountMismatch(directory: storage.location, lakeAccount: bound, runAccount: account)
        }
        let files = try await storage.list(under: "")
        if !options.deltaTables, let table = files.lazy.map(\.path).first(where: { $0.split(separator: "/").dropFirst().first == Substring(DeltaLog.folder) }) {
            throw DeltaLogWouldGoStale(table: storage.location + "/" + (table.split(separator: "/").first.map(String.init) ?? ""))
        }
        let debris = try debris(in: files, location: storage.location, manifest: manifest, checkRuns: locked)
        return LakeFiles(debris: debris, paths: Set(files.map(\.path)))
    }

    struct LakeFiles {
        var debris: [String]
        var paths: Set<String>
    }

    /// Files a crash left behind: hidden temporaries, and part files the manifest does not list but whose run it
    /// knows (made visible, killed before the manifest recorded them). Every endpoint folder is looked at, not only
    /// the selected ones. A part file the manifest cannot account for (no manifest, or a run it never saw) is
    /// not debris but a sign that the manifest lost history: refuse to touch anything.
    /// `files`: every file of the lake.
    private static func debris(in files: [StoredFile], location: String, manifest: Manifest, checkRuns: Bool = true) throws -> [String] {
        let paths = Set(files.map(\.path))
        let manifestPath = location + "/" + ManifestStore.fileName
        let manifestExists = paths.contains(ManifestStore.fileName)
        if !manifestExists && paths.contains(ManifestStore.fileName + ".bak") {
            throw ManifestStore.Invalid(path: manifestPath, reason: "it is missing while its backup \(ManifestStore.fileName).bak exists, so the lake's history would be lost")
        }
        let listed = Set(manifest.endpoints.values.flatMap(\.files).map(\.path))
        let knownRuns = Set(manifest.runs.map(\.id))
        let endpoints = Set(Endpoint.catalog.map(\.name) + CustomFieldTable.all.map(\.name) + Reconciliation.tables + manifest.endpoints.keys)
        var debris: [String] = []
        for path in paths.sorted() {
            var components = path.split(separator: "/").map(String.init)
            if components.first == Staging.folder { components.removeFirst() }
            guard components.count >= 2, endpoints.contains(components[0]) else { continue }
            // The Delta log and the table's `_pending` names are the table's own (DeltaTables keeps them).
            if components[1] == DeltaLog.folder || components[1] == DeltaTables.pendingFolder { continue }
            let name = components[components.count - 1]
            if name.hasPrefix(".part-") && name.hasSuffix(".tmp") {
                debris.append(path)
                continue
            }
            guard name.hasPrefix("part-") && name.hasSuffix(".parquet") && !listed.contains(path) else { continue }
            // A staged file listed under its published path is a snapshot still to be published, not debris, unless
            // the published file is there too (a move that copies, then deletes, was interrupted after the copy).
            if Staging.isStaged(path) && listed.contains(Staging.publishedPath(path)) && !paths.contains(Staging.publishedPath(path)) { continue }
            guard manifestExists else {
                throw ManifestStore.Invalid(
                    path: manifestPath,
                    reason: "it is missing while \(path) and perhaps other part files exist, so committed data cannot be told from debris")
            }
            guard !checkRuns || PartFile.runID(ofFileNamed: name).map(knownRuns.contains) == true else {
                throw ManifestStore.Invalid(
                    path: manifestPath,
                    reason: "it does not know the run that wrote \(path) (an older manifest restored over a newer lake?), so that file cannot be told from debris")
            }
            debris.append(path)
        }
        return debris
    }

    /// Removes the debris found under the lock, then finishes an interrupted publication (a staged file that the
    /// publication moves is not among the debris): old files leave a date before new ones arrive, as in a swap.
    private static func removeDebris(_ lake: LakeFiles, in storage: any LakeStorage, manifest: Manifest, logger: Logger) async throws {
        for path in lake.debris {
            do {
                try await storage.remove(path)
                logger.notice("removed debris of an interrupted run", metadata: ["file": "\(path)"])
            } catch let removal {
                // Out of the readers' view is what matters: a file that cannot be deleted is moved into the
                // staging area, whose unlisted files the next run deletes.
                guard !Staging.isStaged(path) else {
                    logger.warning("debris in the staging area could not be deleted; readers do not see it and the next run tries again",
                                   metadata: ["file": "\(path)", "error": "\(removal)"])
                    continue
                }
                do {
                    try await Staging.withdraw(path, in: storage)
                } catch {
                    throw DebrisNotRemoved(reason: "\(removal)")
                }
                logger.warning("debris of an interrupted run could not be deleted; moved out of the readers' view into the staging area",
                               metadata: ["file": "\(path)", "error": "\(removal)"])
            }
        }
        // A run that stopped between switching the manifest to a new snapshot and moving its files: finish it.
        for file in manifest.endpoints.values.flatMap(\.files) where !Staging.isStaged(file.path)
            && !lake.paths.contains(file.path) && lake.paths.contains(Staging.stagedPath(file.path))
        {
            try await Staging.publish(file.path, in: storage)
            logger.notice("published a snapshot file of an interrupted run", metadata: ["file": "\(file.path)"])
        }
    }

    /// Debris that stays where readers look would show its rows twice: the run stops before writing anything.
    /// A run without Delta logs on a lake that has them would leave its tables behind the files.
    struct DeltaLogWouldGoStale: ConfigurationProblem, CustomStringConvertible {
        var table: String
        var description: String {
            "\(table) is a Delta table: a run without --delta-log would leave its log behind the data, and Delta readers would miss the new rows. Run with the log (the default), or remove the _delta_log folders of this lake first"
        }
    }

    struct DebrisNotRemoved: Error, CustomStringConvertible {
        var reason: String
        var description: String {
            "\(reason): it is an unfinished file of an interrupted run, which readers globbing *.parquet would count; "
                + "nothing was written. Remove it by hand or fix the folder's permissions, then run again"
        }
    }

    /// The `id` values of committed part files, as text: only the `id` column, one row group at a time.
    /// `afterFile`: called after each file (with the files read so far), so that a long read shows progress.
    static func ids(
        in files: [CommittedFile], storage: any LakeStorage, afterFile: (Int) -> Void = { _ in }
    ) async throws(CommittedFileUnreadable) -> Set<String> {
        var ids: Set<String> = []
        for (index, file) in files.enumerated() {
            defer { afterFile(index + 1) }
            let reader = try await openCommitted(file.path, in: storage, purpose: "for the ids already committed, to resume without duplicates")
            do {
                guard let column = reader.schema.columns.firstIndex(where: { $0.name == "id" }) else { continue }
                for rowGroup in reader.metadata.rowGroups.indices {
                    for value in try reader.readColumn(rowGroup: rowGroup, column: column) where value != .null {
                        ids.insert(value.description)
                    }
                }
            } catch {
                throw CommittedFileUnreadable(path: storage.location + "/" + file.path, purpose: "for the ids already committed, to resume without duplicates", reason: "\(error)")
            }
        }
        return ids
    }

    /// A lake belongs to the account it was made from: mixing two accounts' rows (or demo rows into a real
    /// lake) would corrupt it and move its watermarks to the other account's times.
    public struct AccountMismatch: ConfigurationProblem, CustomStringConvertible {
        var directory: String
        var lakeAccount: String
        var runAccount: String
        public var description: String {
            "\(directory) holds data of account \(lakeAccount), but this run reads account \(runAccount); nothing was written. "
                + "Use another --out for this account, or check ACTIVECAMPAIGN_BASE_URL"
        }
    }

    /// Opens a committed part file, or throws `CommittedFileUnreadable` saying what the run needed it for.
    static func openCommitted(_ path: String, in storage: any LakeStorage, purpose: String) async throws(CommittedFileUnreadable) -> ParquetFileReader {
        do {
            return try await storage.openParquet(path)
        } catch {
            throw CommittedFileUnreadable(path: storage.location + "/" + path, purpose: purpose, reason: "\(error)")
        }
    }

    /// A committed part file the run must read and cannot: the endpoint stops rather than guess (resume would
    /// double its rows; a widening would leave it with the old type).
    struct CommittedFileUnreadable: Error, CustomStringConvertible {
        var path: String
        var purpose: String
        var reason: String
        var description: String {
            "cannot read committed file \(path) \(purpose) (\(reason)); "
                + "the endpoint stopped with its committed files and checkpoint kept: fix or restore the file and run again"
        }
    }

    static func makeRunID(_ date: Date) -> String {
        let micros = Int64(date.timeIntervalSince1970 * 1_000_000)
        let stamp = UTCTimestamp.iso8601(micros: micros - micros % 1_000_000)
            .replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
        return stamp + "-" + String(UInt16.random(in: .min ... .max), radix: 16)
    }
}
