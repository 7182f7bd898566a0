import ActiveCampaign
import ActiveCampaignMock
import Foundation
import Testing

/// Runs Tests/Interop/check_lake.py: the lake against the mock's records, read by pyarrow and DuckDB.
enum LakeHarness {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static var python: String { repositoryRoot.appendingPathComponent(".venv/bin/python").path }
    /// The CLI under test: the debug build, or `AC_EXPORT_CLI` (an installed binary, or a copy that a long
    /// `make stress` run keeps using while the tree is rebuilt).
    static var cli: String {
        ProcessInfo.processInfo.environment["AC_EXPORT_CLI"] ?? repositoryRoot.appendingPathComponent(".build/debug/ac-export").path
    }

    /// Writes each endpoint's current mock records as NDJSON into `sourceDirectory`.
    static func dumpSource(_ server: MockServer, endpoints: [Endpoint], to sourceDirectory: String) throws {
        try FileManager.default.createDirectory(atPath: sourceDirectory, withIntermediateDirectories: true)
        for endpoint in endpoints {
            var data = Data()
            for record in server.currentRecords(path: endpoint.path) {
                data.append(contentsOf: record)
                data.append(0x0A)
            }
            try data.write(to: URL(fileURLWithPath: sourceDirectory + "/" + endpoint.name + ".ndjson"))
        }
    }

    static func check(lake: String, source: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            Issue.record("no Python venv at \(python): run `make venv`", sourceLocation: sourceLocation)
            return
        }
        let (status, output) = try runBlocking(python, [repositoryRoot.appendingPathComponent("Tests/Interop/check_lake.py").path, lake, source], environment: nil, in: nil)
        #expect(status == 0, "lake differs from the source:\n\(output)", sourceLocation: sourceLocation)
    }

    /// Runs `Tests/Interop/<script>` with the venv's Python and expects it to pass (exit 0), its output the message.
    static func checkWithScript(_ script: String, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            Issue.record("no Python venv at \(python): run `make venv`", sourceLocation: sourceLocation)
            return
        }
        let (status, output) = try await run(python, [repositoryRoot.appendingPathComponent("Tests/Interop/" + script).path] + arguments)
        #expect(status == 0, "\(script): \(output)", sourceLocation: sourceLocation)
    }

    /// Runs a process to completion off the cooperative thread pool: the mock server in this process needs
    /// those threads while the child talks to it.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, in directory: String? = nil) async throws -> (Int32, String) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runBlocking(executable, arguments, environment: environment, in: directory) })
            }
        }
    }

    private static func runBlocking(_ executable: String, _ arguments: [String], environment: [String: String]?, in directory: String?) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    static func temporaryDirectory(_ label: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ac-export-\(label)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
