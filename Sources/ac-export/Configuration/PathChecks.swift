import Export
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The folders and files a run will write, checked before it starts (exit 2, the path and the system's reason),
/// so that a bad `--out` or `--summary-json` does not surface after an hour of exporting. Nothing is created here.
enum PathChecks {
    /// `path` is a folder this process can write, or can be created under a writable folder.
    static func checkOutputFolder(_ path: String, option: String) throws {
        guard !path.isEmpty else { throw UsageError(description: "\(option) is empty: give the lake's folder, e.g. \(option) ./lake") }
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw problem(option, path, ENOTDIR) }
            guard access(path, W_OK | X_OK) == 0 else { throw problem(option, path, errno) }
            return
        }
        guard errno == ENOENT else { throw problem(option, path, errno) }
        try checkCreatable(under: path, option: option)
    }

    /// `path` can be written as a file: its folder exists and is writable (or is `createdFolder`, which the run
    /// makes and which was checked already), and it is not a folder itself.
    static func checkWritableFile(_ path: String, option: String, createdFolder: String? = nil) throws {
        guard !path.isEmpty else { throw UsageError(description: "\(option) is empty") }
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT != S_IFDIR else { throw problem(option, path, EISDIR) }
            guard access(path, W_OK) == 0 else { throw problem(option, path, errno) }
            return
        }
        let parent = parentFolder(of: path)
        if let createdFolder, URL(fileURLWithPath: parent).standardizedFileURL == URL(fileURLWithPath: createdFolder).standardizedFileURL {
            return
        }
        guard stat(parent, &info) == 0 else { throw problem(option, path, errno) }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw problem(option, parent, ENOTDIR) }
        guard access(parent, W_OK | X_OK) == 0 else { throw problem(option, parent, errno) }
    }

    /// The nearest existing ancestor of a missing `path` must be a folder this process can write into.
    private static func checkCreatable(under path: String, option: String) throws {
        var candidate = parentFolder(of: path)
        var info = stat()
        while true {
            if stat(candidate, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else { throw problem(option, candidate, ENOTDIR) }
                guard access(candidate, W_OK | X_OK) == 0 else { throw problem(option, candidate, errno) }
                return
            }
            guard errno == ENOENT, candidate != ".", candidate != "/" else { throw problem(option, candidate, errno) }
            candidate = parentFolder(of: candidate)
        }
    }

    private static func problem(_ option: String, _ path: String, _ code: Int32) -> UsageError {
        UsageError(description: "\(option) \(path): \(String(cString: strerror(code))); nothing was written")
    }
}
