import Parquet
import Testing

@Suite struct WriterMisuseTests {
    let schema = Schema([Column("id", .int64, required: true), Column("name", .string)])

    @Test func wrongValueTypeIsAnError() throws {
        let writer = try ParquetWriter(sink: MemorySink(), schema: schema)
        #expect(throws: ParquetError.typeMismatch(column: "id", columnType: .int64, appended: "STRING")) {
            try writer.columns[0].append("42")
        }
        #expect(throws: ParquetError.typeMismatch(column: "name", columnType: .string, appended: "DOUBLE")) {
            try writer.columns[1].append(1.5)
        }
    }

    @Test func nullInRequiredColumnIsAnError() throws {
        let writer = try ParquetWriter(sink: MemorySink(), schema: schema)
        #expect(throws: ParquetError.nullInRequiredColumn(column: "id")) { try writer.columns[0].appendNull() }
    }

    @Test func columnCountMismatchIsAnErrorNamingTheColumn() throws {
        let writer = try ParquetWriter(sink: MemorySink(), schema: schema)
        try writer.columns[0].append(Int64(1))
        try writer.endRow()
        #expect(throws: ParquetError.columnCountMismatch(expected: 1, column: "name", actual: 0)) { try writer.close() }
    }

    @Test func duplicateColumnNamesAreRejected() {
        #expect(throws: ParquetError.self) {
            _ = try ParquetWriter(sink: MemorySink(), schema: Schema([Column("Email", .string), Column("email", .string)]))
        }
    }

    @Test func unclosedFileHasNoFooterAndIsRejectedByTheReader() throws {
        let sink = MemorySink()
        var properties = WriterProperties()
        properties.rowGroupRowLimit = 10
        let writer = try ParquetWriter(sink: sink, schema: schema, properties: properties)
        for i in 0..<25 {
            try writer.columns[0].append(Int64(i))
            try writer.columns[1].append("x")
            try writer.endRow()
        }
        #expect(!sink.bytes.isEmpty)  // two row groups already flushed
        #expect(throws: ParquetError.self) { _ = try ParquetFileReader(bytes: sink.bytes) }
    }
}
