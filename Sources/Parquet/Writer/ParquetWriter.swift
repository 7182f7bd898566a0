/// Writes one Parquet file.
///
/// Append one value (or null) to every column, then call `endRow()`; in a nested schema, a column's entries for
/// one row are its value or null at each of the row's positions (`ColumnWriter.nextRepetitionLevel`). Row groups are cut at the
/// configured row or size target; nothing reaches the sink until a row group is complete, and the
/// footer is written by `close()`. A writer that is never closed leaves a file without a footer,
/// which no reader accepts; callers write under a temporary name and rename after `close()`.
public final class ParquetWriter {
    public let schema: Schema
    public let columns: [ColumnWriter]
    public let properties: WriterProperties
    private let sink: any ParquetSink
    private let codec: PageCodec
    private let keyValueMetadata: [KeyValue]
    private var rowGroups: [RowGroupMetadata] = []
    private var position: Int64 = 0
    private var isClosed = false

    /// Rows in the row group being built.
    public private(set) var bufferedRowCount = 0
    /// Rows in row groups already written.
    public private(set) var writtenRowCount: Int64 = 0

    public init(
        sink: any ParquetSink, schema: Schema, properties: WriterProperties = WriterProperties(),
        keyValueMetadata: [KeyValue] = []
    ) throws(ParquetError) {
        var seen = Set<String>()
        for column in schema.columns {
            guard !column.name.isEmpty else { throw .invalidSchema("a column has an empty name") }
            // Spark, Trino and Hive resolve column names case-insensitively.
            guard seen.insert(column.name.lowercased()).inserted else {
                throw .invalidSchema("column name '\(column.name)' appears twice (names must be unique ignoring case)")
            }
        }
        self.schema = schema
        self.properties = properties
        self.sink = sink
        self.keyValueMetadata = keyValueMetadata
        let codec = try PageCodec(properties: properties)
        self.codec = codec
        columns = schema.columns.map { ColumnWriter(column: $0, properties: properties, codec: codec) }
    }

    public convenience init(
        path: String, schema: Schema, properties: WriterProperties = WriterProperties(),
        keyValueMetadata: [KeyValue] = []
    ) throws(ParquetError) {
        try self.init(sink: try FileSink(path: path), schema: schema, properties: properties, keyValueMetadata: keyValueMetadata)
    }

    /// Total rows appended so far.
    public var rowCount: Int64 { writtenRowCount + Int64(bufferedRowCount) }

    /// Bytes already handed to the sink.
    public var bytesWritten: Int64 { position }

    /// Estimated uncompressed bytes of the row group being built.
    public var estimatedRowGroupSize: Int { columns.reduce(0) { $0 + $1.estimatedUncompressedSize } }

    /// Bytes held in memory for the row group being built (mostly compressed pages).
    public var bufferedByteCount: Int { columns.reduce(0) { $0 + $1.bufferedByteCount } }

    /// Marks the end of a row: every column must have received exactly one value or null.
    public func endRow() throws(ParquetError) {
        guard !isClosed else { throw .writerClosed }
        bufferedRowCount += 1
        if bufferedRowCount >= properties.rowGroupRowLimit
            || (bufferedRowCount & 1023 == 0 && estimatedRowGroupSize >= properties.rowGroupByteLimit)
        {
            try flushRowGroup()
        } else if bufferedRowCount & 63 == 0 {
            try keepOpenPagesWithinLimit()
        }
    }

    /// Marks the end of `count` rows appended column by column (every column received `count` values or nulls).
    public func endRows(_ count: Int) throws(ParquetError) {
        guard !isClosed else { throw .writerClosed }
        bufferedRowCount += count
        if bufferedRowCount >= properties.rowGroupRowLimit || estimatedRowGroupSize >= properties.rowGroupByteLimit {
            try flushRowGroup()
        } else {
            try keepOpenPagesWithinLimit()
        }
    }

    /// `WriterProperties.openPagesByteLimit`: past it, the largest open pages are finished until the rest fit.
    private func keepOpenPagesWithinLimit() throws(ParquetError) {
        guard let limit = properties.openPagesByteLimit else { return }
        var open = columns.reduce(0) { $0 + $1.openPageByteCount }
        // Until every page is finished, whatever the limit (0 or below: a page per check).
        while open > limit, let largest = columns.max(by: { $0.openPageByteCount < $1.openPageByteCount }), largest.openPageByteCount > 0 {
            open -= largest.openPageByteCount
            try largest.finishPage()
        }
    }

