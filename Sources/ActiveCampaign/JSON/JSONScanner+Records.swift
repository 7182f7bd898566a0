#if canImport(Glibc)
import Glibc
#endif

/// Where a page's records are (`JSONScanner.records(in:key:)`).
public enum RecordsLocation: Equatable, Sendable {
    /// The byte range of each element of the array under the key.
    case array([Range<Int>])
    /// The document is an object without the key (a record saved on its own, for instance).
    case missing
    /// The key holds something other than an array.
    case notAnArray
}

extension JSONScanner {
    /// Where the records of a page are, without building them: the elements of the array under the top-level
    /// `key` of the JSON object in `bytes`. The whole document is checked to be JSON.
    public static func records(in bytes: UnsafeBufferPointer<UInt8>, key: String) throws(JSONParseError) -> RecordsLocation {
        var scanner = JSONScanner(bytes: bytes)
        let keyBytes = Array(key.utf8)
        var scratch: [UInt8] = []
        var location = RecordsLocation.missing
        scanner.skipWhitespace()
        let opening = scanner.index
        guard scanner.current == UInt8(ascii: "{") else { throw scanner.failure("expected a JSON object") }
        scanner.index += 1
        if !scanner.closesImmediately(UInt8(ascii: "}")) {
            repeat {
                try scanner.expectKey(objectOpenedAt: opening)
                let isRecordsKey: Bool
                if let range = try scanner.readString(escapedInto: &scratch) {
                    isRecordsKey = bytes[range].elementsEqual(keyBytes)
                } else {
                    isRecordsKey = scratch == keyBytes
                }
                try scanner.expect(UInt8(ascii: ":"), "expected ':' after an object key")
                scanner.skipWhitespace()
                if isRecordsKey {
                    if scanner.current == UInt8(ascii: "[") {
                        location = .array(try scanner.elementRanges())
                    } else {
                        location = .notAnArray
                        try scanner.skipValue(depth: 1)
                    }
                } else {
                    try scanner.skipValue(depth: 1)
                }
            } while try scanner.continueContainer(closing: UInt8(ascii: "}"), opening: opening)
        }
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw scanner.failure("unexpected content after the JSON value") }
        return location
    }

    /// The ranges of the elements of the array at `index`, which is skipped.
    private mutating func elementRanges() throws(JSONParseError) -> [Range<Int>] {
        let opening = index
        index += 1
        var ranges: [Range<Int>] = []
        if closesImmediately(UInt8(ascii: "]")) { return ranges }
        repeat {
            skipWhitespace()
            let start = index
            if current == UInt8(ascii: "{") {
                try skipRecord()
            } else {
                try skipValue(depth: 2)
            }
            ranges.append(start..<index)
        } while try continueContainer(closing: UInt8(ascii: "]"), opening: opening)
        return ranges
    }

    /// Skips the object at `index` by its brackets and string quotes only: each record is read strictly by
    /// whoever consumes it, so here only its extent matters, and finding it must cost far less than reading it.
    private mutating func skipRecord() throws(JSONParseError) {
        let opening = index
        var depth = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index = try endOfString(opening: index) + 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                guard depth < Self.maximumDepth else { throw failure("nesting deeper than \(Self.maximumDepth) levels") }
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                index += 1
                if depth == 0 { return }
            default:
                index += 1
            }
        }
        throw failure("unterminated object (opened at byte \(opening))")
    }

    /// The index of the quote closing the string opened at `opening`: the next quote not escaped by an odd
    /// number of backslashes (found with memchr, not byte by byte).
    private func endOfString(opening: Int) throws(JSONParseError) -> Int {
        var from = opening + 1
        while from < bytes.count {
            guard let found = memchr(bytes.baseAddress! + from, Int32(UInt8(ascii: "\"")), bytes.count - from) else { break }
            let quote = bytes.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
            var backslashes = 0
            while quote - backslashes - 1 > opening, bytes[quote - backslashes - 1] == UInt8(ascii: "\\") { backslashes += 1 }
            if backslashes % 2 == 0 { return quote }
            from = quote + 1
        }
        throw failure("unterminated string", at: opening)
    }
}
