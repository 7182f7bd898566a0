import ActiveCampaign
@testable import Export
import Foundation
import Logging
import Parquet
import Testing

/// The pipeline fed from memory: types, files, manifest, checkpoints, resume, drift and debris.
@Suite struct PipelineTests {
    let logger = Logger(label: "test")

    func options(_ directory: String, _ endpoints: [String], date: String = "2026-11-29T10:00:00Z") -> ExportOptions {
        var o = ExportOptions(outputDirectory: directory, endpoints: endpoints.map { Endpoint.named($0)! },
                              anchorDate: ISO8601DateFormatter().date(from: "2025-01-01T00:00:00Z"))
        o.startedAt = ISO8601DateFormatter().date(from: date)!
        return o
    }

    func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ac-export-pipeline-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Every row of every committed file of an endpoint, as column name → value.
    func rows(_ directory: String, _ endpoint: String) throws -> [[String: ParquetValue]] {
        let manifest = try ManifestStore.decoder.decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/_manifest.json")))
        var result: [[String: ParquetValue]] = []
        for file in manifest.endpoints[endpoint]?.files ?? [] {
            let reader = try ParquetFileReader(path: directory + "/" + file.path)
            let columns = try reader.schema.columns.indices.map { try reader.readColumn($0) }
            for r in 0..<Int(reader.metadata.numRows) {
                result.append(Dictionary(uniqueKeysWithValues: reader.schema.columns.enumerated().map { ($1.name, columns[$0][r]) }))
            }
        }
        return result
    }

    static func contact(_ id: Int, udate: String = "2026-03-14T09:41:27-05:00", extra: String = "") -> String {
        """
        {"id":"\(id)","email":"p\(id)@example.org","phone":"","orgid":"0","bounced_date":\(id % 2 == 0 ? "\"0000-00-00\"" : "\"2024-03-14\""),\
        "cdate":"2026-01-20T09:28:02-06:00","udate":"\(udate)","created_utc_timestamp":"2026-01-20 09:28:02","email_empty":false,\
        "deleted":"0","ua":null,"scoreValues":[],"accountContacts":["\(id)","7"],"links":{"notes":"https:\\/\\/a.api-us1.com\\/api\\/3\\/contacts\\/\(id)\\/notes"},"name":"Zoë \\"Q\\" 日本"\(extra)}
        """
    }

