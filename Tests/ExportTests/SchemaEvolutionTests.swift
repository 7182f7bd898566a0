import ActiveCampaign
@testable import Export
import Foundation
import Logging
import Parquet
import Testing

/// After a column widens, every file of the endpoint has the widened type: the folder stays one dataset for
/// every engine. New columns need the reader options the README names; each is run here.
@Suite struct SchemaEvolutionTests {
    func convert(_ records: [String], into lake: String, folder: String, name: String) async throws {
        let page = folder + "/\(name).json"
        try #"{"contacts":[\#(records.joined(separator: ","))],"meta":{"total":"\#(records.count)"}}"#.write(toFile: page, atomically: true, encoding: .utf8)
        let (status, output) = try await LakeHarness.run(LakeHarness.cli, ["convert", "--endpoint", "contacts", "--out", lake, "--quiet", page])
        #expect(status == 0, "\(output)")
    }

    func checkWithEngines(_ lake: String, expected: [String: [String: String?]], mode: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let expectedPath = lake + "-expected.json"
        let object = expected.mapValues { $0.mapValues { $0 as Any? ?? NSNull() } }
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: expectedPath))
        let (status, output) = try await LakeHarness.run(
            LakeHarness.python, [LakeHarness.repositoryRoot.appendingPathComponent("Tests/Interop/check_schema_evolution.py").path, lake, "contacts", expectedPath, mode])
        #expect(status == 0, "\(output)", sourceLocation: sourceLocation)
    }

    /// The types of `column` in every file of the endpoint.
    func types(of column: String, in lake: String) throws -> [ColumnType] {
        try ManifestStore.read(directory: lake).endpoints["contacts"]!.files.compactMap { file in
            try ParquetFileReader(path: lake + "/" + file.path).schema.columns.first { $0.name == column }?.type
        }
    }

    /// The field-knowledge table types documented fields the same everywhere (an id null in every record is still
    /// INT64; a zone-less `*_utc_timestamp` is UTC), and a column null in every record is typed by its first value,
    /// with the files written before it rewritten: one type per column, read by DuckDB, polars and pyarrow as one.
    @Test func knownFieldsKeepTheirDocumentedTypeAndNullOnlyColumnsAreTypedByTheirFirstValue() async throws {
        let folder = try LakeHarness.temporaryDirectory("field-knowledge")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let lake = folder + "/lake"
        try await convert([
            #"{"id":"1","organization":null,"account":null,"mystery":null,"created_utc_timestamp":"2024-03-14 09:41:27"}"#,
            #"{"id":"2","organization":null,"account":null,"mystery":null,"created_utc_timestamp":"0000-00-00 00:00:00"}"#,
        ], into: lake, folder: folder, name: "nulls")
        var columns = try ManifestStore.read(directory: lake).endpoints["contacts"]!.schema.columns
        #expect(columns.first { $0.name == "organization" }?.type == .int64 && columns.first { $0.name == "account" }?.type == .int64)
        #expect(columns.first { $0.name == "created_utc_timestamp" }?.type == .timestampUTCWallTime)
        #expect(columns.filter { $0.nullOnly == true }.map(\.name) == ["mystery"])

        try await convert([
            #"{"id":"3","organization":"7","account":"9","mystery":"2024-05-01","created_utc_timestamp":"2024-06-01 00:00:00"}"#,
        ], into: lake, folder: folder, name: "values")
        columns = try ManifestStore.read(directory: lake).endpoints["contacts"]!.schema.columns
        #expect(columns.first { $0.name == "mystery" }.map { ($0.type, $0.nullOnly) } ?? (.string, nil) == (.date, nil))
        #expect(try types(of: "mystery", in: lake) == [.date, .date], "the null-only file must be rewritten with the new type")
        #expect(try types(of: "organization", in: lake) == [.int64, .int64])
        #expect(try types(of: "created_utc_timestamp", in: lake) == [.timestampMicros(adjustedToUTC: true), .timestampMicros(adjustedToUTC: true)])
        try await checkWithEngines(lake, expected: [
            "1": ["organization": nil, "mystery": nil, "created_utc_timestamp": "2024-03-14 09:41:27+00:00"],
            "2": ["organization": nil, "mystery": nil, "created_utc_timestamp": nil],
            "3": ["organization": "7", "mystery": "2024-05-01", "created_utc_timestamp": "2024-06-01 00:00:00+00:00"],
        ], mode: "widened")
    }

    @Test func widenedColumnsRewriteEarlierFilesAndNewColumnsReadWithTheDocumentedOptions() async throws {
        let folder = try LakeHarness.temporaryDirectory("schema-evolution")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let lake = folder + "/lake"
        try await convert([
            #"{"id":"1","organization":"12","score":"3","seen":"2024-03-14 09:41:27"}"#,
            #"{"id":"2","organization":"13","score":"4","seen":"2024-03-15 10:00:00"}"#,
        ], into: lake, folder: folder, name: "narrow")
        #expect(try types(of: "organization", in: lake) == [.int64])

        try await convert([
            #"{"id":"3","organization":"Acme","score":"2.5","seen":"soon"}"#,
        ], into: lake, folder: folder, name: "wide")
        #expect(try types(of: "organization", in: lake) == [.string, .string])
        #expect(try types(of: "score", in: lake) == [.double, .double])
        #expect(try types(of: "seen", in: lake) == [.string, .string])
        let state = try ManifestStore.read(directory: lake).endpoints["contacts"]!
        #expect(state.rewrites?.count == 1 && state.rewrites?.first?.reason.contains("organization") == true, "\(String(describing: state.rewrites))")
        let onDisk = (FileManager.default.subpaths(atPath: lake + "/contacts") ?? []).filter { $0.hasSuffix(".parquet") }
        #expect(onDisk.count == 2, "the narrow file must be gone: \(onDisk)")
        #expect(!FileManager.default.fileExists(atPath: lake + "/_staging/contacts") || (FileManager.default.subpaths(atPath: lake + "/_staging/contacts") ?? []).allSatisfy { !$0.hasSuffix(".parquet") })
        var expected: [String: [String: String?]] = [
            "1": ["organization": "12", "score": "3", "seen": "2024-03-14 09:41:27"],
            "2": ["organization": "13", "score": "4", "seen": "2024-03-15 10:00:00"],
            "3": ["organization": "Acme", "score": "2.5", "seen": "soon"],
        ]
        try await checkWithEngines(lake, expected: expected, mode: "widened")

        try await convert([#"{"id":"4","organization":"14","score":"1","seen":"x","region":"EU"}"#], into: lake, folder: folder, name: "new-column")
        for id in ["1", "2", "3"] { expected[id]!["region"] = .some(nil) }
        expected["4"] = ["organization": "14", "score": "1", "seen": "x", "region": "EU"]
        try await checkWithEngines(lake, expected: expected, mode: "new-column")
    }
}

extension SchemaEvolutionTests {
    /// An integer beyond 2^53 in a committed file would lose digits as a DOUBLE: the column becomes STRING.
    @Test func aWideningToDoubleThatWouldRoundACommittedIntegerBecomesText() async throws {
        let folder = try LakeHarness.temporaryDirectory("big-integers")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let lake = folder + "/lake"
        try await convert([#"{"id":"1","amount":"9007199254740993"}"#], into: lake, folder: folder, name: "big")
        try await convert([#"{"id":"2","amount":"1.5"}"#], into: lake, folder: folder, name: "decimal")
        #expect(try types(of: "amount", in: lake) == [.string, .string])
        try await checkWithEngines(lake, expected: ["1": ["amount": "9007199254740993"], "2": ["amount": "1.5"]], mode: "widened")
    }
}

/// A widening inside one run rewrites the files that run committed before it, and earlier snapshots.
@Suite struct WideningWithinARunTests {
    let logger = Logger(label: "test")

    @Test func everyFileOfASnapshotEndpointEndsWithTheWidenedType() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ac-export-widen-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func options(_ date: String) -> ExportOptions {
            var o = ExportOptions(outputDirectory: dir, endpoints: [Endpoint.named("tags")!])
            o.startedAt = ISO8601DateFormatter().date(from: date)!
            o.inferenceRows = 1
            o.checkpointInterval = .zero  // a file per page
            return o
        }
        let narrow = ArraySource(pages: ["tags": [[#"{"id":"1","count":"1"}"#], [#"{"id":"2","count":"2"}"#]]])
        _ = try await ExportRun.run(options("2026-11-28T10:00:00Z"), source: narrow, logger: logger)
        let wide = ArraySource(pages: ["tags": [[#"{"id":"1","count":"1"}"#], [#"{"id":"2","count":"2"}"#], [#"{"id":"3","count":"many"}"#]]])
        let summary = try await ExportRun.run(options("2026-11-29T10:00:00Z"), source: wide, logger: logger)
        #expect(summary.succeeded)
        let files = try ManifestStore.read(directory: dir).endpoints["tags"]!.files
        #expect(Set(files.map(\.date)) == ["2026-11-28", "2026-11-29"])
        for file in files {
            #expect(!Staging.isStaged(file.path))
            let reader = try ParquetFileReader(path: dir + "/" + file.path)
            #expect(reader.schema.columns.first { $0.name == "count" }?.type == .string, "\(file.path)")
        }
        let values = try files.flatMap { file -> [String] in
            let reader = try ParquetFileReader(path: dir + "/" + file.path)
            let column = reader.schema.columns.firstIndex { $0.name == "count" }!
            return try reader.readColumn(column).map(\.description)
        }
        #expect(values.sorted() == ["1", "1", "2", "2", "many"])
        let parquetOnDisk = (FileManager.default.subpaths(atPath: dir) ?? []).filter { $0.hasSuffix(".parquet") }
        #expect(parquetOnDisk.count == files.count, "\(parquetOnDisk)")
    }

    /// The hold before the types are fixed is bounded by memory as well as by rows: records of 1 KB with a 20 KB
    /// bound fix the types after about 20 rows, so a value that first differs at row 40 widens the column (recorded
    /// in the manifest) instead of being inferred with the others.
    @Test func largeRecordsEndTheInferenceHoldEarly() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ac-export-hold-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pad = String(repeating: "p", count: 1_000)
        let records = (1...60).map { #"{"id":"\#($0)","count":"\#($0 < 40 ? "\($0)" : "many")","pad":"\#(pad)"}"# }
        func export(holdBytes: Int, into lake: String) async throws -> [SchemaChange] {
            var options = ExportOptions(outputDirectory: lake, endpoints: [Endpoint.named("tags")!])
            options.inferenceBytes = holdBytes
            let source = ArraySource(pages: ["tags": stride(from: 0, to: 60, by: 10).map { Array(records[$0..<$0 + 10]) }])
            let summary = try await ExportRun.run(options, source: source, logger: logger)
            #expect(summary.succeeded && summary.results[0].rows == 60)
            return try ManifestStore.read(directory: lake).endpoints["tags"]!.schemaHistory.filter { $0.column == "count" }
        }
        let bounded = try await export(holdBytes: 20_000, into: dir + "/bounded")
        #expect(bounded.map(\.from) == [nil, .int64] && bounded.last?.to == .string, "\(bounded)")
        let unbounded = try await export(holdBytes: .max, into: dir + "/unbounded")
        #expect(unbounded.map(\.from) == [nil] && unbounded.last?.to == .string, "\(unbounded)")
    }
}
