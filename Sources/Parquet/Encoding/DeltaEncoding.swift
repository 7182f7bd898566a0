// DELTA_BINARY_PACKED and DELTA_BYTE_ARRAY (Encodings.md). In format version 2, strings that the dictionary gave up
// on are written as DELTA_BYTE_ARRAY (docs/parquet-layout.md#format-versions): each value stores only what differs from the previous one, so URL-like columns
// (`https://ACCOUNT.api-us1.com/api/3/contacts/123/contactGoals`) hand zlib a fraction of their bytes.

/// DELTA_BINARY_PACKED for non-negative 32-bit values (lengths): blocks of 128 deltas in 4 miniblocks of 32,
/// each bit-packed at its own width after subtracting the block's smallest delta.
enum DeltaBinaryPacked {
    static let blockSize = 128
    static let miniblocksPerBlock = 4
    static let miniblockSize = 32

    static func encode(_ values: [Int32], into output: inout [UInt8]) {
        output.appendULEB128(UInt64(blockSize))
        output.appendULEB128(UInt64(miniblocksPerBlock))
        output.appendULEB128(UInt64(values.count))
        output.appendULEB128(zigzag(Int64(values.first ?? 0)))
        var deltas = [Int64](repeating: 0, count: blockSize)
        var packed = [UInt32](repeating: 0, count: miniblockSize)
        var start = 1
        while start < values.count {
            let count = min(blockSize, values.count - start)
            var minDelta = Int64.max
            for i in 0..<count {
                deltas[i] = Int64(values[start + i]) - Int64(values[start + i - 1])
                minDelta = min(minDelta, deltas[i])
            }
            output.appendULEB128(zigzag(minDelta))
            let widths = output.count
            output.append(contentsOf: repeatElement(0, count: miniblocksPerBlock))
            // Miniblocks past the last value keep width 0 and have no body (the spec's last-block rule).
            for miniblock in 0..<miniblocksPerBlock where miniblock * miniblockSize < count {
                let first = miniblock * miniblockSize
                var largest: UInt32 = 0
                for i in 0..<miniblockSize {
                    packed[i] = first + i < count ? UInt32(deltas[first + i] - minDelta) : 0
                    largest = max(largest, packed[i])
                }
                let bitWidth = BitPacking.bitWidth(of: largest)
                output[widths + miniblock] = UInt8(bitWidth)
                packed.withUnsafeBufferPointer { all in
                    for group in stride(from: 0, to: miniblockSize, by: 8) {
                        BitPacking.packGroup(UnsafeBufferPointer(rebasing: all[group..<group + 8]), count: 8, bitWidth: bitWidth, into: &output)
                    }
                }
            }
            start += count
        }
    }

    static func decode(_ bytes: [UInt8], cursor: inout Int) throws(ParquetError) -> [Int64] {
        var reader = ByteReader(bytes: bytes, position: cursor)
        let blockSize = Int(try reader.uleb128())
        let miniblocks = Int(try reader.uleb128())
        let total = Int(try reader.uleb128())
        var previous = unzigzag(try reader.uleb128())
        guard blockSize > 0, blockSize % 128 == 0, miniblocks > 0, (blockSize / miniblocks) % 32 == 0, total >= 0, total <= bytes.count * 8 + 1 else {
            throw .corruptFile("DELTA_BINARY_PACKED header is invalid (block \(blockSize), miniblocks \(miniblocks), values \(total))")
        }
        let perMiniblock = blockSize / miniblocks
        var values: [Int64] = []
        values.reserveCapacity(total)
        if total > 0 { values.append(previous) }
        while values.count < total {
            let minDelta = unzigzag(try reader.uleb128())
            var widths: [Int] = []
            for _ in 0..<miniblocks { widths.append(Int(try reader.byte())) }
            for width in widths where values.count < total {
                guard width <= 64 else { throw .corruptFile("DELTA_BINARY_PACKED bit width \(width)") }
                for index in 0..<perMiniblock {
                    let delta = try reader.bits(width, at: index)
                    if values.count < total {
                        previous = previous &+ minDelta &+ Int64(bitPattern: delta)
                        values.append(previous)
                    }
                }
                reader.position += perMiniblock * width / 8
            }
        }
        cursor = reader.position
        return values
    }

