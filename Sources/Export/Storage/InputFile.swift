#if canImport(Glibc)
import Glibc
#endif

/// A file read through its descriptor straight into a byte array: whole in one read of its size (saved pages, the
/// manifest), or a chunk at a time (NDJSON of any size). Foundation's `FileHandle.readToEnd` reads a few KB per system
/// call into a `Data` that is then copied again. Errors name the path (`FileSystem.Failure`).
final class InputFile {
    let path: String
    private let descriptor: Int32
    /// The size when opened: how much a whole read reserves, not a limit (a file may still grow).
    let sizeHint: Int
    private var offset = 0

    init(opening path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileSystem.Failure(operation: "open", path: path, code: errno) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            close(descriptor)
            throw FileSystem.Failure(operation: "read the size of", path: path, code: code)
        }
        self.path = path
        self.descriptor = descriptor
        sizeHint = Int(info.st_size)
    }

    /// nil when `path` does not exist; any other failure to open it (EACCES, EIO…) is an error.
    static func openIfPresent(_ path: String) throws -> InputFile? {
        do {
            return try InputFile(opening: path)
        } catch let failure as FileSystem.Failure where failure.code == ENOENT {
            return nil
        }
    }

    deinit {
        close(descriptor)
    }

    /// Appends what one read of at most `limit` bytes returns; 0 means the end of the file. The bytes asked for are
    /// zeroed first, so no more is asked for than can come: up to the size the file had when opened, what is left plus
    /// the byte that finds the end (a caller reserving that much never has its array grown by an over-long request);
    /// past it (a pipe, a file still growing), a pipe's capacity.
    @discardableResult
    func read(appendingTo bytes: inout [UInt8], upTo limit: Int) throws -> Int {
        let count = min(limit, offset <= sizeHint ? sizeHint - offset + 1 : 1 << 16)
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: count))
        while true {
            let got = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + start, count) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else {
                let code = errno
                bytes.removeLast(count)
                throw FileSystem.Failure(operation: "read", path: path, code: code)
            }
            bytes.removeLast(count - got)
            offset += got
            return got
        }
    }

    /// Appends the rest of the file, reserving what its size when opened says is left (plus the byte that finds the end).
    func readToEnd(appendingTo bytes: inout [UInt8]) throws {
        bytes.reserveCapacity(bytes.count + max(sizeHint - offset, 0) + 1)
        while try read(appendingTo: &bytes, upTo: 1 << 20) > 0 {}
    }
}
