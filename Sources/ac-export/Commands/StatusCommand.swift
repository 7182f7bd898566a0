import ArgumentParser
import Export
import Foundation
import Logging

/// What is in a lake, from its manifest alone (no request, no lock): per endpoint its rows, files, bytes,
/// watermark, any unfinished checkpoint and its last completeness check; the account; and the last run with its outcome.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show what a lake holds and how its last run ended, from its manifest.")

    @Argument(help: "The lake: its folder or s3://bucket/prefix (the --out of the runs).")
    var lake: String = "./lake"

    @OptionGroup var objectStore: ObjectStoreOptions

    @Flag(help: "JSON instead of text, with typed values.")
    var json = false

    func run() async throws {
        let target = try OutputTarget.resolve(lake, option: "status", objectStore: objectStore, environment: ProcessInfo.processInfo.environment, checkFolder: false)
        let manifest = try await ExportRun.manifest(of: target, logger: Logger(label: "ac-export.status"))
        guard !manifest.runs.isEmpty || !manifest.endpoints.isEmpty else {
            throw UsageError(description: "\(lake) has no _manifest.json: no ac-export run has committed anything there")
        }
        let endpoints = manifest.endpoints.keys.sorted()
        let last = manifest.runs.last
        // The latest run that checked each endpoint's listing (docs/completeness.md).
        let lastCheck = { (endpoint: String) in manifest.runs.lazy.reversed().compactMap { $0.endpoints[endpoint]?.completeness }.first }
        if json {
            let object: [String: Any] = [
                "lake": lake, "account": manifest.account ?? NSNull(), "manifestVersion": manifest.version,
                "endpoints": endpoints.map { name -> [String: Any] in
                    let state = manifest.endpoints[name]!
                    return [
                        "endpoint": name, "mode": state.mode.rawValue, "rows": state.files.reduce(0) { $0 + $1.rows },
                        "files": state.files.count, "bytes": state.files.reduce(Int64(0)) { $0 + $1.bytes },
                        "watermark": state.watermark ?? NSNull(),
                        "checkpoint": state.checkpoint.map { ["rowsCommitted": $0.rowsCommitted, "runIDs": $0.runIDs] as [String: Any] } ?? NSNull(),
                        "lastCheck": lastCheck(name).map { c -> [String: Any] in
                            ["verdict": c.verdict.rawValue, "expected": c.expected ?? NSNull(), "read": c.read, "difference": c.difference ?? NSNull()]
                        } ?? NSNull(),
                    ]
                },
                "lastRun": last.map { run -> [String: Any] in
                    [
                        "id": run.id, "startedAt": ISO8601DateFormatter().string(from: run.startedAt),
                        "finishedAt": run.finishedAt.map { ISO8601DateFormatter().string(from: $0) } ?? NSNull(), "status": run.status,
                        "errors": run.endpoints.filter { $0.value.error != nil }.mapValues { $0.error! },
                    ]
                } ?? NSNull(),
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("lake     \(lake)")
        print("account  \(manifest.account ?? "- (not recorded)")")
        let rows = endpoints.map { name -> [String] in
            let state = manifest.endpoints[name]!
            return [
                name, state.mode.rawValue, "\(state.files.reduce(0) { $0 + $1.rows })", "\(state.files.count)",
                "\(state.files.reduce(Int64(0)) { $0 + $1.bytes })", state.watermark ?? "-",
                state.checkpoint.map { "unfinished: \($0.rowsCommitted) rows committed" } ?? "-",
                lastCheck(name).map { "\($0.verdict.rawValue) (read \($0.read) of \($0.expected.map(String.init) ?? "?"))" } ?? "-",
            ]
        }
        print("")
        TextTable.lines(header: ["endpoint", "mode", "rows", "files", "bytes", "watermark", "checkpoint", "last check"], rows: rows, rule: true)
            .forEach { print($0) }
        guard let last else { return }
        print("")
        let finished = last.finishedAt.map { ISO8601DateFormatter().string(from: $0) } ?? "not finished (killed?)"
        print("last run \(last.id): \(last.status), started \(ISO8601DateFormatter().string(from: last.startedAt)), finished \(finished)")
        for (endpoint, summary) in last.endpoints.sorted(by: { $0.key < $1.key }) where summary.error != nil {
            print("  \(endpoint): \(summary.status): \(summary.error!)")
        }
    }
}
