import ActiveCampaign
import ActiveCampaignMock
import JSON

/// Inputs of the fuzz test: API pages from the mock (every endpoint, and contacts carrying every `MockDataShape`),
/// mutated by byte flips, JSON-minded insertions, deletions, duplications, splices and cuts.
/// Input `i` of a seed is a pure function of the two, so any input can be made again.
public struct FuzzMutator: Sendable {
    struct Seed: Sendable {
        var bytes: [UInt8]
        var recordsKey: String
    }

    let seeds: [Seed]

    public init() {
        var seeds: [Seed] = []
        let plain = MockDataset(configuration: MockConfiguration(seed: 7, contacts: 40, deals: 20))
        for path in MockDataset.paths {
            guard let key = Endpoint.standard.first(where: { $0.path == path })?.recordsKey else { continue }
            seeds.append(Seed(bytes: plain.pageJSON(path: path, offset: 0, limit: 3), recordsKey: key))
        }
        var odd = MockConfiguration(seed: 8, contacts: 40, deals: 20)
        // Every shape but the 1 MiB string, which would only make each input slow.
        odd.shapes = MockDataShapes(path: "contacts", kinds: Set(MockDataShape.allCases).subtracting([.hugeString]), every: 2, from: 1, depth: 600)
        let shaped = MockDataset(configuration: odd)
        for offset in stride(from: 0, to: 12, by: 3) {
            seeds.append(Seed(bytes: shaped.pageJSON(path: "contacts", offset: offset, limit: 3), recordsKey: "contacts"))
        }
        self.seeds = seeds
    }

    /// Text that JSON readers trip over.
    static let tokens: [[UInt8]] = [
        "{", "}", "[", "]", "\"", "\\", "\\u", "\\ud800", "\\udc00", "\\ud83d\\ude00", "\\u0000", ",", ":", "null", "true", "false",
        "-", "0", "-0.0", "1e999", "1E-400", "99999999999999999999999", "9223372036854775808", "\"id\":", "\"id\":\"7\"", "\"id\":-1",
        "{\"a\":{\"b\":[1,{\"c\":\"d\"}]}}", "[[[[[[[[[[]]]]]]]]]]", "\"\"", "\"x__y\"", "\"2026-02-30T25:61:00-05:00\"",
        "\"2026-11-29 10:00:00\"", "\"1.5\"", "\"0x1F\"", " \t\r\n", "{\"links\":[]}",
    ].map { Array($0.utf8) } + [[0xC3, 0x28], [0xFF], [0xF0, 0x9F, 0x98], [0xED, 0xA0, 0x80], [0xC0, 0xAF]]

    /// The tokens that are JSON values on their own.
    static let values = tokens.filter { (try? JSONParser.parse($0)) != nil }

    /// Input `index` of the run seeded with `seed`, and the records key of the page it came from.
    public func input(_ index: Int, seed: UInt64) -> (bytes: [UInt8], recordsKey: String) {
        var random = SplitMix64(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        let origin = seeds[Int.random(in: 0..<seeds.count, using: &random)]
        var bytes = origin.bytes
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            mutate(&bytes, using: &random)
        }
        return (bytes, origin.recordsKey)
    }

    private func mutate(_ bytes: inout [UInt8], using random: inout SplitMix64) {
        let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
        let token = Self.tokens[Int.random(in: 0..<Self.tokens.count, using: &random)]
        switch Int.random(in: 0..<8, using: &random) {
        case 0 where !bytes.isEmpty:
            bytes[position] = UInt8.random(in: 0...255, using: &random)
        case 1:
            bytes.insert(contentsOf: token, at: position)
        case 2 where !bytes.isEmpty:
            bytes.replaceSubrange(position..<min(bytes.count, position + 1), with: token)
        case 3 where !bytes.isEmpty:
            bytes.removeSubrange(position..<min(bytes.count, position + Int.random(in: 1...16, using: &random)))
        case 4 where !bytes.isEmpty:
            let piece = Array(bytes[position..<min(bytes.count, position + Int.random(in: 1...64, using: &random))])
            bytes.insert(contentsOf: piece, at: Int.random(in: 0...bytes.count, using: &random))
        case 5:
            // Splice: this page up to here, another page from a random point on.
            let other = seeds[Int.random(in: 0..<seeds.count, using: &random)].bytes
            let from = Int.random(in: 0..<other.count, using: &random)
            bytes.replaceSubrange(position..., with: other[from...])
        case 6 where !bytes.isEmpty:
            bytes.removeSubrange(position...)
        default:
            // Most mutations break the JSON; this one keeps it valid: a record's value replaced by a token
            // that is a value on its own.
            guard let colon = bytes[position...].firstIndex(of: UInt8(ascii: ":")),
                let end = bytes[(colon + 1)...].firstIndex(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "}") })
            else { return }
            bytes.replaceSubrange((colon + 1)..<end, with: Self.values[Int.random(in: 0..<Self.values.count, using: &random)])
        }
    }
}