    private static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    private static func unzigzag(_ value: UInt64) -> Int64 {
        Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }
}

/// DELTA_BYTE_ARRAY: the prefix length shared with the previous value and the lengths of the suffixes (both
/// DELTA_BINARY_PACKED), then the suffixes back to back.
enum DeltaByteArray {
    /// Encodes the values of a PLAIN BYTE_ARRAY buffer (4-byte length, bytes, ...).
    static func encode(plain: [UInt8], count: Int, into output: inout [UInt8]) {
        var prefixLengths: [Int32] = []
        var suffixLengths: [Int32] = []
        prefixLengths.reserveCapacity(count)
        suffixLengths.reserveCapacity(count)
        var suffixes: [UInt8] = []
        suffixes.reserveCapacity(plain.count / 4)
        plain.withUnsafeBufferPointer { bytes in
            var position = 0
            var previous = 0..<0
            for _ in 0..<count {
                let length = Int(UInt32(bytes[position]) | UInt32(bytes[position + 1]) << 8 | UInt32(bytes[position + 2]) << 16 | UInt32(bytes[position + 3]) << 24)
                let value = position + 4..<position + 4 + length
                var prefix = 0
                let limit = min(previous.count, length)
                while prefix < limit, bytes[previous.lowerBound + prefix] == bytes[value.lowerBound + prefix] { prefix += 1 }
                prefixLengths.append(Int32(prefix))
                suffixLengths.append(Int32(length - prefix))
                suffixes.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(value.lowerBound + prefix)..<value.upperBound]))
                previous = value
                position = value.upperBound
            }
        }
        DeltaBinaryPacked.encode(prefixLengths, into: &output)
        DeltaBinaryPacked.encode(suffixLengths, into: &output)
        output.append(contentsOf: suffixes)
    }

    static func decode(_ bytes: [UInt8], cursor: inout Int, count: Int) throws(ParquetError) -> [[UInt8]] {
        let prefixes = try DeltaBinaryPacked.decode(bytes, cursor: &cursor)
        let suffixes = try DeltaBinaryPacked.decode(bytes, cursor: &cursor)
        guard prefixes.count == count, suffixes.count == count else {
            throw .corruptFile("DELTA_BYTE_ARRAY holds \(prefixes.count)/\(suffixes.count) lengths for \(count) values")
        }
        var values: [[UInt8]] = []
        values.reserveCapacity(count)
        var previous: [UInt8] = []
        for i in 0..<count {
            let prefix = Int(prefixes[i])
            let suffix = Int(suffixes[i])
            guard prefix >= 0, prefix <= previous.count, suffix >= 0, cursor + suffix <= bytes.count else {
                throw .corruptFile("DELTA_BYTE_ARRAY value \(i) overruns the page")
            }
            let value = Array(previous[0..<prefix]) + bytes[cursor..<cursor + suffix]
            cursor += suffix
            values.append(value)
            previous = value
        }
        return values
    }
}

/// Little-endian bit and ULEB128 reads over a page body, bounds-checked.
private struct ByteReader {
    let bytes: [UInt8]
    var position: Int

    mutating func byte() throws(ParquetError) -> UInt8 {
        guard position < bytes.count else { throw .corruptFile("DELTA_BINARY_PACKED data ends early") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func uleb128() throws(ParquetError) -> UInt64 {
        try bytes.readULEB128(at: &position, end: bytes.count, what: "DELTA_BINARY_PACKED")
    }

    /// Value `index` of a miniblock starting at `position`, packed LSB first at `width` bits.
    func bits(_ width: Int, at index: Int) throws(ParquetError) -> UInt64 {
        guard width > 0 else { return 0 }
        var value: UInt64 = 0
        for bit in 0..<width {
            let absolute = index * width + bit
            let offset = position + absolute / 8
            guard offset < bytes.count else { throw .corruptFile("DELTA_BINARY_PACKED miniblock overruns the page") }
            value |= UInt64((bytes[offset] >> UInt8(absolute % 8)) & 1) << UInt64(bit)
        }
        return value
    }
}
