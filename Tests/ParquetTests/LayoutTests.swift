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

    /// `openPagesByteLimit`: the open pages of all columns together stay within it, the largest finished first, so a
    /// column of long strings gets pages of about the limit while a column of short ones keeps its row limit; rows
    /// end in batches of 8, as the exporter ends them, and one at a time.
    @Test(arguments: [8, 1]) func openPagesStayWithinTheirLimitLargestFirst(batch: Int) throws {
        var properties = WriterProperties()
        properties.dictionaryEnabled = false
        properties.dataPageRowLimit = 1000
        properties.openPagesByteLimit = 64 << 10
        let long = { (i: Int) in String(repeating: Character(UnicodeScalar(UInt8(65 + i % 26))), count: 1000) }
        let sink = MemorySink()
        let writer = try ParquetWriter(sink: sink, schema: Schema([Column("long", .string), Column("short", .string)]), properties: properties)
        for i in 0..<2000 {
            try writer.columns[0].append(long(i))
            try writer.columns[1].append("s\(i)")
            if batch == 1 { try writer.endRow() } else if (i + 1) % batch == 0 { try writer.endRows(batch) }
        }
        try writer.close()
        let reader = try ParquetFileReader(bytes: sink.bytes)
        let pageRows = { (column: Int) in try reader.pages(rowGroup: 0, column: column).compactMap { $0.header.dataPage.map { Int($0.numValues) } } }
        let longPages = try pageRows(0), shortPages = try pageRows(1)
        // A long page ends at the first check past 64 KiB (1,004 bytes a row; checks every `batch` rows, every 64 by
        // endRow), less what the short column's open page holds (at most 1,000 rows of 10 bytes: length, text, level).
        let checkEvery = batch == 1 ? 64 : batch
        #expect(longPages.count > 20)
        #expect(longPages.dropLast().allSatisfy { $0 * 1_004 > 65_536 - 10_000 && $0 * 1_004 <= 65_536 + checkEvery * 1_004 }, "\(longPages)")
        #expect(longPages.reduce(0, +) == 2000)
        #expect(shortPages == [1000, 1000])
        #expect(try reader.readColumn(0).map(\.string) == (0..<2000).map(long))
        #expect(try reader.readColumn(1).map(\.string) == (0..<2000).map { "s\($0)" })
        // Without the limit the same rows go by the row limit alone.
        properties.openPagesByteLimit = nil
        let unlimited = MemorySink()
        let plain = try ParquetWriter(sink: unlimited, schema: Schema([Column("long", .string)]), properties: properties)
        for i in 0..<2000 {
            try plain.columns[0].append(long(i))
            try plain.endRow()
        }
        try plain.close()
        #expect(try ParquetFileReader(bytes: unlimited.bytes).pages(rowGroup: 0, column: 0).compactMap { $0.header.dataPage?.numValues } == [1000, 1000])
    }

    /// A limit of 0 (or below) finishes every open page at each check: one page per batch of rows, and the writer
    /// goes on (on a negative limit it once looped forever, finishing empty pages).
    @Test(arguments: [0, -1]) func anOpenPagesLimitNoPageMeetsFinishesAPagePerBatch(limit: Int) throws {
        var properties = WriterProperties()
        properties.openPagesByteLimit = limit
        let sink = MemorySink()
        let writer = try ParquetWriter(sink: sink, schema: Schema([Column("id", .int64), Column("name", .string)]), properties: properties)
        for batch in 0..<5 {
            for row in 0..<10 {
                try writer.columns[0].append(Int64(batch * 10 + row))
                try writer.columns[1].append("n\(row)")
            }
            try writer.endRows(10)
        }
        try writer.close()
        let reader = try ParquetFileReader(bytes: sink.bytes)
        for column in 0..<2 {
            #expect(try reader.pages(rowGroup: 0, column: column).compactMap { $0.header.dataPage?.numValues } == [10, 10, 10, 10, 10])
        }
        #expect(try reader.readColumn(0) == (0..<50).map { .int64(Int64($0)) })
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

    /// A string column whose first page is mostly distinct never writes its dictionary: every page is
    /// DELTA_BYTE_ARRAY (PLAIN in format version 1) and the chunk has no dictionary page, as DuckDB writes it.
    @Test(arguments: [true, false]) func highCardinalityColumnDropsItsDictionaryBeforeTheFirstPage(delta: Bool) throws {
        let chunk = try writeStrings(delta: delta) { "person\($0)@example.org" }
        let fallback: Encoding = delta ? .deltaByteArray : .plain
        #expect(chunk.metadata.encodingStats == [PageEncodingStats(pageType: .dataPage, encoding: fallback, count: 3)])
        #expect(chunk.metadata.dictionaryPageOffset == nil && !chunk.metadata.encodings.contains(.rleDictionary))
        #expect(chunk.metadata.encodings.contains(.deltaByteArray) == delta)
        #expect(chunk.values[0] == .bytes(Array("person0@example.org".utf8)) && chunk.values[49_999] == .bytes(Array("person49999@example.org".utf8)))
    }

    /// A column that turns mostly distinct after a first page of repeated values leaves the dictionary after the page
    /// that tipped it: a dictionary page, two dictionary-encoded pages, then the fallback encoding.
    @Test(arguments: [true, false]) func columnTurningDistinctFallsBackAfterItsDictionaryPages(delta: Bool) throws {
        let value = { (i: Int) in i < 20_000 ? "repeated\(i % 1000)" : "person\(i)@example.org" }
        let chunk = try writeStrings(delta: delta, value)
        #expect(chunk.metadata.encodingStats == [
            PageEncodingStats(pageType: .dictionaryPage, encoding: .plain, count: 1),
            PageEncodingStats(pageType: .dataPage, encoding: .rleDictionary, count: 2),
            PageEncodingStats(pageType: .dataPage, encoding: delta ? .deltaByteArray : .plain, count: 1),
        ])
        #expect(chunk.values.enumerated().allSatisfy { $1 == .bytes(Array(value($0).utf8)) })
    }

    /// 50,000 strings in one column (pages of 20,000 rows): the chunk's metadata and the values read back.
    private func writeStrings(delta: Bool, _ value: (Int) -> String) throws -> (metadata: ColumnChunkMetadata, values: [ParquetValue]) {
        var properties = WriterProperties()
        properties.formatVersion = delta ? .v2 : .v1
        let sink = MemorySink()
        let writer = try ParquetWriter(sink: sink, schema: Schema([Column("email", .string)]), properties: properties)
        for i in 0..<50_000 {
            try writer.columns[0].append(value(i))
            try writer.endRow()
        }
        let metadata = try writer.close().rowGroups[0].columns[0]
        return (metadata, try ParquetFileReader(bytes: sink.bytes).readColumn(0))
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
