#if canImport(Glibc)
import Glibc
#endif

/// Where a page's records are (`PageSkim.records`).
public enum RecordsLocation: Equatable, Sendable {
    /// The byte range of each element of the array under the key.
    case array([Range<Int>])
    /// The document is an object without the key (a record saved on its own, for instance).
    case missing
    /// The key holds something other than an array.
    case notAnArray
}

/// What one pass over a page body finds without building it: where its records are, their ids, `meta.total`.
public struct PageSkim: Sendable {
    public var records: RecordsLocation
    /// Per element of `.array`: its top-level `id` as an integer (a string on the wire; a number
    /// tolerated), nil when it has none or is not an object.
    public var recordIDs: [Int64?]
    /// `meta.total`: a string on most endpoints, a number on `/deals` (docs/activecampaign-api.md#record-count).
    public var total: Int?
}

extension JSONScanner {
    /// Skims the JSON object in `bytes`: the elements of the array under the top-level `recordsKey`, their ids
    /// and `meta.total`. A duplicate key counts by its last occurrence, as everywhere in the project. The whole document is checked to be JSON, except the inside of each record: whoever
    /// consumes a record reads it strictly, so here only its extent matters, and finding it must cost far less
    /// than reading it.
    public static func skimPage(_ bytes: UnsafeBufferPointer<UInt8>, recordsKey: String?) throws(JSONParseError) -> PageSkim {
        var scanner = JSONScanner(bytes: bytes)
        let recordsKeyBytes = recordsKey.map { Array($0.utf8) }
        var scratch: [UInt8] = []
        var skim = PageSkim(records: .missing, recordIDs: [], total: nil)
        scanner.skipWhitespace()
        let opening = scanner.index
        guard scanner.current == UInt8(ascii: "{") else { throw scanner.failure("expected a JSON object") }
        scanner.index += 1
        if !scanner.closesImmediately(UInt8(ascii: "}")) {
            repeat {
                try scanner.expectKey(objectOpenedAt: opening)
                let key = try scanner.readKey(scratch: &scratch)
                try scanner.expect(UInt8(ascii: ":"), "expected ':' after an object key")
                scanner.skipWhitespace()
                if let recordsKeyBytes, key.elementsEqual(recordsKeyBytes, in: bytes, scratch: scratch) {
                    skim.recordIDs = []  // a repeated key: its last occurrence counts, ids included (fuzzer)
                    if scanner.current == UInt8(ascii: "[") {
                        try scanner.skimRecords(into: &skim)
                    } else {
                        skim.records = .notAnArray
                        try scanner.skipValue()
                    }
                } else if key.elementsEqual(Self.metaKey, in: bytes, scratch: scratch), scanner.current == UInt8(ascii: "{") {
                    skim.total = try scanner.readTotal(scratch: &scratch)
                } else {
                    try scanner.skipValue()
                }
            } while try scanner.continueContainer(closing: UInt8(ascii: "}"), opening: opening)
        }
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw scanner.failure("unexpected content after the JSON value") }
        return skim
    }

    private static let metaKey = Array("meta".utf8)
    private static let totalKey = Array("total".utf8)

    /// A string read by `readString`: its bytes in the document, or decoded into the scratch buffer.
    private enum KeyText {
        case inDocument(Range<Int>)
        case decoded

        func elementsEqual(_ expected: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, scratch: [UInt8]) -> Bool {
            switch self {
            case .inDocument(let range): bytes[range].elementsEqual(expected)
            case .decoded: scratch == expected
            }
        }
    }

    private mutating func readKey(scratch: inout [UInt8]) throws(JSONParseError) -> KeyText {
        if let range = try readString(escapedInto: &scratch) { return .inDocument(range) }
        return .decoded
    }

    /// `total` of the `meta` object at `index`, which is skipped.
    private mutating func readTotal(scratch: inout [UInt8]) throws(JSONParseError) -> Int? {
        let opening = index
        index += 1
        var total: Int?
        if closesImmediately(UInt8(ascii: "}")) { return nil }
        repeat {
            try expectKey(objectOpenedAt: opening)
            let key = try readKey(scratch: &scratch)
            try expect(UInt8(ascii: ":"), "expected ':' after an object key")
            skipWhitespace()
            guard key.elementsEqual(Self.totalKey, in: bytes, scratch: scratch) else {
                try skipValue()
                continue
            }
            switch current {
            case UInt8(ascii: "\""):
                let text = try readKey(scratch: &scratch)
                if case .inDocument(let range) = text {
                    total = Int(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self))
                } else {
                    total = Int(String(decoding: scratch, as: UTF8.self))
                }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[try readNumber()]), as: UTF8.self)
                total = Int(text) ?? Double(text).flatMap { Int(exactly: $0.rounded(.towardZero)) }  // 1e999 is no count
            default:
                try skipValue()
            }
        } while try continueContainer(closing: UInt8(ascii: "}"), opening: opening)
        return total
    }

    /// The elements of the array at `index`, which is skipped.
    private mutating func skimRecords(into skim: inout PageSkim) throws(JSONParseError) {
        let opening = index
        index += 1
        var ranges: [Range<Int>] = []
        if !closesImmediately(UInt8(ascii: "]")) {
            repeat {
                skipWhitespace()
                let start = index
                if current == UInt8(ascii: "{") {
                    skim.recordIDs.append(try skipRecord())
                } else {
                    try skipValue()
                    skim.recordIDs.append(nil)
                }
                ranges.append(start..<index)
            } while try continueContainer(closing: UInt8(ascii: "]"), opening: opening)
        }
        skim.records = .array(ranges)
    }

    /// Skips the object at `index` by its brackets and string quotes only, noting its top-level `id` on the
    /// way (a key is a string at depth 1 followed by a colon). Any depth: it only counts brackets.
    private mutating func skipRecord() throws(JSONParseError) -> Int64? {
        let opening = index
        var depth = 0
        var id: Int64?
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                let quote = try endOfString(opening: index)
                let isIDKey = depth == 1 && quote - index == 3 && bytes[index + 1] == UInt8(ascii: "i") && bytes[index + 2] == UInt8(ascii: "d")
                index = quote + 1
                if isIDKey {
                    skipWhitespace()
                    if current == UInt8(ascii: ":") {
                        index += 1
                        skipWhitespace()
                        id = integer(at: index)
                    }
                }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                index += 1
                if depth == 0 { return id }
            default:
                index += 1
            }
        }
        throw failure("unterminated object (opened at byte \(opening))")
    }

    /// The integer written at `start` as `"123"` or `123`; nil for anything else (`"12a"`, `1.5`, overflow).
    private func integer(at start: Int) -> Int64? {
        var position = start
        let quoted = position < bytes.count && bytes[position] == UInt8(ascii: "\"")
        if quoted { position += 1 }
        let negative = position < bytes.count && bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        var value: Int64 = 0
        var digits = 0
        while position < bytes.count, bytes[position] &- UInt8(ascii: "0") < 10 {
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) = shifted.addingReportingOverflow(Int64(bytes[position] - UInt8(ascii: "0")))
            guard !overflow, !overflowSum else { return nil }
            value = sum
            digits += 1
            position += 1
        }
        guard digits > 0 else { return nil }
        if quoted {
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return nil }
        } else if position < bytes.count, bytes[position] == UInt8(ascii: ".") || bytes[position] | 0x20 == UInt8(ascii: "e") {
            return nil
        }
        return negative ? -value : value
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
