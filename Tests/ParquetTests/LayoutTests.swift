import Foundation
import Parquet
import Testing

/// Bookkeeping checks (DuckDB's habit): page and row-group counts, offsets and encodings for a configuration.
@Suite struct LayoutTests {
    @Test func pagesAndRowGroupsAreCutAtTheConfiguredTargets() throws {
        var properties = WriterProperties()
        properties.dataPageRowLimit = 1000
        properties.rowGroupRowLimit = 4500
        properties.dictionaryEnabled = false
        let sink = MemorySink()
        let writer = try ParquetWriter(sink: sink, schema: Schema([Column("n", .int64)]), properties: properties)
        for i in 0..<10_000 {
            try writer.columns[0].append(Int64(i))
            try writer.endRow()
        }
        let metadata = try writer.close()
        #expect(metadata.rowGroups.map(\.numRows) == [4500, 4500, 1000])
        let reader = try ParquetFileReader(bytes: sink.bytes)
        #expect(try reader.pages(rowGroup: 0, column: 0).map { $0.header.dataPage?.numValues } == [1000, 1000, 1000, 1000, 500])
        // Chunks are contiguous: each starts where the previous one ended, the first right after "PAR1".
        var expectedOffset: Int64 = 4
        for rowGroup in metadata.rowGroups {
            let chunk = rowGroup.columns[0]
            #expect(chunk.dataPageOffset == expectedOffset)
            #expect(rowGroup.totalByteSize == chunk.totalUncompressedSize)
            expectedOffset += chunk.totalCompressedSize
        }
    }

    @Test func lowCardinalityColumnIsDictionaryEncodedThroughout() throws {
        let sink = MemorySink()
        let writer = try ParquetWriter(sink: sink, schema: Schema([Column("status", .string)]))
        for i in 0..<50_000 {
            try writer.columns[0].append(["open", "won", "lost"][i % 3])
            try writer.endRow()
        }
        let chunk = try writer.close().rowGroups[0].columns[0]
        #expect(chunk.dictionaryPageOffset == 4)
        #expect(chunk.encodings.contains(.rleDictionary))
        #expect(chunk.encodingStats == [
            PageEncodingStats(pageType: .dictionaryPage, encoding: .plain, count: 1),
            PageEncodingStats(pageType: .dataPage, encoding: .rleDictionary, count: 3),
        ])
    }

    /// After its first page a high-cardinality string column leaves the dictionary for DELTA_BYTE_ARRAY
    /// pages (PLAIN in format version 1).
    @Test(arguments: [true, false]) func highCardinalityColumnFallsBackAfterItsFirstPage(delta: Bool) throws {
        var properties = WriterProperties()
        properties.formatVersion = delta ? .v2 : .v1
        let sink = MemorySink()
        let writer = try ParquetWriter(sink: sink, schema: Schema([Column("email", .string)]), properties: properties)
        for i in 0..<50_000 {
            try writer.columns[0].append("person\(i)@example.org")
            try writer.endRow()
        }
        let chunk = try writer.close().rowGroups[0].columns[0]
        let fallback: Encoding = delta ? .deltaByteArray : .plain
        #expect(chunk.encodingStats == [
            PageEncodingStats(pageType: .dictionaryPage, encoding: .plain, count: 1),
            PageEncodingStats(pageType: .dataPage, encoding: .rleDictionary, count: 1),
            PageEncodingStats(pageType: .dataPage, encoding: fallback, count: 2),
        ])
        #expect(chunk.encodings.contains(.deltaByteArray) == delta)
        let reader = try ParquetFileReader(bytes: sink.bytes)
        let values = try reader.readColumn(0)
        #expect(values[0] == .bytes(Array("person0@example.org".utf8)) && values[49_999] == .bytes(Array("person49999@example.org".utf8)))
    }

    @Test func oversizedDictionaryFallsBackMidPage() throws {
        var properties = WriterProperties()
        properties.dictionaryPageSizeLimit = 10_000
        let sink = MemorySink()
        let writer = try ParquetWriter(sink: sink, schema: Schema([Column("v", .int64)]), properties: properties)
        for i in 0..<5000 {
            try writer.columns[0].append(Int64(i % 2000))
            try writer.endRow()
        }
        try writer.close()
        let reader = try ParquetFileReader(bytes: sink.bytes)
        #expect(try reader.readColumn(0) == (0..<5000).map { .int64(Int64($0 % 2000)) })
        let stats = reader.metadata.rowGroups[0].columns[0].encodingStats ?? []
        #expect(stats.contains { $0.encoding == .plain && $0.pageType == .dataPage })
    }

    @Test func gzipPagesAreSingleGzipMembersWithPlainHeaderFlags() throws {
        let sink = MemorySink()
        let writer = try ParquetWriter(sink: sink, schema: Schema([Column("n", .int64)]))
        for i in 0..<100 {
            try writer.columns[0].append(Int64(i))
            try writer.endRow()
        }
        try writer.close()
        let reader = try ParquetFileReader(bytes: sink.bytes)
        for page in try reader.pages(rowGroup: 0, column: 0) {
            let start = Int(page.offset) + page.headerSize
            // RFC 1952: 1F 8B, CM = 8 (deflate), FLG = 0 (DuckDB rejects FTEXT/FHCRC/FEXTRA/FCOMMENT).
            #expect(Array(sink.bytes[start..<start + 4]) == [0x1F, 0x8B, 0x08, 0x00])
        }
    }

    /// Compressing pages on the second thread, or parking them in a spill file, changes where the work and the
    /// bytes are until the row group is written, never the file.
    @Test func backgroundCompressionAndSpillingWriteTheSameBytes() throws {
        let spillDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("spill-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: spillDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: spillDirectory) }
        let table = SampleTables.allTypes(rows: 30_000, seed: 3)
        var outputs: [[UInt8]] = []
        for (background, spill) in [(false, false), (true, false), (false, true), (true, true)] {
            var properties = WriterProperties()
            properties.backgroundCompression = background
            properties.pageSpillDirectory = spill ? spillDirectory : nil
            properties.dataPageRowLimit = 500
            properties.rowGroupRowLimit = 7_000  // several row groups: the spill file is reused
            let sink = MemorySink()
            #expect(try table.write(to: sink, properties: properties).rowGroups.count == 5)
            outputs.append(sink.bytes)
        }
        #expect(outputs[0].count > 10_000)
        for output in outputs.dropFirst() { #expect(output == outputs[0]) }
        // The spill file is unlinked as soon as it is created: nothing is left in the folder.
        #expect(try FileManager.default.contentsOfDirectory(atPath: spillDirectory).isEmpty)
    }
}
