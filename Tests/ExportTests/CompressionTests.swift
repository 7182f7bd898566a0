import ActiveCampaign
import ActiveCampaignMock
@testable import Export
import Foundation
import Logging
import Parquet
import Testing

/// `--compression gzip|zstd|snappy|none`: a whole lake in each codec reads back value for value in pyarrow, DuckDB,
/// polars and fastparquet (check_lake.py) and in Apache Spark (check_spark.py), and as Delta tables in deltalake,
/// polars and DuckDB's delta_scan, with Delta checkpoints written in the same codec.
@Suite(.serialized) struct CompressionTests {
    let logger = Logger(label: "test")

    @Test(arguments: [(CompressionCodec.gzip, 6), (.zstd, 9), (.snappy, 0), (.uncompressed, 0)])
    func aLakeInEachCodecReadsTheSameEverywhere(codec: CompressionCodec, level: Int) async throws {
        let lake = try LakeHarness.temporaryDirectory("lake")
        let source = try LakeHarness.temporaryDirectory("source")
        defer { try? FileManager.default.removeItem(atPath: lake); try? FileManager.default.removeItem(atPath: source) }
        let mock = MockConfiguration(seed: 41, contacts: 400, deals: 150)
        try await withMockServer(mock) { baseURL, server in
            let client = ActiveCampaignClient(
                credentials: try Credentials(apiKey: mock.apiKey, baseURL: baseURL), configuration: EndToEndTests.fastClient, logger: logger)
            defer { Task { try? await client.shutdown() } }
            var options = ExportOptions(target: .folder(lake), endpoints: Endpoint.standard, anchorDate: Date(timeIntervalSince1970: 0))
            options.writerProperties.compression = codec
            options.writerProperties.compressionLevel = level
            // A checkpoint after the second commit of every table: the Delta readers read it in this codec.
            options.deltaCheckpointInterval = 2
            for _ in 0..<2 {
                let summary = try await ExportRun.run(options, source: APIRecordSource(client: client), logger: logger)
                #expect(summary.succeeded, "\(summary.results.filter { $0.status != .succeeded }.map { "\($0.endpoint): \($0.error ?? "")" })")
            }
            try await client.shutdown()
            try LakeHarness.dumpSource(server, endpoints: Endpoint.standard, to: source)
        }
        let manifest = try ManifestStore.read(directory: lake)
        for (endpoint, state) in manifest.endpoints {
            for file in state.files {
                let reader = try ParquetFileReader(path: lake + "/" + file.path)
                #expect(reader.metadata.rowGroups.allSatisfy { $0.columns.allSatisfy { $0.codec == codec } }, "\(endpoint): \(file.path)")
            }
        }
        let checkpoints = (FileManager.default.enumerator(atPath: lake)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".checkpoint.parquet") }
        #expect(!checkpoints.isEmpty)
        // The checkpoints' nested columns are beyond our reader: pyarrow names their codecs.
        let codecs = "import sys, pyarrow.parquet as pq\nfor f in sys.argv[1:]:\n    m = pq.ParquetFile(f).metadata\n    print(*{m.row_group(g).column(c).compression for g in range(m.num_row_groups) for c in range(m.num_columns)})"
        let (status, output) = try await LakeHarness.run(LakeHarness.python, ["-c", codecs] + checkpoints.map { lake + "/" + $0 })
        let expected = codec == .uncompressed ? "UNCOMPRESSED" : "\(codec)"
        #expect(status == 0 && output.split(separator: "\n").count == checkpoints.count && output.split(separator: "\n").allSatisfy { $0 == expected }, "\(output)")
        try LakeHarness.check(lake: lake, source: source)
        try await LakeHarness.checkWithScript("check_spark.py", [lake])
        try await DeltaLakeTests.expectDeltaReadersAgree(lake)
    }
}
