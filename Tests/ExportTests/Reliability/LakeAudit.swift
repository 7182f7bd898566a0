import Foundation
import Testing

/// What readers see in a lake, read by pyarrow file by file (independently of the Swift reader): the ids of
/// every row, the files that cannot be read, the column types, and the values of chosen columns.
struct LakeAudit {
    struct Endpoint {
        var ids: [String]
        var unreadable: [String]
        var columns: [String: String]
        /// id → column → value (as JSON gives it), for the columns whose name starts with the prefix asked for.
        var values: [String: [String: Any]]
    }

    var endpoints: [String: Endpoint]

    static let script = #"""
        import glob, json, os, sys
        import pyarrow.parquet as pq
        lake, endpoints, prefix = sys.argv[1], sys.argv[2].split(","), sys.argv[3]
        out = {}
        for endpoint in endpoints:
            ids, unreadable, columns, values = [], [], {}, {}
            # The README's glob: the partition folders (the Delta log's checkpoints are Parquet files too).
            for path in sorted(glob.glob(os.path.join(lake, endpoint, "date=*", "*.parquet"))):
                try:
                    table = pq.read_table(path)
                    rows = table.to_pylist()
                except Exception as error:
                    unreadable.append(f"{os.path.relpath(path, lake)}: {error}"[:400])
                    continue
                for field in table.schema:
                    columns[field.name] = str(field.type)
                for row in rows:
                    ids.append(str(row.get("id")))
                    if prefix:
                        chosen = {k: v for k, v in row.items() if k.startswith(prefix) and v is not None}
                        if chosen:
                            values[str(row.get("id"))] = chosen
            out[endpoint] = {"ids": ids, "unreadable": unreadable, "columns": columns, "values": values}
        json.dump(out, sys.stdout, default=str)
        """#

    /// Reads `lake`'s endpoints; `valuesOf` selects the columns whose values are returned.
    static func read(lake: String, endpoints: [String], valuesOf prefix: String = "") async throws -> LakeAudit {
        let python = LakeHarness.python
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw AuditError(message: "no Python venv at \(python): run `make venv`")
        }
        let scriptPath = FileManager.default.temporaryDirectory.appendingPathComponent("lake-audit-\(UUID().uuidString).py").path
        try Data(script.utf8).write(to: URL(fileURLWithPath: scriptPath))
        defer { try? FileManager.default.removeItem(atPath: scriptPath) }
        let result = try await LakeHarness.runSeparately(python, [scriptPath, lake, endpoints.joined(separator: ","), prefix])
        guard result.status == 0, let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            throw AuditError(message: "lake audit failed (\(result.status)): \(result.stderr.suffix(2000))")
        }
        var endpointsRead: [String: Endpoint] = [:]
        for (name, value) in object {
            let fields = value as? [String: Any] ?? [:]
            endpointsRead[name] = Endpoint(
                ids: fields["ids"] as? [String] ?? [], unreadable: fields["unreadable"] as? [String] ?? [],
                columns: fields["columns"] as? [String: String] ?? [:], values: fields["values"] as? [String: [String: Any]] ?? [:])
        }
        return LakeAudit(endpoints: endpointsRead)
    }

    /// Counts against the ids the source served.
    func tally(expected: [String: Set<String>]) -> LakeTally {
        var tally = LakeTally()
        for (endpoint, expectedIDs) in expected {
            let read = endpoints[endpoint] ?? Endpoint(ids: [], unreadable: [], columns: [:], values: [:])
            var seen: [String: Int] = [:]
            for id in read.ids { seen[id, default: 0] += 1 }
            tally.expected += expectedIDs.count
            tally.found += read.ids.count
            tally.duplicated += seen.values.reduce(0) { $0 + max(0, $1 - 1) }
            tally.lost += expectedIDs.filter { seen[$0] == nil }.count
            tally.unexpected += seen.keys.filter { !expectedIDs.contains($0) }.count
            tally.unreadableFiles += read.unreadable.count
            tally.problems += read.unreadable.map { "\(endpoint): unreadable \($0)" }
        }
        return tally
    }

    struct AuditError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

/// Records expected / found / duplicated / lost, over one or more endpoints.
struct LakeTally: Sendable {
    var expected = 0
    var found = 0
    var duplicated = 0
    var lost = 0
    var unexpected = 0
    var unreadableFiles = 0
    var problems: [String] = []

    var isExactlyOnce: Bool { found == expected && duplicated == 0 && lost == 0 && unexpected == 0 && unreadableFiles == 0 }

    static func + (a: LakeTally, b: LakeTally) -> LakeTally {
        LakeTally(
            expected: a.expected + b.expected, found: a.found + b.found, duplicated: a.duplicated + b.duplicated, lost: a.lost + b.lost,
            unexpected: a.unexpected + b.unexpected, unreadableFiles: a.unreadableFiles + b.unreadableFiles, problems: a.problems + b.problems)
    }

    var summary: String {
        "expected \(expected), found \(found), duplicated \(duplicated), lost \(lost), unexpected \(unexpected), unreadable files \(unreadableFiles)"
            + (problems.isEmpty ? "" : ": " + problems.prefix(5).joined(separator: "; "))
    }
}
