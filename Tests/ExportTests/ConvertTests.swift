import ActiveCampaign
import ActiveCampaignMock
@testable import Export
import Foundation
import Logging
import Synchronization
import Testing
import JSON

/// `convert`: saved API pages and NDJSON go through the same pipeline into the same layout.
@Suite struct ConvertTests {
    let logger = Logger(label: "test")

    func convert(_ inputs: [String], endpoint: String, to lake: String) async throws -> ExportSummary {
        var options = ExportOptions(outputDirectory: lake, endpoints: [Endpoint.named(endpoint)!], anchorDate: Date(timeIntervalSince1970: 0))
        options.inferenceRows = 120  // several files' worth of checkpoints in a small input
        return try await ExportRun.run(options, source: SavedPagesSource(inputs: inputs), logger: logger)
    }

    @Test func pageFilesAndNDJSONGiveEveryRecordExactlyOnce() async throws {
        let work = try LakeHarness.temporaryDirectory("convert")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let dataset = MockDataset(configuration: MockConfiguration(seed: 5, contacts: 350, deals: 100))
        try FileManager.default.createDirectory(atPath: work + "/pages", withIntermediateDirectories: true)
        var ndjson = Data()
        for offset in stride(from: 0, to: 350, by: 100) {
            try Data(dataset.pageJSON(path: "contacts", offset: offset, limit: 100)).write(to: URL(fileURLWithPath: work + "/pages/page-\(offset / 100).json"))
        }
        for index in 0..<350 {
            ndjson.append(contentsOf: dataset.recordJSON(path: "contacts", index: index))
            ndjson.append(0x0A)
        }
        try ndjson.write(to: URL(fileURLWithPath: work + "/contacts.ndjson"))
        try FileManager.default.createDirectory(atPath: work + "/source", withIntermediateDirectories: true)
        try ndjson.write(to: URL(fileURLWithPath: work + "/source/contacts.ndjson"))

        let fromPages = try await convert([work + "/pages"], endpoint: "contacts", to: work + "/lake-pages")
        let fromNDJSON = try await convert([work + "/contacts.ndjson"], endpoint: "contacts", to: work + "/lake-ndjson")
        #expect(fromPages.succeeded && fromNDJSON.succeeded)
        #expect(fromPages.results[0].rows == 350 && fromNDJSON.results[0].rows == 350)
        try LakeHarness.check(lake: work + "/lake-pages", source: work + "/source")
        try LakeHarness.check(lake: work + "/lake-ndjson", source: work + "/source")
    }

    /// The CLI hands freed memory back when an endpoint lets go of its inference chunk and of each committed part
    /// file: the exporter calls the hook once for each.
    @Test func freedMemoryIsReleasedAfterTheInferenceChunkAndEveryCommit() async throws {
        let work = try LakeHarness.temporaryDirectory("convert-release")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let dataset = MockDataset(configuration: MockConfiguration(seed: 5, contacts: 1_000, deals: 0))
        try FileManager.default.createDirectory(atPath: work + "/pages", withIntermediateDirectories: true)
        for offset in stride(from: 0, to: 1_000, by: 100) {
            try Data(dataset.pageJSON(path: "contacts", offset: offset, limit: 100)).write(to: URL(fileURLWithPath: work + "/pages/page-\(offset / 100).json"))
        }
        let releases = Mutex(0)
        var options = ExportOptions(outputDirectory: work + "/lake", endpoints: [Endpoint.named("contacts")!], anchorDate: Date(timeIntervalSince1970: 0))
        options.checkpointInterval = .zero  // the types fixed by the first page, then a commit after every page
        options.releaseFreedMemory = { releases.withLock { $0 += 1 } }
        let summary = try await ExportRun.run(options, source: SavedPagesSource(inputs: [work + "/pages"]), logger: logger)
        #expect(summary.succeeded && summary.results[0].rows == 1_000)
        let files = summary.results[0].files
        #expect(files == 10)
        // Once the next page is being read: after every commit (the first also ends the inference chunk) but the
        // last, which ends the endpoint.
        #expect(releases.withLock { $0 } == files - 1)
    }

