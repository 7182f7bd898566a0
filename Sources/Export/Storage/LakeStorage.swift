import Foundation
import Parquet

/// Where a lake lives: a local folder (`LocalFolderStorage`) or an S3 prefix (`S3Storage`). The exporter, the
/// manifest and the Delta tables go through this interface only, with paths relative to the lake's root
/// (`contacts/date=2026-12-01/part-….parquet`); nothing above it knows which store is in use.
/// docs/object-storage.md#storage-layer.
protocol LakeStorage: Sendable {
    /// The lake for messages: a folder path or `s3://bucket/prefix`.
    var location: String { get }

    /// A local folder where files meant for `folder` are written before `publish` makes them visible; made if needed.
    /// The lake's own folder for a local lake (so that publishing is a rename), a scratch folder for a remote one.
    func workFolder(for folder: String) throws -> String

    /// The bytes at `path` and their version (what `write` may be told to replace), or nil when there is none.
    func read(_ path: String) async throws -> StoredObject?
    func exists(_ path: String) async throws -> Bool
    /// Every file under `folder` (recursively; "" for the whole lake), by path relative to the lake.
    func list(under folder: String) async throws -> [StoredFile]

    /// Writes small contents durably and atomically: readers see the old bytes or the new ones.
    /// `expecting`: the version that must be there now (nil: none), checked where the store can (S3); returns
    /// the new version.
    @discardableResult
    func write(_ data: Data, to path: String, replacing expected: Expectation) async throws -> String?
    /// Creates `path` with `data`, or throws `AlreadyExists` without touching it.
    func create(_ data: Data, at path: String) async throws
    /// Makes a finished local file (written in `workFolder`) visible at `path`; returns its size. The local file is gone after.
    func publish(localFile: String, to path: String) async throws -> Int64
    /// Moves a file to a new path (creating its folder).
    func move(_ path: String, to target: String) async throws
    /// Gives a file a second path (a hard link, or a copy); an existing target is kept.
    func duplicate(_ path: String, to target: String) async throws
    /// Removes a file; one that is already gone counts as removed.
    func remove(_ path: String) async throws
    /// Makes the renames and creations inside `folder` durable (a folder fsync; nothing on S3).
    func syncFolder(_ folder: String) async throws
    /// Removes the hidden temporaries a killed writer left in `folder` (only local writers leave any).
    func removeTemporaries(in folder: String) async

    /// A committed Parquet file, to read its rows.
    func openParquet(_ path: String) async throws -> ParquetFileReader
    /// A committed Parquet file's size, modification time and footer, without its data.
    func footer(_ path: String) async throws -> StoredFooter

    /// Takes the lake's run lock, or throws (naming the holder) when another run has it.
    func lock(runID: String) async throws -> any LakeLock
    /// Removes what a killed run left outside the lake's files (S3: unfinished multipart uploads, the scratch folder).
    func removeAbandonedUploads() async throws -> Int
}

struct StoredObject: Sendable {
    var data: Data
    var version: String?
}

struct StoredFile: Sendable, Equatable {
    var path: String
    var size: Int64
}

struct StoredFooter {
    var size: Int64
    /// Milliseconds since 1970.
    var modified: Int64
    var metadata: FileMetadata
    var schema: Schema
}

enum Expectation: Sendable, Equatable {
    /// Whatever is there (a local lake: the lock keeps other writers out).
    case any
    case absent
    case version(String)
}

/// Someone created this path first; nothing was overwritten.
struct AlreadyExists: Error, CustomStringConvertible {
    var path: String
    var description: String { "\(path) already exists: another writer created it first; nothing was overwritten" }
}

/// The version `write` was told to replace is no longer there: another writer changed the file first; nothing was overwritten.
struct WriteConflict: Error, CustomStringConvertible {
    var path: String
    var description: String { "\(path) was changed by another writer first; nothing was overwritten" }
}

/// The lake's run lock: held for the whole run, kept alive by `keepAlive` (a lease renewal for S3), released at the end.
protocol LakeLock: Sendable {
    /// Taken over from a run that stopped without releasing it (and may still be alive: the run fences it off).
    var tookOver: Bool { get }
    /// Runs until cancelled; throws when the lock was lost (the run must stop writing).
    func keepAlive() async throws
    func release() async
}
