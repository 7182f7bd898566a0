import Foundation
import Parquet
import Testing

@Suite struct RoundTripTests {
    static func variants() -> [(String, WriterProperties)] {
        var result: [(String, WriterProperties)] = []
        for codec in [CompressionCodec.uncompressed, .gzip, .zstd, .snappy] {
            // Strings without a dictionary: PLAIN (format version 1, the default), or DELTA_BYTE_ARRAY (version 2).
            for (encoding, dictionary, delta) in [("plain", false, false), ("delta", false, true), ("dict", true, true)] {
                var p = WriterProperties()
                p.compression = codec
                p.dictionaryEnabled = dictionary
                p.formatVersion = delta ? .v2 : .v1
                p.dataPageRowLimit = 700  // several pages per chunk even for small tables
                result.append(("\(codec)-\(encoding)", p))
            }
        }
        return result
    }

    func expectRoundTrip(_ table: TestTable, _ properties: WriterProperties, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let sink = MemorySink()
        try table.write(to: sink, properties: properties)
        let reader = try ParquetFileReader(bytes: sink.bytes)
        #expect(reader.schema == table.schema, sourceLocation: sourceLocation)
        #expect(reader.metadata.numRows == Int64(table.rowCount), sourceLocation: sourceLocation)
        for c in table.schema.columns.indices {
            let values = try reader.readColumn(c)
            let expected = table.columns[c].map(TestTable.parquetValue)
            #expect(values.count == expected.count, sourceLocation: sourceLocation)
            for (row, (got, want)) in zip(values, expected).enumerated() where !Self.same(got, want) {
                Issue.record("column \(table.schema.columns[c].name) row \(row): got \(got), expected \(want)", sourceLocation: sourceLocation)
                break
            }
        }
    }

    /// Bitwise equality for doubles (NaN, -0.0), structural otherwise.
    static func same(_ a: ParquetValue, _ b: ParquetValue) -> Bool {
        if case .double(let x) = a, case .double(let y) = b { return x.bitPattern == y.bitPattern }
        return a == b
    }

    @Test(arguments: 0..<12)
    func everyTypeWithNullsAndEdgeValues(variant: Int) throws {
        let (_, properties) = Self.variants()[variant]
        try expectRoundTrip(SampleTables.allTypes(rows: 3000), properties)
    }

    @Test func zeroRowsAndOneRow() throws {
        for rows in [0, 1] {
            try expectRoundTrip(SampleTables.allTypes(rows: rows), WriterProperties())
        }
    }

    @Test func allNullColumnsAndEmptyStrings() throws {
        let schema = Schema([Column("nothing", .string), Column("no_number", .int64), Column("empty", .string)])
        let table = TestTable(schema: schema, columns: [
            Array(repeating: .null, count: 50), Array(repeating: .null, count: 50), Array(repeating: .string(""), count: 50),
        ])
        for (_, properties) in Self.variants() { try expectRoundTrip(table, properties) }
    }

    @Test func megabyteStrings() throws {
        let long = String(repeating: "ü日x", count: (1 << 20) / 6)
        let table = TestTable(schema: Schema([Column("payload", .string)]), columns: [
            [.string(long), .null, .string(long + "!"), .string("short")],
        ])
        for (_, properties) in Self.variants() { try expectRoundTrip(table, properties) }
    }

    @Test func twoMillionRowsSpanRowGroupsAndPages() throws {
        let rows = 2_000_000
        let schema = Schema([Column("n", .int64, required: true), Column("status", .string), Column("score", .double)])
        let statuses = ["active", "bounced", "unsubscribed", "unconfirmed"]
        let sink = MemorySink()
        let writer = try ParquetWriter(sink: sink, schema: schema)
        for i in 0..<rows {
            try writer.columns[0].append(Int64(i))
            if i % 11 == 0 { try writer.columns[1].appendNull() } else { try writer.columns[1].append(statuses[i % 4]) }
            try writer.columns[2].append(Double(i) / 4)
            try writer.endRow()
        }
        let metadata = try writer.close()
        #expect(metadata.rowGroups.count == 2)  // default: 1,048,576 rows per row group
        let reader = try ParquetFileReader(bytes: sink.bytes)
        #expect(try reader.pages(rowGroup: 0, column: 0).count > 10)
        let n = try reader.readColumn(0)
        let status = try reader.readColumn(1)
        let score = try reader.readColumn(2)
        #expect(n.count == rows && status.count == rows && score.count == rows)
        var mismatches = 0
        for i in 0..<rows {
            let expectedStatus: ParquetValue = i % 11 == 0 ? .null : .bytes(Array(statuses[i % 4].utf8))
            if n[i] != .int64(Int64(i)) || status[i] != expectedStatus || score[i] != .double(Double(i) / 4) { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test func statisticsFollowTheSpecOrdering() throws {
        let table = TestTable(schema: Schema([Column("s", .string), Column("d", .double), Column("i", .int64)]), columns: [
            [.string("é"), .string("z"), .null, .string("Z"), .string("ab")],
            [.double(.nan), .double(0.0), .double(-2.5), .double(.nan), .null],
            [.i64(-5), .i64(.max), .null, .null, .i64(0)],
        ])
        let sink = MemorySink()
        let metadata = try table.write(to: sink)
        let stats = metadata.rowGroups[0].columns.map { $0.statistics! }
        // Unsigned byte order: "Z" (0x5A) < "ab" < "z" < "é" (0xC3 0xA9).
        #expect(stats[0].minValue == Array("Z".utf8) && stats[0].maxValue == Array("é".utf8) && stats[0].nullCount == 1)
        #expect(stats[1].minValue == withUnsafeBytes(of: (-2.5).bitPattern.littleEndian, Array.init))
        #expect(stats[1].maxValue == withUnsafeBytes(of: (0.0).bitPattern.littleEndian, Array.init))
        #expect(stats[1].nanCount == 2)
        #expect(stats[2].minValue == withUnsafeBytes(of: Int64(-5).littleEndian, Array.init))
        #expect(stats[2].maxValue == withUnsafeBytes(of: Int64.max.littleEndian, Array.init))
        #expect(stats[2].nullCount == 2)
    }

    /// A prefix sorts first, and a value seen again (counted once, when it enters the dictionary) still bounds the
    /// chunk: with the dictionary and with PLAIN pages alike.
    @Test(arguments: [true, false])
    func stringBoundsWithPrefixesAndRepeats(dictionary: Bool) throws {
        let values = ["abc", "b", "ab", "abc", "b", "ab", "abcd", "b"]
        let table = TestTable(schema: Schema([Column("s", .string)]), columns: [values.map { .string($0) }])
        var properties = WriterProperties()
        properties.dictionaryEnabled = dictionary
        let stats = try #require(try table.write(to: MemorySink(), properties: properties).rowGroups[0].columns[0].statistics)
        #expect(stats.minValue == Array("ab".utf8) && stats.maxValue == Array("b".utf8))
    }
}
