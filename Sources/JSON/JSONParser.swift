/// A strict RFC 8259 parser building `JSONValue` trees, for small documents: API error bodies, `inspect`, and
/// the fuzzer's reference reading (pages and records go through `JSONScanner` without a tree).
///
/// Numbers keep their raw text; object members keep document order and duplicates. Lexing is `JSONScanner`'s:
/// invalid UTF-8 and lone surrogate escapes become U+FFFD.
public enum JSONParser {
    /// Deepest nesting accepted: the parser recurses, so a hostile document is an error, not a stack overflow.
    /// API records nest three or four levels (forms `style`).
    public static let maximumDepth = 512

    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
        var reader = JSONTreeReader(scanner: JSONScanner(bytes: bytes.assumingMemoryBound(to: UInt8.self)))
        return try reader.parseDocument()
    }

    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeBytes { buffer in
            do throws(JSONParseError) {
                return .success(try parse(buffer))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

/// The state of one `JSONParser.parse` call.
private struct JSONTreeReader {
    var scanner: JSONScanner
    var depth = 0
    /// Reused for strings that contain escapes.
    var scratch: [UInt8] = []

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        scanner.skipWhitespace()
        let value = try parseValue()
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw scanner.failure("unexpected content after the JSON value") }
        return value
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        switch scanner.current {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try scanner.expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try scanner.expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try scanner.expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let range = try scanner.readNumber()
            return .number(String(decoding: UnsafeBufferPointer(rebasing: scanner.bytes[range]), as: UTF8.self))
        default:
            throw scanner.unexpectedValueStart()
        }
    }

    private mutating func enterContainer() throws(JSONParseError) {
        depth += 1
        guard depth <= JSONParser.maximumDepth else {
            throw scanner.failure("nesting deeper than \(JSONParser.maximumDepth) levels")
        }
        scanner.index += 1
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        let opening = scanner.index
        try enterContainer()
        defer { depth -= 1 }
        var members: [JSONMember] = []
        if scanner.closesImmediately(UInt8(ascii: "}")) { return .object(JSONObject(members: members)) }
        repeat {
            try scanner.expectKey(objectOpenedAt: opening)
            let key = try parseString()
            try scanner.expect(UInt8(ascii: ":"), "expected ':' after an object key")
            scanner.skipWhitespace()
            members.append(JSONMember(key: key, value: try parseValue()))
        } while try scanner.continueContainer(closing: UInt8(ascii: "}"), opening: opening)
        return .object(JSONObject(members: members))
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        let opening = scanner.index
        try enterContainer()
        defer { depth -= 1 }
        var elements: [JSONValue] = []
        if scanner.closesImmediately(UInt8(ascii: "]")) { return .array(elements) }
        repeat {
            scanner.skipWhitespace()
            elements.append(try parseValue())
        } while try scanner.continueContainer(closing: UInt8(ascii: "]"), opening: opening)
        return .array(elements)
    }

    /// `String(decoding:)` repairs invalid UTF-8 with U+FFFD.
    private mutating func parseString() throws(JSONParseError) -> String {
        if let range = try scanner.readString(escapedInto: &scratch) {
            return String(decoding: UnsafeBufferPointer(rebasing: scanner.bytes[range]), as: UTF8.self)
        }
        return String(decoding: scratch, as: UTF8.self)
    }
}
