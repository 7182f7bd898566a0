import Foundation
import Testing

/// Runs Tests/Interop/check_parquet.py with the project's venv (made by `make venv`), so files written
/// by the tests are read back by pyarrow, DuckDB and polars. A missing venv is a test failure, never a skip.
enum InteropHarness {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var python: URL { repositoryRoot.appendingPathComponent(".venv/bin/python") }

    struct ExpectedColumn: Encodable {
        var name: String
        var type: String
        var values: [JSONScalar]
        var stats: ExpectedStatistics?
    }

    struct ExpectedStatistics: Encodable {
        var null_count: Int
        var min: JSONScalar
        var max: JSONScalar
    }

    struct Case: Encodable {
        var path: String
        var rows: Int
        var columns: [ExpectedColumn]
    }

    enum JSONScalar: Encodable {
        case null, int(Int64), string(String), bool(Bool)

        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .null: try c.encodeNil()
            case .int(let v): try c.encode(v)
            case .string(let v): try c.encode(v)
            case .bool(let v): try c.encode(v)
            }
        }
    }

    /// Writes the expectations and runs the checker; returns its output. Records an issue on failure.
    static func check(_ cases: [Case], in directory: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let casesFile = directory.appendingPathComponent("cases.json")
        try JSONEncoder().encode(cases).write(to: casesFile)
        try run("check_parquet.py", casesFile.path, sourceLocation: sourceLocation)
    }

    /// Runs one of Tests/Interop's checkers with the venv's Python; a non-zero exit (or no venv) is a recorded issue.
    static func run(_ script: String, _ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws {
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            Issue.record("no Python venv at \(python.path): run `make venv` (pyarrow, duckdb, polars are required for the interop tests)", sourceLocation: sourceLocation)
            return
        }
        let process = Process()
        process.executableURL = python
        process.arguments = [repositoryRoot.appendingPathComponent("Tests/Interop/" + script).path] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(script) found a disagreement:\n\(text)", sourceLocation: sourceLocation)
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ac-export-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
