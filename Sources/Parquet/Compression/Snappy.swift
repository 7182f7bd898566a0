import CSnappy

// Parquet SNAPPY pages: the raw snappy format (no framing), as arrow and parquet-java write it (Compression.md).
final class SnappyCompressor: PageCompressor {
    func compress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws(ParquetError) -> Int {
        let bound = snappy_max_compressed_length(input.count)
        if output.count < bound { output = [UInt8](repeating: 0, count: bound) }
        var length = output.count
        let status = output.withUnsafeMutableBytes { out in
            snappy_compress(input.baseAddress?.assumingMemoryBound(to: CChar.self), input.count, out.baseAddress?.assumingMemoryBound(to: CChar.self), &length)
        }
        guard status == SNAPPY_OK else { throw .compression("snappy_compress failed (status \(status.rawValue))") }
        return length
    }
}

/// Decompresses a snappy page body of known size; used by the self-check reader.
enum SnappyDecompressor {
    static func decompress(_ input: ArraySlice<UInt8>, expectedSize: Int) throws(ParquetError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: expectedSize)
        var length = expectedSize
        let status = input.withUnsafeBytes { inp in
            output.withUnsafeMutableBytes { out in
                snappy_uncompress(inp.baseAddress?.assumingMemoryBound(to: CChar.self), inp.count, out.baseAddress?.assumingMemoryBound(to: CChar.self), &length)
            }
        }
        guard status == SNAPPY_OK, length == expectedSize else {
            throw .corruptFile("SNAPPY page did not decompress to its stated size \(expectedSize) (status \(status.rawValue), got \(length))")
        }
        return output
    }
}
