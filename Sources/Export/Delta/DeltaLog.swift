import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The transaction log of one endpoint's Delta table, `OUT/<endpoint>/_delta_log/`: replayed into the table's
/// current state, and extended by one commit file at a time, each created exclusively (an existing version is
/// never overwritten). docs/delta-lake.md.
enum DeltaLog {
    static let folder = "_delta_log"

    /// A data file the table holds now: its `add` action.
    struct LiveFile: Equatable, Sendable {
        var size: Int64
        var partitionValues: [String: String]
        var modificationTime: Int64 = 0
        var stats: String?
    }

    /// A file removed from the table (its `remove` action), kept for the checkpoints: VACUUM must not delete a file
    /// that a reader of an older version may still open.
    struct Tombstone: Equatable, Sendable {
        var deletionTimestamp: Int64
        var size: Int64
        var partitionValues: [String: String]
    }

    /// What the log says now: its last version, the table's id, schema and protocol, its files, and the version of
    /// ac-export's transaction (`txn`) for this endpoint.
    struct State: Equatable, Sendable {
        var version = -1
        var tableID: String?
        var schemaString: String?
        var createdTime: Int64?
        var minReaderVersion = 0
        var minWriterVersion = 0
        var readerFeatures: [String] = []
        var writerFeatures: [String] = []
        var files: [String: LiveFile] = [:]
        var tombstones: [String: Tombstone] = [:]
        var transactionVersion: Int64?
        var transactionUpdated: Int64?

        var exists: Bool { version >= 0 }
    }

    struct Unreadable: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String {
            "the Delta log \(path) cannot be read: \(reason). The Parquet files and _manifest.json are not affected; move the _delta_log folder away and the next run writes it anew from the manifest"
        }
    }

    /// Someone else created this version first (another writer: ac-export's lock keeps its own runs apart).
    struct VersionTaken: Error, CustomStringConvertible {
        var path: String
        var description: String { "\(path) already exists: another writer committed to this Delta table; nothing was overwritten" }
    }

    static func commitName(_ version: Int) -> String { String(format: "%020d.json", version) }

    /// Replays every commit of `table` (a table folder) for `appID`'s transaction version.
    static func read(table: String, appID: String) throws -> State {
        var state = State()
        for (version, actions) in try commits(table: table) {
            for action in actions { apply(action, to: &state, appID: appID) }
            state.version = version
        }
        return state
    }

    /// Every commit of `table` in order, as its actions; none when the table has no log.
    static func commits(table: String) throws -> [(version: Int, actions: [[String: Any]])] {
        let logFolder = table + "/" + folder
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: logFolder)
        } catch {
            guard FileManager.default.fileExists(atPath: logFolder) else { return [] }
            throw Unreadable(path: logFolder, reason: "\(error)")
        }
        let versions = names.compactMap { name -> Int? in
            guard name.count == 25, name.hasSuffix(".json") else { return nil }
            return Int(name.prefix(20))
        }.sorted()
        return try versions.enumerated().map { expected, version in
            guard version == expected else {
                throw Unreadable(path: logFolder, reason: "version \(expected) is missing (it has \(version))")
            }
            let path = logFolder + "/" + commitName(version)
            guard let data = try FileSystem.contentsIfPresent(path) else { throw Unreadable(path: path, reason: "it vanished while read") }
            let actions = try data.split(separator: UInt8(ascii: "\n")).filter { !$0.isEmpty }.map { line -> [String: Any] in
                guard let action = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                    throw Unreadable(path: path, reason: "a line is not a JSON object")
                }
                return action
            }
            return (version, actions)
        }
    }

    static func apply(_ action: [String: Any], to state: inout State, appID: String) {
        if let add = action["add"] as? [String: Any], let path = add["path"] as? String {
            state.files[path] = LiveFile(
                size: (add["size"] as? NSNumber)?.int64Value ?? 0, partitionValues: add["partitionValues"] as? [String: String] ?? [:],
                modificationTime: (add["modificationTime"] as? NSNumber)?.int64Value ?? 0, stats: add["stats"] as? String)
            state.tombstones[path] = nil
        } else if let remove = action["remove"] as? [String: Any], let path = remove["path"] as? String {
            state.files[path] = nil
            state.tombstones[path] = Tombstone(
                deletionTimestamp: (remove["deletionTimestamp"] as? NSNumber)?.int64Value ?? 0,
                size: (remove["size"] as? NSNumber)?.int64Value ?? 0, partitionValues: remove["partitionValues"] as? [String: String] ?? [:])
        } else if let metadata = action["metaData"] as? [String: Any] {
            state.tableID = metadata["id"] as? String
            state.schemaString = metadata["schemaString"] as? String
            state.createdTime = (metadata["createdTime"] as? NSNumber)?.int64Value
        } else if let proto = action["protocol"] as? [String: Any] {
            state.minReaderVersion = (proto["minReaderVersion"] as? NSNumber)?.intValue ?? 0
            state.minWriterVersion = (proto["minWriterVersion"] as? NSNumber)?.intValue ?? 0
            state.readerFeatures = proto["readerFeatures"] as? [String] ?? []
            state.writerFeatures = proto["writerFeatures"] as? [String] ?? []
        } else if let txn = action["txn"] as? [String: Any], txn["appId"] as? String == appID {
            state.transactionVersion = (txn["version"] as? NSNumber)?.int64Value
            state.transactionUpdated = (txn["lastUpdated"] as? NSNumber)?.int64Value
        }
    }

    /// Removes the hidden temporaries of commits that a failed or killed run left in the log folder (under the lake's
    /// lock they can only be such leftovers; readers ignore them, but they should not pile up).
    static func removeTemporaries(table: String) {
        let logFolder = table + "/" + folder
        for name in (try? FileManager.default.contentsOfDirectory(atPath: logFolder)) ?? [] where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            try? FileSystem.removeFile(logFolder + "/" + name)
        }
    }

    /// Creates `version` with `actions` (one JSON object per line) without ever replacing an existing one: the text is
    /// written and synced under a hidden name, then hard-linked to the version's name, which fails if it exists.
    static func commit(_ actions: [[String: Any]], version: Int, table: String) throws {
        let logFolder = table + "/" + folder
        try FileSystem.createDirectory(logFolder)
        let path = logFolder + "/" + commitName(version)
        let temporary = logFolder + "/." + commitName(version) + ".\(getpid()).tmp"
        let text = actions.map(DeltaJSON.text).joined(separator: "\n") + "\n"
        try FileSystem.writeDurably(Data(text.utf8), to: temporary)
        defer { try? FileSystem.removeFile(temporary) }
        guard link(temporary, path) == 0 else {
            let code = errno
            if code == EEXIST { throw VersionTaken(path: path) }
            throw FileSystem.Failure(operation: "create", path: path, code: code)
        }
        try FileSystem.syncDirectory(logFolder)
    }
}
