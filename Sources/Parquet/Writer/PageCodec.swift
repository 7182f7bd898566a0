import Dispatch
import Synchronization

// Compression of page bodies for one writer. Data pages are compressed on a second core by
// `PageCompressionWorker` while the caller encodes the next ones; dictionary pages (one per chunk) are
// compressed in place.

final class PageCodec {
    let codec: CompressionCodec
    /// Where compressed data pages wait for their row group (`WriterProperties.pageSpillDirectory`); nil: memory.
    let spill: PageSpill?
    private let local: PageCompression
    private let worker: PageCompressionWorker?

    init(properties: WriterProperties) throws(ParquetError) {
        codec = properties.compression
        spill = try properties.pageSpillDirectory.map { (directory) throws(ParquetError) in try PageSpill(directory: directory) }
        local = try PageCompression(properties: properties)
        worker = properties.compression != .uncompressed && properties.backgroundCompression
            ? PageCompressionWorker(compression: try PageCompression(properties: properties)) : nil
    }

    /// Compresses `body` now and appends page header + stored body to `chunk`; returns (header + uncompressed, header + stored) sizes.
    func emitPage(_ header: PageHeader, body: [UInt8], into chunk: inout [UInt8]) throws(ParquetError) -> (uncompressed: Int, stored: Int) {
        try local.emit(header, body: body, into: &chunk)
    }

    /// Hands a data page to the worker (or compresses it now without one); it lands in `pages` in submission order.
    func emitDataPage(_ header: PageHeader, body: [UInt8], into pages: CompressedPages) {
        if let worker {
            worker.submit(header, body: body, into: pages)
        } else {
            pages.add { (chunk) throws(ParquetError) in try local.emit(header, body: body, into: &chunk) }
        }
    }

    /// Waits until every submitted page is in its `CompressedPages`.
    func drain() {
        worker?.drain()
    }
}

/// One codec's compressor and its output buffer: used by one thread at a time.
final class PageCompression {
    private let compressor: (any PageCompressor)?
    private var compressed: [UInt8] = []

    init(properties: WriterProperties) throws(ParquetError) {
        compressor = try PageCodecs.compressor(properties.compression, level: properties.compressionLevel)
    }

    func emit(_ header: PageHeader, body: [UInt8], into chunk: inout [UInt8]) throws(ParquetError) -> (uncompressed: Int, stored: Int) {
        var header = header
        header.uncompressedPageSize = Int32(body.count)
        if let compressor {
            let length = try body.withUnsafeBytesTyped { (raw) throws(ParquetError) in try compressor.compress(raw, into: &compressed) }
            header.compressedPageSize = Int32(length)
            let headerBytes = header.thriftBytes()
            chunk.append(contentsOf: headerBytes)
            chunk.append(contentsOf: compressed[0..<length])
            return (headerBytes.count + body.count, headerBytes.count + length)
        } else {
            header.compressedPageSize = Int32(body.count)
            let headerBytes = header.thriftBytes()
            chunk.append(contentsOf: headerBytes)
            chunk.append(contentsOf: body)
            return (headerBytes.count + body.count, headerBytes.count + body.count)
        }
    }
}

/// A column chunk's data pages, stored (header + compressed body) in the order they were submitted: in memory,
/// or in the writer's `PageSpill`.
final class CompressedPages: Sendable {
    struct Contents: Sendable {
        /// The pages, when kept in memory.
        var bytes: [UInt8] = []
        /// Where the pages are in the spill file, when spilled.
        var extents: [Range<Int64>] = []
        var uncompressedSize = 0
        var storedSize = 0
        var failure: ParquetError?

        /// Hands the pages to `write` in order.
        func write(from spill: PageSpill?, to write: (UnsafeRawBufferPointer) throws(ParquetError) -> Void) throws(ParquetError) {
            if let spill {
                try spill.copy(extents, to: write)
            } else if !bytes.isEmpty {
                try bytes.withUnsafeBytesTyped { (raw) throws(ParquetError) in try write(raw) }
            }
        }
    }

    private let spill: PageSpill?
    private let contents = Mutex(Contents())

    init(spill: PageSpill?) {
        self.spill = spill
    }

    /// Runs `emit` (zlib's work, outside the lock, so that the encoder reading `byteCount` never waits for it) and
    /// stores its bytes under the lock; records its sizes, or its error for `take()`.
    func add(_ emit: (inout [UInt8]) throws(ParquetError) -> (uncompressed: Int, stored: Int)) {
        guard contents.withLock({ $0.failure == nil }) else { return }
        var page: [UInt8] = []
        let result: Result<(uncompressed: Int, stored: Int), ParquetError>
        do throws(ParquetError) {
            result = .success(try emit(&page))
        } catch {
            result = .failure(error)
        }
        contents.withLock { contents in
            guard contents.failure == nil else { return }
            do throws(ParquetError) {
                let sizes = try result.get()
                if let spill {
                    contents.extents.append(try spill.append(page))
                } else {
                    contents.bytes.append(contentsOf: page)
                }
                contents.uncompressedSize += sizes.uncompressed
                contents.storedSize += sizes.stored
            } catch {
                contents.failure = error
            }
        }
    }

    /// Bytes of pages held in memory (none when spilled).
    var byteCount: Int { contents.withLock { $0.bytes.count } }

    /// Everything stored so far (the chunk is complete once the codec was drained); empties the collector.
    func take() throws(ParquetError) -> Contents {
        let taken = contents.withLock { contents in
            defer { contents = Contents() }
            return contents
        }
        if let failure = taken.failure { throw failure }
        return taken
    }
}

/// Compresses data pages on its own thread, one at a time in submission order. Waiting pages are bounded by their
/// bytes, not their number: at a page-row boundary every column ends a page at once, mostly small ones, and a
/// count limit would stall the encoder on that burst; a byte limit lets it go on while memory stays bounded.
final class PageCompressionWorker: Sendable {
    /// `PageCompression` is a class with mutable state: it is only ever used on `queue`.
    private struct CompressionOnQueue: @unchecked Sendable {
        let compression: PageCompression
    }

    /// One permit of the byte budget.
    static let slotBytes = 256 << 10
    private let queue = DispatchQueue(label: "parquet.page-compression")
    private let slots: DispatchSemaphore
    private let capacity: Int
    private let compression: CompressionOnQueue

    /// `capacityBytes`: most uncompressed bytes waiting for the worker (a page larger than that still goes alone).
    init(compression: PageCompression, capacityBytes: Int = 8 << 20) {
        self.compression = CompressionOnQueue(compression: compression)
        capacity = max(1, capacityBytes / Self.slotBytes)
        slots = DispatchSemaphore(value: capacity)
    }

    func submit(_ header: PageHeader, body: [UInt8], into pages: CompressedPages) {
        let permits = min(capacity, max(1, (body.count + Self.slotBytes - 1) / Self.slotBytes))
        for _ in 0..<permits { slots.wait() }
        queue.async { [compression, slots] in
            pages.add { (chunk) throws(ParquetError) in try compression.compression.emit(header, body: body, into: &chunk) }
            for _ in 0..<permits { slots.signal() }
        }
    }

    func drain() {
        queue.sync {}
    }
}
