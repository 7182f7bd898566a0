import ActiveCampaign
import Foundation
import JSON

/// `ac-export convert`: records from saved API responses instead of HTTP. Inputs are files or
/// folders (read in name order) of page JSON exactly as the API returns it (records under the
/// endpoint's key), or NDJSON with one record per line.
public struct SavedPagesSource: RecordSource {
    public let inputs: [String]
    public var batchSize = 1000

    public struct InputError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    public init(inputs: [String]) {
        self.inputs = inputs
    }

    /// Every input file, folders expanded, in a stable order.
    public func files() throws -> [String] {
        var result: [String] = []
        let fm = FileManager.default
        for input in inputs {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: input, isDirectory: &isDirectory) else {
                throw InputError(path: input, reason: "no such file or folder")
            }
            if isDirectory.boolValue {
                let names = try fm.contentsOfDirectory(atPath: input).filter { !$0.hasPrefix(".") }.sorted()
                result += names.map { input + "/" + $0 }.filter { path in
                    var dir: ObjCBool = false
                    return fm.fileExists(atPath: path, isDirectory: &dir) && !dir.boolValue
                }
            } else {
                result.append(input)
            }
        }
        return result
    }

    /// Pull-based: each `next()` reads just enough input for one batch, so memory stays flat however
    /// large the inputs are.
    public func batches(for endpoint: Endpoint, window: IncrementalWindow?, resumeFrom: ResumePoint?) -> Batches {
        Batches(source: self, recordsKey: endpoint.recordsKey)
    }

    public struct Batches: AsyncSequence {
        let source: SavedPagesSource
        let recordsKey: String

        public func makeAsyncIterator() -> Iterator {
            Iterator(source: source, recordsKey: recordsKey)
        }

        public struct Iterator: AsyncIteratorProtocol {
            let source: SavedPagesSource
            let recordsKey: String
            private var files: [String]?
            private var reader: NDJSONReader?

            init(source: SavedPagesSource, recordsKey: String) {
                self.source = source
                self.recordsKey = recordsKey
            }

            public mutating func next() async throws -> RecordBatch? {
                if files == nil { files = try source.files().reversed() }
                while true {
                    try Task.checkCancellation()
                    if let batch = try reader?.nextBatch(size: source.batchSize) { return batch }
                    reader = nil
                    guard let path = files?.popLast() else { return nil }
                    switch try SavedPagesSource.open(InputFile(opening: path), recordsKey: recordsKey) {
                    case .page(let batch): return batch
                    case .lines(let lines): reader = lines
                    }
                }
            }
        }
    }

    fileprivate enum OpenedInput {
        case page(RecordBatch)
        case lines(NDJSONReader)
    }

    /// A saved page is one JSON value (usually one line, or pretty-printed over many) and is read whole: a page holds
    /// at most a few MB. NDJSON may be of any size, so it is read a chunk at a time instead; only the first line and
    /// what came with it are read to tell them apart: a first line that is a whole JSON value with more after it, or
    /// that is not JSON before its end (a byte-order mark, a broken first record), starts NDJSON, whose reader names
    /// the bad line. Only a first line that ends inside a value (a pretty-printed page) has the file read whole.
    fileprivate static func open(_ file: InputFile, recordsKey: String) throws -> OpenedInput {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(file.sizeHint, Self.wholeReadReservation) + 1)
        var atEnd = false
        func readChunk() throws { atEnd = try file.read(appendingTo: &bytes, upTo: NDJSONReader.chunkSize) == 0 }
        var contentStart: Int?
        var searched = 0
        while !atEnd {
            try readChunk()
            if contentStart == nil, searched == 0, Self.startsWithByteOrderMark(bytes[...]) { bytes.removeFirst(3) }
            contentStart = contentStart ?? bytes[searched...].firstIndex(where: isNotBlank)
            guard let first = contentStart, let newline = newline(in: bytes, from: max(first, searched)) else {
                searched = bytes.count
                continue
            }
            // What follows the first line: only blanks up to the end is a page on one line, saved with a final newline.
            var next = newline
            while !atEnd && !bytes[next...].contains(where: isNotBlank) {
                next = bytes.count
                try readChunk()
            }
            if bytes[next...].contains(where: isNotBlank) && !endsInsideAValue(bytes[first..<newline]) {
                return .lines(NDJSONReader(file: file, pending: bytes, atEnd: atEnd))
            }
            break
        }
        if !atEnd { try file.readToEnd(appendingTo: &bytes) }
        return try page(bytes, path: file.path, recordsKey: recordsKey).map { .page($0) }
            ?? .lines(NDJSONReader(file: file, pending: bytes, atEnd: true))  // not a page: NDJSON, whose reader names the bad line
    }

    /// How much a file's first read reserves at most (its size when smaller): a page is read into one array of its
    /// size; an NDJSON file larger than this grows its buffer only as far as its first line needs.
    static let wholeReadReservation = 16 << 20

    /// The first line feed at or after `start` (memchr: a page is one long line, scanned whole).
    fileprivate static func newline(in bytes: [UInt8], from start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        return bytes.withUnsafeBufferPointer { buffer in
            memchr(buffer.baseAddress! + start, 0x0A, buffer.count - start).map { buffer.baseAddress!.distance(to: $0.assumingMemoryBound(to: UInt8.self)) }
        }
    }

    /// Whether text starts with UTF-8's byte-order mark, which Windows tools (PowerShell 5's `Out-File`, Notepad)
    /// put before a file's first byte. JSON may be read past it (RFC 8259, section 8.1), and it is: the first
    /// record of a file, or a whole saved page, is not to be skipped as "not an object" for three invisible bytes.
    fileprivate static func startsWithByteOrderMark(_ text: ArraySlice<UInt8>) -> Bool {
        text.starts(with: [0xEF, 0xBB, 0xBF])
    }

    fileprivate static func isNotBlank(_ byte: UInt8) -> Bool {
        byte != 0x20 && byte != 0x0A && byte != 0x0D && byte != 0x09
    }

    /// Whether a first line stops inside a JSON value: then it can only start a value spread over lines (JSON's
    /// tokens never span a line feed); a whole value, or any other failure, shows within the line.
    private static func endsInsideAValue(_ text: ArraySlice<UInt8>) -> Bool {
        text.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(bytes: buffer)
            guard (try? scanner.skipValue()) == nil else { return false }
            return scanner.isAtEnd
        }
    }

    /// Reads NDJSON a chunk at a time, one batch of records (lines) per call; the lines are parsed by the exporter.
    final class NDJSONReader {
        static let chunkSize = 1 << 20
        private let file: InputFile
        /// Read and not yet handed out, from `start`.
        private var pending: [UInt8]
        /// Start of the unread part of `pending` (compacted when a new chunk is read).
        private var start = 0
        /// `pending` holds no line feed from `start` up to here: a long line is not searched again after each chunk.
        private var searched = 0
        private var lineNumber = 0
        private var atEnd: Bool

        /// `pending`: what was read of the file before (from its first byte); `atEnd`: whether that was all of it.
        init(file: InputFile, pending: [UInt8], atEnd: Bool) {
            self.file = file
            self.pending = pending
            self.atEnd = atEnd
        }

        func nextBatch(size: Int) throws -> RecordBatch? {
            var bytes: [UInt8] = []
            var ranges: [Range<Int>] = []
            var lines: [Int] = []
            while ranges.count < size {
                if let newline = SavedPagesSource.newline(in: pending, from: max(start, searched)) {
                    take(pending[start..<newline], into: &bytes, &ranges, &lines)
                    start = newline + 1
                } else if !atEnd {
                    searched = pending.count - start
                    pending.removeSubrange(..<start)
                    start = 0
                    atEnd = try file.read(appendingTo: &pending, upTo: Self.chunkSize) == 0
                } else {
                    if start < pending.count { take(pending[start...], into: &bytes, &ranges, &lines) }
                    pending = []
                    start = 0
                    searched = 0
                    break
                }
            }
            guard !ranges.isEmpty else { return nil }
            var batch = RecordBatch(records: RawRecords(bytes: bytes, ranges: ranges), resumeAfter: nil, origin: file.path)
            batch.lineNumbers = lines
            return batch
        }

        /// Appends a line to the batch unless it is blank.
        /// A line that starts with a byte-order mark (files concatenated with `cat`) is read past it.
        private func take(_ line: ArraySlice<UInt8>, into bytes: inout [UInt8], _ ranges: inout [Range<Int>], _ lines: inout [Int]) {
            lineNumber += 1
            let line = SavedPagesSource.startsWithByteOrderMark(line) ? line.dropFirst(3) : line
            guard line.contains(where: SavedPagesSource.isNotBlank) else { return }
            let begin = bytes.count
            bytes.append(contentsOf: line)
            ranges.append(begin..<bytes.count)
            lines.append(lineNumber)
        }
    }

    /// The records of a saved page, or nil when `bytes` is not one JSON value (then it may be NDJSON).
    private static func page(_ bytes: [UInt8], path: String, recordsKey: String) throws -> RecordBatch? {
        let location: RecordsLocation
        do {
            location = try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in
                try JSONScanner.skimPage(buffer, recordsKey: recordsKey).records
            }
        } catch {
            return nil
        }
        let ranges: [Range<Int>]
        switch location {
        case .array(let elements): ranges = elements
        case .missing: ranges = [0..<bytes.count]  // a single record saved alone (one-line NDJSON)
        case .notAnArray: throw InputError(path: path, reason: "'\(recordsKey)' is not an array of records")
        }
        return RecordBatch(records: RawRecords(bytes: bytes, ranges: ranges), resumeAfter: nil, origin: path)
    }
}