    @Test func typesFollowTheDesignRules() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = ArraySource(pages: ["contacts": [(1...3).map { Self.contact($0) }]])
        let summary = try await ExportRun.run(options(dir, ["contacts"]), source: source, logger: logger)
        #expect(summary.succeeded)
        let manifest = try ManifestStore.read(directory: dir)
        let types = Dictionary(uniqueKeysWithValues: manifest.endpoints["contacts"]!.schema.columns.map { ($0.name, $0.type) })
        #expect(types["id"] == .int64 && types["orgid"] == .int64 && types["deleted"] == .int64)
        #expect(types["phone"] == .string && types["email"] == .string && types["name"] == .string)
        #expect(types["cdate"] == .timestampUTC && types["udate"] == .timestampUTC)
        // Zone-less, but documented as UTC (FieldKnowledge): a UTC timestamp of that wall time.
        #expect(types["created_utc_timestamp"] == .timestampUTCWallTime)
        #expect(types["bounced_date"] == .date)
        #expect(types["email_empty"] == .boolean)
        #expect(types["links__notes"] == .string && types["accountContacts"] == .string && types["scoreValues"] == .string)
        #expect(types["ua"] == .string)  // seen only as null
        let nullOnly = manifest.endpoints["contacts"]!.schema.columns.filter { $0.nullOnly == true }.map(\.name)
        #expect(nullOnly == ["ua"], "\(nullOnly)")
        let rows = try rows(dir, "contacts").sorted { $0["id"]!.description < $1["id"]!.description }
        #expect(rows.count == 3)
        #expect(rows[0]["id"] == .int64(1))
        #expect(rows[0]["udate"] == .int64(1_773_499_287_000_000))  // 2026-03-14T14:41:27Z
        #expect(rows[0]["created_utc_timestamp"] == .int64(1_768_901_282_000_000))  // 2026-01-20T09:28:02Z
        #expect(rows[1]["bounced_date"] == .null)  // MySQL zero date
        #expect(rows[0]["bounced_date"] == .int32(19_796))
        #expect(rows[0]["links__notes"]?.string == "https://a.api-us1.com/api/3/contacts/1/notes")
        #expect(rows[0]["accountContacts"]?.string == "[\"1\",\"7\"]")
        #expect(rows[0]["name"]?.string == "Zoë \"Q\" 日本")
        #expect(rows[0]["phone"]?.string == "")
        #expect(rows[0]["ua"] == .null)
        #expect(rows[0]["_run_id"]?.string == summary.runID)
        #expect(manifest.endpoints["contacts"]?.watermark == "2026-03-14T14:41:27Z")
        #expect(manifest.endpoints["contacts"]?.checkpoint == nil)
    }

    @Test func aFailedRunResumesFromItsLastCheckpointWithoutDuplicates() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pages = (0..<8).map { p in (0..<10).map { Self.contact(p * 10 + $0 + 1) } }
        var first = options(dir, ["contacts"])
        first.inferenceRows = 10
        first.checkpointInterval = .zero
        let failing = ArraySource(pages: ["contacts": pages], failAfterPages: 5)
        let failed = try await ExportRun.run(first, source: failing, logger: logger)
        #expect(!failed.succeeded)
        #expect(failed.results[0].error?.contains("simulated failure") == true)
        let afterFailure = try ManifestStore.read(directory: dir).endpoints["contacts"]!
        #expect(afterFailure.checkpoint?.resume == .offset(5))
        #expect(afterFailure.watermark == nil)  // never moved past uncommitted data
        #expect(try rows(dir, "contacts").count == 50)

        var second = options(dir, ["contacts"], date: "2026-11-29T11:00:00Z")
        second.inferenceRows = 10
        let resuming = ArraySource(pages: ["contacts": pages])
        let resumed = try await ExportRun.run(second, source: resuming, logger: logger)
        #expect(resumed.succeeded)
        #expect(resuming.requests.all.first?.1 == .offset(5))
        // The resumed run keeps the interrupted run's window.
        #expect(resuming.requests.all.first?.2 == failing.requests.all.first?.2)
        let ids = try rows(dir, "contacts").compactMap { if case .int64(let v)? = $0["id"] { v } else { nil } }
        #expect(ids.sorted() == (1...80).map(Int64.init))
        #expect(try ManifestStore.read(directory: dir).endpoints["contacts"]?.checkpoint == nil)
    }

    @Test func schemaDriftAcrossRunsWidensAndIsRecorded() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = ArraySource(pages: ["tags": [["{\"id\":\"1\",\"n\":\"5\"}", "{\"id\":\"2\",\"n\":\"6\"}"]]])
        _ = try await ExportRun.run(options(dir, ["tags"]), source: first, logger: logger)
        #expect(try ManifestStore.read(directory: dir).endpoints["tags"]?.schema.columns.map(\.type) == [.int64, .int64])
        let second = ArraySource(pages: ["tags": [["{\"id\":\"3\",\"n\":\"6.5\",\"color\":\"red\"}"]]])
        let run = try await ExportRun.run(options(dir, ["tags"], date: "2026-11-30T10:00:00Z"), source: second, logger: logger)
        let state = try ManifestStore.read(directory: dir).endpoints["tags"]!
        #expect(state.schema.columns.map(\.name) == ["id", "n", "color"])
        #expect(state.schema.columns.map(\.type) == [.int64, .double, .string])
        #expect(state.schemaHistory.contains { $0.column == "n" && $0.from == .int64 && $0.to == .double && $0.runID == run.runID })
        #expect(state.schemaHistory.contains { $0.column == "color" && $0.from == nil && $0.runID == run.runID })
        #expect(state.files.count == 2)
    }

    @Test func conflictingValueMidRunStartsANewFile() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var o = options(dir, ["tags"])
        o.inferenceRows = 2
        let source = ArraySource(pages: ["tags": [["{\"id\":\"1\"}", "{\"id\":\"2\"}"], ["{\"id\":\"x3\"}"]]])
        _ = try await ExportRun.run(o, source: source, logger: logger)
        let state = try ManifestStore.read(directory: dir).endpoints["tags"]!
        #expect(state.files.count == 2)
        #expect(state.schema.columns[0].type == .string)
        let ids = try rows(dir, "tags").map { $0["id"]!.description }.sorted()
        #expect(ids == ["1", "2", "x3"])  // text-equal to the source
    }

    @Test func aSecondSnapshotOnTheSameDateReplacesTheFirst() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = ArraySource(pages: ["tags": [["{\"id\":\"1\"}"]]])
        let first = try await ExportRun.run(options(dir, ["tags"]), source: source, logger: logger)
        let second = try await ExportRun.run(options(dir, ["tags"], date: "2026-11-29T18:00:00Z"), source: source, logger: logger)
        let files = try ManifestStore.read(directory: dir).endpoints["tags"]!.files
        #expect(files.count == 1 && files[0].runID == second.runID)
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: dir + "/tags/date=2026-11-29")
        #expect(onDisk == [(files[0].path as NSString).lastPathComponent])
        #expect(!onDisk.contains { $0.contains(first.runID) })
    }

    @Test func debrisOfACrashIsRemovedAndListedFilesKept() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = ArraySource(pages: ["tags": [["{\"id\":\"1\"}"]]])
        let first = try await ExportRun.run(options(dir, ["tags"]), source: source, logger: logger)
        let folder = dir + "/tags/date=2026-11-29"
        // A renamed part file of a run the manifest knows, killed before the manifest listed it, and a temporary.
        FileManager.default.createFile(atPath: folder + "/.part-\(first.runID)-00000.parquet.tmp", contents: Data("PAR1".utf8))
        FileManager.default.createFile(atPath: folder + "/part-\(first.runID)-00001.parquet", contents: Data("PAR1".utf8))
        _ = try await ExportRun.run(options(dir, ["tags"], date: "2026-11-30T10:00:00Z"), source: source, logger: logger)
        let left = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(!left.contains { $0.hasPrefix(".part-") || $0 == "part-\(first.runID)-00001.parquet" }, "\(left)")
        #expect(left.contains { $0.hasPrefix("part-\(first.runID)-00000") }, "the listed file must stay: \(left)")
    }

    /// A part file of a run the manifest never saw cannot be told from committed data: nothing is touched.
    @Test func aPartFileOfAnUnknownRunStopsTheRun() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = ArraySource(pages: ["tags": [["{\"id\":\"1\"}"]]])
        _ = try await ExportRun.run(options(dir, ["tags"]), source: source, logger: logger)
        let stranger = dir + "/tags/date=2026-11-29/part-20261101T000000Z-beef-00000.parquet"
        FileManager.default.createFile(atPath: stranger, contents: Data("PAR1".utf8))
        await #expect(throws: ManifestStore.Invalid.self) {
            _ = try await ExportRun.run(options(dir, ["users"], date: "2026-11-30T10:00:00Z"), source: source, logger: logger)
        }
        #expect(FileManager.default.fileExists(atPath: stranger))
    }

    @Test func aSecondRunOnTheSameFolderIsRefused() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let held = try OutputLock(directory: dir)
        await #expect(throws: OutputLock.Held.self) {
            _ = try await ExportRun.run(options(dir, ["tags"]), source: ArraySource(pages: [:]), logger: logger)
        }
        withExtendedLifetime(held) {}
        #expect(!FileManager.default.fileExists(atPath: dir + "/_manifest.json"))
    }

    @Test func aCorruptManifestIsRefusedAndLeftUntouched() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for bad in ["{\"version\":1,\"endpoints\":", "{\"version\":99}", "{\"version\":1,\"endpoints\":{\"tags\":{\"mode\":42}},\"runs\":[]}"] {
            try Data(bad.utf8).write(to: URL(fileURLWithPath: dir + "/_manifest.json"))
            await #expect(throws: ManifestStore.Invalid.self) {
                _ = try await ExportRun.run(options(dir, ["tags"]), source: ArraySource(pages: [:]), logger: logger)
            }
            #expect(try String(contentsOfFile: dir + "/_manifest.json", encoding: .utf8) == bad)
        }
    }
}

