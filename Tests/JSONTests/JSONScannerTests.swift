import Foundation
import Testing

@testable import JSON

@Suite("JSON scanner: whole values and page skims")
struct JSONScannerTests {
    private func compact(_ text: String) throws(JSONParseError) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        let result: Result<Void, JSONParseError> = bytes.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(bytes: buffer)
            do throws(JSONParseError) {
                scanner.skipWhitespace()
                try scanner.appendCompactValue(to: &output)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
        return String(decoding: output, as: UTF8.self)
    }

    private func skim(_ text: String, key: String? = "contacts") throws -> PageSkim {
        try Array(text.utf8).withUnsafeBufferPointer { try JSONScanner.skimPage($0, recordsKey: key) }
    }

    @Test func compactTextDropsWhitespaceAndKeepsTokensAsSent() throws {
        #expect(try compact(#" { "a" : [ 1.50 , "x\/y\u00e9" , true , null , { } , [ ] ] , "b" : { "c" : -0e+1 } } "#)
            == #"{"a":[1.50,"x\/y\u00e9",true,null,{},[]],"b":{"c":-0e+1}}"#)
        #expect(try compact("42") == "42")
    }

    /// The string reader skips plain bytes eight at a time and copies escaped bytes as runs: every alignment of
    /// quotes, escapes, control characters and non-ASCII bytes within a word must decode as Foundation's parser does.
    @Test func stringsDecodeAsFoundationDecodesThem() throws {
        let pieces = [#"\/"#, #"\\"#, #"\""#, #"\n"#, #"\u00e9"#, #"\ud83d\ude00"#, "é", "😀", "a", "bcdefgh", "/", " "]
        var generator = XorShift(state: 0x9E37_79B9_7F4A_7C15)  // fixed: a failure repeats
        for _ in 0..<3_000 {
            let lead = String(repeating: "x", count: Int.random(in: 0..<9, using: &generator))
            let body = (0..<Int.random(in: 0..<12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let text = lead + body
            let json = "[\"" + text + "\"]"
            let expected = try #require((try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String])?.first)
            let bytes = Array(json.utf8)
            var decoded: [UInt8] = []
            let (value, isASCII) = try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) -> (String, Bool) in
                var scanner = JSONScanner(bytes: buffer, index: 1)
                let range = try scanner.readString(escapedInto: &decoded)
                #expect(scanner.index == bytes.count - 1, "\(json): stopped at \(scanner.index)")
                let value = range.map { String(decoding: buffer[$0], as: UTF8.self) } ?? String(decoding: decoded, as: UTF8.self)
                return (value, scanner.lastStringIsASCII)
            }
            #expect(value == expected, "\(json)")
            #expect(isASCII == !text.contains { !$0.isASCII }, "\(json)")
        }
        let unterminated = Array(#"["abcdefghijklmnop\/qrstuvw"#.utf8)
        #expect(throws: JSONParseError.self) {
            try unterminated.withUnsafeBufferPointer { buffer throws(JSONParseError) in
                var scanner = JSONScanner(bytes: buffer, index: 1)
                var decoded: [UInt8] = []
                _ = try scanner.readString(escapedInto: &decoded)
            }
        }
        let control = Array("[\"abcdefghij\u{01}klm\"]".utf8)
        #expect(throws: JSONParseError.self) {
            try control.withUnsafeBufferPointer { buffer throws(JSONParseError) in
                var scanner = JSONScanner(bytes: buffer, index: 1)
                var decoded: [UInt8] = []
                _ = try scanner.readString(escapedInto: &decoded)
            }
        }
    }

