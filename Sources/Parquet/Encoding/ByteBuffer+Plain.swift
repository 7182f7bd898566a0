// PLAIN encoding appends (Encodings.md "Plain"): little-endian fixed width values, BYTE_ARRAY as a
// 4-byte little-endian length followed by the bytes.

extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func appendPlainByteArray(_ bytes: UnsafeRawBufferPointer) {
        appendLittleEndian(UInt32(bytes.count))
        append(contentsOf: bytes)
    }
}

extension UnsafeRawBufferPointer {
    /// Unsigned lexicographic comparison (memcmp order, a shorter prefix sorts first): Parquet's order for BYTE_ARRAY.
    @inline(__always)
    func lexicographicallyPrecedes(_ other: UnsafeRawBufferPointer) -> Bool {
        let common = Swift.min(count, other.count)
        if common > 0, let a = baseAddress, let b = other.baseAddress {
            let c = memcmp(a, b, common)
            if c != 0 { return c < 0 }
        }
        return count < other.count
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Array where Element == UInt8 {
    /// `withUnsafeBytes` for a body with typed throws (the standard one rethrows untyped).
    func withUnsafeBytesTyped<R>(_ body: (UnsafeRawBufferPointer) throws(ParquetError) -> R) throws(ParquetError) -> R {
        let result: Result<R, ParquetError> = withUnsafeBytes { raw in
            Result { () throws(ParquetError) -> R in try body(raw) }
        }
        return try result.get()
    }
}
