// The footer's metadata as plain Swift values. `MetadataEncoding`/`MetadataDecoding` are the only
// places that know thrift field ids.

public enum TimeUnit: Sendable, Equatable {
    case millis, micros, nanos
}

public enum LogicalType: Sendable, Equatable {
    case string
    case map
    case list
    case date
    case timestamp(adjustedToUTC: Bool, unit: TimeUnit)
    case json
    case other(fieldID: Int16)
}

public struct SchemaElement: Sendable, Equatable {
    public var name: String
    public var physicalType: PhysicalType?
    public var repetition: Repetition?
    public var numChildren: Int32?
    public var convertedType: ConvertedType?
    public var logicalType: LogicalType?
}

public struct Statistics: Sendable, Equatable {
    public var nullCount: Int64
    /// PLAIN bytes of the minimum / maximum without a length prefix; nil when the chunk has no comparable value.
    public var minValue: [UInt8]?
    public var maxValue: [UInt8]?
    public var nanCount: Int64?

    public init(nullCount: Int64, minValue: [UInt8]? = nil, maxValue: [UInt8]? = nil, nanCount: Int64? = nil) {
        self.nullCount = nullCount
        self.minValue = minValue
        self.maxValue = maxValue
        self.nanCount = nanCount
    }
}

public struct PageEncodingStats: Sendable, Equatable {
    public var pageType: PageType
    public var encoding: Encoding
    public var count: Int32

    public init(pageType: PageType, encoding: Encoding, count: Int32) {
        self.pageType = pageType
        self.encoding = encoding
        self.count = count
    }
}

public struct ColumnChunkMetadata: Sendable, Equatable {
    public var physicalType: PhysicalType
    public var encodings: [Encoding]
    public var path: [String]
    public var codec: CompressionCodec
    public var numValues: Int64
    public var totalUncompressedSize: Int64
    public var totalCompressedSize: Int64
    public var dataPageOffset: Int64
    public var dictionaryPageOffset: Int64?
    public var statistics: Statistics?
    public var encodingStats: [PageEncodingStats]?
}

public struct RowGroupMetadata: Sendable, Equatable {
    public var columns: [ColumnChunkMetadata]
    /// Sum of the chunks' uncompressed sizes (parquet.thrift; several writers wrongly wrote the compressed size).
    public var totalByteSize: Int64
    public var numRows: Int64
}

public struct KeyValue: Sendable, Equatable {
    public var key: String
    public var value: String?

    public init(_ key: String, _ value: String?) {
        self.key = key
        self.value = value
    }
}

public struct FileMetadata: Sendable, Equatable {
    public var version: Int32
    public var schema: [SchemaElement]
    public var numRows: Int64
    public var rowGroups: [RowGroupMetadata]
    public var keyValueMetadata: [KeyValue]
    public var createdBy: String?
    /// Number of TYPE_ORDER column orders written (one per leaf when statistics are on).
    public var columnOrderCount: Int
}

public struct DataPageHeader: Sendable, Equatable {
    public var numValues: Int32
    public var encoding: Encoding
    public var definitionLevelEncoding: Encoding
    public var repetitionLevelEncoding: Encoding
}

public struct DictionaryPageHeader: Sendable, Equatable {
    public var numValues: Int32
    public var encoding: Encoding
}

public struct PageHeader: Sendable, Equatable {
    public var type: PageType
    public var uncompressedPageSize: Int32
    public var compressedPageSize: Int32
    public var dataPage: DataPageHeader?
    public var dictionaryPage: DictionaryPageHeader?
}
