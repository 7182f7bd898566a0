import CZstd

// Parquet ZSTD pages: one zstd frame per page (Compression.md), with its content size in the frame header.
// One compression context is reused for every page.
final class ZstdCompressor: PageCompressor {
    private let context: OpaquePointer
    let level: Int32

    init(level: Int32) throws(ParquetError) {
        guard let context = ZSTD_createCCtx() else { throw .compression("ZSTD_createCCtx failed") }
        self.context = context
        self.level = level
    }

    deinit {
        ZSTD_freeCCtx(context)
    }

    func compress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws(ParquetError) -> Int {
        let bound = ZSTD_compressBound(input.count)
        if output.count < bound { output = [UInt8](repeating: 0, count: bound) }
        let length = output.withUnsafeMutableBytes { out in
            ZSTD_compressCCtx(context, out.baseAddress, out.count, input.baseAddress, input.count, level)
        }
        guard ZSTD_isError(length) == 0 else { throw .compression("ZSTD_compressCCtx: \(String(cString: ZSTD_getErrorName(length)))") }
        return length
    }
}

/// Decompresses a zstd page body of known size; used by the self-check reader.
enum ZstdDecompressor {
    static func decompress(_ input: ArraySlice<UInt8>, expectedSize: Int) throws(ParquetError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: expectedSize)
        let length = input.withUnsafeBytes { inp in
            output.withUnsafeMutableBytes { out in ZSTD_decompress(out.baseAddress, out.count, inp.baseAddress, inp.count) }
        }
        guard ZSTD_isError(length) == 0, length == expectedSize else {
            throw .corruptFile("ZSTD page did not decompress to its stated size \(expectedSize) (\(ZSTD_isError(length) != 0 ? String(cString: ZSTD_getErrorName(length)) : "got \(length)"))")
        }
        return output
    }
}
