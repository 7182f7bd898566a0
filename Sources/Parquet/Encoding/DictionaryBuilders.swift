// Dictionary builders: value → index, with the dictionary page's PLAIN bytes built as entries are added.
// No per-value allocation: fixed-width values hash by bit pattern, byte arrays live in one buffer and
// are found through an open-addressing table of offsets.

/// Dictionary for INT32, INT64 and DOUBLE, keyed by the value's bit pattern (so -0.0 and NaN payloads stay distinct).
struct FixedWidthDictionary {
    let byteWidth: Int
    private var indexByBits: [UInt64: UInt32] = [:]
    private(set) var plainBytes: [UInt8] = []
    private(set) var count = 0

    init(byteWidth: Int) {
        self.byteWidth = byteWidth
    }

    var plainByteCount: Int { plainBytes.count }

    @inline(__always)
    mutating func index(ofBits bits: UInt64) -> UInt32 {
        if let index = indexByBits[bits] { return index }
        let index = UInt32(count)
        indexByBits[bits] = index
        if byteWidth == 4 {
            plainBytes.appendLittleEndian(UInt32(truncatingIfNeeded: bits))
        } else {
            plainBytes.appendLittleEndian(bits)
        }
        count += 1
        return index
    }

    /// Appends the PLAIN bytes of the entries at `indices`, in that order (a page's values without the dictionary).
    func appendPlain(of indices: [UInt32], to plain: inout [UInt8]) {
        for index in indices {
            let start = Int(index) * byteWidth
            plain.append(contentsOf: plainBytes[start..<start + byteWidth])
        }
    }
}

/// Dictionary for BYTE_ARRAY values.
struct ByteArrayDictionary {
    /// PLAIN bytes of the dictionary page: length-prefixed entries, back to back.
    private(set) var plainBytes: [UInt8] = []
    /// Start of each entry's bytes (after its length prefix) in `plainBytes`, and its length.
    private var entryStarts: [Int32] = []
    private var entryLengths: [Int32] = []
    /// Open addressing: slot → entry index + 1 (0 = empty). Capacity is a power of two.
    private var slots: [Int32] = Array(repeating: 0, count: 1024)
    private var hashes: [UInt64] = []

    var count: Int { entryStarts.count }
    var plainByteCount: Int { plainBytes.count }

    @inline(__always)
    mutating func index(of value: UnsafeRawBufferPointer) -> UInt32 {
        let hash = Self.hash(value)
        var mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { break }
            let e = entry - 1
            if hashes[e] == hash && entryLengths[e] == value.count && equals(entry: e, value) {
                return UInt32(e)
            }
            slot = (slot + 1) & mask
        }
        let index = entryStarts.count
        plainBytes.appendLittleEndian(UInt32(value.count))
        entryStarts.append(Int32(plainBytes.count))
        entryLengths.append(Int32(value.count))
        hashes.append(hash)
        plainBytes.append(contentsOf: value)
        slots[slot] = Int32(index + 1)
        if entryStarts.count * 2 > slots.count {
            grow()
            mask = slots.count - 1
        }
        return UInt32(index)
    }

    /// Appends the PLAIN bytes (length prefix and value) of the entries at `indices`, in that order.
    func appendPlain(of indices: [UInt32], to plain: inout [UInt8]) {
        for index in indices {
            let start = Int(entryStarts[Int(index)])
            plain.append(contentsOf: plainBytes[start - 4..<start + Int(entryLengths[Int(index)])])
        }
    }

    private func equals(entry: Int, _ value: UnsafeRawBufferPointer) -> Bool {
        plainBytes.withUnsafeBytes { all in
            let start = Int(entryStarts[entry])
            let stored = UnsafeRawBufferPointer(rebasing: all[start..<start + value.count])
            return value.count == 0 || memcmp(stored.baseAddress!, value.baseAddress!, value.count) == 0
        }
    }

    private mutating func grow() {
        var newSlots = [Int32](repeating: 0, count: slots.count * 2)
        let mask = newSlots.count - 1
        for (e, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while newSlots[slot] != 0 { slot = (slot + 1) & mask }
            newSlots[slot] = Int32(e + 1)
        }
        slots = newSlots
    }

    /// FNV-1a over 8-byte words, then a final mix: fast and good enough for a per-chunk table.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            h = (h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x0000_0100_0000_01B3
            h ^= h >> 29
            i += 8
        }
        while i < n {
            h = (h ^ UInt64(bytes[i])) &* 0x0000_0100_0000_01B3
            i += 1
        }
        h ^= UInt64(n)
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return h
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
