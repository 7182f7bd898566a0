import Testing

@testable import JSON

@Suite("JSON parser")
struct JSONParserTests {
    private func parse(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    private func failure(_ text: String) -> JSONParseError? {
        do {
            _ = try JSONParser.parse(Array(text.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test func parsesScalarsAndKeepsNumberText() throws {
        #expect(try parse("null") == .null)
        #expect(try parse(" true ") == .bool(true))
        #expect(try parse("false") == .bool(false))
        #expect(try parse("-0.50e+10") == .number("-0.50e+10"))
        #expect(try parse("12345678901234567890123") == .number("12345678901234567890123"))
        #expect(try parse("1.0") != parse("1"))
        #expect(try parse("\"a\"") == .string("a"))
    }

    @Test func keepsMemberOrderAndDuplicates() throws {
        let value = try parse(#"{"b":1,"a":2,"b":3}"#)
        guard case .object(let object) = value else {
            Issue.record("not an object")
            return
        }
        #expect(object.members.map(\.key) == ["b", "a", "b"])
        #expect(object["b"] == .number("3"))
        #expect(object["missing"] == nil)
    }

    @Test func decodesEscapes() throws {
        #expect(try parse(#""a\/b\\c\"d\n\t\r\b\f""#) == .string("a/b\\c\"d\n\t\r\u{08}\u{0C}"))
        #expect(try parse(#""\u00e9\u4e2d""#) == .string("é中"))
        #expect(try parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try parse(#""plain é then \n""#) == .string("plain é then \n"))
    }

    @Test func loneSurrogatesAndInvalidUTF8BecomeReplacement() throws {
        #expect(try parse(#""\ud83d""#) == .string("\u{FFFD}"))
        #expect(try parse(#""\ude00x""#) == .string("\u{FFFD}x"))
        #expect(try parse(#""\ud83d\u0041""#) == .string("\u{FFFD}A"))
        #expect(try JSONParser.parse([0x22, 0x61, 0xFF, 0x62, 0x22]) == .string("a\u{FFFD}b"))
        #expect(try JSONParser.parse([0x22, 0x5C, 0x6E, 0xC3, 0x22]) == .string("\n\u{FFFD}"))
    }

    @Test(arguments: [
        ("", "unexpected end of input"),
        ("{\"a\":1} x", "unexpected content after the JSON value"),
        ("01", "leading zero in a number"),
        ("-01", "leading zero in a number"),
        ("1.", "expected a digit after the decimal point"),
        ("1e", "expected a digit in the exponent"),
        ("+1", "where a value should start"),
        ("\"abc", "unterminated string"),
        ("\"a\u{01}b\"", "control character in a string"),
        ("\"a\\qb\"", "invalid escape sequence"),
        ("\"\\u12G4\"", "invalid hex digit"),
        ("[1,]", "where a value should start"),
        ("{\"a\" 1}", "expected ':'"),
        ("{a:1}", "expected a string key"),
        ("[1 2]", "expected ',' or ']'"),
        ("tru", "invalid literal"),
        ("nul", "invalid literal"),
        ("{\"a\":1", "unterminated object"),
    ])
    func rejectsInvalidInput(text: String, reason: String) {
        let error = failure(text)
        #expect(error?.reason.contains(reason) == true, "\(text): \(String(describing: error))")
    }

    @Test func errorNamesTheByteOffset() {
        let error = failure(#"{"a": "unterminated"#)
        #expect(error?.offset == 6)
        #expect(error?.description == "invalid JSON at byte 6: unterminated string")
    }

    @Test func deepNestingIsAnErrorNotACrash() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(failure(deep)?.reason.contains("nesting deeper than 512") == true)
        let allowed = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        _ = try parse(allowed)
    }

    @Test func parsesFromARawBuffer() throws {
        let bytes = Array(#"{"contacts":[{"id":"1"}]}"#.utf8)
        let value = try bytes.withUnsafeBytes { try JSONParser.parse($0) }
        #expect(value.compactText == #"{"contacts":[{"id":"1"}]}"#)
        #expect(throws: JSONParseError.self) { try [UInt8]().withUnsafeBytes { try JSONParser.parse($0) } }
    }
}
