import ActiveCampaign
import Export
import Foundation
import Logging
import Parquet
import JSON

/// The checks of the fuzzer (README.md, section 'Reliability'). Per input, against independent readers:
/// - the page skimmer accepts every page the strict tree parser accepts, with the same records and ids;
/// - the record shredder rejects a record exactly when the strict value walker does, and never traps.
/// Per session of inputs, the whole pipeline (schema inference, widening, column conversion, part files)
/// exports every valid record once, and every file it commits reads back.
public struct FuzzHarness: Sendable {
    public struct Tally: Sendable, CustomStringConvertible {
        public var inputs = 0
        public var pagesRejected = 0
        public var recordsInvalid = 0
        public var recordsNotObjects = 0
        public var recordsExported = 0
        public var sessions = 0
        public var files = 0

        public init() {}

        public var description: String {
            "\(inputs) inputs: \(pagesRejected) pages not JSON, \(recordsInvalid) records not JSON, \(recordsNotObjects) not objects, "
                + "\(recordsExported) records exported in \(sessions) runs to \(files) files"
        }

        /// Whether the inputs reached every path (else the run proves little).
        public var reachedEveryPath: Bool {
            pagesRejected > 0 && recordsInvalid > 0 && recordsNotObjects > 0 && recordsExported > 0 && files > 0
        }

        public mutating func add(_ other: Tally) {
            inputs += other.inputs
            pagesRejected += other.pagesRejected
            recordsInvalid += other.recordsInvalid
            recordsNotObjects += other.recordsNotObjects
            recordsExported += other.recordsExported
            sessions += other.sessions
            files += other.files
        }
    }

    public private(set) var tally = Tally()
    /// What went wrong, in the words of the check that failed (the first few; `failureCount` counts all).
    public private(set) var failures: [String] = []
    public private(set) var failureCount = 0
    private var batches: [RecordBatch] = []
    private var expectedRows = 0
    let directory: String

    /// `directory`: where sessions export (emptied after each).
    public init(directory: String) {
        self.directory = directory
    }

    private mutating func fail(_ message: @autoclosure () -> String) {
        failureCount += 1
        if failures.count < 20 { failures.append(message()) }
    }

    /// The decoder and the shredder on one input; its records join the current session.
    public mutating func check(_ bytes: [UInt8], recordsKey: String, label: String) {
        tally.inputs += 1
        let tree = try? JSONParser.parse(bytes)
        let skim = try? bytes.withUnsafeBufferPointer { try JSONScanner.skimPage($0, recordsKey: recordsKey) }
        guard let skim else {
            // A page is an object. The tree parser stops at 512 levels, the skimmer has no limit: it may accept
            // more, never less.
            if case .object? = tree { fail("\(label): the skimmer rejects a page the tree parser reads") }
            tally.pagesRejected += 1
            return
        }
        guard case .array(let ranges) = skim.records else { return }
        if case .object(let root)? = tree {
            guard case .array(let elements)? = root[recordsKey] else {
                return fail("\(label): the skimmer finds records the tree parser does not")
            }
            if elements.count != ranges.count { fail("\(label): \(ranges.count) records skimmed, \(elements.count) parsed") }
            if skim.recordIDs != elements.map(Self.integerID) { fail("\(label): skimmed ids differ from parsed ones") }
        }
        let records = RawRecords(bytes: bytes, ranges: ranges)
        let nonObjects = Set(records.nonObjectIndices())
        var kept: [Int] = []
        for index in ranges.indices {
            if nonObjects.contains(index) {
                tally.recordsNotObjects += 1
                kept.append(index)
                continue
            }
            let valid = Self.isValidJSON(bytes, ranges[index])
            var shredder = RecordShredder()
            let shredded = (try? shredder.shred(records.subset([index]))) != nil
            if shredded != valid {
                fail("\(label): record \(index) is \(valid ? "" : "not ")JSON but the shredder \(shredded ? "took" : "rejected") it")
            }
            if valid && shredded {
                kept.append(index)
                expectedRows += 1
            } else {
                tally.recordsInvalid += 1
            }
        }
        batches.append(RecordBatch(records: records.subset(kept), resumeAfter: nil, origin: label))
    }

