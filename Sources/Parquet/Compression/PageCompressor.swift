/// One codec's compressor of page bodies: used by one thread at a time, its state reused from page to page.
protocol PageCompressor: AnyObject {
    /// Compresses `input` into the front of `output` (grown when too small, never shrunk, so that it is reused across
    /// pages); returns the compressed length.
    func compress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws(ParquetError) -> Int
}

/// The codecs the writer writes and the reader reads, with their levels (docs/parquet-layout.md#compression).
public enum PageCodecs {
    /// Codecs with a level, and the levels they accept.
    public static func levels(of codec: CompressionCodec) -> ClosedRange<Int>? {
        switch codec {
        case .gzip: 1...9
        case .zstd: 1...22
        default: nil
        }
    }

    /// The level used when none is given: zlib's and zstd's own defaults.
    public static func defaultLevel(of codec: CompressionCodec) -> Int? {
        switch codec {
        case .gzip: 6
        case .zstd: 3
        default: nil
        }
    }

    /// A compressor for `codec` at `level`; nil for UNCOMPRESSED.
    static func compressor(_ codec: CompressionCodec, level: Int) throws(ParquetError) -> (any PageCompressor)? {
        if let levels = levels(of: codec), !levels.contains(level) {
            throw .invalidSchema("\(codec) level must be \(levels.lowerBound)...\(levels.upperBound), got \(level)")
        }
        switch codec {
        case .uncompressed: return nil
        case .gzip: return try GzipCompressor(level: Int32(level))
        case .zstd: return try ZstdCompressor(level: Int32(level))
        case .snappy: return SnappyCompressor()
        default: throw .unsupported("codec \(codec); use UNCOMPRESSED, GZIP, ZSTD or SNAPPY")
        }
    }

    /// A stored page body, decompressed to its stated size.
    static func decompress(_ stored: ArraySlice<UInt8>, codec: CompressionCodec, expectedSize: Int) throws(ParquetError) -> [UInt8] {
        switch codec {
        case .uncompressed: return Array(stored)
        case .gzip: return try GzipDecompressor.decompress(stored, expectedSize: expectedSize)
        case .zstd: return try ZstdDecompressor.decompress(stored, expectedSize: expectedSize)
        case .snappy: return try SnappyDecompressor.decompress(stored, expectedSize: expectedSize)
        default: throw .unsupported("codec \(codec)")
        }
    }
}
