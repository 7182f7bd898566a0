#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Where the compressed pages of the row group being built wait: an unlinked temporary file beside the output,
/// so that memory holds only their offsets however large the row group (the operating system's page cache
/// keeps them close), and a killed process leaves nothing behind.
final class PageSpill: Sendable {
    private let descriptor: Int32
    private let directory: String
    /// End of the data written for the current row group.
    private let end = Mutex<Int64>(0)

    init(directory: String) throws(ParquetError) {
        self.directory = directory
        var template = Array((directory + "/.part-spill-XXXXXX.tmp").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, 4) }
        guard descriptor >= 0 else { throw FileSink.error(directory, "create a temporary page file in") }
        // Unlinked at once: the name lives for microseconds (and is `.part-*.tmp` debris if a crash hits then).
        unlink(String(cString: template))
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Stores `bytes`; returns where they are.
    func append(_ bytes: [UInt8]) throws(ParquetError) -> Range<Int64> {
        let offset = end.withLock { end in
            defer { end += Int64(bytes.count) }
            return end
        }
        try bytes.withUnsafeBytesTyped { (raw) throws(ParquetError) in
            var done = 0
            while done < raw.count {
                let written = pwrite(descriptor, raw.baseAddress! + done, raw.count - done, off_t(offset) + off_t(done))
                if written < 0 {
                    if errno == EINTR { continue }
                    throw FileSink.error(directory, "write temporary pages in")
                }
                done += written
            }
        }
        return offset..<offset + Int64(bytes.count)
    }

    /// Hands the stored `extents` to `write`, in order, through one reused buffer.
    func copy(_ extents: [Range<Int64>], to write: (UnsafeRawBufferPointer) throws(ParquetError) -> Void) throws(ParquetError) {
        var buffer: [UInt8] = []
        for extent in extents {
            let count = Int(extent.count)
            if buffer.count < count { buffer = [UInt8](repeating: 0, count: count) }
            let readOK = buffer.withUnsafeMutableBytes { raw -> Bool in
                var done = 0
                while done < count {
                    let read = pread(descriptor, raw.baseAddress! + done, count - done, off_t(extent.lowerBound) + off_t(done))
                    if read < 0, errno == EINTR { continue }
                    guard read > 0 else { return false }
                    done += read
                }
                return true
            }
            guard readOK else { throw FileSink.error(directory, "read temporary pages in") }
            try buffer.withUnsafeBytesTyped { (raw) throws(ParquetError) in try write(UnsafeRawBufferPointer(rebasing: raw[0..<count])) }
        }
    }

    /// Forgets everything stored (the row group was written out).
    func reset() {
        end.withLock { end in
            end = 0
            _ = ftruncate(descriptor, 0)
        }
    }
}
