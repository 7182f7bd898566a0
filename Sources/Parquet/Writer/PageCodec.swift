// Compression of page bodies, shared by every column of one writer (one zlib stream, reused).

final class PageCodec {
    let codec: CompressionCodec
    private let gzip: GzipCompressor?
    /// Reused across pages: the uncompressed body being assembled and the compressed output.
    var body: [UInt8] = []
    private var compressed: [UInt8] = []

    init(properties: WriterProperties) throws(ParquetError) {
        codec = properties.compression
        switch properties.compression {
        case .uncompressed:
            gzip = nil
        case .gzip:
            guard (1...9).contains(properties.compressionLevel) else {
                throw .invalidSchema("GZIP level must be 1...9, got \(properties.compressionLevel)")
            }
            gzip = try GzipCompressor(level: Int32(properties.compressionLevel))
        default:
            throw .unsupported("codec \(properties.compression); use UNCOMPRESSED or GZIP")
        }
        body.reserveCapacity(1 << 20)
    }

    /// Compresses `body` and appends page header + stored body to `chunk`; returns (header + uncompressed, header + stored) sizes.
    func emitPage(_ header: PageHeader, into chunk: inout [UInt8]) throws(ParquetError) -> (uncompressed: Int, stored: Int) {
        var header = header
        header.uncompressedPageSize = Int32(body.count)
        if let gzip {
            let length = try body.withUnsafeBytesTyped { (raw) throws(ParquetError) in try gzip.compress(raw, into: &compressed) }
            header.compressedPageSize = Int32(length)
            let headerBytes = header.thriftBytes()
            chunk.append(contentsOf: headerBytes)
            chunk.append(contentsOf: compressed[0..<length])
            return (headerBytes.count + body.count, headerBytes.count + length)
        } else {
            header.compressedPageSize = Int32(body.count)
            let headerBytes = header.thriftBytes()
            chunk.append(contentsOf: headerBytes)
            chunk.append(contentsOf: body)
            return (headerBytes.count + body.count, headerBytes.count + body.count)
        }
    }
}
