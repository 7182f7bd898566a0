/// Every writer default in one place (like arrow-rs `properties.rs`).
public struct WriterProperties: Sendable {
    /// GZIP (zlib) by default: every reader has it. ZSTD and SNAPPY through the system libraries (`PageCodecs`).
    public var compression: CompressionCodec = .gzip
    /// The codec's level: GZIP 1-9 (6 is zlib's default; 9 costs far more for little gain on this data), ZSTD 1-22;
    /// SNAPPY and UNCOMPRESSED have none.
    public var compressionLevel: Int = 6
    /// Compress data pages on the compression threads while the next ones are encoded (same bytes either way).
    public var backgroundCompression: Bool = true
    /// When set, compressed pages wait for the end of their row group in an unlinked temporary file in this
    /// folder instead of memory, so memory does not grow with the row-group size. Use the output's folder.
    public var pageSpillDirectory: String?
    /// Target uncompressed size of a data page.
    public var dataPageSize: Int = 1 << 20
    /// When set, the open (not yet finished) data pages of all columns together hold at most about this many bytes:
    /// at a row boundary past it, the largest open pages are finished first. With it `dataPageSize` can be large, so
    /// that long strings get long pages (each page restarts the compressor's window) while memory stays bounded.
    public var openPagesByteLimit: Int?
    /// Cap on rows per data page (arrow, parquet-java and arrow-rs use 20,000).
    public var dataPageRowLimit: Int = 20_000
    /// A row group is closed at this many rows ...
    public var rowGroupRowLimit: Int = 1 << 20
    /// ... or at this estimated uncompressed size.
    public var rowGroupByteLimit: Int = 128 << 20
    public var dictionaryEnabled: Bool = true
    /// Which encodings data pages may use. `.v1` (the default) writes only those every reader supports;
    /// `.v2` lets STRING pages without a dictionary use DELTA_BYTE_ARRAY (see `ParquetFormatVersion`).
    public var formatVersion: ParquetFormatVersion = .v1
    /// A chunk leaves its dictionary (for PLAIN, or DELTA_BYTE_ARRAY strings in v2) once the dictionary page exceeds this size.
    public var dictionaryPageSizeLimit: Int = 1 << 20
    /// Chunk statistics, column orders and page encoding stats.
    public var statisticsEnabled: Bool = true
    public var encodingStatsEnabled: Bool = true
    /// Longer string min/max values are omitted (arrow drops values over 4096 bytes by default).
    public var statisticsMaxValueLength: Int = 4096
    /// `"<app> version <x.y.z> (build <hash>)"`: parquet-java ignores string statistics without a parseable one.
    /// The application writing the file names itself here; the library's own name is only the fallback.
    public var createdBy: String? = "swift-parquet version 0.1.0"

    public init() {}
}

/// The encoding level of the files, after the ecosystem's convention (DuckDB's `PARQUET_VERSION`, pyarrow's
/// `version`). Both write data page v1 headers; they differ in the encodings a reader must know.
public enum ParquetFormatVersion: Int, Sendable, CaseIterable {
    /// PLAIN, RLE_DICTIONARY and RLE levels only: what pyarrow, DuckDB and arrow-rs write by default, and what
    /// every reader opens (fastparquet, Velox/Presto, StarRocks and older arrow-rs included).
    case v1 = 1
    /// Adds DELTA_BYTE_ARRAY for strings the dictionary gave up on: far fewer bytes before compression for
    /// URL-like values. pyarrow, DuckDB, polars, Spark and Trino read it; fastparquet does not.
    case v2 = 2
}
