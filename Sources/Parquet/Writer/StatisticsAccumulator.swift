// Column-chunk statistics (docs/parquet-layout.md#statistics): null_count always; min/max in the type's order:
// signed for integers, dates and timestamps; unsigned bytes for strings; NaN ignored for doubles,
// a zero min written as -0.0 and a zero max as +0.0.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct StatisticsAccumulator {
    private(set) var nullCount: Int64 = 0
    private var hasValue = false
    private var minInt: Int64 = .max
    private var maxInt: Int64 = .min
    private var minDouble: Double = .infinity
    private var maxDouble: Double = -.infinity
    private var nanCount: Int64 = 0
    private var minBytes: [UInt8] = []
    private var maxBytes: [UInt8] = []

    mutating func reset() {
        self = StatisticsAccumulator()
    }

    @inline(__always) mutating func addNull() { nullCount += 1 }

    @inline(__always)
    mutating func add(_ value: Int64) {
        hasValue = true
        if value < minInt { minInt = value }
        if value > maxInt { maxInt = value }
    }

    @inline(__always)
    mutating func add(_ value: Double) {
        if value.isNaN {
            nanCount += 1
            return
        }
        hasValue = true
        if value < minDouble { minDouble = value }
        if value > maxDouble { maxDouble = value }
    }

    @inline(__always)
    mutating func add(_ value: UnsafeRawBufferPointer) {
        if !hasValue {
            hasValue = true
            minBytes = Array(value)
            maxBytes = Array(value)
            return
        }
        let belowMin = minBytes.withUnsafeBytes { Self.precedes(value, $0) }
        if belowMin {
            minBytes.removeAll(keepingCapacity: true)
            minBytes.append(contentsOf: value)
            return
        }
        let aboveMax = maxBytes.withUnsafeBytes { Self.precedes($0, value) }
        if aboveMax {
            maxBytes.removeAll(keepingCapacity: true)
            maxBytes.append(contentsOf: value)
        }
    }

    /// Unsigned byte order (a prefix first), with `memcmp` rather than a byte-at-a-time iterator.
    @inline(__always)
    private static func precedes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let common = min(a.count, b.count)
        let order = common == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, common)
        return order < 0 || (order == 0 && a.count < b.count)
    }

    func statistics(for type: PhysicalType, maxValueLength: Int) -> Statistics {
        var stats = Statistics(nullCount: nullCount)
        guard hasValue else {
            if type == .double { stats.nanCount = nanCount }
            return stats
        }
        switch type {
        case .boolean:
            stats.minValue = [UInt8(minInt)]
            stats.maxValue = [UInt8(maxInt)]
        case .int32:
            stats.minValue = littleEndianBytes(Int32(truncatingIfNeeded: minInt))
            stats.maxValue = littleEndianBytes(Int32(truncatingIfNeeded: maxInt))
        case .int64:
            stats.minValue = littleEndianBytes(minInt)
            stats.maxValue = littleEndianBytes(maxInt)
        case .double:
            let minValue = minDouble == 0 ? -0.0 : minDouble
            let maxValue = maxDouble == 0 ? 0.0 : maxDouble
            stats.minValue = littleEndianBytes(minValue.bitPattern)
            stats.maxValue = littleEndianBytes(maxValue.bitPattern)
            stats.nanCount = nanCount
        case .byteArray:
            if minBytes.count <= maxValueLength && maxBytes.count <= maxValueLength {
                stats.minValue = minBytes
                stats.maxValue = maxBytes
            }
        default:
            break
        }
        return stats
    }

    private func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}
