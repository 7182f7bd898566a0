import CZlib

// Parquet GZIP pages: one RFC 1952 member per page (Compression.md). windowBits 15 + 16 selects the gzip
// wrapper; no deflateSetHeader, so FLG = 0 (DuckDB rejects FTEXT/FHCRC/FEXTRA/FCOMMENT).
// One z_stream is reused for every page with deflateReset instead of being re-initialised.
final class GzipCompressor: PageCompressor {
    private var stream = z_stream()
    let level: Int32

    init(level: Int32) throws(ParquetError) {
        self.level = level
        let status = deflateInit2_(
            &stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw .compression("deflateInit2 failed with status \(status) (level \(level))") }
    }

    deinit {
        deflateEnd(&stream)
    }

    /// Compresses `input` as one gzip member into the front of `output` (grown when too small, never
    /// shrunk, so it is reused across pages); returns the compressed length.
    func compress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws(ParquetError) -> Int {
        guard deflateReset(&stream) == Z_OK else { throw .compression("deflateReset failed") }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        if output.count < bound { output = [UInt8](repeating: 0, count: bound) }
        let (status, length): (Int32, Int) = output.withUnsafeMutableBufferPointer { out in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            stream.next_out = out.baseAddress
            stream.avail_out = uInt(out.count)
            let status = deflate(&stream, Z_FINISH)
            return (status, out.count - Int(stream.avail_out))
        }
        guard status == Z_STREAM_END else { throw .compression("deflate did not finish (status \(status))") }
        return length
    }
}

/// Inflates a gzip (or zlib) page body of known uncompressed size; used by the self-check reader.
enum GzipDecompressor {
    static func decompress(_ input: ArraySlice<UInt8>, expectedSize: Int) throws(ParquetError) -> [UInt8] {
        var stream = z_stream()
        // 15 + 32: detect the gzip or zlib wrapper automatically.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .compression("inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: expectedSize)
        let status: Int32 = input.withUnsafeBufferPointer { inp in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: inp.baseAddress)
                stream.avail_in = uInt(inp.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                return inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == expectedSize else {
            throw .corruptFile("GZIP page did not decompress to its stated size \(expectedSize) (status \(status), got \(stream.total_out))")
        }
        return output
    }
}
