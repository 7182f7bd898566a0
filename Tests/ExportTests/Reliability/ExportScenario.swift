import ActiveCampaign
import ActiveCampaignMock
@testable import Export
import Foundation
import Testing

/// One reliability case: a mock account served from this process on 127.0.0.1, an output folder, and the
/// real `ac-export run` against them. The account's key is unique to the case, and every run's stdout,
/// stderr, the mock's request log and every byte of the output folder are scanned for it.
final class ExportScenario: @unchecked Sendable {
    let name: String
    let key: String
    let lake: String
    /// The CLI's working folder: empty, so no `.env` of the repository leaks into a case.
    let workingDirectory: String
    let requestLog: String
    let baseURL: String
    let server: MockServer
    private(set) var exitCodes: [Int32] = []

    private init(name: String, key: String, lake: String, workingDirectory: String, requestLog: String, baseURL: String, server: MockServer) {
        self.name = name
        self.key = key
        self.lake = lake
        self.workingDirectory = workingDirectory
        self.requestLog = requestLog
        self.baseURL = baseURL
        self.server = server
    }

    /// Serves `mock` (its key replaced by a unique one, its request log switched on) for `body`, then removes
    /// every file of the case.
    static func with<T: Sendable>(
        _ name: String, mock: MockConfiguration, lake: String? = nil, _ body: @Sendable (ExportScenario) async throws -> T
    ) async throws -> T {
        let slug = String(name.map { $0.isLetter || $0.isNumber ? $0 : "-" })
        let folder = try LakeHarness.temporaryDirectory("reliability-\(slug)")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var mock = mock
        mock.apiKey = "key-\(slug)-\(UUID().uuidString.prefix(13))-SECRET"
        mock.logPath = folder + "/requests.jsonl"
        let working = folder + "/cwd"
        try FileManager.default.createDirectory(atPath: working, withIntermediateDirectories: true)
        let key = mock.apiKey
        return try await withMockServer(mock) { baseURL, server in
            let scenario = ExportScenario(
                name: name, key: key, lake: lake ?? folder + "/lake", workingDirectory: working, requestLog: folder + "/requests.jsonl",
                baseURL: baseURL, server: server)
            return try await body(scenario)
        }
    }

    /// Runs the case `tries` times (a fresh account from `mock(try)` and a fresh lake each time); `body`
    /// returns the tally of its lake. Records one row for all tries and returns the summed tally.
    @discardableResult
    static func repeated(
        _ name: String, tries: Int, note: String = "", mock: (Int) -> MockConfiguration,
        _ body: @Sendable (ExportScenario) async throws -> LakeTally
    ) async throws -> LakeTally {
        var total = LakeTally()
        var patterns: [[Int32]] = []
        for attempt in 0..<tries {
            let (tally, codes) = try await with(name, mock: mock(attempt)) { scenario in
                (try await body(scenario), scenario.exitCodes)
            }
            total = total + tally
            if !patterns.contains(codes) { patterns.append(codes) }
        }
        ReliabilityResults.record(ReliabilityResult(scenario: name, tries: tries, tally: total, exitCodes: patterns, note: note))
        return total
    }

