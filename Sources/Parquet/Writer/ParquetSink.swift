#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a writer's bytes go.
public protocol ParquetSink: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws(ParquetError)
    /// Called once after the footer: make the bytes durable and release the destination.
    func finish() throws(ParquetError)
}

/// A file written with POSIX calls so that errors (ENOSPC above all) surface with their path, and
/// `finish()` fsyncs before closing: the commit protocol renames only durable files.
public final class FileSink: ParquetSink {
    public let path: String
    private var descriptor: Int32

    public init(path: String) throws(ParquetError) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Self.error(path, "create") }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(ParquetError) {
        guard descriptor >= 0 else { throw .writerClosed }
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw Self.error(path, "write")
            }
            offset += written
        }
    }

    public func finish() throws(ParquetError) {
        guard descriptor >= 0 else { throw .writerClosed }
        defer {
            close(descriptor)
            descriptor = -1
        }
        guard fsync(descriptor) == 0 else { throw Self.error(path, "fsync") }
    }

    static func error(_ path: String, _ operation: String) -> ParquetError {
        let code = errno
        return .io(path: path, operation: operation, errno: code, message: String(cString: strerror(code)))
    }
}

/// An in-memory destination, for tests and benchmarks.
public final class MemorySink: ParquetSink {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public func write(_ bytes: UnsafeRawBufferPointer) throws(ParquetError) {
        self.bytes.append(contentsOf: bytes)
    }

    public func finish() throws(ParquetError) {}
}
