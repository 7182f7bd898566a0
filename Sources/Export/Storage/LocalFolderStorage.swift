import Foundation
import Parquet
#if canImport(Glibc)
import Glibc
#endif

/// A lake in a local folder: POSIX renames, hard links and fsyncs give atomic visibility and durability
/// (docs/commit-protocol.md); `OutputLock` (flock) keeps runs apart.
struct LocalFolderStorage: LakeStorage {
    let directory: String

    var location: String { directory }

    private func absolute(_ path: String) -> String { path.isEmpty ? directory : directory + "/" + path }

    func workFolder(for folder: String) throws -> String {
        let path = absolute(folder)
        try FileSystem.createDirectory(path)
        return path
    }

    func read(_ path: String) async throws -> StoredObject? {
        try FileSystem.contentsIfPresent(absolute(path)).map { StoredObject(data: $0, version: nil) }
    }

    func exists(_ path: String) async throws -> Bool {
        FileManager.default.fileExists(atPath: absolute(path))
    }

    func list(under folder: String) async throws -> [StoredFile] {
        let root = absolute(folder)
        let prefix = folder.isEmpty ? "" : folder + "/"
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [StoredFile] = []
        while let relative = walker.nextObject() as? String {
            guard walker.fileAttributes?[.type] as? FileAttributeType == .typeRegular else { continue }
            files.append(StoredFile(path: prefix + relative, size: (walker.fileAttributes?[.size] as? NSNumber)?.int64Value ?? 0))
        }
        return files
    }

    func write(_ data: Data, to path: String, replacing expected: Expectation) async throws -> String? {
        try FileSystem.createDirectory(parentFolder(of: absolute(path)))
        try FileSystem.writeAtomically(data, to: absolute(path))
        return nil
    }

    /// Written and synced under a hidden name, then hard-linked to `path`: `link` fails when `path` exists.
    func create(_ data: Data, at path: String) async throws {
        let target = absolute(path)
        let folder = parentFolder(of: target)
        try FileSystem.createDirectory(folder)
        let temporary = folder + "/." + (path as NSString).lastPathComponent + ".\(getpid()).tmp"
        try FileSystem.writeDurably(data, to: temporary)
        defer { try? FileSystem.removeFile(temporary) }
        guard link(temporary, target) == 0 else {
            let code = errno
            if code == EEXIST { throw AlreadyExists(path: target) }
            throw FileSystem.Failure(operation: "create", path: target, code: code)
        }
        try FileSystem.syncDirectory(folder)
    }

    func publish(localFile: String, to path: String) async throws -> Int64 {
        let target = absolute(path)
        try FileSystem.rename(localFile, to: target)
        try FileSystem.syncDirectory(parentFolder(of: target))
        var info = stat()
        return stat(target, &info) == 0 ? Int64(info.st_size) : 0
    }

    func move(_ path: String, to target: String) async throws {
        try FileSystem.createDirectory(parentFolder(of: absolute(target)))
        try FileSystem.rename(absolute(path), to: absolute(target))
    }

    func duplicate(_ path: String, to target: String) async throws {
        let folder = parentFolder(of: absolute(target))
        try FileSystem.createDirectory(folder)
        if link(absolute(path), absolute(target)) != 0 && errno != EEXIST {
            throw FileSystem.Failure(operation: "link", path: absolute(target), code: errno)
        }
        try FileSystem.syncDirectory(folder)
    }

    func remove(_ path: String) async throws {
        try FileSystem.removeFile(absolute(path))
    }

    func syncFolder(_ folder: String) async throws {
        try FileSystem.syncDirectory(absolute(folder))
    }

    func removeTemporaries(in folder: String) async {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: absolute(folder))) ?? [] where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            try? FileSystem.removeFile(absolute(folder) + "/" + name)
        }
    }

    func openParquet(_ path: String) async throws -> ParquetFileReader {
        try ParquetFileReader(path: absolute(path))
    }

    func footer(_ path: String) async throws -> StoredFooter {
        let full = absolute(path)
        let attributes = try FileManager.default.attributesOfItem(atPath: full)
        let reader = try ParquetFileReader(path: full)
        return StoredFooter(
            size: (attributes[.size] as? NSNumber)?.int64Value ?? 0,
            modified: Int64(((attributes[.modificationDate] as? Date) ?? Date()).timeIntervalSince1970 * 1000),
            metadata: reader.metadata, schema: reader.schema)
    }

    func lock(runID: String) async throws -> any LakeLock {
        try OutputLock(directory: directory)
    }

    func removeAbandonedUploads() async throws -> Int { 0 }
}
