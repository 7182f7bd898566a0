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
                    guard let handle = FileHandle(forReadingAtPath: path) else { throw InputError(path: path, reason: "cannot be opened") }
                    let head = try handle.read(upToCount: 1 << 16) ?? Data()
                    try handle.seek(toOffset: 0)
                    if let page = try SavedPagesSource.readPageIfWhole(handle: handle, head: head, path: path, recordsKey: recordsKey) {
                        try? handle.close()
                        return page
                    }
                    reader = NDJSONReader(handle: handle, path: path)
                }
            }
        }
    }

    /// Reads NDJSON a chunk at a time, one batch of records (lines) per call; the lines are parsed by the exporter.
    final class NDJSONReader {
        private let handle: FileHandle
        private let path: String
        private var pending: [UInt8] = []
        /// Start of the unread part of `pending` (compacted when a new chunk is read).
        private var start = 0
        private var lineNumber = 0
        private var atEnd = false

        init(handle: FileHandle, path: String) {
            self.handle = handle
            self.path = path
        }

        deinit {
            try? handle.close()
        }

        func nextBatch(size: Int) throws -> RecordBatch? {
            var bytes: [UInt8] = []
            var ranges: [Range<Int>] = []
            var lines: [Int] = []
            while ranges.count < size {
                if let newline = pending[start...].firstIndex(of: 0x0A) {
                    take(pending[start..<newline], into: &bytes, &ranges, &lines)
                    start = newline + 1
                } else if !atEnd {
                    pending.removeSubrange(..<start)
                    start = 0
                    if let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                        pending.append(contentsOf: chunk)
                    } else {
                        atEnd = true
                    }
                } else {
                    if start < pending.count { take(pending[start...], into: &bytes, &ranges, &lines) }
                    pending = []
                    start = 0
                    break
                }
            }
            guard !ranges.isEmpty else { return nil }
            var batch = RecordBatch(records: RawRecords(bytes: bytes, ranges: ranges), resumeAfter: nil, origin: path)
            batch.lineNumbers = lines
            return batch
        }

        /// Appends a line to the batch unless it is blank.
        private func take(_ line: ArraySlice<UInt8>, into bytes: inout [UInt8], _ ranges: inout [Range<Int>], _ lines: inout [Int]) {
            lineNumber += 1
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
            let begin = bytes.count
            bytes.append(contentsOf: line)
            ranges.append(begin..<bytes.count)
            lines.append(lineNumber)
        }
    }

    fileprivate static func readPageIfWhole(handle: FileHandle, head: Data, path: String, recordsKey: String) throws -> RecordBatch? {
        guard let first = head.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }), first == UInt8(ascii: "{") else {
            return nil
        }
        let bytes = [UInt8](try handle.readToEnd() ?? Data())
        let location: RecordsLocation
        do {
            location = try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in
                try JSONScanner.skimPage(buffer, recordsKey: recordsKey).records
            }
        } catch {
            // One object per line parses as NDJSON; a broken single page is reported there.
            try handle.seek(toOffset: 0)
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
