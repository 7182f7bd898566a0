import Foundation
import Parquet
import Testing

/// Files written by our writer, read by engines we did not write: pyarrow, DuckDB and polars must
/// return exactly the source values, and pyarrow must report the statistics the spec asks for.
@Suite struct InteropTests {
    @Test func enginesReadEveryTypeCodecAndEncoding() throws {
        let directory = try InteropHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var cases: [InteropHarness.Case] = []
        for (name, properties) in RoundTripTests.variants() {
            for (tableName, table) in [
                ("all-types", SampleTables.allTypes(rows: 5000)), ("one-row", SampleTables.allTypes(rows: 1, seed: 7)),
                ("zero-rows", SampleTables.allTypes(rows: 0)),
            ] {
                let path = directory.appendingPathComponent("\(tableName)-\(name).parquet").path
                try table.write(to: try FileSink(path: path), properties: properties)
                cases.append(table.interopCase(path: path))
            }
        }
        let long = String(repeating: "ü日x", count: (1 << 20) / 6)
        let edge = TestTable(schema: Schema([Column("nothing", .int64), Column("payload", .string), Column("empty", .string)]), columns: [
            [.null, .null, .null], [.string(long), .null, .string("short")], [.string(""), .string(""), .null],
        ])
        let edgePath = directory.appendingPathComponent("edge.parquet").path
        try edge.write(to: try FileSink(path: edgePath))
        cases.append(edge.interopCase(path: edgePath))

        var manyGroups = WriterProperties()
        manyGroups.rowGroupRowLimit = 60_000
        let big = SampleTables.allTypes(rows: 150_000, seed: 9)
        let bigPath = directory.appendingPathComponent("row-groups.parquet").path
        #expect(try big.write(to: try FileSink(path: bigPath), properties: manyGroups).rowGroups.count == 3)
        cases.append(big.interopCase(path: bigPath))
        // The byte-exact worked example (docs/parquet-layout.md#worked-example; no statistics in it).
        cases.append(InteropHarness.Case(
            path: InteropHarness.repositoryRoot.appendingPathComponent("fixtures/worked-example.parquet").path, rows: 3,
            columns: [InteropHarness.ExpectedColumn(name: "a", type: "int64", values: [.int(1), .null, .int(3)], stats: nil)]))
        try InteropHarness.check(cases, in: directory)
    }
}
