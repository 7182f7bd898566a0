// Parquet's RLE / bit-packing hybrid (Encodings.md "RLE"), used for definition levels and dictionary
// indices. Same run selection as arrow's RleEncoder: a run of >= 8 equal values that starts on a
// group boundary becomes an RLE run; everything else is bit-packed in groups of 8, LSB first.

struct RLEHybridEncoder {
    let bitWidth: Int
    private(set) var output: [UInt8] = []
    private var buffered: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var bufferedCount = 0
    private var currentValue: UInt32 = 0
    private var repeatCount = 0
    /// Values already written into the open bit-packed run (a multiple of 8).
    private var literalCount = 0
    /// Index of the reserved header byte of the open bit-packed run.
    private var literalHeaderIndex: Int?

    /// One header byte holds at most 63 groups ((63 << 1) | 1 = 127), so a bit-packed run is cut there.
    private static let maxGroupsPerLiteralRun = 63

    init(bitWidth: Int) {
        precondition(bitWidth >= 0 && bitWidth <= 32)
        self.bitWidth = bitWidth
    }

    mutating func reset() {
        output.removeAll(keepingCapacity: true)
        bufferedCount = 0
        currentValue = 0
        repeatCount = 0
        literalCount = 0
        literalHeaderIndex = nil
    }

    /// Appends `count` copies of `value` (a fast path for long runs such as all-present levels).
    mutating func put(_ value: UInt32, count: Int) {
        var remaining = count
        while remaining > 0 && (repeatCount < 8 || value != currentValue) {
            put(value)
            remaining -= 1
        }
        repeatCount += remaining
    }

    mutating func put(_ value: UInt32) {
        if value == currentValue {
            repeatCount += 1
            if repeatCount > 8 { return }  // continuation of an RLE run: nothing to buffer
        } else {
            if repeatCount >= 8 { flushRepeatedRun() }
            repeatCount = 1
            currentValue = value
        }
        withUnsafeMutableBytes(of: &buffered) { $0.storeBytes(of: value, toByteOffset: bufferedCount * 4, as: UInt32.self) }
        bufferedCount += 1
        if bufferedCount == 8 { flushBufferedValues() }
    }

    /// Ends the stream and returns the encoded bytes (no length prefix).
    mutating func finish() -> [UInt8] {
        if literalCount > 0 || repeatCount > 0 || bufferedCount > 0 {
            let allRepeat = literalCount == 0 && (repeatCount == bufferedCount || bufferedCount == 0)
            if repeatCount > 0 && allRepeat {
                flushRepeatedRun()
            } else {
                // Pad the last group with zeros; readers stop after num_values.
                while bufferedCount != 0 && bufferedCount < 8 {
                    withUnsafeMutableBytes(of: &buffered) { $0.storeBytes(of: 0, toByteOffset: bufferedCount * 4, as: UInt32.self) }
                    bufferedCount += 1
                }
                literalCount += bufferedCount
                flushLiteralRun(closeRun: true)
                repeatCount = 0
            }
        }
        return output
    }

    private mutating func flushBufferedValues() {
        if repeatCount >= 8 {
            // The 8 buffered values all belong to the repeated run that has just reached 8.
            bufferedCount = 0
            if literalCount != 0 { flushLiteralRun(closeRun: true) }
            return
        }
        literalCount += bufferedCount
        let groups = literalCount / 8
        flushLiteralRun(closeRun: groups + 1 >= Self.maxGroupsPerLiteralRun)
        repeatCount = 0
    }

    private mutating func flushRepeatedRun() {
        output.appendULEB128(UInt64(repeatCount) << 1)
        var value = currentValue
        for _ in 0..<((bitWidth + 7) / 8) {
            output.append(UInt8(truncatingIfNeeded: value))
            value >>= 8
        }
        bufferedCount = 0
        repeatCount = 0
    }

    private mutating func flushLiteralRun(closeRun: Bool) {
        if literalHeaderIndex == nil {
            literalHeaderIndex = output.count
            output.append(0)
        }
        if bufferedCount > 0 {
            withUnsafeBytes(of: buffered) { raw in
                let values = raw.bindMemory(to: UInt32.self)
                BitPacking.packGroup(values, count: bufferedCount, bitWidth: bitWidth, into: &output)
            }
            bufferedCount = 0
        }
        if closeRun, let headerIndex = literalHeaderIndex {
            let groups = (literalCount + 7) / 8
            output[headerIndex] = UInt8((groups << 1) | 1)
            literalHeaderIndex = nil
            literalCount = 0
        }
    }
}

enum BitPacking {
    /// Packs up to 8 values (a group, zero-padded) of `bitWidth` bits, LSB first: exactly `bitWidth` bytes.
    static func packGroup(_ values: UnsafeBufferPointer<UInt32>, count: Int, bitWidth: Int, into output: inout [UInt8]) {
        var accumulator: UInt64 = 0
        var bits = 0
        for i in 0..<8 {
            let value = i < count ? UInt64(values[i]) : 0
            accumulator |= value << UInt64(bits)
            bits += bitWidth
            while bits >= 8 {
                output.append(UInt8(truncatingIfNeeded: accumulator))
                accumulator >>= 8
                bits -= 8
            }
        }
    }

    /// Bits needed to represent `maxValue` (0 for 0).
    static func bitWidth(of maxValue: UInt32) -> Int {
        maxValue == 0 ? 0 : 32 - maxValue.leadingZeroBitCount
    }
}
