// Decoder for the RLE / bit-packing hybrid, used by the reader.

struct RLEHybridDecoder {
    private let bytes: [UInt8]
    private var position: Int
    private let end: Int
    private let bitWidth: Int

    init(_ bytes: [UInt8], range: Range<Int>, bitWidth: Int) {
        self.bytes = bytes
        self.position = range.lowerBound
        self.end = range.upperBound
        self.bitWidth = bitWidth
    }

    /// Decodes exactly `count` values.
    mutating func decode(count: Int) throws(ParquetError) -> [UInt32] {
        var values: [UInt32] = []
        values.reserveCapacity(count)
        while values.count < count {
            let header = try readVarint()
            if header & 1 == 0 {
                let runLength = Int(header >> 1)
                var value: UInt32 = 0
                for i in 0..<((bitWidth + 7) / 8) {
                    value |= UInt32(try readByte()) << (8 * UInt32(i))
                }
                let take = min(runLength, count - values.count)
                values.append(contentsOf: repeatElement(value, count: take))
            } else {
                let groups = Int(header >> 1)
                let byteCount = groups * bitWidth
                guard position + byteCount <= end else { throw .corruptFile("bit-packed run runs past the page") }
                var accumulator: UInt64 = 0
                var bits = 0
                var produced = 0
                let mask: UInt64 = bitWidth == 64 ? .max : (1 << UInt64(bitWidth)) - 1
                for i in 0..<byteCount {
                    accumulator |= UInt64(bytes[position + i]) << UInt64(bits)
                    bits += 8
                    while bits >= bitWidth && produced < groups * 8 {
                        if values.count < count { values.append(UInt32(accumulator & mask)) }
                        accumulator >>= UInt64(bitWidth)
                        bits -= bitWidth
                        produced += 1
                    }
                }
                if bitWidth == 0 {
                    values.append(contentsOf: repeatElement(0, count: min(groups * 8, count - values.count)))
                }
                position += byteCount
            }
        }
        return values
    }

    private mutating func readByte() throws(ParquetError) -> UInt8 {
        guard position < end else { throw .corruptFile("RLE data ends early") }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func readVarint() throws(ParquetError) -> UInt64 {
        try bytes.readULEB128(at: &position, end: end, what: "RLE")
    }
}
