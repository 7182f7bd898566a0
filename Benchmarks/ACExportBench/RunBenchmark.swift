import Foundation

/// The `run` benchmarks (README.md, section 'Performance'): `ac-export run` against the mock API (`ac-export mock`, its own process on
/// 127.0.0.1), exporting contacts.
/// - Throughput: no rate limit, so the figure is HTTP + JSON framing + the same conversion as `convert`.
/// - Soak: the mock enforces ActiveCampaign's 5 requests/s and adds 50 ms to every answer; ac-export runs at
///   its default 4/s. The mock's request log gives the sustained rate and the 429s.
struct RunBenchmark {
    let cli: String
    let directory: String

    struct Soak {
        var requests: Int
        var seconds: Double
        var rateLimited: Int
        var maximumInFlight: Int
        var requestsPerSecond: Double { Double(requests - 1) / seconds }
    }

    /// `inputBytes`: the records' JSON size (the mock serves `ConvertBenchmark`'s dataset: same seed and sizes).
    /// Two rows, best of `repeats` each, alternating: the default run (Delta tables kept) and `--no-delta-log`, so that
    /// the log's cost is the difference. The mock serves its pages from memory after an untimed first run
    /// (`--cache-pages`): it shares the two cores with ac-export, where a real API would not, and writing 200,000
    /// contacts as JSON is work of its own.
    func throughput(contacts: Int, inputBytes: Int, repeats: Int) throws -> (delta: BenchRow, plain: BenchRow) {
        let mock = ["--contacts", "\(contacts)", "--deals", "\(contacts / 4)", "--seed", "\(ConvertBenchmark.seed)", "--cache-pages"]
        return try MockProcess.with(cli: cli, arguments: mock) { baseURL in
            let warmUp = directory + "/run-warm-up"
            _ = try TimedCommand.run(cli, runArguments(out: warmUp) + ["--rate-limit", "1000"], environment: environment(baseURL))
            try? FileManager.default.removeItem(atPath: warmUp)
            var best: [String: BenchRow] = [:]
            for _ in 0..<repeats {
                for (name, extra) in [("ac-export run (mock, no rate limit)", []), ("ac-export run --no-delta-log", ["--no-delta-log"])] {
                    let out = directory + "/run-out-\(contacts)"
                    try? FileManager.default.removeItem(atPath: out)
                    defer { try? FileManager.default.removeItem(atPath: out) }
                    let result = try TimedCommand.run(cli, runArguments(out: out) + ["--rate-limit", "1000"] + extra, environment: environment(baseURL))
                    let row = BenchRow(
                        name: name, records: contacts, seconds: result.seconds, inputBytes: inputBytes,
                        outputBytes: try ConvertBenchmark.folderSize(out), peakRSS: result.peakRSS)
                    if best[name].map({ $0.seconds > row.seconds }) ?? true { best[name] = row }
                }
            }
            return (best["ac-export run (mock, no rate limit)"]!, best["ac-export run --no-delta-log"]!)
        }
    }

    /// A contacts table with a commit per page or two (`--checkpoint-interval` below a page's time): pages of 100
    /// contacts, 1.25 pages per wanted commit, so that at least `commits` part files and Delta commits are made, as in
    /// a table after that many nightly runs. Returns the lake.
    func manyCommits(_ commits: Int, deltaCheckpointInterval: Int) throws -> String {
        let mock = ["--contacts", "\(commits * 125)", "--deals", "0", "--seed", "\(ConvertBenchmark.seed)"]
        return try MockProcess.with(cli: cli, arguments: mock) { baseURL in
            let out = directory + "/commits-\(commits)-every-\(deltaCheckpointInterval)"
            try? FileManager.default.removeItem(atPath: out)
            _ = try TimedCommand.run(
                cli, runArguments(out: out) + ["--rate-limit", "1000", "--checkpoint-interval", "0.001", "--delta-checkpoint-interval", "\(deltaCheckpointInterval)"],
                environment: environment(baseURL))
            return out
        }
    }

    func soak(contacts: Int) throws -> Soak {
        let log = directory + "/soak-requests.jsonl"
        try? FileManager.default.removeItem(atPath: log)
        let mock = ["--contacts", "\(contacts)", "--deals", "0", "--rate-limit", "5", "--latency-ms", "50", "--log", log]
        try MockProcess.with(cli: cli, arguments: mock) { baseURL in
            let out = directory + "/soak-out"
            try? FileManager.default.removeItem(atPath: out)
            defer { try? FileManager.default.removeItem(atPath: out) }
            _ = try TimedCommand.run(cli, runArguments(out: out), environment: environment(baseURL))
        }
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        let starts = lines.compactMap { ($0["time"] as? String).flatMap { try? style.parse($0) } }
        guard lines.count > 1, starts.count == lines.count, let first = starts.min(), let last = starts.max() else {
            throw BenchError(message: "soak: the mock's request log \(log) has \(lines.count) unreadable lines")
        }
        return Soak(
            requests: lines.count, seconds: last.timeIntervalSince(first),
            rateLimited: lines.filter { $0["status"] as? Int == 429 }.count,
            // `in_flight` counts the others in flight when a request started.
            maximumInFlight: (lines.compactMap { $0["in_flight"] as? Int }.max() ?? 0) + 1)
    }

    private func runArguments(out: String) -> [String] {
        ["run", "--out", out, "--endpoints", "contacts", "--anchor-date", "2000-01-01T00:00:00Z", "--quiet"]
    }

    private func environment(_ baseURL: String) -> [String: String] {
        ["ACTIVECAMPAIGN_API_KEY": MockProcess.apiKey, "ACTIVECAMPAIGN_BASE_URL": baseURL]
    }
}

/// `ac-export mock` in its own process for the length of a benchmark.
enum MockProcess {
    static let apiKey = "bench-api-key"

    static func with<T>(cli: String, arguments: [String], _ body: (String) throws -> T) throws -> T {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: cli)
        process.arguments = ["mock", "--port", "0", "--api-key", apiKey] + arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        // "mock ActiveCampaign API on http://127.0.0.1:PORT (...)"
        var printed = ""
        while !printed.contains("\n") {
            let chunk = out.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw BenchError(message: "ac-export mock exited before printing its address") }
            printed += String(decoding: chunk, as: UTF8.self)
        }
        guard let url = printed.split(separator: " ").first(where: { $0.hasPrefix("http://127.0.0.1:") }) else {
            throw BenchError(message: "ac-export mock printed no address: \(printed)")
        }
        return try body(String(url))
    }
}