    /// Exports the session's records through the whole pipeline and reads every committed file back.
    /// `widening`: column types are fixed after 200 records, so later ones widen them mid-run, each widening
    /// starting a new file (fuzzed records bring new fields all the time: many files, the costly part); else
    /// the whole session is the inference chunk and makes one file.
    public mutating func exportSession(widening: Bool) async throws {
        guard !batches.isEmpty else { return }
        let origins = "\(batches.first!.origin)…\(batches.last!.origin)"
        let expected = expectedRows
        defer {
            batches.removeAll()
            expectedRows = 0
            try? FileManager.default.removeItem(atPath: directory)
        }
        var options = ExportOptions(outputDirectory: directory, endpoints: [Endpoint.named("tags")!])
        options.inferenceRows = widening ? 200 : expected + 1
        options.writerProperties.rowGroupRowLimit = 1_000  // and several pages and row groups per file
        options.writerProperties.dataPageRowLimit = 200
        options.writerProperties.compression = .uncompressed  // zlib sees bytes, not JSON: fuzzed elsewhere
        let silent = Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() })
        let summary = try await ExportRun.run(options, source: FuzzSource(batches: batches), logger: silent)
        guard let result = summary.results.first, result.status == .succeeded else {
            return fail("a session failed: \(summary.results.first?.error ?? "no result") (inputs \(origins))")
        }
        var rowsRead = 0
        for path in try Self.committedFiles(in: directory, endpoint: "tags") {
            let reader = try ParquetFileReader(path: directory + "/" + path)
            for column in reader.schema.columns.indices {
                let values = try reader.readColumn(column)
                if values.count != Int(reader.metadata.numRows) { fail("\(path): column \(column) has \(values.count) of \(reader.metadata.numRows) values") }
            }
            rowsRead += Int(reader.metadata.numRows)
            tally.files += 1
        }
        if rowsRead != expected { fail("a session exported \(rowsRead) rows of \(expected) valid records (inputs \(origins))") }
        tally.recordsExported += rowsRead
        tally.sessions += 1
    }

    /// The files of `endpoint` in the manifest (read as plain JSON: the fuzzer checks, it does not trust).
    static func committedFiles(in directory: String, endpoint: String) throws -> [String] {
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/_manifest.json")))
        let endpoints = (manifest as? [String: Any])?["endpoints"] as? [String: Any]
        let files = (endpoints?[endpoint] as? [String: Any])?["files"] as? [[String: Any]] ?? []
        return files.compactMap { $0["path"] as? String }
    }

    /// The strict walker over one record: valid JSON exactly filling `range`.
    static func isValidJSON(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(bytes: UnsafeBufferPointer(rebasing: buffer[..<range.upperBound]), index: range.lowerBound)
            do throws(JSONParseError) {
                try scanner.skipValue()
                scanner.skipWhitespace()
                return scanner.isAtEnd
            } catch {
                return false
            }
        }
    }

    /// The id is a string on the wire; a number is tolerated.
    static func integerID(_ value: JSONValue) -> Int64? {
        guard case .object(let object) = value else { return nil }
        switch object["id"] {
        case .string(let text)?: return Int64(text)
        case .number(let text)?: return Int64(text)
        default: return nil
        }
    }
}

/// The session's batches, as one endpoint's only pages.
private struct FuzzSource: RecordSource {
    let batches: [RecordBatch]

    func batches(for endpoint: Endpoint, window: IncrementalWindow?, resumeFrom: ResumePoint?) -> AsyncStream<RecordBatch> {
        AsyncStream { continuation in
            for batch in batches { continuation.yield(batch) }
            continuation.finish()
        }
    }
}
