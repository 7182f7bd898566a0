#if canImport(Glibc)
import Glibc
#endif

/// A local file read in parts for an upload (pread, so parts can be read in any order).
final class LocalFile {
    let path: String
    let size: Int64
    private let descriptor: Int32

    struct Failure: Error, CustomStringConvertible {
        var path: String
        var operation: String
        var code: Int32
        var description: String { "cannot \(operation) \(path) for its upload: \(String(cString: strerror(code)))" }
    }

    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(path: path, operation: "open", code: errno) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw Failure(path: path, operation: "stat", code: code)
        }
        size = Int64(info.st_size)
    }

    func read(offset: Int64, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Failure(path: path, operation: "read", code: n < 0 ? errno : EIO) }
            done += n
        }
        return bytes
    }

    func close() {
        Glibc.close(descriptor)
    }
}
