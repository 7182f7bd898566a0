import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The folder holding `path`: `"."` for a bare name, `"/"` for a top-level one. (Foundation's
/// `deletingLastPathComponent` traps on a bare relative name such as `lake` on Linux.)
public func parentFolder(of path: String) -> String {
    var trimmed = Substring(path)
    while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
    guard let slash = trimmed.lastIndex(of: "/") else { return "." }
    return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
}

/// The few POSIX operations the commit protocol needs, with errors that name the path.
public enum FileSystem {
    struct Failure: Error, CustomStringConvertible {
        var operation: String
        var path: String
        var code: Int32
        /// Size of the write that failed, when known: with `freeBytes`, what a full disk lacks.
        var bytesNeeded: Int?
        var freeBytes: Int64?

        init(operation: String, path: String, code: Int32, bytesNeeded: Int? = nil) {
            self.operation = operation
            self.path = path
            self.code = code
            self.bytesNeeded = bytesNeeded
            if code == ENOSPC || code == EDQUOT { freeBytes = FileSystem.freeBytes(near: path) }
        }

        var description: String {
            let reason = String(cString: strerror(code))
            guard code == ENOSPC || code == EDQUOT else { return "cannot \(operation) \(path): \(reason)" }
            let needed = bytesNeeded.map { "this write needed \(FileSystem.byteCount(Int64($0))), " } ?? ""
            let free = freeBytes.map { "\(FileSystem.byteCount($0)) free" } ?? "free space unknown"
            let remedy = code == EDQUOT
                ? "the disk quota of this user is exceeded: raise the quota or free space within it"
                : "the disk is full: free space on that volume"
            return "cannot \(operation) \(path): \(reason) (\(needed)\(free)); \(remedy) and run again"
        }
    }

    /// Bytes an unprivileged writer may still use on the volume holding `path` (or its folder).
    static func freeBytes(near path: String) -> Int64? {
        var info = statvfs()
        for candidate in [path, parentFolder(of: path)] where statvfs(candidate, &info) == 0 {
            return Int64(info.f_bavail) * Int64(info.f_frsize)
        }
        return nil
    }

    static func byteCount(_ bytes: Int64) -> String {
        bytes < 1 << 20 ? "\(bytes) bytes" : String(format: "%.1f MiB", Double(bytes) / Double(1 << 20))
    }

    static func rename(_ from: String, to: String) throws {
        guard Glibc.rename(from, to) == 0 else { throw Failure(operation: "rename to", path: to, code: errno) }
    }

    /// fsync a folder so that a rename inside it is durable.
    static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(operation: "open folder", path: path, code: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw Failure(operation: "fsync folder", path: path, code: errno) }
    }

    /// Writes `data` to `path` atomically: hidden temporary file (`.NAME.tmp`, beside it), fsync, rename, folder fsync.
    static func writeAtomically(_ data: Data, to path: String) throws {
        let temporary = temporaryPath(for: path)
        try writeDurably(data, to: temporary)
        try rename(temporary, to: path)
        try syncDirectory(parentFolder(of: path))
    }

    /// The hidden name `writeAtomically` writes `path` under first: no reader's glob, Delta's included, takes it.
    static func temporaryPath(for path: String) -> String {
        let folder = parentFolder(of: path)
        return (folder == "." && !path.hasPrefix("./") ? "" : folder + "/") + "." + (path as NSString).lastPathComponent + ".tmp"
    }

    /// Creates or truncates `path`, writes `data` and fsyncs it; a failure removes the file.
    static func writeDurably(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(operation: "create", path: path, code: errno) }
        var failure: Failure?
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = Failure(operation: "write", path: path, code: errno, bytesNeeded: raw.count)
                    return
                }
                offset += n
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = Failure(operation: "fsync", path: path, code: errno) }
        close(fd)
        if let failure {
            unlink(path)
            throw failure
        }
    }

    /// `mkdir -p` with the system's own errno in the error (Foundation's wraps it in codes of its own).
    static func createDirectory(_ path: String) throws {
        guard !path.isEmpty else { throw Failure(operation: "create folder", path: "\"\"", code: ENOENT) }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += prefix.isEmpty || prefix.hasSuffix("/") ? String(component) : "/" + component
            if mkdir(prefix, 0o755) == 0 {
                // The new folder's entry must survive a power loss as surely as the files renamed into it.
                try syncDirectory(parentFolder(of: prefix))
                continue
            }
            let code = errno
            var info = stat()
            if code == EEXIST || code == EACCES || code == EROFS, stat(prefix, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else { throw Failure(operation: "create folder", path: prefix, code: ENOTDIR) }
                continue
            }
            throw Failure(operation: "create folder", path: prefix, code: code)
        }
    }

    /// The bytes of `path`, or nil when it does not exist. Any other failure (EIO, EACCES…) is an error: Foundation's
    /// `contents(atPath:)` returns nil for those too, which would make an unreadable manifest look like no manifest.
    public static func contentsIfPresent(_ path: String) throws -> Data? {
        guard let file = try InputFile.openIfPresent(path) else { return nil }
        var bytes: [UInt8] = []
        try file.readToEnd(appendingTo: &bytes)
        return Data(bytes)
    }

    /// Removes a file; one that is already gone counts as removed.
    static func removeFile(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else { throw Failure(operation: "remove", path: path, code: errno) }
    }
}
