/// The RFC 8259 lexer shared by every JSON reader of the project: the tree parser (`JSONParser`), the page
/// skimmer (`JSONScanner.skimPage`) and the exporter's record shredder, which reads records straight into
/// column buffers. One place decides what is valid JSON and how strings decode:
///
/// - strings are decoded as UTF-8 bytes; an escaped lone surrogate becomes U+FFFD (one bad escape in a note
///   must not lose the page) and `lastStringHasLoneSurrogate` says so. Raw bytes are copied as they are:
///   `lastStringIsASCII` tells the caller whether it must check for (and repair) invalid UTF-8;
/// - numbers are checked against the grammar and returned as their byte range (raw text, nothing lost);
/// - skipping and copying whole values is iterative, so any nesting depth costs memory, never stack.
public struct JSONScanner {
    public let bytes: UnsafeBufferPointer<UInt8>
    public var index: Int
    /// Whether the string read last held only ASCII bytes (then it is valid UTF-8 as it is).
    public private(set) var lastStringIsASCII = true
    /// Whether the string read last by the escape path (`readString` returned nil) held a lone surrogate escape,
    /// decoded as U+FFFD.
    public private(set) var lastStringHasLoneSurrogate = false

    public init(bytes: UnsafeBufferPointer<UInt8>, index: Int = 0) {
        self.bytes = bytes
        self.index = index
    }

    public var isAtEnd: Bool { index >= bytes.count }

    /// The byte at `index`, or 0 at the end (never a valid token start, so it fails where it is checked).
    @inline(__always)
    public var current: UInt8 { index < bytes.count ? bytes[index] : 0 }

    public func failure(_ reason: String, at offset: Int? = nil) -> JSONParseError {
        JSONParseError(offset: offset ?? index, reason: reason)
    }

    @inline(__always)
    public mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// Consumes `byte` (after optional whitespace) or fails with `expectation`.
    @inline(__always)
    public mutating func expect(_ byte: UInt8, _ expectation: @autoclosure () -> String) throws(JSONParseError) {
        skipWhitespace()
        guard current == byte else { throw failure(isAtEnd ? "unexpected end of input (\(expectation()))" : expectation()) }
        index += 1
    }