    /// Writes the buffered rows as a row group now.
    public func flushRowGroup() throws(ParquetError) {
        guard !isClosed else { throw .writerClosed }
        guard bufferedRowCount > 0 else { return }
        for column in columns where column.rowCount != bufferedRowCount {
            throw .columnCountMismatch(expected: bufferedRowCount, column: column.column.name, actual: column.rowCount)
        }
        if position == 0 { try writeMagic() }
        var chunks: [ColumnChunkMetadata] = []
        chunks.reserveCapacity(columns.count)
        var totalByteSize: Int64 = 0
        for column in columns {
            let output = try column.finishChunk()
            let chunkStart = position
            try write(output.dictionaryPage)
            try output.dataPages.write(from: codec.spill) { (bytes) throws(ParquetError) in try write(bytes) }
            var metadata = output.metadata
            metadata.dataPageOffset += chunkStart
            metadata.dictionaryPageOffset = metadata.dictionaryPageOffset.map { $0 + chunkStart }
            totalByteSize += metadata.totalUncompressedSize
            chunks.append(metadata)
        }
        codec.spill?.reset()
        rowGroups.append(RowGroupMetadata(columns: chunks, totalByteSize: totalByteSize, numRows: Int64(bufferedRowCount)))
        writtenRowCount += Int64(bufferedRowCount)
        bufferedRowCount = 0
    }

    /// Flushes the last row group, writes the footer and finishes the sink (fsync for files).
    @discardableResult
    public func close() throws(ParquetError) -> FileMetadata {
        guard !isClosed else { throw .writerClosed }
        for column in columns where column.rowCount != bufferedRowCount {
            throw .columnCountMismatch(expected: bufferedRowCount, column: column.column.name, actual: column.rowCount)
        }
        try flushRowGroup()
        isClosed = true
        if position == 0 { try writeMagic() }
        let metadata = fileMetadata()
        let footer = metadata.thriftBytes()
        try write(footer)
        var length: [UInt8] = []
        length.appendLittleEndian(UInt32(footer.count))
        try write(length)
        try writeMagic()
        try sink.finish()
        return metadata
    }

    private func fileMetadata() -> FileMetadata {
        var elements = [SchemaElement(name: "schema", numChildren: Int32(schema.fields.count))]
        func flatten(_ node: SchemaNode) {
            elements.append(SchemaElement(node))
            if case .group(_, _, _, let children) = node { children.forEach(flatten) }
        }
        schema.fields.forEach(flatten)
        return FileMetadata(
            version: 1,
            schema: elements,
            numRows: writtenRowCount,
            rowGroups: rowGroups,
            keyValueMetadata: keyValueMetadata,
            createdBy: properties.createdBy,
            columnOrderCount: properties.statisticsEnabled ? schema.columns.count : 0)
    }

    private func writeMagic() throws(ParquetError) {
        try write(Array("PAR1".utf8))
    }

    private func write(_ bytes: [UInt8]) throws(ParquetError) {
        try bytes.withUnsafeBytesTyped { (raw) throws(ParquetError) in try write(raw) }
    }

    private func write(_ bytes: UnsafeRawBufferPointer) throws(ParquetError) {
        guard !bytes.isEmpty else { return }
        try sink.write(bytes)
        position += Int64(bytes.count)
    }
}

extension SchemaElement {
    init(name: String, numChildren: Int32) {
        self.name = name
        self.numChildren = numChildren
    }

    init(_ node: SchemaNode) {
        switch node {
        case let .leaf(name, type, repetition):
            self.name = name
            self.repetition = repetition
            physicalType = type.physicalType
            convertedType = type.convertedType
            switch type {
            case .string: logicalType = .string
            case .date: logicalType = .date
            case .timestampMicros(let utc): logicalType = .timestamp(adjustedToUTC: utc, unit: .micros)
            case .boolean, .int32, .int64, .double: logicalType = nil
            }
        case let .group(name, repetition, annotation, children):
            self.name = name
            self.repetition = repetition
            numChildren = Int32(children.count)
            switch annotation {
            case .list: convertedType = .list; logicalType = .list
            case .map: convertedType = .map; logicalType = .map
            case nil: break
            }
        }
    }
}
