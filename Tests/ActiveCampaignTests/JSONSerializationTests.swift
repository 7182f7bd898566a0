import Testing

@testable import JSON
import ActiveCampaignMock

@Suite("JSON compact text")
struct JSONSerializationTests {
    @Test func writesCompactTextWithoutEscapingSlash() {
        let value = JSONValue.array([
            .string("https://a.b/c \"q\" \\ \n\u{01}é"), .number("1.50"), .null, .bool(false),
            .object(JSONObject(members: [JSONMember(key: "k", value: .array([]))])),
        ])
        #expect(value.compactText == #"["https://a.b/c \"q\" \\ \n\u0001é",1.50,null,false,{"k":[]}]"#)
    }

    @Test func randomValuesRoundTrip() throws {
        var generator = SplitMix64(seed: 0x5EED)
        for _ in 0..<500 {
            let value = randomValue(depth: 0, using: &generator)
            let text = value.compactText
            let parsed = try JSONParser.parse(Array(text.utf8))
            #expect(parsed == value, "\(text)")
            #expect(parsed.compactText == text)
        }
    }

    private func randomValue(depth: Int, using generator: inout SplitMix64) -> JSONValue {
        let choice = Int.random(in: 0..<(depth > 4 ? 4 : 6), using: &generator)
        switch choice {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .number(randomNumber(using: &generator))
        case 3: return .string(randomString(using: &generator))
        case 4:
            return .array((0..<Int.random(in: 0..<5, using: &generator)).map { _ in randomValue(depth: depth + 1, using: &generator) })
        default:
            let members = (0..<Int.random(in: 0..<5, using: &generator)).map { _ in
                JSONMember(key: randomString(using: &generator), value: randomValue(depth: depth + 1, using: &generator))
            }
            return .object(JSONObject(members: members))
        }
    }

    private func randomNumber(using generator: inout SplitMix64) -> String {
        var text = Bool.random(using: &generator) ? "-" : ""
        text += Bool.random(using: &generator) ? "0" : String(UInt64.random(in: 1...UInt64.max, using: &generator))
        if Bool.random(using: &generator) { text += "." + String(Int.random(in: 0...99999, using: &generator)) }
        if Bool.random(using: &generator) {
            text += ["e", "E", "e+", "e-"].randomElement(using: &generator)! + String(Int.random(in: 0...400, using: &generator))
        }
        return text
    }

    private func randomString(using generator: inout SplitMix64) -> String {
        // Control characters, quotes, backslashes, slashes, BMP and astral scalars.
        let pools: [ClosedRange<UInt32>] = [0x00...0x1F, 0x20...0x7E, 0xA0...0x2FF, 0x4E00...0x4E20, 0x1F600...0x1F64F]
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0..<12, using: &generator) {
            let pool = pools.randomElement(using: &generator)!
            scalars.append(Unicode.Scalar(UInt32.random(in: pool, using: &generator))!)
        }
        return String(scalars)
    }
}
