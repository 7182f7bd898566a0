/// Every writer default in one place (like arrow-rs `properties.rs`).
public struct WriterProperties: Sendable {
    public var compression: CompressionCodec = .gzip
    /// zlib level for GZIP (1-9). 6 is zlib's default; 9 costs far more for little gain on this data.
    public var compressionLevel: Int = 6
    /// Compress data pages on a second thread while the next ones are encoded (same bytes either way).
    public var backgroundCompression: Bool = true
    /// When set, compressed pages wait for the end of their row group in an unlinked temporary file in this
    /// folder instead of memory, so memory does not grow with the row-group size. Use the output's folder.
    public var pageSpillDirectory: String?
    /// Target uncompressed size of a data page.
    public var dataPageSize: Int = 1 << 20
    /// Cap on rows per data page (arrow, parquet-java and arrow-rs use 20,000).
    public var dataPageRowLimit: Int = 20_000
    /// A row group is closed at this many rows ...
    public var rowGroupRowLimit: Int = 1 << 20
    /// ... or at this estimated uncompressed size.
    public var rowGroupByteLimit: Int = 128 << 20
    public var dictionaryEnabled: Bool = true
    /// STRING pages without a dictionary (disabled, or given up on) use DELTA_BYTE_ARRAY instead of PLAIN: read
    /// by pyarrow, DuckDB, polars, Spark and Trino, and far smaller before compression for URL-like values.
    public var deltaEncodedStrings: Bool = true
    /// A chunk falls back to PLAIN once its dictionary page would exceed this size.
    public var dictionaryPageSizeLimit: Int = 1 << 20
    /// Chunk statistics, column orders and page encoding stats.
    public var statisticsEnabled: Bool = true
    public var encodingStatsEnabled: Bool = true
    /// Longer string min/max values are omitted (arrow drops values over 4096 bytes by default).
    public var statisticsMaxValueLength: Int = 4096
    /// `"<app> version <x.y.z> (build <hash>)"`: parquet-java ignores string statistics without a parseable one.
    public var createdBy: String? = "ac-export version 0.1.0 (build unknown)"

    public init() {}
}
