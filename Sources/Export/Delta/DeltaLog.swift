import Foundation

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

    /// Replays every commit of `table` (the table's folder in the lake) for `appID`'s transaction version.
    static func read(table: String, appID: String, storage: any LakeStorage) async throws -> State {
        var state = State()
        for (version, actions) in try await commits(table: table, storage: storage) {
            for action in actions { apply(action, to: &state, appID: appID) }
            state.version = version
        }
        return state
    }

    /// Every commit of `table` in order, as its actions; none when the table has no log.
    static func commits(table: String, storage: any LakeStorage) async throws -> [(version: Int, actions: [[String: Any]])] {
        let logFolder = table + "/" + folder
        let names: [String]
        do {
            names = try await storage.list(under: logFolder).map { ($0.path as NSString).lastPathComponent }
        } catch {
            throw Unreadable(path: storage.location + "/" + logFolder, reason: "\(error)")
        }
        let versions = names.compactMap { name -> Int? in
            guard name.count == 25, name.hasSuffix(".json") else { return nil }
            return Int(name.prefix(20))
        }.sorted()
        var commits: [(version: Int, actions: [[String: Any]])] = []
        for (expected, version) in versions.enumerated() {
            guard version == expected else {
                throw Unreadable(path: storage.location + "/" + logFolder, reason: "version \(expected) is missing (it has \(version))")
            }
            let path = logFolder + "/" + commitName(version)
            guard let data = try await storage.read(path)?.data else { throw Unreadable(path: path, reason: "it vanished while read") }
            let actions = try data.split(separator: UInt8(ascii: "\n")).filter { !$0.isEmpty }.map { line -> [String: Any] in
                guard let action = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                    throw Unreadable(path: path, reason: "a line is not a JSON object")
                }
                return action
            }
            commits.append((version, actions))
        }
        return commits
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

    /// A commit's text: one JSON object per action and line.
    static func text(of actions: [[String: Any]]) -> String {
        actions.map(DeltaJSON.text).joined(separator: "\n") + "\n"
    }

    /// Creates `version` with `text` (see `text(of:)`) without ever replacing an existing one.
    static func commit(_ text: String, version: Int, table: String, storage: any LakeStorage) async throws {
        let path = table + "/" + folder + "/" + commitName(version)
        do {
            try await storage.create(Data(text.utf8), at: path)
        } catch is AlreadyExists {
            throw VersionTaken(path: storage.location + "/" + path)
        }
    }
}
