import Foundation
import Logging
import Parquet

/// Keeps every endpoint's Delta table (`OUT/<endpoint>/_delta_log/`) in step with `_manifest.json`, which stays the
/// commit point: after each manifest change that readers can see, the endpoint's table gets one commit with exactly
/// that change; a run that was killed between the two is reconciled by the next run's first sync, and a lake made
/// before Delta tables existed gets its whole log in that first commit. docs/delta-lake.md.
actor DeltaTables {
    let directory: String
    let runID: String
    /// `commitInfo.engineInfo`: `ac-export/VERSION`.
    let engineInfo: String
    /// A checkpoint follows every commit whose version is a multiple of this.
    let checkpointInterval: Int
    let checkpointProperties: WriterProperties
    let logger: Logger
    private var logs: [String: DeltaLog.State] = [:]

    init(directory: String, runID: String, options: ExportOptions, logger: Logger) {
        self.directory = directory
        self.runID = runID
        self.engineInfo = options.engineInfo
        self.checkpointInterval = options.deltaCheckpointInterval
        var properties = options.writerProperties
        properties.pageSpillDirectory = nil
        self.checkpointProperties = properties
        self.logger = logger
    }

    static func appID(_ endpoint: String) -> String { "ac-export:\(endpoint)" }

    /// A committed file whose footer (for the `add` action's stats) does not read.
    struct FooterUnreadable: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "cannot add \(path) to its Delta table: \(reason)" }
    }

    /// Commits what `state` (the endpoint's manifest entry now) changed in the table; nothing when nothing did.
    /// `step` names the export step in `commitInfo` (append, snapshot, reconcile).
    func sync(endpoint: String, state: EndpointState?, step: String) throws {
        guard let state else { return }
        let table = directory + "/" + endpoint
        if logs[endpoint] == nil { DeltaLog.removeTemporaries(table: table) }
        var log = try logs[endpoint] ?? DeltaLog.read(table: table, appID: Self.appID(endpoint))
        let prefix = endpoint + "/"
        // Files readers can find: published (not in the staging area) and on disk under the path the manifest gives.
        let visible = state.files.map(\.path).filter { !Staging.isStaged($0) && FileManager.default.fileExists(atPath: directory + "/" + $0) }
            .map { String($0.dropFirst(prefix.count)) }
        guard let plan = DeltaCommitPlan.make(log: log, endpoint: endpoint, state: state, visible: visible) else {
            logs[endpoint] = log
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
            actions.append(["add": try Self.add(path, table: table, dataChange: !plan.rewritten.contains(path))])
        }
        let version = log.version + 1
        try DeltaLog.commit(actions, version: version, table: table)
        // The state the commit made: its own actions replayed, as a reader of the log would.
        for action in actions { DeltaLog.apply(action, to: &log, appID: Self.appID(endpoint)) }
        log.version = version
        logs[endpoint] = log
        if version > 0 && version % checkpointInterval == 0 {
            // The commit stands without it: readers replay the JSON commits since the last checkpoint instead.
            do {
                try DeltaCheckpoint.write(log, table: table, appID: Self.appID(endpoint), properties: checkpointProperties)
            } catch {
                logger.warning("the Delta checkpoint was not written; the table stays correct, readers replay more commits",
                               metadata: ["endpoint": "\(endpoint)", "version": "\(version)", "error": "\(error)"])
            }
        }
    }

    /// The `add` action of a data file: size and modification time from the file system, the partition value from
    /// its folder, the stats from its footer.
    private static func add(_ path: String, table: String, dataChange: Bool) throws -> [String: Any] {
        let full = table + "/" + path
        let attributes = try FileManager.default.attributesOfItem(atPath: full)
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = Int64(((attributes[.modificationDate] as? Date) ?? Date()).timeIntervalSince1970 * 1000)
        let folder = path.split(separator: "/").first.map(String.init) ?? ""
        let date = folder.hasPrefix(DeltaSchema.partitionColumn + "=") ? String(folder.dropFirst(DeltaSchema.partitionColumn.count + 1)) : ""
        let partitionValues = [DeltaSchema.partitionColumn: date]
        let reader: ParquetFileReader
        do {
            reader = try ParquetFileReader(path: full)
        } catch {
            throw FooterUnreadable(path: full, reason: "\(error)")
        }
        let stats = DeltaFileStats.json(of: reader)
        return ["path": path, "partitionValues": partitionValues, "size": size, "modificationTime": modified, "dataChange": dataChange, "stats": stats]
    }
}
