import ActiveCampaign

/// Records as JSON text: one buffer and the byte range of each record in it (a page body, NDJSON lines).
public struct RawRecords: Sendable {
    public var bytes: [UInt8]
    public var ranges: [Range<Int>]

    public init(bytes: [UInt8], ranges: [Range<Int>]) {
        self.bytes = bytes
        self.ranges = ranges
    }

    /// Values already parsed (the API client's pages), as compact JSON text.
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

    /// FNV-1a 64 of a record's text: tells an unchanged re-read record from an updated one. (API pages are
    /// re-serialised compactly, so the hash does not depend on the server's formatting.)
    func contentHash(of index: Int) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes[ranges[index]] {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
