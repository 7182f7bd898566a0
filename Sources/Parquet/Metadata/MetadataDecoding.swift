// Thrift compact bytes → metadata, for the self-check reader and `inspect`.

extension PageHeader {
    /// Decodes a page header starting at `position`; returns it and the offset just past it.
    static func decode(_ bytes: [UInt8], at position: Int) throws(ParquetError) -> (PageHeader, Int) {
        var reader = ThriftCompactReader(bytes, position: position)
        let s = try reader.readStruct()
        guard let type = PageType(rawValue: Int32(try s.requireInt(1, "PageHeader.type"))) else {
            throw .corruptFile("unknown page type")
        }
        var header = PageHeader(
            type: type,
            uncompressedPageSize: Int32(try s.requireInt(2, "uncompressed_page_size")),
            compressedPageSize: Int32(try s.requireInt(3, "compressed_page_size")))
        if let d = s.structure(5) {
            header.dataPage = DataPageHeader(
                numValues: Int32(try d.requireInt(1, "DataPageHeader.num_values")),
                encoding: try decodeEncoding(d.requireInt(2, "DataPageHeader.encoding")),
                definitionLevelEncoding: try decodeEncoding(d.requireInt(3, "definition_level_encoding")),
                repetitionLevelEncoding: try decodeEncoding(d.requireInt(4, "repetition_level_encoding")))
        }
        if let d = s.structure(7) {
            header.dictionaryPage = DictionaryPageHeader(
                numValues: Int32(try d.requireInt(1, "DictionaryPageHeader.num_values")),
                encoding: try decodeEncoding(d.requireInt(2, "DictionaryPageHeader.encoding")))
        }
        return (header, reader.position)
    }
}

private func decodeEncoding(_ raw: Int64) throws(ParquetError) -> Encoding {
    guard let encoding = Encoding(rawValue: Int32(truncatingIfNeeded: raw)) else {
        throw .unsupported("encoding \(raw)")
    }
    return encoding
}

extension FileMetadata {
    static func decode(_ bytes: [UInt8]) throws(ParquetError) -> FileMetadata {
        var reader = ThriftCompactReader(bytes)
        let s = try reader.readStruct()
        var schema: [SchemaElement] = []
        for e in s.structList(2) {
            guard let name = e.string(4) else { throw .corruptFile("schema element without a name") }
            var element = SchemaElement(name: name)
            element.physicalType = e.int(1).flatMap { PhysicalType(rawValue: Int32($0)) }
            element.repetition = e.int(3).flatMap { Repetition(rawValue: Int32($0)) }
            element.numChildren = e.int(5).map { Int32($0) }
            element.convertedType = e.int(6).flatMap { ConvertedType(rawValue: Int32($0)) }
            element.logicalType = e.structure(10).map(decodeLogicalType)
            schema.append(element)
        }
        var rowGroups: [RowGroupMetadata] = []
        for rg in s.structList(4) {
            var columns: [ColumnChunkMetadata] = []
            for chunk in rg.structList(1) {
                guard let m = chunk.structure(3) else { throw .corruptFile("column chunk without meta_data") }
                columns.append(try decodeColumnMetadata(m))
            }
            rowGroups.append(RowGroupMetadata(
                columns: columns,
                totalByteSize: try rg.requireInt(2, "RowGroup.total_byte_size"),
                numRows: try rg.requireInt(3, "RowGroup.num_rows")))
        }
        let keyValues = s.structList(5).map { KeyValue($0.string(1) ?? "", $0.string(2)) }
        return FileMetadata(
            version: Int32(try s.requireInt(1, "FileMetaData.version")),
            schema: schema,
            numRows: try s.requireInt(3, "FileMetaData.num_rows"),
            rowGroups: rowGroups,
            keyValueMetadata: keyValues,
            createdBy: s.string(6),
            columnOrderCount: s.list(7)?.count ?? 0)
    }
}

extension SchemaElement {
    init(name: String) {
        self.name = name
    }
}

private func decodeLogicalType(_ s: ThriftStruct) -> LogicalType {
    if s.structure(1) != nil { return .string }
    if s.structure(2) != nil { return .map }
    if s.structure(3) != nil { return .list }
    if s.structure(6) != nil { return .date }
    if s.structure(12) != nil { return .json }
    if let t = s.structure(8) {
        let unit: TimeUnit
        if t.structure(2)?.structure(1) != nil {
            unit = .millis
        } else if t.structure(2)?.structure(3) != nil {
            unit = .nanos
        } else {
            unit = .micros
        }
        return .timestamp(adjustedToUTC: t.bool(1) ?? false, unit: unit)
    }
    return .other(fieldID: s.fields.keys.first ?? 0)
}

private func decodeColumnMetadata(_ m: ThriftStruct) throws(ParquetError) -> ColumnChunkMetadata {
    guard let type = PhysicalType(rawValue: Int32(try m.requireInt(1, "ColumnMetaData.type"))) else {
        throw .corruptFile("unknown physical type")
    }
    var encodings: [Encoding] = []
    for case .int(let raw) in m.list(2) ?? [] { encodings.append(try decodeEncoding(raw)) }
    var path: [String] = []
    for case .binary(let bytes) in m.list(3) ?? [] { path.append(String(decoding: bytes, as: UTF8.self)) }
    guard let codec = CompressionCodec(rawValue: Int32(try m.requireInt(4, "ColumnMetaData.codec"))) else {
        throw .corruptFile("unknown codec")
    }
    var statistics: Statistics?
    if let st = m.structure(12) {
        statistics = Statistics(
            nullCount: st.int(3) ?? 0, minValue: st.binary(6), maxValue: st.binary(5), nanCount: st.int(9))
    }
    var encodingStats: [PageEncodingStats]?
    if m.list(13) != nil {
        encodingStats = try m.structList(13).map { (e: ThriftStruct) throws(ParquetError) -> PageEncodingStats in
            PageEncodingStats(
                pageType: PageType(rawValue: Int32(try e.requireInt(1, "page_type"))) ?? .dataPage,
                encoding: try decodeEncoding(e.requireInt(2, "encoding")),
                count: Int32(try e.requireInt(3, "count")))
        }
    }
    return ColumnChunkMetadata(
        physicalType: type, encodings: encodings, path: path, codec: codec,
        numValues: try m.requireInt(5, "num_values"),
        totalUncompressedSize: try m.requireInt(6, "total_uncompressed_size"),
        totalCompressedSize: try m.requireInt(7, "total_compressed_size"),
        dataPageOffset: try m.requireInt(9, "data_page_offset"),
        dictionaryPageOffset: m.int(11),
        statistics: statistics,
        encodingStats: encodingStats)
}
