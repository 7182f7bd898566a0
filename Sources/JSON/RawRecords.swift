/// Records as JSON text: one buffer and the byte range of each record in it (a page body, NDJSON lines).
public struct RawRecords: Sendable {
    public var bytes: [UInt8]
    public var ranges: [Range<Int>]

    public init(bytes: [UInt8], ranges: [Range<Int>]) {
        self.bytes = bytes
        self.ranges = ranges
    }

    /// Values already parsed, as compact JSON text (records built in memory: tests feed the pipeline this way).
    public init(_ values: [JSONValue]) {
        bytes = []
        ranges = []
        ranges.reserveCapacity(values.count)
        for value in values {
            let start = bytes.count
            value.appendCompactText(to: &bytes)
            ranges.append(start..<bytes.count)
        }
    }

    public var count: Int { ranges.count }

    /// The records at `indices`, sharing this buffer.
    public func subset(_ indices: [Int]) -> RawRecords {
        RawRecords(bytes: bytes, ranges: indices.map { ranges[$0] })
    }

    /// The records whose text does not start with `{` (elements of a records array that are not objects).
    public func nonObjectIndices() -> [Int] {
        ranges.indices.filter { index in
            bytes[ranges[index]].first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 } != UInt8(ascii: "{")
        }
    }

    /// The start of a record's text, for messages.
    public func preview(of index: Int, bytes limit: Int = 60) -> String {
        let text = bytes[ranges[index]]
        return String(decoding: text.prefix(limit), as: UTF8.self) + (text.count > limit ? "…" : "")
    }

    /// FNV-1a 64 of a record's text as received: tells an unchanged re-read record from an updated one.
    public func contentHash(of index: Int) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes[ranges[index]] {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
