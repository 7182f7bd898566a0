import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import Parquet
import S3

/// A lake under an S3 prefix (docs/object-storage.md). No rename exists there: data files are uploaded under
/// unique keys and never overwritten, each Delta commit is created with `If-None-Match: *`, the manifest is replaced
/// with an `If-Match` compare-and-swap, and a move is a server-side copy then a delete. Files are written in a local
/// scratch folder first and uploaded when committed.
struct S3Storage: LakeStorage {
    let client: S3Client
    let bucket: String
    /// The lake's key prefix, without a trailing slash ("" for the bucket's root).
    let prefix: String
    /// Local folder for files before their upload: one per lake (named by a hash of the store, bucket and prefix),
    /// this user's only (0700), made anew by each run that holds the lock.
    let scratch: String
    /// How long the run lock holds without renewal (`S3LakeLock`).
    let lockTTL: Duration
    let logger: Logger

    init(client: S3Client, location: S3Location, lockTTL: Duration, logger: Logger) {
        self.client = client
        self.lockTTL = lockTTL
        self.logger = logger
        bucket = location.bucket
        prefix = location.prefix
        let lake = "\(client.settings.baseURL.absoluteString)|\(location.bucket)|\(location.prefix)"
        let name = "ac-export-scratch-" + SignatureV4.hexSHA256(Array(lake.utf8)).prefix(24)
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
    }

    var location: String { "s3://\(bucket)/\(prefix)" }

    func key(_ path: String) -> String {
        prefix.isEmpty ? path : path.isEmpty ? prefix : prefix + "/" + path
    }

    func workFolder(for folder: String) throws -> String {
        let path = scratch + "/" + folder
        try FileSystem.createDirectory(path)
        return path
    }

    func read(_ path: String) async throws -> StoredObject? {
        try await client.get(bucket: bucket, key: key(path)).map { StoredObject(data: Data($0.bytes), version: $0.etag) }
    }

    func exists(_ path: String) async throws -> Bool {
        try await client.head(bucket: bucket, key: key(path)) != nil
    }

    func list(under folder: String) async throws -> [StoredFile] {
        let root = key(folder)
        let listed = try await client.list(bucket: bucket, prefix: root.isEmpty ? "" : root + "/")
        let lakePrefix = prefix.isEmpty ? "" : prefix + "/"
        return listed.map { StoredFile(path: String($0.key.dropFirst(lakePrefix.count)), size: $0.size) }
    }

    func write(_ data: Data, to path: String, replacing expected: Expectation) async throws -> String? {
        let condition: S3Client.WriteCondition
        switch expected {
        case .any: condition = .none
        case .absent: condition = .ifNoneMatch
        case .version(let etag): condition = .ifMatch(etag)
        }
        do {
            return try await client.put(bucket: bucket, key: key(path), bytes: Array(data), condition: condition)
        } catch let error as S3Error where error.kind == .preconditionFailed || (error.kind == .notFound && expected != .any) {
            // A replace-if whose object is gone (404 on AWS) lost to another writer as surely as one that changed.
            throw WriteConflict(path: location + "/" + path)
        }
    }

    func create(_ data: Data, at path: String) async throws {
        do {
            try await client.put(bucket: bucket, key: key(path), bytes: Array(data), condition: .ifNoneMatch)
        } catch let error as S3Error where error.kind == .preconditionFailed {
            throw AlreadyExists(path: location + "/" + path)
        }
    }

    func publish(localFile: String, to path: String) async throws -> Int64 {
        let size = (try FileManager.default.attributesOfItem(atPath: localFile)[.size] as? NSNumber)?.int64Value ?? 0
        try await client.upload(file: localFile, bucket: bucket, key: key(path), condition: .ifNoneMatch)
        try? FileSystem.removeFile(localFile)
        return size
    }

    func move(_ path: String, to target: String) async throws {
        try await client.copy(bucket: bucket, from: key(path), to: key(target))
        try await client.delete(bucket: bucket, keys: [key(path)])
    }

    func duplicate(_ path: String, to target: String) async throws {
        guard try await !exists(target) else { return }
        try await client.copy(bucket: bucket, from: key(path), to: key(target))
    }

    func remove(_ path: String) async throws {
        try await client.delete(bucket: bucket, keys: [key(path)])
    }

    func syncFolder(_ folder: String) async throws {}

    func removeTemporaries(in folder: String) async {}

    func openParquet(_ path: String) async throws -> ParquetFileReader {
        guard let object = try await client.get(bucket: bucket, key: key(path)) else {
            throw S3Error(kind: .notFound, request: "GET \(location)/\(path)")
        }
        return try ParquetFileReader(bytes: object.bytes)
    }

    /// The footer from the object's last 64 KiB (one more ranged request when the footer is larger).
    func footer(_ path: String) async throws -> StoredFooter {
        guard let info = try await client.head(bucket: bucket, key: key(path)) else {
            throw S3Error(kind: .notFound, request: "HEAD \(location)/\(path)")
        }
        var tail = try await client.get(bucket: bucket, key: key(path), range: "bytes=-\(min(info.size, 65_536))")?.bytes ?? []
        if let needed = ParquetFileReader.footerSize(tail: tail), needed > tail.count, needed <= info.size {
            tail = try await client.get(bucket: bucket, key: key(path), range: "bytes=-\(needed)")?.bytes ?? []
        }
        let (metadata, schema) = try ParquetFileReader.footer(tail: tail)
        let modified = info.lastModified ?? Date()
        return StoredFooter(size: info.size, modified: Int64(modified.timeIntervalSince1970 * 1000), metadata: metadata, schema: schema)
    }

    func lock(runID: String) async throws -> any LakeLock {
        try await S3LakeLock.acquire(storage: self, runID: runID)
    }

    /// Aborts the multipart uploads a killed run left under the prefix, and makes the scratch folder anew.
    func removeAbandonedUploads() async throws -> Int {
        try? FileManager.default.removeItem(atPath: scratch)
        // Created here and now, so that no other user's folder of that name is written into or read from.
        guard mkdir(scratch, 0o700) == 0 else {
            throw FileSystem.Failure(operation: "create this run's private scratch folder (another user's folder of that name?)", path: scratch, code: errno)
        }
        let uploads = try await client.listUploads(bucket: bucket, prefix: prefix.isEmpty ? "" : prefix + "/")
        for upload in uploads { try await client.abortUpload(upload, bucket: bucket) }
        return uploads.count
    }
}
