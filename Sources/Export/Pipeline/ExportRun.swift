import ActiveCampaign
import Foundation
import Logging
import Parquet

public struct ExportOptions: Sendable {
    public var outputDirectory: String
    public var endpoints: [Endpoint]
    /// Start of the first incremental window (default: one year before the run).
    public var anchorDate: Date
    /// Ignore watermarks and checkpoints: re-read every incremental endpoint from the anchor date.
    public var fullRefresh = false
    /// The same for these endpoints only.
    public var fullRefreshEndpoints: Set<String> = []
    public var checkpointInterval: Duration = .seconds(60)
    public var writerProperties = WriterProperties()
    public var maxConcurrentEndpoints = 3
    /// Rows held before a file's column types are fixed (DESIGN.md: about 10k).
    public var inferenceRows = 10_000
    /// Called after every batch of every endpoint, from the endpoint's task.
    public var progress: (@Sendable (ExportProgress) -> Void)?
    public var startedAt = Date()

    public init(outputDirectory: String, endpoints: [Endpoint], anchorDate: Date? = nil) {
        self.outputDirectory = outputDirectory
        self.endpoints = endpoints
        self.anchorDate = anchorDate ?? Date().addingTimeInterval(-365 * 86_400)
    }
}

public struct EndpointResult: Sendable {
    public enum Status: String, Sendable { case succeeded, failed, cancelled }
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
        let directory = options.outputDirectory
        try FileSystem.createDirectory(directory)
        let lock = try OutputLock(directory: directory)
        defer { withExtendedLifetime(lock) {} }
        let store = try ManifestStore(directory: directory)
        let runID = makeRunID(options.startedAt)
        let startMicros = Int64((options.startedAt.timeIntervalSince1970 * 1_000_000).rounded())
        let date = UTCTimestamp.date(days: Int64((options.startedAt.timeIntervalSince1970 / 86_400).rounded(.down)))
        try await removeDebris(in: directory, manifest: store.manifest, endpoints: options.endpoints.map(\.name), logger: logger)
        try await store.update { m in
            m.runs.append(RunRecord(id: runID, startedAt: options.startedAt, status: "running"))
        }
        let context = EndpointExporter.Context(
            outputDirectory: directory, runID: runID, runStartMicros: startMicros, date: date,
            checkpointInterval: options.checkpointInterval, writerProperties: options.writerProperties,
            inferenceRows: options.inferenceRows, progress: options.progress)

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
        let ordered = options.endpoints.compactMap { e in results.first { $0.endpoint == e.name } }
        let summary = ExportSummary(runID: runID, results: ordered, requests: source.requestStatistics)
        try await store.update { m in
            guard let index = m.runs.firstIndex(where: { $0.id == runID }) else { return }
            m.runs[index].finishedAt = Date()
            m.runs[index].requests = summary.requests?.requests
            m.runs[index].retries = summary.requests?.retries
            m.runs[index].rateLimited = summary.requests?.rateLimited
            m.runs[index].status = summary.succeeded ? "succeeded" : (ordered.contains { $0.status == .cancelled } ? "cancelled" : "failed")
            for r in ordered {
                m.runs[index].endpoints[r.endpoint] = EndpointRunSummary(
                    status: r.status.rawValue, rows: r.rows, files: r.files, bytes: r.bytes, error: r.error,
                    requests: r.requests?.requests, retries: r.requests?.retries, rateLimited: r.requests?.rateLimited)
            }
        }
        return summary
    }

    private static func exportEndpoint<Source: RecordSource>(
        _ endpoint: Endpoint, options: ExportOptions, context: EndpointExporter.Context, store: ManifestStore,
        source: Source, logger: Logger
    ) async -> EndpointResult {
        let started = ContinuousClock.now
        let state = await store.manifest.endpoints[endpoint.name]
        let (window, checkpoint) = plannedWindow(for: endpoint, state: state, options: options)
        // Offset paging cannot resume at an offset: records that left the listing since would shift the
        // rest below it, unseen. Such endpoints page again from the start and skip the ids already committed.
        var resumeFrom = checkpoint?.resume
        var committedIDs: Set<String> = []
        if let checkpoint, endpoint.pagination == .offset || endpoint.parent != nil {
            resumeFrom = nil
            let files = (state?.files ?? []).filter { checkpoint.runIDs.contains($0.runID) }
            committedIDs = (try? Self.ids(in: files, directory: options.outputDirectory)) ?? []
        }
        let exporter = EndpointExporter(
            endpoint: endpoint.name, cursorField: endpoint.cursorField, window: window, resumedCheckpoint: checkpoint,
            committedIDs: committedIDs, state: state, context: context, manifest: store, logger: logger)
        var result = EndpointResult(
            endpoint: endpoint.name, mode: endpoint.cursorField == nil ? .fullRefresh : .incremental, status: .succeeded,
            rows: 0, files: 0, bytes: 0, watermark: nil, error: nil, duration: .zero)
        if let checkpoint {
            logger.info("resuming from checkpoint", metadata: ["endpoint": "\(endpoint.name)", "rows_already_committed": "\(checkpoint.rowsCommitted)"])
        }
        do {
            try await exporter.run(source.batches(for: endpoint, window: window, resumeFrom: resumeFrom))
        } catch is CancellationError {
            result.status = .cancelled
            result.error = "cancelled; committed files are kept and the next run resumes from the last checkpoint"
        } catch {
            result.status = .failed
            result.error = "\(error)"
            logger.error("endpoint failed", metadata: ["endpoint": "\(endpoint.name)", "error": "\(error)"])
        }
        result.rows = exporter.rowsCommitted
        result.files = exporter.filesCommitted
        result.bytes = exporter.bytesCommitted
        result.watermark = await store.manifest.endpoints[endpoint.name]?.watermark
        result.duration = ContinuousClock.now - started
        result.requests = source.requestStatistics(for: endpoint.name)
        return result
    }

    /// The window an endpoint's run reads, and the checkpoint it resumes (if any).
    static func plannedWindow(for endpoint: Endpoint, state: EndpointState?, options: ExportOptions) -> (IncrementalWindow?, Checkpoint?) {
        let fullRefresh = options.fullRefresh || options.fullRefreshEndpoints.contains(endpoint.name)
        let checkpoint = fullRefresh ? nil : state?.checkpoint
        guard endpoint.cursorField != nil else { return (nil, checkpoint) }
        if let window = checkpoint?.window { return (window, checkpoint) }
        let since = fullRefresh ? nil : state?.watermark.flatMap(EndpointExporter.micros(fromISO:))
        let window = IncrementalWindow(
            since: since.map { Date(timeIntervalSince1970: TimeInterval($0) / 1_000_000) } ?? options.anchorDate,
            until: options.startedAt)
        return (window, checkpoint)
    }

    public struct EndpointPlan: Sendable {
        public var endpoint: Endpoint
        public var window: IncrementalWindow?
        public var resumesCheckpoint: Bool
        public var watermark: String?
    }

    /// What a run would read, from the manifest alone: writes nothing, takes no lock (`run --dry-run`).
    public static func plan(_ options: ExportOptions) throws -> [EndpointPlan] {
        let manifest = try ManifestStore.read(directory: options.outputDirectory)
        return options.endpoints.map { endpoint in
            let state = manifest.endpoints[endpoint.name]
            let (window, checkpoint) = plannedWindow(for: endpoint, state: state, options: options)
            return EndpointPlan(endpoint: endpoint, window: window, resumesCheckpoint: checkpoint != nil, watermark: state?.watermark)
        }
    }

    /// Files a crash left behind: hidden temporaries, and part files the manifest does not list. Without a
    /// manifest, existing part files are not debris but a lake whose manifest was lost: refuse to touch it.
    private static func removeDebris(in directory: String, manifest: Manifest, endpoints: [String], logger: Logger) async throws {
        let listedFiles = manifest.endpoints.values.flatMap(\.files)
        let listed = Set(listedFiles.map(\.path))
        let manifestExists = FileManager.default.fileExists(atPath: directory + "/" + ManifestStore.fileName)
        let fm = FileManager.default
        // A run that stopped between switching the manifest to a new snapshot and renaming its files: finish it.
        for file in listedFiles where !Staging.isStaged(file.path) && !fm.fileExists(atPath: directory + "/" + file.path)
            && fm.fileExists(atPath: directory + "/" + Staging.stagedPath(file.path))
        {
            try Staging.publish(file.path, in: directory)
            logger.notice("published a snapshot file of an interrupted run", metadata: ["file": "\(file.path)"])
        }
        var debris: [String] = []
        for endpoint in Set(endpoints + manifest.endpoints.keys) {
            for root in [endpoint, Staging.folder + "/" + endpoint] {
                guard let walker = fm.enumerator(atPath: directory + "/" + root) else { continue }
                while let relative = walker.nextObject() as? String {
                    let name = (relative as NSString).lastPathComponent
                    let path = root + "/" + relative
                    let isTemporary = name.hasPrefix(".part-") && name.hasSuffix(".tmp")
                    let isUnlisted = name.hasPrefix("part-") && name.hasSuffix(".parquet") && !listed.contains(path)
                    if isUnlisted && !manifestExists {
                        throw ManifestStore.Invalid(
                            path: directory + "/" + ManifestStore.fileName,
                            reason: "it is missing while \(path) and other part files exist, so committed data cannot be told from debris")
                    }
                    if isTemporary || isUnlisted { debris.append(path) }
                }
            }
        }
        for path in debris {
            try? fm.removeItem(atPath: directory + "/" + path)
            logger.notice("removed debris of an interrupted run", metadata: ["file": "\(path)"])
        }
    }

    /// The `id` values of committed part files, as text.
    static func ids(in files: [CommittedFile], directory: String) throws -> Set<String> {
        var ids: Set<String> = []
        for file in files {
            let reader = try ParquetFileReader(path: directory + "/" + file.path)
            guard let column = reader.schema.columns.firstIndex(where: { $0.name == "id" }) else { continue }
            for value in try reader.readColumn(column) where value != .null { ids.insert(value.description) }
        }
        return ids
    }

    static func makeRunID(_ date: Date) -> String {
        let micros = Int64(date.timeIntervalSince1970 * 1_000_000)
        let stamp = UTCTimestamp.iso8601(micros: micros - micros % 1_000_000)
            .replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
        return stamp + "-" + String(UInt16.random(in: .min ... .max), radix: 16)
    }
}
