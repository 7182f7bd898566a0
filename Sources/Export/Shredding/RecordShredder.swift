import ActiveCampaign
#if canImport(Glibc)
import Glibc
import JSON
#endif

/// Reads JSON records straight into per-field value buffers (`FieldValues`), flattening nested objects into
/// `parent__child` fields (docs/parquet-layout.md#column-types): no value tree, no per-value string, no name string per record.
/// Arrays, and objects nested deeper than `maximumFlattenedDepth`, are kept whole as compact JSON text.
///
/// Field names are resolved through a tree of the object paths seen so far; within an object the next key
/// is first compared with the key that followed the previous one, so records with the usual key order
/// cost one byte comparison per key. Package-visible for the fuzzer (Fuzz/ExportFuzzing).
package struct RecordShredder {
    /// One object path (the root is the record itself) and the keys seen under it.
    private struct PathNode {
        /// Flattened name of this object: "" for the record, "links" for `links`, "a__b" for `a.b`.
        var prefix: String
        var keys: [[UInt8]] = []
        /// Per key: its field in `fields` once a non-object value was seen, else -1.
        var field: [Int] = []
        /// Per key: the node of its object once an object was seen, else -1.
        var child: [Int] = []
        /// The key most likely to come next (the one after the key matched last).
        var guess = 0
    }

    /// A record that is not a JSON object, or not JSON.
    package struct RecordError: Error {
        package var index: Int
        package var reason: String
    }

    /// A string stored other than as sent, for the exporter to report: no value is changed silently.
    struct StringRepair {
        enum Cause: String {
            case invalidUTF8 = "invalid UTF-8 bytes replaced by U+FFFD"
            case loneSurrogate = "a lone surrogate escape (\\uD800-\\uDFFF without its pair) replaced by U+FFFD"
        }

        var row: Int
        var field: Int
        var cause: Cause
    }

    /// Objects below this depth are not flattened any further: past it, names would only grow (an API record
    /// nests four levels at most), and a hostile nest thousands deep must still be stored, not fail its page.
    static let maximumFlattenedDepth = 32

    private var nodes = [PathNode(prefix: "")]
    private(set) var fields: [FieldValues] = []
    /// Two paths can flatten to one name (a key `a__b` beside an object `a` with key `b`): they share a field.
    private var fieldByName: [String: Int] = [:]
    /// Rows shredded and not yet removed.
    package private(set) var rowCount = 0

    /// Memory the shredded rows take (`FieldValues.bufferedByteCount` of every field).
    var bufferedByteCount: Int { fields.reduce(0) { $0 + $1.bufferedByteCount } }
    /// Strings stored other than as sent since the last `takeRepairs()`.
    private var repairs: [StringRepair] = []
    /// Reused for strings with escapes, for repaired UTF-8 and for values kept as JSON text.
    private var scratch: [UInt8] = []
    private var repaired: [UInt8] = []
    private var jsonText: [UInt8] = []

    static let separator = "__"

    package init() {}

    /// Appends one row per record; every field then has `rowCount` rows.
    package mutating func shred(_ records: RawRecords) throws(RecordError) {
        let result: Result<Void, RecordError> = records.bytes.withUnsafeBufferPointer { buffer in
            for (index, range) in records.ranges.enumerated() {
                var scanner = JSONScanner(bytes: UnsafeBufferPointer(rebasing: buffer[..<range.upperBound]), index: range.lowerBound)
                do throws(JSONParseError) {
                    scanner.skipWhitespace()
                    guard scanner.current == UInt8(ascii: "{") else {
                        return .failure(RecordError(index: index, reason: "is not a JSON object"))
                    }
                    try readObject(node: 0, row: rowCount, depth: 1, scanner: &scanner)
                    scanner.skipWhitespace()
                    guard scanner.isAtEnd else { throw scanner.failure("unexpected content after the record") }
                } catch {
                    return .failure(RecordError(index: index, reason: "is not valid JSON (\(error.reason) at byte \(error.offset - range.lowerBound) of the record)"))
                }
                rowCount += 1
            }
            return .success(())
        }
        for index in fields.indices { fields[index].pad(to: rowCount) }
        try result.get()
    }

    /// The repairs since the last call, their rows counted like `rowCount`.
    mutating func takeRepairs() -> [StringRepair] {
        defer { repairs.removeAll() }
        return repairs
    }

    /// The top-level field `name` (e.g. "id", "udate"), once a record had a value for it.
    func topLevelField(named name: String) -> Int? {
        let key = Array(name.utf8)
        guard let entry = nodes[0].keys.firstIndex(of: key), nodes[0].field[entry] >= 0 else { return nil }
        return nodes[0].field[entry]
    }

    /// Drops the given rows (ascending) from every field.
    mutating func removeRows(_ rows: [Int]) {
        guard !rows.isEmpty else { return }
        for index in fields.indices { fields[index].removeRows(rows) }
        rowCount -= rows.count
    }

    /// Hands the pending rows out, field by field, and goes on with the emptied buffers of an earlier hand-out
    /// (`spare`, a prefix of the same fields), so that a page costs no fresh allocation while the last one is encoded.
    mutating func takeRows(reusing spare: [FieldValues]) -> [FieldValues] {
        var next = spare
        for index in next.indices {
            assert(next[index].name == fields[index].name, "spare buffers of other fields")
            next[index].removeAllRows()
        }
        while next.count < fields.count { next.append(FieldValues(name: fields[next.count].name)) }
        swap(&next, &fields)
        rowCount = 0
        return next
    }

    /// Without `keepingCapacity`, the buffers' memory is freed (after the large inference chunk).
    mutating func removeAllRows(keepingCapacity: Bool = true) {
        for index in fields.indices { fields[index].removeAllRows(keepingCapacity: keepingCapacity) }
        rowCount = 0
    }

    // MARK: Reading

    /// Reads the object at `scanner.index` into the fields under `node`.
    private mutating func readObject(node: Int, row: Int, depth: Int, scanner: inout JSONScanner) throws(JSONParseError) {
        let opening = scanner.index
        scanner.index += 1
        if scanner.closesImmediately(UInt8(ascii: "}")) { return }
        repeat {
            try scanner.expectKey(objectOpenedAt: opening)
            let entry: Int
            if let range = try scanner.readString(escapedInto: &scratch) {
                entry = self.entry(in: node, key: UnsafeBufferPointer(rebasing: scanner.bytes[range]))
            } else {
                let key = scratch
                entry = key.withUnsafeBufferPointer { self.entry(in: node, key: $0) }
            }
            try scanner.expect(UInt8(ascii: ":"), "expected ':' after an object key")
            scanner.skipWhitespace()
            try readValue(node: node, entry: entry, row: row, depth: depth, scanner: &scanner)
        } while try scanner.continueContainer(closing: UInt8(ascii: "}"), opening: opening)
    }

    private mutating func readValue(node: Int, entry: Int, row: Int, depth: Int, scanner: inout JSONScanner) throws(JSONParseError) {
        switch scanner.current {
        case UInt8(ascii: "{") where depth < Self.maximumFlattenedDepth:
            var child = nodes[node].child[entry]
            if child < 0 {
                child = nodes.count
                nodes.append(PathNode(prefix: name(node: node, entry: entry)))
                nodes[node].child[entry] = child
            }
            try readObject(node: child, row: row, depth: depth + 1, scanner: &scanner)
        case UInt8(ascii: "\""):
            let field = field(node: node, entry: entry)
            if let range = try scanner.readString(escapedInto: &scratch) {
                putString(field: field, row: row, UnsafeBufferPointer(rebasing: scanner.bytes[range]), isASCII: scanner.lastStringIsASCII)
            } else {
                if scanner.lastStringHasLoneSurrogate { repairs.append(StringRepair(row: row, field: field, cause: .loneSurrogate)) }
                let decoded = scratch
                decoded.withUnsafeBufferPointer { putString(field: field, row: row, $0, isASCII: scanner.lastStringIsASCII) }
            }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let range = try scanner.readNumber()
            fields[field(node: node, entry: entry)].put(row: row, kind: .number, UnsafeBufferPointer(rebasing: scanner.bytes[range]))
        case UInt8(ascii: "t"):
            try scanner.expectLiteral("true")
            fields[field(node: node, entry: entry)].put(row: row, kind: .true)
        case UInt8(ascii: "f"):
            try scanner.expectLiteral("false")
            fields[field(node: node, entry: entry)].put(row: row, kind: .false)
        case UInt8(ascii: "n"):
            try scanner.expectLiteral("null")
            fields[field(node: node, entry: entry)].put(row: row, kind: .null)
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            jsonText.removeAll(keepingCapacity: true)
            try scanner.appendCompactValue(to: &jsonText)
            // PHP serialises an empty object as `[]` (an empty `"links": []`): no field for a known object.
            if jsonText.count == 2, jsonText[0] == UInt8(ascii: "["), nodes[node].child[entry] >= 0 { return }
            let field = field(node: node, entry: entry)
            let text = jsonText
            text.withUnsafeBufferPointer { putString(field: field, row: row, kind: .json, $0, isASCII: !$0.contains { $0 >= 0x80 }) }
        default:
            throw scanner.unexpectedValueStart()
        }
    }

    /// Strings go to Parquet as UTF-8: invalid sequences become U+FFFD (reported), like everywhere else in the
    /// project. Repairing JSON text keeps it JSON: its structure is ASCII, only string contents change.
    @inline(__always)
    private mutating func putString(field: Int, row: Int, kind: ValueKind = .string, _ value: UnsafeBufferPointer<UInt8>, isASCII: Bool) {
        if isASCII || String(validating: value, as: UTF8.self) != nil {
            fields[field].put(row: row, kind: kind, value)
        } else {
            repairs.append(StringRepair(row: row, field: field, cause: .invalidUTF8))
            repaired.removeAll(keepingCapacity: true)
            repaired.append(contentsOf: String(decoding: value, as: UTF8.self).utf8)
            let text = repaired
            text.withUnsafeBufferPointer { fields[field].put(row: row, kind: kind, $0) }
        }
    }

    // MARK: Paths

    /// The index of `key` among the keys of `node`, added when new.
    @inline(__always)
    private mutating func entry(in node: Int, key: UnsafeBufferPointer<UInt8>) -> Int {
        let guess = nodes[node].guess
        if guess < nodes[node].keys.count, Self.equal(nodes[node].keys[guess], key) {
            nodes[node].guess = guess + 1
            return guess
        }
        let found = nodes[node].keys.firstIndex { Self.equal($0, key) } ?? addKey(node: node, key: key)
        nodes[node].guess = found + 1
        return found
    }

    private mutating func addKey(node: Int, key: UnsafeBufferPointer<UInt8>) -> Int {
        nodes[node].keys.append(Array(key))
        nodes[node].field.append(-1)
        nodes[node].child.append(-1)
        return nodes[node].keys.count - 1
    }

    @inline(__always)
    private static func equal(_ stored: [UInt8], _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        stored.count == key.count && (key.isEmpty || stored.withUnsafeBufferPointer { memcmp($0.baseAddress!, key.baseAddress!, key.count) == 0 })
    }

    /// The field of a key holding a non-object value, created (with all earlier rows absent) on first use.
    @inline(__always)
    private mutating func field(node: Int, entry: Int) -> Int {
        let existing = nodes[node].field[entry]
        if existing >= 0 { return existing }
        let name = name(node: node, entry: entry)
        if let shared = fieldByName[name] {
            nodes[node].field[entry] = shared
            return shared
        }
        var values = FieldValues(name: name)
        values.pad(to: rowCount)
        fields.append(values)
        fieldByName[name] = fields.count - 1
        nodes[node].field[entry] = fields.count - 1
        return fields.count - 1
    }

    private func name(node: Int, entry: Int) -> String {
        let key = String(decoding: nodes[node].keys[entry], as: UTF8.self)
        let prefix = nodes[node].prefix
        return prefix.isEmpty ? key : prefix + Self.separator + key
    }
}
