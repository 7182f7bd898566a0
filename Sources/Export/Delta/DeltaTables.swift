import Foundation
import Logging
import Parquet

/// Keeps every endpoint's Delta table (`OUT/<endpoint>/_delta_log/`) in step with `_manifest.json`, which stays the
/// commit point: after each manifest change that readers can see, the endpoint's table gets one commit with exactly
/// that change; a run that was killed between the two is reconciled by the next run's first sync, and a lake made
/// before Delta tables existed gets its whole log in that first commit. docs/delta-lake.md.
actor DeltaTables {
    let storage: any LakeStorage
    let runID: String
    /// `commitInfo.engineInfo`: `ac-export/VERSION`.
    let engineInfo: String
    /// A checkpoint follows every commit whose version is a multiple of this.
    let checkpointInterval: Int
    let checkpointProperties: WriterProperties
    let logger: Logger
    private var logs: [String: DeltaLog.State] = [:]

    init(storage: any LakeStorage, runID: String, options: ExportOptions, logger: Logger) {
        self.storage = storage
        self.runID = runID
        self.engineInfo = options.engineInfo
        self.checkpointInterval = options.deltaCheckpointInterval
        var properties = options.writerProperties
        properties.pageSpillDirectory = nil
        self.checkpointProperties = properties
        self.logger = logger
    }

    static func appID(_ endpoint: String) -> String { "ac-export:\(endpoint)" }

    /// `OUT/<endpoint>/_pending/`: second names, inside the table, of files the manifest has switched to but that
    /// still wait in the staging area (a snapshot or rewrite about to be swapped in). The table switches to them
    /// before the swap and to their published names after it, so that it never names a file that is not there
    /// (docs/delta-lake.md#snapshot-replacement). The plain view's glob (`date=*/`) does not reach them.
    static let pendingFolder = "_pending"

    /// A committed file whose footer (for the `add` action's stats) does not read.
    struct FooterUnreadable: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "cannot add \(path) to its Delta table: \(reason)" }
    }

    /// Commits what `state` (the endpoint's manifest entry now) changed in the table; nothing when nothing did.
    /// `step` names the export step in `commitInfo` (append, snapshot, reconcile).
    func sync(endpoint: String, state: EndpointState?, step: String) async throws {
        guard let state else { return }
        let table = endpoint
        if logs[endpoint] == nil { await storage.removeTemporaries(in: table + "/" + DeltaLog.folder) }
        var log: DeltaLog.State
        if let known = logs[endpoint] {
            log = known
        } else {
            log = try await DeltaLog.read(table: table, appID: Self.appID(endpoint), storage: storage)
        }
        let visible = try await visibleFiles(of: state, endpoint: endpoint, log: log, checkingEveryFile: step == "reconcile")
        guard let plan = DeltaCommitPlan.make(log: log, endpoint: endpoint, state: state, visible: visible) else {
            logs[endpoint] = log
            try? await removePendingNames(table: table, keeping: log)
            return
        }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var actions: [[String: Any]] = []
        actions.append(["commitInfo": [
            "timestamp": now, "operation": "WRITE", "engineInfo": engineInfo, "isBlindAppend": plan.removes.isEmpty,
            "operationParameters": ["mode": plan.removes.isEmpty ? "Append" : "Overwrite", "partitionBy": "[\"\(DeltaSchema.partitionColumn)\"]"],
            "acExport": ["runId": runID, "step": step],
        ] as [String: Any]])
        if let versions = plan.protocolVersions {
            var proto: [String: Any] = ["minReaderVersion": versions.reader, "minWriterVersion": versions.writer]
            if !versions.features.isEmpty {
                proto["readerFeatures"] = versions.features
                proto["writerFeatures"] = versions.features
            }
            actions.append(["protocol": proto])
        }
        if let schemaString = plan.schemaString {
            let tableID = log.tableID ?? UUID().uuidString.lowercased()
            actions.append(["metaData": [
                "id": tableID, "format": ["provider": "parquet", "options": [String: String]()], "schemaString": schemaString,
                "partitionColumns": [DeltaSchema.partitionColumn], "configuration": [String: String](), "createdTime": log.createdTime ?? now,
            ] as [String: Any]])
        }
        let transactionVersion = (log.transactionVersion ?? -1) + 1
        actions.append(["txn": ["appId": Self.appID(endpoint), "version": transactionVersion, "lastUpdated": now] as [String: Any]])
        for path in plan.removes {
            let live = log.files[path]
            actions.append(["remove": [
                "path": path, "deletionTimestamp": now, "dataChange": !plan.rewritten.contains(path), "extendedFileMetadata": true,
                "partitionValues": live?.partitionValues ?? [:], "size": live?.size ?? 0,
            ] as [String: Any]])
        }
        for path in plan.adds {
            actions.append(["add": try await add(path, table: table, dataChange: !plan.rewritten.contains(path))])
        }
        let version = log.version + 1
        try await DeltaLog.commit(DeltaLog.text(of: actions), version: version, table: table, storage: storage)
        // The state the commit made: its own actions replayed, as a reader of the log would.
        for action in actions { DeltaLog.apply(action, to: &log, appID: Self.appID(endpoint)) }
        log.version = version
        logs[endpoint] = log
        try? await removePendingNames(table: table, keeping: log)
        if version > 0 && version % checkpointInterval == 0 {
            // The commit stands without it: readers replay the JSON commits since the last checkpoint instead.
            do {
                try await DeltaCheckpoint.write(log, table: table, appID: Self.appID(endpoint), properties: checkpointProperties, storage: storage)
            } catch {
                logger.warning("the Delta checkpoint was not written; the table stays correct, readers replay more commits",
                               metadata: ["endpoint": "\(endpoint)", "version": "\(version)", "error": "\(error)"])
            }
        }
    }

    /// The manifest's files as the table should name them (table-relative): published files where they are; files the
    /// manifest lists under their published path but that are still staged, under a `_pending` name made now. Between a
    /// run's own commits a file the table holds already is not looked up again; `checkingEveryFile` (the reconcile at
    /// the start of a run) looks every file up in one listing, so that a table naming a file that is gone is repaired.
    private func visibleFiles(of state: EndpointState, endpoint: String, log: DeltaLog.State, checkingEveryFile: Bool) async throws -> [String] {
        let prefix = endpoint + "/"
        let listed: Set<String>? = checkingEveryFile
            ? Set(try await storage.list(under: endpoint).map(\.path) + storage.list(under: Staging.folder + "/" + endpoint).map(\.path))
            : nil
        let storage = storage
        @Sendable func exists(_ path: String) async throws -> Bool {
            if let listed { return listed.contains(path) }
            return try await storage.exists(path)
        }
        var visible: [String] = []
        for path in state.files.map(\.path) where !Staging.isStaged(path) {
            let relative = String(path.dropFirst(prefix.count))
            var present = listed == nil && log.files[relative] != nil
            if !present { present = try await exists(path) }
            if present {
                visible.append(relative)
            } else if try await exists(Staging.stagedPath(path)) {
                let pending = Self.pendingFolder + "/" + relative
                try await storage.duplicate(Staging.stagedPath(path), to: prefix + pending)
                visible.append(pending)
            }
        }
        return visible
    }

    /// Deletes the `_pending` names that the table no longer holds (the swap published their files, or a kill left them).
    private func removePendingNames(table: String, keeping log: DeltaLog.State) async throws {
        let folder = table + "/" + Self.pendingFolder
        for file in try await storage.list(under: folder) where file.path.hasSuffix(".parquet") {
            let name = String(file.path.dropFirst(folder.count + 1))
            if log.files[Self.pendingFolder + "/" + name] == nil { try? await storage.remove(file.path) }
        }
    }

    /// The `add` action of a data file: size and modification time from the store, the partition value from its
    /// folder, the stats from its footer.
    private func add(_ path: String, table: String, dataChange: Bool) async throws -> [String: Any] {
        let full = table + "/" + path
        // The partition folder: the path's first component, or the second one of a `_pending` name.
        let folder = path.split(separator: "/").first { $0.hasPrefix(DeltaSchema.partitionColumn + "=") }.map(String.init) ?? ""
        let date = String(folder.dropFirst(DeltaSchema.partitionColumn.count + 1))
        let partitionValues = [DeltaSchema.partitionColumn: date]
        let footer: StoredFooter
        do {
            footer = try await storage.footer(full)
        } catch {
            throw FooterUnreadable(path: storage.location + "/" + full, reason: "\(error)")
        }
        let stats = DeltaFileStats.json(metadata: footer.metadata, schema: footer.schema)
        return ["path": path, "partitionValues": partitionValues, "size": footer.size, "modificationTime": footer.modified, "dataChange": dataChange, "stats": stats]
    }
}