    var environment: [String: String] {
        ["ACTIVECAMPAIGN_API_KEY": key, "ACTIVECAMPAIGN_BASE_URL": baseURL, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
    }

    /// `run` arguments for a backfill of `endpoints` into the case's lake, fast enough for tests.
    func runArguments(_ endpoints: [String], _ extra: [String] = []) -> [String] {
        ["run", "--out", lake, "--endpoints", endpoints.joined(separator: ","), "--anchor-date", "2000-01-01", "--rate-limit", "300"] + extra
    }

    /// Runs the CLI to completion, then checks that the key appears nowhere.
    @discardableResult
    func run(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> ProcessOutcome {
        let outcome = try await LakeHarness.runSeparately(LakeHarness.cli, arguments, environment: environment, in: workingDirectory)
        exitCodes.append(outcome.status)
        expectKeyAbsent(outputs: ["stdout": outcome.stdout, "stderr": outcome.stderr], sourceLocation: sourceLocation)
        return outcome
    }

    /// Starts the CLI in the background (to be killed or signalled).
    func start(_ arguments: [String]) throws -> StartedProcess {
        try StartedProcess(LakeHarness.cli, arguments, environment: environment, in: workingDirectory)
    }

    /// Notes the exit status of a process started with `start`, and scans its output for the key.
    func finish(_ started: StartedProcess, sourceLocation: SourceLocation = #_sourceLocation) -> ProcessOutcome {
        let outcome = started.outcome()
        exitCodes.append(outcome.status)
        expectKeyAbsent(outputs: ["stdout": outcome.stdout, "stderr": outcome.stderr], sourceLocation: sourceLocation)
        return outcome
    }

    /// The key in none of `outputs`, the request log, or any file under the lake (manifest, its backup, the lock
    /// file, temporaries, every Parquet file's bytes including the footer metadata).
    func expectKeyAbsent(outputs: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) {
        for (label, text) in outputs where text.contains(key) {
            Issue.record("\(name): the API key appears in \(label)", sourceLocation: sourceLocation)
        }
        let needle = Data(key.utf8)
        var files = [requestLog]
        if let walker = FileManager.default.enumerator(atPath: lake) {
            while let relative = walker.nextObject() as? String { files.append(lake + "/" + relative) }
        }
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            if data.range(of: needle) != nil {
                Issue.record("\(name): the API key appears in \(file)", sourceLocation: sourceLocation)
            }
        }
    }

    /// The ids the mock serves now, per endpoint name (records that are not objects have none).
    func expectedIDs(_ endpoints: [String]) -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        for name in endpoints {
            let endpoint = Endpoint.named(name)!
            result[name] = Set(server.currentRecords(path: endpoint.path).compactMap(Self.recordID))
        }
        return result
    }

    /// The `"id":"N"` a mock record starts with (read from the bytes: some injected records are not valid UTF-8).
    static func recordID(_ record: [UInt8]) -> String? {
        let marker = Array("{\"id\":\"".utf8)
        guard record.starts(with: marker) else { return nil }
        let digits = record[marker.count...].prefix { (0x30...0x39).contains($0) }
        return digits.isEmpty ? nil : String(decoding: digits, as: UTF8.self)
    }

    /// Reads the lake with pyarrow and counts against what the mock serves.
    func tally(_ endpoints: [String]) async throws -> LakeTally {
        try await LakeAudit.read(lake: lake, endpoints: endpoints).tally(expected: expectedIDs(endpoints))
    }

    /// Every value of every source record recoverable from the lake (Tests/Interop/check_lake.py).
    func checkValues(_ endpoints: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let source = lake + "-source"
        defer { try? FileManager.default.removeItem(atPath: source) }
        try LakeHarness.dumpSource(server, endpoints: endpoints.map { Endpoint.named($0)! }, to: source)
        try LakeHarness.check(lake: lake, source: source, sourceLocation: sourceLocation)
    }

    func manifest() throws -> Manifest {
        try ManifestStore.read(directory: lake)
    }

    /// No endpoint's watermark is past the newest cursor of its committed files, and endpoints that failed
    /// kept the watermark they had before the run.
    func expectWatermarksHonest(before: Manifest?, failed: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let after = try manifest()
        for (endpoint, state) in after.endpoints {
            if failed.contains(endpoint) {
                #expect(state.watermark == before?.endpoints[endpoint]?.watermark, "\(endpoint) failed but its watermark moved", sourceLocation: sourceLocation)
            }
            guard let watermark = state.watermark.flatMap(EndpointExporter.micros(fromISO:)) else { continue }
            let newest = state.files.compactMap { $0.maxCursor.flatMap(EndpointExporter.micros(fromISO:)) }.max()
            if let newest {
                #expect(watermark <= newest || state.files.isEmpty, "\(endpoint): watermark beyond every committed record", sourceLocation: sourceLocation)
            }
        }
    }

    /// Adds this case's row to the results table (for cases run once; `repeated` records its own).
    func record(tries: Int, tally: LakeTally, note: String = "") {
        ReliabilityResults.record(ReliabilityResult(scenario: name, tries: tries, tally: tally, exitCodes: [exitCodes], note: note))
    }

    /// The mock's request log: start time (seconds), path, query, status of every request.
    func requests() throws -> [(time: Double, path: String, query: String, status: Int)] {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let text = (try? String(contentsOfFile: requestLog, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let time = (object["time"] as? String).flatMap(formatter.date(from:)) else { return nil }
            return (time.timeIntervalSince1970, object["path"] as? String ?? "", object["query"] as? String ?? "", object["status"] as? Int ?? 0)
        }
    }
}
