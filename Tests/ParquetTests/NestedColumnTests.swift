import Foundation
import Parquet
import Testing

/// Nested columns (structs, maps and lists of strings, as Delta checkpoints need them) written by `appendRow` and
/// read back by pyarrow, DuckDB and polars, row by row, with nulls and empty collections at every depth, across
/// several pages and row groups.
@Suite struct NestedColumnTests {
    /// One row's data as plain Swift values; `nested` and `json` render it two independent ways.
    struct Row {
        var id: Int64
        var s: (a: String?, m: [(key: String, value: String?)]?, inner: (x: Int32?, l: [String?]?)?)?
        var tags: [String?]?
        var flag: Bool?
    }

    static let schema = Schema(fields: [
        .leaf(name: "id", type: .int64, repetition: .required),
        .optionalStruct("s", [
            .optional("a", .string),
            .stringMap("m"),
            .optionalStruct("inner", [.optional("x", .int32), .stringList("l")]),
        ]),
        .stringList("tags"),
        .optional("flag", .boolean),
    ])

    static func rows(count: Int) -> [Row] {
        var random = SystemRandomNumberGenerator()
        func present() -> Bool { Int.random(in: 0..<5, using: &random) != 0 }
        func strings(_ prefix: String) -> [String?] {
            (0..<Int.random(in: 0..<4, using: &random)).map { i -> String? in
                Int.random(in: 0..<6, using: &random) == 0 ? nil : "\(prefix)\(i)"
            }
        }
        return (0..<count).map { id -> Row in
            var row = Row(id: Int64(id), s: nil, tags: present() ? strings("t") : nil, flag: present() ? id % 2 == 0 : nil)
            if present() {
                let a: String? = present() ? "a\(id)" : nil
                let m: [(key: String, value: String?)]? = present() ? strings("v").enumerated().map { (key: "k\($0.offset)", value: $0.element) } : nil
                let x: Int32? = present() ? Int32(id % 1000) : nil
                let l: [String?]? = present() ? strings("l") : nil
                row.s = (a: a, m: m, inner: present() ? (x: x, l: l) : nil)
            }
            return row
        }
    }

    static func nested(_ row: Row) -> [NestedValue] {
        func string(_ value: String?) -> NestedValue { value.map(NestedValue.string) ?? .null }
        func list(_ values: [String?]?) -> NestedValue {
            values.map { .group([.repeated($0.map { .group([string($0)]) })]) } ?? .null
        }
        let s: NestedValue = row.s.map { s in
            .group([
                string(s.a),
                s.m.map { .group([.repeated($0.map { .group([.string($0.key), string($0.value)]) })]) } ?? .null,
                s.inner.map { .group([$0.x.map(NestedValue.int32) ?? .null, list($0.l)]) } ?? .null,
            ])
        } ?? .null
        return [.int64(row.id), s, list(row.tags), row.flag.map(NestedValue.bool) ?? .null]
    }

    static func json(_ row: Row) -> [String: Any] {
        func list(_ values: [String?]?) -> Any { values.map { $0.map { $0 as Any? ?? NSNull() } } ?? NSNull() }
        let s: Any = row.s.map { s -> [String: Any] in
            [
                "a": s.a ?? NSNull(),
                "m": s.m.map { $0.map { [$0.key, $0.value ?? NSNull()] as [Any] } } ?? NSNull(),
                "inner": s.inner.map { ["x": $0.x.map { Int($0) } ?? NSNull(), "l": list($0.l)] as [String: Any] } ?? NSNull(),
            ]
        } ?? NSNull()
        return ["id": row.id, "s": s, "tags": list(row.tags), "flag": row.flag ?? NSNull()]
    }

    @Test(arguments: [true, false])
    func enginesReadNestedRows(dictionary: Bool) throws {
        let directory = try InteropHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var properties = WriterProperties()
        properties.dictionaryEnabled = dictionary
        properties.dataPageRowLimit = 97
        properties.rowGroupRowLimit = 1_000
        let path = directory.appendingPathComponent("nested.parquet").path
        let writer = try ParquetWriter(path: path, schema: Self.schema, properties: properties)
        let rows = Self.rows(count: 2_500)
        for row in rows { try writer.appendRow(Self.nested(row)) }
        let metadata = try writer.close()
        #expect(metadata.rowGroups.map(\.numRows) == [1_000, 1_000, 500])
        // root, id, s{a, m{key_value{key, value}}, inner{x, l{list{element}}}}, tags{list{element}}, flag
        #expect(metadata.schema.count == 17)
        let expected = directory.appendingPathComponent("expected.json")
        try JSONSerialization.data(withJSONObject: rows.map(Self.json)).write(to: expected)
        try InteropHarness.run("check_nested.py", path, expected.path)
    }

    @Test func aValueThatDoesNotFitItsNodeIsRefused() throws {
        let directory = try InteropHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = try ParquetWriter(path: directory.appendingPathComponent("bad.parquet").path, schema: Self.schema)
        #expect(throws: ParquetError.self) { try writer.appendRow([.null, .null, .null, .null]) }
        #expect(throws: ParquetError.self) { try writer.appendRow([.int64(1), .string("not a struct"), .null, .null]) }
        #expect(throws: ParquetError.self) { try writer.appendRow([.int64(1)]) }
    }
}
