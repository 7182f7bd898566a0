import Foundation
import Parquet

/// Delta checkpoints: the table's whole state at one version (protocol, metaData, the txn, every live file and the
/// tombstones) in one Parquet file, `_delta_log/%020d.checkpoint.parquet`, and `_last_checkpoint` naming it, so that
/// a reader starts there instead of replaying every JSON commit since version 0. Written with our own Parquet module
/// in the classic checkpoint schema of the Delta protocol. docs/delta-lake.md#checkpoints.
enum DeltaCheckpoint {
    static let lastCheckpointName = "_last_checkpoint"

    static func name(_ version: Int) -> String { String(format: "%020d.checkpoint.parquet", version) }

    /// One row per action; each row sets exactly one of the five top-level structs.
    static let schema = Schema(fields: [
        .optionalStruct("txn", [.optional("appId", .string), .optional("version", .int64), .optional("lastUpdated", .int64)]),
        .optionalStruct("add", [
            .optional("path", .string), .stringMap("partitionValues"), .optional("size", .int64),
            .optional("modificationTime", .int64), .optional("dataChange", .boolean), .optional("stats", .string),
            .stringMap("tags"),
        ]),
        .optionalStruct("remove", [
            .optional("path", .string), .optional("deletionTimestamp", .int64), .optional("dataChange", .boolean),
            .optional("extendedFileMetadata", .boolean), .stringMap("partitionValues"), .optional("size", .int64),
        ]),
        .optionalStruct("metaData", [
            .optional("id", .string), .optional("name", .string), .optional("description", .string),
            .optionalStruct("format", [.optional("provider", .string), .stringMap("options")]),
            .optional("schemaString", .string), .stringList("partitionColumns"), .stringMap("configuration"),
            .optional("createdTime", .int64),
        ]),
        .optionalStruct("protocol", [
            .optional("minReaderVersion", .int32), .optional("minWriterVersion", .int32),
            .stringList("readerFeatures"), .stringList("writerFeatures"),
        ]),
    ])

    /// The checkpoint's rows for `state`: protocol, metaData, the txn, then files and tombstones in path order.
    static func rows(of state: DeltaLog.State, appID: String) -> [[NestedValue]] {
        func row(txn: NestedValue = .null, add: NestedValue = .null, remove: NestedValue = .null, metaData: NestedValue = .null, protocol: NestedValue = .null) -> [NestedValue] {
            [txn, add, remove, metaData, `protocol`]
        }
        func map(_ values: [String: String]) -> NestedValue { .stringMap(values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }) }
        // Feature lists exist from reader version 3 and writer version 7 on.
        var rows = [row(protocol: .group([
            .int32(Int32(state.minReaderVersion)), .int32(Int32(state.minWriterVersion)),
            .stringList(state.minReaderVersion >= 3 ? state.readerFeatures : nil), .stringList(state.minWriterVersion >= 7 ? state.writerFeatures : nil),
        ]))]
        rows.append(row(metaData: .group([
            state.tableID.map(NestedValue.string) ?? .null, .null, .null,
            .group([.string("parquet"), map([:])]),
            state.schemaString.map(NestedValue.string) ?? .null, .stringList([DeltaSchema.partitionColumn]), map([:]),
            state.createdTime.map(NestedValue.int64) ?? .null,
        ])))
        if let version = state.transactionVersion {
            rows.append(row(txn: .group([.string(appID), .int64(version), state.transactionUpdated.map(NestedValue.int64) ?? .null])))
        }
        for (path, file) in state.files.sorted(by: { $0.key < $1.key }) {
            // A checkpoint's adds describe the state, not a change (as Spark and delta-rs write them).
            rows.append(row(add: .group([
                .string(path), map(file.partitionValues), .int64(file.size), .int64(file.modificationTime), .bool(false),
                file.stats.map(NestedValue.string) ?? .null, .null,
            ])))
        }
        for (path, tombstone) in state.tombstones.sorted(by: { $0.key < $1.key }) {
            rows.append(row(remove: .group([
                .string(path), .int64(tombstone.deletionTimestamp), .bool(false), .bool(true), map(tombstone.partitionValues), .int64(tombstone.size),
            ])))
        }
        return rows
    }

    /// Writes the checkpoint of `state` (at `state.version`) and then `_last_checkpoint`, each made visible whole (a
    /// rename, or an upload): a reader sees either the previous checkpoint or this whole one.
    static func write(_ state: DeltaLog.State, table: String, appID: String, properties: WriterProperties, storage: any LakeStorage) async throws {
        let logFolder = table + "/" + DeltaLog.folder
        let rows = rows(of: state, appID: appID)
        // Under the lake's lock no other ac-export writes here: fixed temporary names (the kill tests aim at them).
        let temporary = try storage.workFolder(for: logFolder) + "/." + name(state.version) + ".tmp"
        do {
            let writer = try ParquetWriter(path: temporary, schema: schema, properties: properties)
            for row in rows { try writer.appendRow(row) }
            try writer.close()
            _ = try await storage.publish(localFile: temporary, to: logFolder + "/" + name(state.version))
        } catch {
            try? FileSystem.removeFile(temporary)
            throw error
        }
        let last = #"{"version":\#(state.version),"size":\#(rows.count),"numOfAddFiles":\#(state.files.count)}"#
        try await storage.write(Data(last.utf8), to: logFolder + "/" + lastCheckpointName, replacing: .any)
    }
}