/// Findings of the first review, each with the test that would have caught it.
@Suite struct PipelineSafetyTests {
    let logger = Logger(label: "test")
    let base = PipelineTests()

    @Test func partFilesWithoutAManifestAreRefusedNotDeleted() async throws {
        let dir = try base.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try await ExportRun.run(base.options(dir, ["tags"]), source: ArraySource(pages: ["tags": [["{\"id\":\"1\"}"]]]), logger: logger)
        try FileManager.default.removeItem(atPath: dir + "/_manifest.json")
        let before = try FileManager.default.subpathsOfDirectory(atPath: dir + "/tags").filter { $0.hasSuffix(".parquet") }
        #expect(before.count == 1)
        await #expect(throws: ManifestStore.Invalid.self) {
            _ = try await ExportRun.run(base.options(dir, ["tags"]), source: ArraySource(pages: [:]), logger: logger)
        }
        #expect(try FileManager.default.subpathsOfDirectory(atPath: dir + "/tags").filter { $0.hasSuffix(".parquet") } == before)
    }

    @Test func anIntegerBeyondDoublePrecisionKeepsItsDigitsWhenTheColumnWidens() async throws {
        let dir = try base.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = ArraySource(pages: ["tags": [["{\"id\":\"1\",\"v\":\"9007199254740993\"}"], ["{\"id\":\"2\",\"v\":\"1.5\"}"]]])
        _ = try await ExportRun.run(base.options(dir, ["tags"]), source: source, logger: logger)
        let values = try base.rows(dir, "tags").map { $0["v"]?.description }.sorted { ($0 ?? "") < ($1 ?? "") }
        #expect(values == ["1.5", "9007199254740993"])
        #expect(try ManifestStore.read(directory: dir).endpoints["tags"]?.schema.columns.first { $0.name == "v" }?.type == .string)
    }

    @Test func anOffsetPagedEndpointResumesFromTheStartSkippingCommittedIDs() async throws {
        let dir = try base.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pages = (0..<6).map { p in (0..<5).map { "{\"id\":\"\(p * 5 + $0 + 1)\",\"mdate\":\"2026-05-01T10:00:00-05:00\"}" } }
        var first = base.options(dir, ["deals"])
        first.inferenceRows = 5
        first.checkpointInterval = .zero
        let failed = try await ExportRun.run(first, source: ArraySource(pages: ["deals": pages], failAfterPages: 3), logger: logger)
        #expect(!failed.succeeded)
        let resuming = ArraySource(pages: ["deals": pages])
        var second = base.options(dir, ["deals"], date: "2026-11-29T12:00:00Z")
        second.inferenceRows = 5
        #expect(try await ExportRun.run(second, source: resuming, logger: logger).succeeded)
        #expect(resuming.requests.all.first?.1 == nil)  // paged again from offset 0
        let ids = try base.rows(dir, "deals").compactMap { if case .int64(let v)? = $0["id"] { v } else { nil } }
        #expect(ids.sorted() == (1...30).map(Int64.init))
    }

    @Test func anUnfinishedSnapshotIsNeverVisibleBesideTheOldOne() async throws {
        let dir = try base.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pages = (0..<4).map { p in (0..<5).map { "{\"id\":\"\(p * 5 + $0 + 1)\"}" } }
        var options = base.options(dir, ["tags"])
        options.inferenceRows = 5
        options.checkpointInterval = .zero
        let complete = try await ExportRun.run(options, source: ArraySource(pages: ["tags": pages]), logger: logger)
        let visible = { try FileManager.default.subpathsOfDirectory(atPath: dir + "/tags").filter { $0.hasSuffix(".parquet") }.sorted() }
        let firstSnapshot = try visible()
        #expect(firstSnapshot.count > 1 && firstSnapshot.allSatisfy { $0.contains(complete.runID) })
        // The second snapshot of the day fails half-way: readers still see exactly the first one.
        let failed = try await ExportRun.run(options, source: ArraySource(pages: ["tags": pages], failAfterPages: 2), logger: logger)
        #expect(!failed.succeeded)
        #expect(try visible() == firstSnapshot)
        // The next run resumes it and publishes the whole new snapshot in place of the old one.
        let finished = try await ExportRun.run(options, source: ArraySource(pages: ["tags": pages]), logger: logger)
        #expect(finished.succeeded)
        let final = try visible()
        #expect(final.count > 1 && !final.contains { $0.contains(complete.runID) })
        let ids = try base.rows(dir, "tags").map { $0["id"]!.description }
        #expect(ids.count == 20 && Set(ids).count == 20)
        let staged = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/_staging/tags/date=2026-11-29")) ?? []
        #expect(staged.isEmpty)
    }
}
