import ActiveCampaign
import Foundation
import JSON

/// `ac-export convert`: records from saved API responses instead of HTTP. Inputs are files or
/// folders (read in name order) of page JSON exactly as the API returns it (records under the
/// endpoint's key), NDJSON with one record per line, or pages one after another (one per line, `curl >>`, or page
/// files put together with `cat`).
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
            private var reader: InputReader?

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
                    case .reader(let opened): reader = opened
                    }
                }
            }
        }
    }

    fileprivate enum OpenedInput {
        case page(RecordBatch)
        case reader(InputReader)
    }

    /// A saved page is one JSON value (usually one line, or pretty-printed over many) and is read whole: a page holds
    /// at most a few MB. NDJSON, and pages one after another, may be of any size, so they are read a chunk at a time
    /// instead; only the first line and what came with it are read to tell them apart: a first line that is a whole
    /// JSON value with more after it starts pages when that value is a page, else NDJSON, as does a first line that
    /// is not JSON before its end (a broken first record), whose reader names the bad line. A first line that ends
    /// inside a value (a pretty-printed page) has the file read whole; one longer than a chunk is judged by its first
    /// value as soon as that is whole (pages put together with `cat` share one line).
    fileprivate static func open(_ file: InputFile, recordsKey: String) throws -> OpenedInput {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(file.sizeHint, Self.wholeReadReservation) + 1)
        var atEnd = false
        func readChunk() throws { atEnd = try file.read(appendingTo: &bytes, upTo: InputReader.chunkSize) == 0 }
        var contentStart: Int?
        var searched = 0
        var firstValueJudged = false
        while !atEnd {
            try readChunk()
            if contentStart == nil, searched == 0, Self.startsWithByteOrderMark(bytes[...]) { bytes.removeFirst(3) }
            contentStart = contentStart ?? bytes[searched...].firstIndex(where: isNotBlank)
            guard let first = contentStart, let newline = newline(in: bytes, from: max(first, searched)) else {
                searched = bytes.count
                // More than a chunk without a line feed: a large page, or pages put together with `cat` (the API's
                // responses end without one). Once the first value is whole, pages are read one at a time instead of
                // reading on to the end of the line.
                if let first = contentStart, !firstValueJudged, bytes.count - first > InputReader.chunkSize {
                    switch try firstValue(bytes[first...], path: file.path, recordsKey: recordsKey) {
                    case .page: return .reader(InputReader(file: file, pending: bytes, atEnd: atEnd, content: .pages(recordsKey: recordsKey)))
                    case .other: firstValueJudged = true
                    case .incomplete: firstValueJudged = bytes.count - first > Self.wholeReadReservation
                    }
                }
                continue
            }
            // What follows the first line: only blanks up to the end is a page on one line, saved with a final newline.
            var next = newline
            while !atEnd && !bytes[next...].contains(where: isNotBlank) {
                next = bytes.count
                try readChunk()
            }
            if bytes[next...].contains(where: isNotBlank) && valueExtent(bytes[first..<newline]) != .incomplete {
                // The first value says what the file holds: pages (their records are read) or records, one per line.
                let lineNumber = 1 + bytes[..<first].count { $0 == 0x0A }
                let content: InputReader.Content
                if case .page = try firstValue(bytes[first..<newline], path: "\(file.path) line \(lineNumber)", recordsKey: recordsKey) {
                    content = .pages(recordsKey: recordsKey)
                } else {
                    content = .records
                }
                return .reader(InputReader(file: file, pending: bytes, atEnd: atEnd, content: content))
            }
            break
        }
        if !atEnd { try file.readToEnd(appendingTo: &bytes) }
        switch try savedValue(bytes, path: file.path, recordsKey: recordsKey) {
        case .page(let ranges):
            return .page(RecordBatch(records: RawRecords(bytes: bytes, ranges: ranges), resumeAfter: nil, origin: file.path))
        case .record:  // a single record saved alone (one-line NDJSON)
            return .page(RecordBatch(records: RawRecords(bytes: bytes, ranges: [0..<bytes.count]), resumeAfter: nil, origin: file.path))
        case .notJSON:
            // Pages one after another (`cat` of page files), or NDJSON, whose reader names the bad line.
            let content: InputReader.Content
            if case .page = try firstValue(bytes[...], path: file.path, recordsKey: recordsKey) {
                content = .pages(recordsKey: recordsKey)
            } else {
                content = .records
            }
            return .reader(InputReader(file: file, pending: bytes, atEnd: true, content: content))
        }
    }

    fileprivate enum FirstValue {
        case page
        /// A record, or not JSON.
        case other
        /// The text ends inside the value.
        case incomplete
    }

    /// What the JSON value at the start of `text` is, whatever follows it. A page of another endpoint or an error
    /// response of the API is an error (`savedValue`).
    private static func firstValue(_ text: ArraySlice<UInt8>, path: String, recordsKey: String) throws -> FirstValue {
        let length: Int
        switch valueExtent(text) {
        case .whole(let whole): length = whole
        case .incomplete: return .incomplete
        case .invalid: return .other
        }
        if case .page = try savedValue(Array(text.prefix(length)), path: path, recordsKey: recordsKey) { return .page }
        return .other
    }

    fileprivate enum ValueExtent: Equatable {
        /// The value and the blanks before it.
        case whole(length: Int)
        /// The text ends inside the value: read in part, or, for a first line, a value spread over lines (a
        /// pretty-printed page: JSON's tokens never span a line feed, so any other failure shows within the line).
        case incomplete
        case invalid

        var isWhole: Bool {
            if case .whole = self { true } else { false }
        }
    }

    /// How far the JSON value at the start of `text` reaches, in one scan.
    fileprivate static func valueExtent(_ text: ArraySlice<UInt8>) -> ValueExtent {
        text.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(bytes: buffer)
            scanner.skipWhitespace()
            if (try? scanner.skipValue()) != nil { return .whole(length: scanner.index) }
            return scanner.isAtEnd ? .incomplete : .invalid
        }
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


    /// Reads a file a chunk at a time: NDJSON, one batch of records (lines, parsed by the exporter) per call, or
    /// pages one after another (one per line, or put together with `cat`), one page per call.
    final class InputReader {
        enum Content {
            case records
            /// List responses, whose records are under `recordsKey`, separated by blanks or nothing.
            case pages(recordsKey: String)
        }

        static let chunkSize = 1 << 20
        private let file: InputFile
        /// Read and not yet handed out, from `start`.
        private var pending: [UInt8]
        /// Start of the unread part of `pending` (compacted when a new chunk is read).
        private var start = 0
        /// `pending` holds no line feed from `start` up to here: a long line is not searched again after each chunk.
        private var searched = 0
        private var lineNumber = 0
        private var pageNumber = 0
        private var atEnd: Bool
        private let content: Content

        /// `pending`: what was read of the file before (from its first byte); `atEnd`: whether that was all of it.
        init(file: InputFile, pending: [UInt8], atEnd: Bool, content: Content) {
            self.file = file
            self.pending = pending
            self.atEnd = atEnd
            self.content = content
        }

        func nextBatch(size: Int) throws -> RecordBatch? {
            if case .pages(let recordsKey) = content { return try nextPage(recordsKey: recordsKey) }
            var bytes: [UInt8] = []
            var ranges: [Range<Int>] = []
            var lineNumbers: [Int] = []
            while ranges.count < size, let line = try nextLine() {
                guard let content = Self.content(of: line) else { continue }
                let begin = bytes.count
                bytes.append(contentsOf: content)
                ranges.append(begin..<bytes.count)
                lineNumbers.append(lineNumber)
            }
            guard !ranges.isEmpty else { return nil }
            var batch = RecordBatch(records: RawRecords(bytes: bytes, ranges: ranges), resumeAfter: nil, origin: file.path)
            batch.lineNumbers = lineNumbers
            return batch
        }

        /// The records of the next page; a value that is not a page is an error, not a record: the file's first value
        /// was a page, so records would be read as columns of pages.
        private func nextPage(recordsKey: String) throws -> RecordBatch? {
            while true {  // past blanks and byte-order marks between pages
                while start < pending.count && !SavedPagesSource.isNotBlank(pending[start]) { start += 1 }
                if pending.count - start >= 3 || atEnd {
                    if SavedPagesSource.startsWithByteOrderMark(pending[start...]) { start += 3; continue }
                    break
                }
                try readMore()  // fewer than 3 bytes left: a byte-order mark may be cut
            }
            guard start < pending.count else { return nil }
            pageNumber += 1
            let origin = pageNumber == 1 ? file.path : "\(file.path) page \(pageNumber)"
            var extent = SavedPagesSource.valueExtent(pending[start...])
            // Not whole may also be cut off where a scan cannot tell (inside a string): read on in any case.
            while !extent.isWhole && !atEnd && pending.count - start <= SavedPagesSource.wholeReadReservation {
                try readMore()
                extent = SavedPagesSource.valueExtent(pending[start...])
            }
            guard case .whole(let length) = extent else {
                throw InputError(path: origin, reason: "is not a whole JSON page, but the file's first value is one. Save the page again")
            }
            let bytes = Array(pending[start..<(start + length)])
            start += length
            switch try SavedPagesSource.savedValue(bytes, path: origin, recordsKey: recordsKey) {
            case .page(let ranges):
                return RecordBatch(records: RawRecords(bytes: bytes, ranges: ranges), resumeAfter: nil, origin: origin)
            case .record, .notJSON:
                throw InputError(path: origin, reason: "has no '\(recordsKey)' list, but the file's first value is a page: a file holds pages or records, not both. Save the records apart from the pages")
            }
        }

        /// Reads the next chunk, first dropping what was handed out.
        private func readMore() throws {
            pending.removeSubrange(..<start)
            start = 0
            atEnd = try file.read(appendingTo: &pending, upTo: Self.chunkSize) == 0
        }

        /// The next line, without its line feed, or nil after the last; reads the file a chunk at a time.
        private func nextLine() throws -> ArraySlice<UInt8>? {
            while true {
                if let newline = SavedPagesSource.newline(in: pending, from: max(start, searched)) {
                    defer { start = newline + 1 }
                    lineNumber += 1
                    return pending[start..<newline]
                } else if !atEnd {
                    searched = pending.count - start
                    try readMore()
                } else if start < pending.count {
                    defer { start = pending.count }
                    lineNumber += 1
                    return pending[start...]
                } else {
                    pending = []
                    start = 0
                    searched = 0
                    return nil
                }
            }
        }

        /// A line's JSON text, nil when it is blank. A line that starts with a byte-order mark (files concatenated
        /// with `cat`) is read past it.
        private static func content(of line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
            let line = SavedPagesSource.startsWithByteOrderMark(line) ? line.dropFirst(3) : line
            return line.contains(where: SavedPagesSource.isNotBlank) ? line : nil
        }
    }

    /// What one JSON value saved on its own is.
    fileprivate enum SavedValue {
        /// A list response: the byte range of each of its records.
        case page([Range<Int>])
        /// One record (an object without the endpoint's records list that is not a list response).
        case record
        case notJSON(JSONParseError)
    }

    /// Tells a page from a record saved alone. A list response without the endpoint's records list (a page of
    /// another endpoint, converted with the wrong `--endpoint`) is an error: read as one record, its whole list would
    /// become a single row, and the conversion would succeed.
    fileprivate static func savedValue(_ bytes: [UInt8], path: String, recordsKey: String) throws -> SavedValue {
        let location: RecordsLocation
        do {
            location = try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in
                try JSONScanner.skimPage(buffer, recordsKey: recordsKey).records
            }
        } catch {
            return .notJSON(error)
        }
        switch location {
        case .array(let elements): return .page(elements)
        case .notAnArray: throw InputError(path: path, reason: "'\(recordsKey)' is not an array of records")
        case .missing:
            if let reason = listResponseReason(bytes, recordsKey: recordsKey) { throw InputError(path: path, reason: reason) }
            return .record
        }
    }

    /// Why an object without the endpoint's records list is a response rather than one record, or nil: it has no
    /// `id` (every record has one), and it is an error body of the API, or holds another endpoint's records list or a
    /// `meta` object.
    private static func listResponseReason(_ bytes: [UInt8], recordsKey: String) -> String? {
        guard case .object(let object)? = try? JSONParser.parse(bytes), object["id"] == nil else { return nil }
        if let message = APIErrorBody.message(of: object) {
            return "is an error response of the API, not a page (it says: \(message)). Save the page again"
        }
        let lists = Endpoint.catalog.filter { endpoint in
            if case .array? = object[endpoint.recordsKey] { true } else { false }
        }
        if !lists.isEmpty {
            let found = lists.map { "'\($0.recordsKey)' (--endpoint \($0.name))" }.joined(separator: ", ")
            return "is a page of another endpoint: it holds \(found) but no '\(recordsKey)' list. Convert it with \(lists.count == 1 ? "that" : "the right") --endpoint"
        }
        guard case .object? = object["meta"] else { return nil }
        let members = object.members.map { "'\($0.key)'" }.joined(separator: ", ")
        return "is a list response (it has 'meta') without a '\(recordsKey)' list; it holds \(members). Check --endpoint"
    }
}
