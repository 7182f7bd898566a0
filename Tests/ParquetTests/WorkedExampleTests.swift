import Foundation
import Parquet
import Testing

/// The byte-exact 111-byte worked example (docs/parquet-layout.md#worked-example), which pyarrow, DuckDB and polars read.
@Suite struct WorkedExampleTests {
    static let referenceHex = """
        50 41 52 31 15 00 15 2C 15 2C 2C 15 06 15 00 15 06 15 06 00 00 02 00 00 00 03 05 01 00 00 00 00
        00 00 00 03 00 00 00 00 00 00 00 15 02 19 2C 48 06 73 63 68 65 6D 61 15 02 00 15 04 25 02 18 01
        61 00 16 06 19 1C 19 1C 26 00 1C 15 04 19 25 00 06 19 18 01 61 15 00 16 06 16 4E 16 4E 26 08 00
        00 16 4E 16 06 00 00 3C 00 00 00 50 41 52 31
        """

    static func bytes(fromHex hex: String) -> [UInt8] {
        hex.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { UInt8($0, radix: 16)! }
    }

    @Test func minimalOptionalInt64FileIsByteExact() throws {
        var properties = WriterProperties()
        properties.compression = .uncompressed
        properties.dictionaryEnabled = false
        properties.statisticsEnabled = false
        properties.encodingStatsEnabled = false
        properties.createdBy = nil
        let sink = MemorySink()
        let writer = try ParquetWriter(sink: sink, schema: Schema([Column("a", .int64)]), properties: properties)
        for value in [Int64(1), nil, 3] {
            if let value { try writer.columns[0].append(value) } else { try writer.columns[0].appendNull() }
            try writer.endRow()
        }
        try writer.close()
        let expected = Self.bytes(fromHex: Self.referenceHex)
        #expect(expected.count == 111)
        #expect(sink.bytes == expected)
        // fixtures/ keeps the same golden bytes as a file, which the interop test hands to the engines.
        let fixture = try Data(contentsOf: InteropHarness.repositoryRoot.appendingPathComponent("fixtures/worked-example.parquet"))
        #expect([UInt8](fixture) == expected)
    }

    @Test func referenceFileDecodesWithOurReader() throws {
        let reader = try ParquetFileReader(bytes: Self.bytes(fromHex: Self.referenceHex))
        #expect(reader.schema == Schema([Column("a", .int64)]))
        #expect(try reader.readColumn(0) == [.int64(1), .null, .int64(3)])
    }
}