    @Test func anyDepthIsReadWithoutRecursion() throws {
        let depth = 100_000
        let nest = String(repeating: #"{"d":["#, count: depth) + "1" + String(repeating: "]}", count: depth)
        #expect(try compact(nest) == nest)
    }

    @Test(arguments: [
        ("[1,]", "where a value should start"),
        (#"{"a" 1}"#, "expected ':'"),
        ("{a:1}", "expected a string key"),
        ("[1 2]", "expected ',' or ']'"),
        (#"{"a":1"#, "unterminated object"),
        (#"[{"a":[1}]"#, "expected ',' or ']'"),
        (#"["a\qb"]"#, "invalid escape sequence"),
        ("[tru]", "invalid literal"),
    ])
    func invalidValuesAreRejected(text: String, reason: String) {
        #expect {
            _ = try compact(text)
        } throws: { error in
            (error as? JSONParseError)?.reason.contains(reason) == true
        }
    }

    @Test func skimFindsRecordsTheirIdsAndTheTotal() throws {
        let page = #"{"contacts":[{"id":"12","x":{"id":"99"}},{"a":"id","id":7},{"id":"12a"},{"id":1.5},42,{"b":[1,"id"]},{"id" : "-3"}],"meta":{"total":"1000","page_input":{}}}"#
        let result = try skim(page)
        guard case .array(let ranges) = result.records else { Issue.record("no records: \(result.records)"); return }
        let bytes = Array(page.utf8)
        #expect(ranges.map { String(decoding: bytes[$0], as: UTF8.self) } == [
            #"{"id":"12","x":{"id":"99"}}"#, #"{"a":"id","id":7}"#, #"{"id":"12a"}"#, #"{"id":1.5}"#, "42", #"{"b":[1,"id"]}"#, #"{"id" : "-3"}"#,
        ])
        #expect(result.recordIDs == [12, 7, nil, nil, nil, nil, -3])
        #expect(result.total == 1000)
        // meta.total is a number on /deals.
        #expect(try skim(#"{"meta":{"total":250},"deals":[]}"#, key: "deals").total == 250)
        #expect(try skim(#"{"deals":[]}"#, key: "deals").total == nil)
        // Found by the fuzzer: a total beyond Int64 trapped converting from Double.
        #expect(try skim(#"{"meta":{"total":99999999999999999999},"deals":[]}"#, key: "deals").total == nil)
        #expect(try skim(#"{"meta":{"total":1e999},"deals":[]}"#, key: "deals").total == nil)
        #expect(try skim(#"{"meta":{"total":2.0e2},"deals":[]}"#, key: "deals").total == 200)
    }

    @Test func aRepeatedKeyCountsByItsLastOccurrence() throws {
        // Found by the fuzzer: the ids of both arrays were kept, misaligned with the last array's records.
        let result = try skim(#"{"contacts":[{"id":"1"},{"id":"2"}],"meta":{"total":"5"},"contacts":[{"name":"x"}],"meta":{"total":"9"}}"#)
        guard case .array(let ranges) = result.records else { Issue.record("no records"); return }
        #expect(ranges.count == 1)
        #expect(result.recordIDs == [nil])
        #expect(result.total == 9)
        #expect(try skim(#"{"contacts":[{"id":"1","id":"2"}]}"#).recordIDs == [2])
    }

    @Test func skimTellsAMissingKeyFromOneThatIsNotAnArray() throws {
        #expect(try skim(#"{"other":[{"id":"1"}]}"#).records == .missing)
        #expect(try skim(#"{"contacts":{"id":"1"}}"#).records == .notAnArray)
        #expect(try skim(#"{"contacts":[]}"#, key: nil).records == .missing)
    }

    @Test func skimAcceptsADeepRecordAndRejectsABrokenPage() throws {
        let deep = String(repeating: #"{"d":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        let result = try skim(#"{"contacts":[{"id":"5","deep":"# + deep + "}]}")
        #expect(result.recordIDs == [5])
        for broken in [#"{"contacts":[{"id":"1"},{"id":"2""#, #"{"contacts":[{"id":"1"}]"#, "[]", #"{"contacts":[1,]}"#, #"{"contacts":[]} x"#] {
            #expect(throws: JSONParseError.self, "\(broken)") { try skim(broken) }
        }
    }
}

/// A seeded generator for repeatable random cases.
private struct XorShift: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