    /// After a member or element: consumes `,` and returns true, or consumes `closing` and returns false.
    @inline(__always)
    public mutating func continueContainer(closing: UInt8, opening: Int) throws(JSONParseError) -> Bool {
        skipWhitespace()
        switch current {
        case UInt8(ascii: ","):
            index += 1
            return true
        case closing:
            index += 1
            return false
        default:
            if isAtEnd { throw failure("unterminated \(closing == UInt8(ascii: "}") ? "object" : "array") (opened at byte \(opening))") }
            throw failure(closing == UInt8(ascii: "}") ? "expected ',' or '}' in an object" : "expected ',' or ']' in an array")
        }
    }

    /// Before an object member: skips whitespace and checks that a string key starts here.
    @inline(__always)
    public mutating func expectKey(objectOpenedAt opening: Int) throws(JSONParseError) {
        skipWhitespace()
        guard current == UInt8(ascii: "\"") else {
            throw failure(isAtEnd ? "unterminated object (opened at byte \(opening))" : "expected a string key")
        }
    }

    /// After an opening bracket: consumes `closing` if the container is empty.
    @inline(__always)
    public mutating func closesImmediately(_ closing: UInt8) -> Bool {
        skipWhitespace()
        guard current == closing else { return false }
        index += 1
        return true
    }

    public mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw failure("invalid literal") }
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        for offset in 0..<count where bytes[index + offset] != expected[offset] {
            throw failure("invalid literal", at: index + offset)
        }
        index += count
    }

    // MARK: Strings

    /// Reads the string whose opening quote is at `index`. A string without escapes is returned as the range of
    /// its bytes (`decoded` is untouched); otherwise it is decoded into `decoded` (replacing its contents) and
    /// nil is returned.
    @inline(__always)
    public mutating func readString(escapedInto decoded: inout [UInt8]) throws(JSONParseError) -> Range<Int>? {
        let opening = index
        index += 1
        let start = index
        var high: UInt8 = 0
        while index < bytes.count {
            skipPlainBytes(high: &high)
            guard index < bytes.count else { break }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                lastStringIsASCII = high < 0x80
                index += 1
                return start..<index - 1
            }
            if byte == UInt8(ascii: "\\") {
                decoded.removeAll(keepingCapacity: true)
                decoded.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                try decodeEscapedRest(opening: opening, high: high, into: &decoded)
                return nil
            }
            if byte < 0x20 { throw failure("control character in a string (must be escaped)") }
            high |= byte
            index += 1
        }
        throw failure("unterminated string", at: opening)
    }

    /// Moves `index` past the string bytes that need no attention, eight at a time, to the first quote, backslash
    /// or control character (each tested for all 8 bytes of a word at once with integer arithmetic), or to the last
    /// 7 bytes of the buffer; ORs the bytes passed into `high`, whose top bit then says whether any was non-ASCII.
    @inline(__always)
    private mutating func skipPlainBytes(high: inout UInt8) {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let tops: UInt64 = 0x8080_8080_8080_8080
        var passed: UInt64 = 0
        let base = UnsafeRawPointer(bytes.baseAddress!)
        while index &+ 8 <= bytes.count {
            // Little-endian: the byte at `index` is the word's lowest.
            let word = UInt64(littleEndian: (base + index).loadUnaligned(as: UInt64.self))
            // A byte of `x` is zero exactly when its byte of `(x - ones) & ~x` has its top bit set, for the lowest
            // zero byte at least (a borrow can only mark bytes above a true one), so the lowest mark is exact.
            // Bytes below 0x20: `word - 0x20…`.
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            let stops = (((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)) & tops
            if stops != 0 {
                let plainBytes = stops.trailingZeroBitCount / 8
                passed |= word & ((1 &<< UInt64(plainBytes &* 8)) &- 1)
                index &+= plainBytes
                break
            }
            passed |= word
            index &+= 8
        }
        if passed & tops != 0 { high |= 0x80 }
    }

    /// Slow path of `readString`: `index` is at the first backslash. Runs of plain bytes are copied at once
    /// (PHP escapes every `/`, so the API's URLs take this path).
    private mutating func decodeEscapedRest(opening: Int, high: UInt8, into decoded: inout [UInt8]) throws(JSONParseError) {
        var high = high
        var runStart = index
        lastStringHasLoneSurrogate = false
        while index < bytes.count {
            skipPlainBytes(high: &high)
            guard index < bytes.count else { break }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"") || byte < 0x20 {
                decoded.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    lastStringIsASCII = high < 0x80
                    return
                }
                if byte < 0x20 { throw failure("control character in a string (must be escaped)") }
                let letter = index + 1 < bytes.count ? bytes[index + 1] : 0
                if letter == UInt8(ascii: "/") || letter == UInt8(ascii: "\\") || letter == UInt8(ascii: "\"") {
                    // The escaped byte is itself (PHP's `\/` in every URL): it starts the next run, no append of its own.
                    runStart = index + 1
                    index += 2
                    continue
                }
                // Decoded escapes are valid UTF-8 by construction; only raw bytes can be invalid.
                try appendEscape(to: &decoded)
                runStart = index
            } else {
                high |= byte
                index += 1
            }
        }
        throw failure("unterminated string", at: opening)
    }

    /// Skips the string whose opening quote is at `index`, checking its escapes without decoding them.
    private mutating func skipString() throws(JSONParseError) {
        let opening = index
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") { return }
            if byte < 0x20 { throw failure("control character in a string (must be escaped)", at: index - 1) }
            guard byte == UInt8(ascii: "\\") else { continue }
            switch current {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                index += 1
            case UInt8(ascii: "u"):
                index += 1
                _ = try readHex4()
            default:
                throw failure(isAtEnd ? "unterminated escape sequence" : "invalid escape sequence", at: index - 1)
            }
        }
        throw failure("unterminated string", at: opening)
    }

    /// Decodes the escape sequence at `index` (a backslash).
    private mutating func appendEscape(to decoded: inout [UInt8]) throws(JSONParseError) {
        let escapeStart = index
        index += 1
        guard index < bytes.count else { throw failure("unterminated escape sequence", at: escapeStart) }
        let letter = bytes[index]
        index += 1
        switch letter {
        case UInt8(ascii: "\""): decoded.append(0x22)
        case UInt8(ascii: "\\"): decoded.append(0x5C)
        case UInt8(ascii: "/"): decoded.append(0x2F)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            for unit in UTF8.encode(try readUnicodeEscape())! { decoded.append(unit) }
        default: throw failure("invalid escape sequence", at: escapeStart)
        }
    }

    /// Reads the 4 hex digits after `\u` (and a following low surrogate escape when the first is a high one).
    private mutating func readUnicodeEscape() throws(JSONParseError) -> Unicode.Scalar {
        let unit = try readHex4()
        switch unit {
        case 0xD800...0xDBFF:
            // A high surrogate pairs only with an immediately following `\uDC00`...`\uDFFF`.
            guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { return loneSurrogate() }
            let save = index
            index += 2
            let low = try readHex4()
            guard (0xDC00...0xDFFF).contains(low) else {
                index = save  // not a pair: the next escape is decoded on its own
                return loneSurrogate()
            }
            let value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            return Unicode.Scalar(value) ?? loneSurrogate()
        case 0xDC00...0xDFFF:
            return loneSurrogate()
        default:
            return Unicode.Scalar(unit) ?? loneSurrogate()
        }
    }

    private mutating func loneSurrogate() -> Unicode.Scalar {
        lastStringHasLoneSurrogate = true
        return Unicode.Scalar.replacement
    }

    private mutating func readHex4() throws(JSONParseError) -> UInt16 {
        guard bytes.count - index >= 4 else { throw failure("truncated \\u escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    // MARK: Numbers

    /// RFC 8259 §6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`; returns the number's raw text range.
    public mutating func readNumber() throws(JSONParseError) -> Range<Int> {
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        guard isDigit(current) else { throw failure("expected a digit in a number") }
        if current == UInt8(ascii: "0") {
            index += 1
            if isDigit(current) { throw failure("leading zero in a number") }
        } else {
            skipDigits()
        }
        if current == UInt8(ascii: ".") {
            index += 1
            guard isDigit(current) else { throw failure("expected a digit after the decimal point") }
            skipDigits()
        }
        if current | 0x20 == UInt8(ascii: "e") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard isDigit(current) else { throw failure("expected a digit in the exponent") }
            skipDigits()
        }
        return start..<index
    }

    @inline(__always)
    private mutating func skipDigits() {
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }

    @inline(__always)
    private func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    // MARK: Whole values

    /// Checks and skips one value of any kind, containers included.
    public mutating func skipValue() throws(JSONParseError) {
        var discard = DiscardedText()
        try walkValue(into: &discard)
    }

    /// Checks the value at `index`, moves past it and appends its text without insignificant whitespace to
    /// `text`. Strings and numbers are copied as they are: nothing is decoded, so nothing is lost.
    public mutating func appendCompactValue(to text: inout [UInt8]) throws(JSONParseError) {
        try walkValue(into: &text)
    }

    /// One loop over the value's tokens with an explicit stack of open containers, so that a record nested
    /// 10,000 levels deep is read like any other (no recursion to overflow the stack).
    private mutating func walkValue<Sink: JSONTextSink>(into sink: inout Sink) throws(JSONParseError) {
        var openings: [Int] = []  // offsets of the open containers' brackets
        while true {
            skipWhitespace()
            let start = index
            switch current {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let closing: UInt8 = current == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                sink.append(current)
                index += 1
                if !closesImmediately(closing) {
                    openings.append(start)
                    if closing == UInt8(ascii: "}") { try walkKey(objectOpenedAt: start, into: &sink) }
                    continue
                }
                sink.append(closing)
            case UInt8(ascii: "\""):
                try skipString()
                sink.append(UnsafeBufferPointer(rebasing: bytes[start..<index]))
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                sink.append(UnsafeBufferPointer(rebasing: bytes[start..<index]))
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                sink.append(UnsafeBufferPointer(rebasing: bytes[start..<index]))
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                sink.append(UnsafeBufferPointer(rebasing: bytes[start..<index]))
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                sink.append(UnsafeBufferPointer(rebasing: bytes[try readNumber()]))
            default:
                throw unexpectedValueStart()
            }
            // A value ended: close containers until one goes on with another member or element.
            while let opening = openings.last {
                let closing: UInt8 = bytes[opening] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                if try continueContainer(closing: closing, opening: opening) {
                    sink.append(UInt8(ascii: ","))
                    if closing == UInt8(ascii: "}") { try walkKey(objectOpenedAt: opening, into: &sink) }
                    break
                }
                sink.append(closing)
                openings.removeLast()
            }
            if openings.isEmpty { return }
        }
    }

    /// An object member's key and colon.
    private mutating func walkKey<Sink: JSONTextSink>(objectOpenedAt opening: Int, into sink: inout Sink) throws(JSONParseError) {
        try expectKey(objectOpenedAt: opening)
        let start = index
        try skipString()
        sink.append(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        try expect(UInt8(ascii: ":"), "expected ':' after an object key")
        sink.append(UInt8(ascii: ":"))
    }

    public func unexpectedValueStart() -> JSONParseError {
        isAtEnd ? failure("unexpected end of input") : failure("unexpected byte 0x\(String(bytes[index], radix: 16)) where a value should start")
    }
}

extension Unicode.Scalar {
    /// U+FFFD, what undecodable text becomes.
    static let replacement = Unicode.Scalar(0xFFFD as UInt32)!
}

/// Where `walkValue` puts the text it reads.
private protocol JSONTextSink {
    mutating func append(_ byte: UInt8)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>)
}

extension [UInt8]: JSONTextSink {
    fileprivate mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) { append(contentsOf: bytes) }
}

/// `skipValue`: checks without keeping anything.
private struct DiscardedText: JSONTextSink {
    func append(_ byte: UInt8) {}
    func append(_ bytes: UnsafeBufferPointer<UInt8>) {}
}
