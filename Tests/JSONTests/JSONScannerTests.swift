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
