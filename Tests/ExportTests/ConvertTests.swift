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
