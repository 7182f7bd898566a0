// Metadata → thrift compact bytes. Field ids follow parquet-format's parquet.thrift; fields go in increasing id order.

extension PageHeader {
    func thriftBytes() -> [UInt8] {
        var w = ThriftCompactWriter()
        w.fieldI32(1, type.rawValue)
        w.fieldI32(2, uncompressedPageSize)
        w.fieldI32(3, compressedPageSize)
        if let dataPage {
            w.beginStructField(5)
            w.fieldI32(1, dataPage.numValues)
            w.fieldI32(2, dataPage.encoding.rawValue)
            w.fieldI32(3, dataPage.definitionLevelEncoding.rawValue)
            w.fieldI32(4, dataPage.repetitionLevelEncoding.rawValue)
            w.endStruct()
        }
        if let dictionaryPage {
            w.beginStructField(7)
            w.fieldI32(1, dictionaryPage.numValues)
            w.fieldI32(2, dictionaryPage.encoding.rawValue)
            w.fieldBool(3, false)
            w.endStruct()
        }
        return w.finish()
    }
}

extension FileMetadata {
    func thriftBytes() -> [UInt8] {
        var w = ThriftCompactWriter()
        w.fieldI32(1, version)
        w.beginStructListField(2, count: schema.count)
        for element in schema {
            w.beginListStruct()
            element.write(to: &w)
            w.endStruct()
        }
        w.fieldI64(3, numRows)
        w.beginStructListField(4, count: rowGroups.count)
        for rowGroup in rowGroups {
            w.beginListStruct()
            rowGroup.write(to: &w)
            w.endStruct()
        }
        if !keyValueMetadata.isEmpty {
            w.beginStructListField(5, count: keyValueMetadata.count)
            for entry in keyValueMetadata {
                w.beginListStruct()
                w.fieldString(1, entry.key)
                if let value = entry.value { w.fieldString(2, value) }
                w.endStruct()
            }
        }
        if let createdBy { w.fieldString(6, createdBy) }
        if columnOrderCount > 0 {
            w.beginStructListField(7, count: columnOrderCount)
            for _ in 0..<columnOrderCount {
                w.beginListStruct()
                w.beginStructField(1)  // TYPE_ORDER (TypeDefinedOrder {})
                w.endStruct()
                w.endStruct()
            }
        }
        return w.finish()
    }
}

extension SchemaElement {
    fileprivate func write(to w: inout ThriftCompactWriter) {
        if let physicalType { w.fieldI32(1, physicalType.rawValue) }
        if let repetition { w.fieldI32(3, repetition.rawValue) }
        w.fieldString(4, name)
        if let numChildren { w.fieldI32(5, numChildren) }
        if let convertedType { w.fieldI32(6, convertedType.rawValue) }
        if let logicalType {
            w.beginStructField(10)
            switch logicalType {
            case .string:
                w.beginStructField(1); w.endStruct()
            case .map:
                w.beginStructField(2); w.endStruct()
            case .list:
                w.beginStructField(3); w.endStruct()
            case .date:
                w.beginStructField(6); w.endStruct()
            case .json:
                w.beginStructField(12); w.endStruct()
            case let .timestamp(adjustedToUTC, unit):
                w.beginStructField(8)
                w.fieldBool(1, adjustedToUTC)
                w.beginStructField(2)
                switch unit {
                case .millis: w.beginStructField(1)
                case .micros: w.beginStructField(2)
                case .nanos: w.beginStructField(3)
                }
                w.endStruct()
                w.endStruct()
                w.endStruct()
            case let .other(fieldID):
                w.beginStructField(fieldID); w.endStruct()
            }
            w.endStruct()
        }
    }
}

extension RowGroupMetadata {
    fileprivate func write(to w: inout ThriftCompactWriter) {
        w.beginStructListField(1, count: columns.count)
        for column in columns {
            w.beginListStruct()
            w.fieldI64(2, 0)  // ColumnChunk.file_offset: deprecated, required; arrow writes 0
            w.beginStructField(3)
            column.write(to: &w)
            w.endStruct()
            w.endStruct()
        }
        w.fieldI64(2, totalByteSize)
        w.fieldI64(3, numRows)
    }
}

extension ColumnChunkMetadata {
    fileprivate func write(to w: inout ThriftCompactWriter) {
        w.fieldI32(1, physicalType.rawValue)
        w.fieldI32List(2, encodings.map(\.rawValue))
        w.fieldStringList(3, path)
        w.fieldI32(4, codec.rawValue)
        w.fieldI64(5, numValues)
        w.fieldI64(6, totalUncompressedSize)
        w.fieldI64(7, totalCompressedSize)
        w.fieldI64(9, dataPageOffset)
        if let dictionaryPageOffset { w.fieldI64(11, dictionaryPageOffset) }
        if let statistics {
            w.beginStructField(12)
            w.fieldI64(3, statistics.nullCount)
            if let maxValue = statistics.maxValue, let minValue = statistics.minValue {
                w.fieldBinary(5, maxValue)  // parquet.thrift orders max_value (5) before min_value (6)
                w.fieldBinary(6, minValue)
                w.fieldBool(7, true)
                w.fieldBool(8, true)
            }
            if let nanCount = statistics.nanCount { w.fieldI64(9, nanCount) }
            w.endStruct()
        }
        if let encodingStats {
            w.beginStructListField(13, count: encodingStats.count)
            for stat in encodingStats {
                w.beginListStruct()
                w.fieldI32(1, stat.pageType.rawValue)
                w.fieldI32(2, stat.encoding.rawValue)
                w.fieldI32(3, stat.count)
                w.endStruct()
            }
        }
    }
}