    /// fixtures/*-page.json: responses exactly as the mock serves them (PHP escapes, \u-escaped text).
    @Test func recordedPageFixturesConvertLosslessly() async throws {
        let work = try LakeHarness.temporaryDirectory("convert-fixtures")
        defer { try? FileManager.default.removeItem(atPath: work) }
        try FileManager.default.createDirectory(atPath: work + "/source", withIntermediateDirectories: true)
        for (endpoint, file) in [("contacts", "contacts-page.json"), ("deals", "deals-page.json")] {
            let path = LakeHarness.repositoryRoot.appendingPathComponent("fixtures/" + file).path
            guard case .object(let page) = try JSONParser.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))),
                  case .array(let records)? = page[endpoint] else { Issue.record("\(file) is not a page"); continue }
            try Data(records.map(\.compactText).joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: work + "/source/\(endpoint).ndjson"))
            let summary = try await convert([path], endpoint: endpoint, to: work + "/lake")
            #expect(summary.succeeded && summary.results[0].rows == records.count)
        }
        try LakeHarness.check(lake: work + "/lake", source: work + "/source")
    }

    /// Records per input file as the source hands them out.
    func recordsPerFile(_ inputs: [String], batchSize: Int = 1000, afterFirstBatch: () throws -> Void = {}) async throws -> [String: Int] {
        var source = SavedPagesSource(inputs: inputs)
        source.batchSize = batchSize
        var counts: [String: Int] = [:]
        var iterator = source.batches(for: Endpoint.named("contacts")!, window: nil, resumeFrom: nil).makeAsyncIterator()
        var first = true
        while let batch = try await iterator.next() {
            counts[(batch.origin as NSString).lastPathComponent, default: 0] += batch.records.ranges.count
            if first { try afterFirstBatch() }
            first = false
        }
        return counts
    }

    /// A file is one page (on one line or pretty-printed, with or without blank lines after it) or NDJSON (blank lines,
    /// CRLF and a first line longer than a read chunk included), told apart by its first line.
    @Test func pagesAndNDJSONAreToldApartByTheirFirstLine() async throws {
        let work = try LakeHarness.temporaryDirectory("convert-shapes")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let dataset = MockDataset(configuration: MockConfiguration(seed: 3, contacts: 40, deals: 0))
        let page = try JSONParser.parse(dataset.pageJSON(path: "contacts", offset: 0, limit: 30))
        let pretty = try JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: Data(page.compactText.utf8)), options: .prettyPrinted)
        let records = (0..<40).map { String(decoding: dataset.recordJSON(path: "contacts", index: $0), as: UTF8.self) }
        let longRecord = "{\"id\":\"99\",\"note\":\"" + String(repeating: "n", count: 3 << 20) + "\"}"
        let files: [(name: String, text: String, records: Int)] = [
            ("a-page.json", page.compactText, 30),
            ("b-page-newlines.json", page.compactText + "\n\n \r\n", 30),
            ("c-page-pretty.json", String(decoding: pretty, as: UTF8.self), 30),
            ("d-one-record.json", records[0] + "\n", 1),
            ("e-lines.ndjson", "\n\r\n" + records.joined(separator: "\r\n") + "\r\n", 40),
            ("f-long-first-line.ndjson", ([longRecord] + records).joined(separator: "\n"), 41),
        ]
        for file in files { try Data(file.text.utf8).write(to: URL(fileURLWithPath: work + "/" + file.name)) }
        let counts = try await recordsPerFile([work])
        #expect(counts == Dictionary(uniqueKeysWithValues: files.map { ($0.name, $0.records) }))
    }

    /// A UTF-8 byte-order mark (Windows tools write one) is read past: before a saved page, before NDJSON, and at the
    /// start of a line of files concatenated with `cat`. Every record is stored, none skipped as "not an object".
    @Test func aByteOrderMarkIsReadPast() async throws {
        let work = try LakeHarness.temporaryDirectory("convert-bom")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let dataset = MockDataset(configuration: MockConfiguration(seed: 4, contacts: 60, deals: 0))
        let mark: [UInt8] = [0xEF, 0xBB, 0xBF]
        func lines(_ indices: Range<Int>) -> [UInt8] { indices.flatMap { dataset.recordJSON(path: "contacts", index: $0) + [0x0A] } }
        let files: [(name: String, bytes: [UInt8])] = [
            ("a-page.json", mark + dataset.pageJSON(path: "contacts", offset: 0, limit: 20)),
            ("b-lines.ndjson", mark + lines(30..<35)),
            ("c-concatenated.ndjson", lines(35..<40) + mark + lines(40..<60)),
        ]
        try FileManager.default.createDirectory(atPath: work + "/in", withIntermediateDirectories: true)
        for file in files { try Data(file.bytes).write(to: URL(fileURLWithPath: work + "/in/" + file.name)) }
        let summary = try await convert([work + "/in"], endpoint: "contacts", to: work + "/lake")
        #expect(summary.succeeded)
        #expect(summary.results[0].rows == 20 + 30)
        #expect(summary.results[0].completeness?.skipped == 0)
    }

    /// Pages saved one per line (responses appended with `curl -w '\n' >>`) are read as pages: their records become
    /// rows. Before, each page was taken for one record: seven pages, seven rows. The file is larger than the reader's
    /// 1 MiB chunks, so pages span chunks; lines end in LF or CRLF, one page is empty, one starts with a byte-order
    /// mark, and the last line has no line feed.
    @Test func pagesOnePerLineAreReadAsPages() async throws {
        let work = try LakeHarness.temporaryDirectory("convert-page-lines")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let dataset = MockDataset(configuration: MockConfiguration(seed: 6, contacts: 650, deals: 0))
        var lines: [UInt8] = []
        for offset in stride(from: 0, to: 650, by: 100) {
            if offset == 100 { lines += [0xEF, 0xBB, 0xBF] }  // a page saved by a Windows tool
            if offset == 300 { lines += Array(#"{"contacts":[],"meta":{"total":"0"}}"#.utf8) + [0x0D, 0x0A] }
            lines += dataset.pageJSON(path: "contacts", offset: offset, limit: 100) + (offset == 600 ? [] : offset % 200 == 0 ? [0x0D, 0x0A] : [0x0A, 0x0A])
        }
        #expect(lines.count > 1 << 20)
        try Data(lines).write(to: URL(fileURLWithPath: work + "/pages.ndjson"))
        try FileManager.default.createDirectory(atPath: work + "/source", withIntermediateDirectories: true)
        let records: [UInt8] = (0..<650).flatMap { dataset.recordJSON(path: "contacts", index: $0) + [0x0A] }
        try Data(records).write(to: URL(fileURLWithPath: work + "/source/contacts.ndjson"))
        let summary = try await convert([work + "/pages.ndjson"], endpoint: "contacts", to: work + "/lake")
        #expect(summary.succeeded)
        #expect(summary.results[0].rows == 650)
        try LakeHarness.check(lake: work + "/lake", source: work + "/source")
    }

    /// Page files put together with `cat` (the API's responses end without a line feed, so the pages share one line)
    /// are read a page at a time: two pages (less than the reader's first chunk) and seven (more than a MiB without a
    /// line feed), with and without a final line feed. Before, the file was read whole and failed as one bad line.
    @Test(arguments: [(2, false), (2, true), (7, false), (7, true)])
    func pagesPutTogetherWithCatAreReadAsPages(pages: Int, finalLineFeed: Bool) async throws {
        let work = try LakeHarness.temporaryDirectory("convert-cat")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let contacts = pages * 100
        let dataset = MockDataset(configuration: MockConfiguration(seed: 6, contacts: contacts, deals: 0))
        let bytes: [UInt8] = (0..<pages).flatMap { dataset.pageJSON(path: "contacts", offset: $0 * 100, limit: 100) } + (finalLineFeed ? [0x0A] : [])
        #expect((bytes.count > 1 << 20) == (pages == 7))
        try Data(bytes).write(to: URL(fileURLWithPath: work + "/all.json"))
        try FileManager.default.createDirectory(atPath: work + "/source", withIntermediateDirectories: true)
        let records: [UInt8] = (0..<contacts).flatMap { dataset.recordJSON(path: "contacts", index: $0) + [0x0A] }
        try Data(records).write(to: URL(fileURLWithPath: work + "/source/contacts.ndjson"))
        let summary = try await convert([work + "/all.json"], endpoint: "contacts", to: work + "/lake")
        #expect(summary.succeeded, "\(summary.results.map { $0.error ?? "-" })")
        #expect(summary.results[0].rows == contacts)
        try LakeHarness.check(lake: work + "/lake", source: work + "/source")
    }

    /// A page cut by the end of one of the reader's reads (at 2 MiB into the file) right inside a `\u` escape is read
    /// on, not taken for broken JSON: there the scan fails before the end of what was read, unlike most cuts.
    @Test func aPageCutInsideAnEscapeByARead() async throws {
        let work = try LakeHarness.temporaryDirectory("convert-cut-escape")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let escapes = String(repeating: #"\u00e9"#, count: 500)
        let body: [UInt8] = (0..<8).flatMap { page in
            Array(("{\"contacts\":[" + (0..<100).map { "{\"id\":\"\(page * 100 + $0 + 1)\",\"firstName\":\"\(escapes)\"}" }.joined(separator: ",")
                + "],\"meta\":{\"total\":\"800\"}}").utf8)
        }
        // Blanks before the first page put the read boundary right after a `\u0`.
        let boundary = 2 << 20
        var shift = 0
        while !(body[boundary - shift - 3] == UInt8(ascii: "\\") && body[boundary - shift - 2] == UInt8(ascii: "u")) { shift += 1 }
        try Data(Array(repeating: 0x20, count: shift) + body).write(to: URL(fileURLWithPath: work + "/all.json"))
        let summary = try await convert([work + "/all.json"], endpoint: "contacts", to: work + "/lake")
        #expect(summary.succeeded, "\(summary.results.map { $0.error ?? "-" })")
        #expect(summary.results[0].rows == 800)
    }

    /// A page of another endpoint, converted with the wrong `--endpoint`, is refused with the endpoint it belongs to,
    /// whether saved alone or one per line, and nothing is committed. Before, each page became one row of the wrong
    /// table and the conversion succeeded.
    @Test(arguments: ["page.json", "pages.ndjson"])
    func aPageOfAnotherEndpointIsRefused(file: String) async throws {
        let work = try LakeHarness.temporaryDirectory("convert-wrong-endpoint")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let dataset = MockDataset(configuration: MockConfiguration(seed: 6, contacts: 200, deals: 0))
        let pages = file.hasSuffix(".json") ? [0] : [0, 100]
        let bytes: [UInt8] = pages.flatMap { dataset.pageJSON(path: "contacts", offset: $0, limit: 100) + [0x0A] }
        try Data(bytes).write(to: URL(fileURLWithPath: work + "/" + file))
        let summary = try await convert([work + "/" + file], endpoint: "deals", to: work + "/lake")
        #expect(!summary.succeeded)
        let error = summary.results[0].error ?? ""
        #expect(error.contains("\(file)\(pages.count > 1 ? " line 1" : ""): is a page of another endpoint"), "\(error)")
        #expect(error.contains("it holds 'contacts' (--endpoint contacts) but no 'deals' list"), "\(error)")
        #expect(try ManifestStore.read(directory: work + "/lake").endpoints["deals"]?.files.isEmpty ?? true)
    }

    /// An error body of the API saved in place of a page (a `curl` that got a 403) is refused with what it says, not
    /// converted into a row of its message.
    @Test func anErrorResponseIsRefused() async throws {
        let work = try LakeHarness.temporaryDirectory("convert-error-body")
        defer { try? FileManager.default.removeItem(atPath: work) }
        try Data(#"{"errors":[{"title":"Forbidden","detail":"The API key is invalid"}]}"#.utf8).write(to: URL(fileURLWithPath: work + "/page.json"))
        let summary = try await convert([work + "/page.json"], endpoint: "contacts", to: work + "/lake")
        #expect(!summary.succeeded)
        let error = summary.results[0].error ?? ""
        #expect(error.contains("page.json: is an error response of the API, not a page (it says: Forbidden: The API key is invalid)"), "\(error)")
    }

    /// In a file whose first value is a page, a value that is not one is an error naming it, not a record.
    @Test func aRecordAmongPageLinesIsRefused() async throws {
        let work = try LakeHarness.temporaryDirectory("convert-mixed-lines")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let dataset = MockDataset(configuration: MockConfiguration(seed: 6, contacts: 200, deals: 0))
        let bytes: [UInt8] = dataset.pageJSON(path: "contacts", offset: 0, limit: 100) + [0x0A]
            + dataset.recordJSON(path: "contacts", index: 150) + [0x0A]
        try Data(bytes).write(to: URL(fileURLWithPath: work + "/mixed.ndjson"))
        let summary = try await convert([work + "/mixed.ndjson"], endpoint: "contacts", to: work + "/lake")
        #expect(!summary.succeeded)
        let error = summary.results[0].error ?? ""
        #expect(error.contains("mixed.ndjson page 2: has no 'contacts' list, but the file's first value is a page"), "\(error)")
    }

    /// NDJSON of any size is read a chunk at a time, never whole: from a named pipe whose writer holds back its last
    /// line until the first batch has arrived, a reader waiting for the end of the file before its first batch (and
    /// so holding the whole file at once) would get nothing until the writer gave up. So is a file whose first line is
    /// not JSON (two records on one line): it cannot be a page, and its reader names the line; and one whose first
    /// line starts with a byte-order mark.
    @Test(arguments: ["{\"id\":\"first\"}", "\u{FEFF}{\"id\":\"first\"}", "{\"id\":\"first\"}{\"id\":\"second\"}"])
    func ndjsonIsReadAChunkAtATime(firstLine: String) async throws {
        let work = try LakeHarness.temporaryDirectory("convert-chunks")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let path = work + "/contacts.ndjson"
        try #require(mkfifo(path, 0o600) == 0)
        signal(SIGPIPE, SIG_IGN)  // a reader that fails closes the pipe: the writer must get EPIPE, not end the process
        let padding = String(repeating: "x", count: 1_000)
        let lines = Data(([firstLine] + (1..<3_000).map { "{\"id\":\"\($0)\",\"note\":\"\(padding)\"}" }).map { $0 + "\n" }.joined().utf8)
        let firstBatch = DispatchSemaphore(value: 0)
        let writerDone = DispatchSemaphore(value: 0)
        let firstBatchCameBeforeTheEnd = Mutex(false)
        Thread.detachNewThread {
            defer { writerDone.signal() }
            guard let pipe = FileHandle(forWritingAtPath: path) else { return }  // waits for the reader to open it
            try? pipe.write(contentsOf: lines)
            let arrived = firstBatch.wait(timeout: .now() + 30) == .success
            firstBatchCameBeforeTheEnd.withLock { $0 = arrived }
            try? pipe.write(contentsOf: Data("{\"id\":\"3000\"}\n".utf8))
            try? pipe.close()
        }
        let counts = try await recordsPerFile([path], batchSize: 10) { firstBatch.signal() }
        #expect(writerDone.wait(timeout: .now() + 60) == .success)
        #expect(firstBatchCameBeforeTheEnd.withLock { $0 })
        #expect(counts == ["contacts.ndjson": 3_001])
    }

    @Test func aBrokenLineIsReportedWithItsFileAndLine() async throws {
        let work = try LakeHarness.temporaryDirectory("convert-bad")
        defer { try? FileManager.default.removeItem(atPath: work) }
        try Data("{\"id\":\"1\"}\n{\"id\":\"2\"\n".utf8).write(to: URL(fileURLWithPath: work + "/bad.ndjson"))
        let summary = try await convert([work + "/bad.ndjson"], endpoint: "tags", to: work + "/lake")
        #expect(!summary.succeeded)
        #expect(summary.results[0].error?.contains("bad.ndjson line 2 is not valid JSON") == true)
        #expect(try ManifestStore.read(directory: work + "/lake").endpoints["tags"]?.files.isEmpty ?? true)
    }
}
