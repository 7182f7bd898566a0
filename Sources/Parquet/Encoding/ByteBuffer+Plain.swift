// PLAIN encoding appends (Encodings.md "Plain"): little-endian fixed width values, BYTE_ARRAY as a
// 4-byte little-endian length followed by the bytes.

extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    /// Unsigned LEB128 varint (RLE run headers, DELTA_BINARY_PACKED headers).
    mutating func appendULEB128(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        append(UInt8(v))
    }

    @inline(__always)
    mutating func appendPlainByteArray(_ bytes: UnsafeRawBufferPointer) {
        appendLittleEndian(UInt32(bytes.count))
        append(contentsOf: bytes)
    }
}

extension Array where Element == UInt8 {
    /// Reads an unsigned LEB128 varint at `position` (before `end`), advancing it; `what` names the
    /// structure in the error (thrift, RLE, DELTA_BINARY_PACKED).
    func readULEB128(at position: inout Int, end: Int, what: String) throws(ParquetError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < Swift.min(end, count) else { throw .corruptFile("\(what) data ends early") }
            let byte = self[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            guard shift < 64 else { throw .corruptFile("\(what) varint too long") }
        }
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
