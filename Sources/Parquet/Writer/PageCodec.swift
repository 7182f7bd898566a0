import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

// Compression of page bodies for one writer. Data pages are compressed on the other cores by
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
            ? PageCompressionWorker(properties: properties) : nil
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
            pages.add(sequence: pages.nextSequence()) { (chunk) throws(ParquetError) in try local.emit(header, body: body, into: &chunk) }
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
/// or in the writer's `PageSpill`. Pages compressed side by side may finish out of order: each waits for the ones
/// submitted before it.
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

    private struct State: Sendable {
        var contents = Contents()
        /// Sequence numbers: of the next page submitted, and of the next page to store.
        var submitted = 0
        var stored = 0
        /// Pages compressed before one submitted earlier, by sequence number.
        var early: [Int: (page: [UInt8], sizes: (uncompressed: Int, stored: Int))] = [:]
    }

    private let spill: PageSpill?
    private let state = Mutex(State())

    init(spill: PageSpill?) {
        self.spill = spill
    }

    /// The sequence number of a page about to be submitted (called in submission order, by the encoder).
    func nextSequence() -> Int {
        state.withLock { state in
            defer { state.submitted += 1 }
            return state.submitted
        }
    }

    /// Runs `emit` (the codec's work, outside the lock, so that the encoder reading `byteCount` never waits for it)
    /// and stores its bytes under the lock once every earlier page is stored; records its sizes, or its error for `take()`.
    func add(sequence: Int, _ emit: (inout [UInt8]) throws(ParquetError) -> (uncompressed: Int, stored: Int)) {
        guard state.withLock({ $0.contents.failure == nil }) else { return }
        var page: [UInt8] = []
        let result: Result<(uncompressed: Int, stored: Int), ParquetError>
        do throws(ParquetError) {
            result = .success(try emit(&page))
        } catch {
            result = .failure(error)
        }
        state.withLock { state in
            guard state.contents.failure == nil else { return }
            do throws(ParquetError) {
                state.early[sequence] = (page, try result.get())
                while let next = state.early.removeValue(forKey: state.stored) {
                    if let spill {
                        state.contents.extents.append(try spill.append(next.page))
                    } else {
                        state.contents.bytes.append(contentsOf: next.page)
                    }
                    state.contents.uncompressedSize += next.sizes.uncompressed
                    state.contents.storedSize += next.sizes.stored
                    state.stored += 1
                }
            } catch {
                state.contents.failure = error
            }
        }
    }

    /// Bytes of pages held in memory (none when spilled).
    var byteCount: Int { state.withLock { $0.contents.bytes.count } }

    /// Everything stored so far (the chunk is complete once the codec was drained); empties the collector.
    func take() throws(ParquetError) -> Contents {
        let taken = state.withLock { state in
            defer { state = State() }
            return state.contents
        }
        if let failure = taken.failure { throw failure }
        return taken
    }
}

/// Compresses one writer's data pages on the process's `CompressionThreads` while the encoder goes on. Waiting
/// pages are bounded by their bytes, not their number: at a page-row boundary every column ends a page at once,
/// mostly small ones, and a count limit would stall the encoder on that burst; a byte limit lets it go on while
/// memory stays bounded.
final class PageCompressionWorker: Sendable {
    /// One permit of the byte budget.
    static let slotBytes = 256 << 10
    private let running = DispatchGroup()
    private let slots: DispatchSemaphore
    private let capacity: Int
    private let properties: WriterProperties

    /// `capacityBytes`: most uncompressed bytes waiting for the threads (a page larger than that still goes alone).
    init(properties: WriterProperties, capacityBytes: Int = 8 << 20) {
        self.properties = properties
        capacity = max(1, capacityBytes / Self.slotBytes)
        slots = DispatchSemaphore(value: capacity)
    }

    func submit(_ header: PageHeader, body: [UInt8], into pages: CompressedPages) {
        let permits = min(capacity, max(1, (body.count + Self.slotBytes - 1) / Self.slotBytes))
        for _ in 0..<permits { slots.wait() }
        let sequence = pages.nextSequence()
        running.enter()
        CompressionThreads.shared.run { [properties, slots, running] compressors in
            pages.add(sequence: sequence) { (chunk) throws(ParquetError) in
                try compressors.compression(for: properties).emit(header, body: body, into: &chunk)
            }
            for _ in 0..<permits { slots.signal() }
            running.leave()
        }
    }

    func drain() {
        running.wait()
    }
}

/// The process's page-compressing threads, one per core, shared by every writer. They run at a lower scheduling
/// priority (nice +10) than the threads that parse and encode, so that compression fills the time those leave
/// instead of delaying them; each writer's byte budget holds its encoder back when compression falls behind.
final class CompressionThreads: Sendable {
    /// One thread's compressors, by codec and level: used by that thread only.
    final class Compressors {
        private var byCodec: [String: PageCompression] = [:]

        func compression(for properties: WriterProperties) throws(ParquetError) -> PageCompression {
            let key = "\(properties.compression.rawValue)-\(properties.compressionLevel)"
            if let known = byCodec[key] { return known }
            let made = try PageCompression(properties: properties)
            byCodec[key] = made
            return made
        }
    }

    typealias Job = @Sendable (Compressors) -> Void

    static let shared = CompressionThreads(count: max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
    private let jobs = Mutex<[Job]>([])
    private let waiting = DispatchSemaphore(value: 0)

    private init(count: Int) {
        for _ in 0..<count {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(self).toOpaque()
            let started = pthread_create(&thread, nil, { context in
                let threads = Unmanaged<CompressionThreads>.fromOpaque(context!).takeRetainedValue()
                threads.work()
                return nil
            }, context)
            precondition(started == 0, "cannot start a compression thread (pthread_create: \(started))")
            pthread_detach(thread)
        }
    }

    /// Runs `job` on the next free thread, in submission order.
    func run(_ job: @escaping Job) {
        jobs.withLock { $0.append(job) }
        waiting.signal()
    }

    private func work() -> Never {
        // On Linux the nice value is the calling thread's own.
        setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        let compressors = Compressors()
        while true {
            waiting.wait()
            let job = jobs.withLock { $0.removeFirst() }
            job(compressors)
        }
    }
}
