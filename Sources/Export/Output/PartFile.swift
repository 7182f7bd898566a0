import Foundation
import Parquet
#if canImport(Glibc)
import Glibc
#endif

/// One Parquet part file being written: `OUT/<endpoint>/date=<D>/part-<run>-<n>.parquet`, written as a hidden
/// `.part-...parquet.tmp` in the storage's work folder (beside it for a local lake, so no reader globbing `*.parquet`
/// sees it) and made visible by `commit()`: close + fsync, then the storage's publish (a rename and a folder fsync,
/// or an upload).
final class PartFile {
    let relativePath: String
    let date: String
    let runID: String
    private let storage: any LakeStorage
    private let temporaryPath: String
    private let writer: ParquetWriter
    private(set) var rows = 0
    private(set) var minCursor: Int64?
    private(set) var maxCursor: Int64?
    let openedAt = ContinuousClock.now

    /// `staged` files go to `OUT/_staging/<endpoint>/...`, outside every reader's glob, until the run publishes them.
    init(
        storage: any LakeStorage, endpoint: String, date: String, runID: String, sequence: Int, staged: Bool,
        schema: Schema, properties: WriterProperties, metadata: [KeyValue]
    ) throws {
        let folderRelative = (staged ? Staging.folder + "/" : "") + "\(endpoint)/date=\(date)"
        let name = "part-\(runID)-\(String(format: "%05d", sequence)).parquet"
        self.relativePath = folderRelative + "/" + name
        self.date = date
        self.runID = runID
        self.storage = storage
        let folder = try storage.workFolder(for: folderRelative)
        temporaryPath = folder + "/." + name + ".tmp"
        var properties = properties
        properties.pageSpillDirectory = folder  // memory stays flat whatever the row-group size
        writer = try ParquetWriter(path: temporaryPath, schema: schema, properties: properties, keyValueMetadata: metadata)
    }

    var columns: [ColumnWriter] { writer.columns }

    /// True once the writer has flushed a row group: the file reached its size target.
    var isFull: Bool { writer.writtenRowCount > 0 }

    /// Ends rows appended column by column; `cursors` are theirs (nil for records without one).
    func endRows(cursors: ArraySlice<Int64?>) throws {
        do {
            try writer.endRows(cursors.count)
        } catch {
            throw diskFullWithFigures(error)
        }
        rows += cursors.count
        for case let cursor? in cursors {
            minCursor = min(minCursor ?? cursor, cursor)
            maxCursor = max(maxCursor ?? cursor, cursor)
        }
    }

    /// Makes the file durable and visible; returns its size.
    func commit() async throws -> Int64 {
        do {
            _ = try writer.close()
        } catch {
            throw diskFullWithFigures(error)
        }
        return try await storage.publish(localFile: temporaryPath, to: relativePath)
    }

    /// A full disk while the writer flushes says how much space is free there, so the user knows what to clear. The size of the part
    /// file is not known before its pages are compressed, so no "needed" figure is claimed.
    private func diskFullWithFigures(_ error: ParquetError) -> any Error {
        guard case let .io(path, operation, code, _) = error, code == ENOSPC || code == EDQUOT else { return error }
        return FileSystem.Failure(operation: operation, path: path, code: code)
    }

    /// Removes the unfinished file (cancellation or failure).
    func abandon() {
        unlink(temporaryPath)
    }
}

/// Full-refresh snapshots are committed under `OUT/_staging/` and published (renamed into the partition) only
/// when the whole snapshot is complete, so readers never see half a snapshot or two snapshots of one date.
extension PartFile {
    /// The run id in `part-<run>-<n>.parquet`.
    static func runID(ofFileNamed name: String) -> String? {
        guard name.hasPrefix("part-"), name.hasSuffix(".parquet") else { return nil }
        let stem = name.dropFirst("part-".count).dropLast(".parquet".count)
        guard let dash = stem.lastIndex(of: "-"), stem[stem.index(after: dash)...].allSatisfy(\.isNumber) else { return nil }
        return String(stem[..<dash])
    }
}

enum Staging {
    static let folder = "_staging"

    static func isStaged(_ path: String) -> Bool {
        path.hasPrefix(folder + "/")
    }

    /// Where a staged file goes when published.
    static func publishedPath(_ path: String) -> String {
        isStaged(path) ? String(path.dropFirst(folder.count + 1)) : path
    }

    static func stagedPath(_ path: String) -> String {
        isStaged(path) ? path : folder + "/" + path
    }

    /// Moves a published file out of the readers' view into the staging area, where an unlisted file is debris
    /// that the next run deletes.
    static func withdraw(_ path: String, in storage: any LakeStorage) async throws {
        try await storage.move(path, to: stagedPath(path))
    }

    /// Moves a staged file into its partition (creating the folder) and makes the move durable.
    static func publish(_ path: String, in storage: any LakeStorage) async throws {
        try await storage.move(stagedPath(path), to: publishedPath(path))
        try await storage.syncFolder(parentFolder(of: publishedPath(path)))
    }
}
