import Foundation
import S3
import TestServers

/// `convert` into an S3 prefix on SeaweedFS (its own processes on 127.0.0.1, signatures checked) beside `convert` into a
/// folder, the same pages, best of `repeats` each (README.md, section 'Performance'). The store shares the machine's
/// cores with ac-export, as a lake's gateway would not: the ratio is a floor.
struct ObjectStoreBenchmark {
    let contacts: Int
    let directory: String
    let cli: String
    let repeats: Int

    func run() async throws -> [BenchRow] {
        let server = try SeaweedServer()
        defer { server.stop() }
        let client = S3Client(settings: S3Settings(
            credentials: S3Credentials(accessKeyID: server.accessKey, secretAccessKey: server.secretKey), region: "us-east-1", endpoint: URL(string: server.endpoint)))
        do {
            try await client.createBucket("bench")
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
        let data = try ConvertBenchmark.makeDataset(contacts: contacts, directory: directory, ndjson: false)
        defer { try? FileManager.default.removeItem(atPath: data.pages) }
        var folder: BenchRow?
        var s3: BenchRow?
        for attempt in 0..<repeats {
            let local = try ConvertBenchmark.convert(pages: data.pages, bytes: data.bytes, contacts: contacts, directory: directory, cli: cli)
            if folder.map({ local.seconds < $0.seconds }) ?? true { folder = local }
            let out = "s3://bench/run-\(attempt)"
            let remote = try TimedCommand.run(
                cli, ["convert", "--endpoint", "contacts", "--out", out, "--compression-level", "6", "--quiet", data.pages], environment: server.environment)
            let row = BenchRow(name: "ac-export convert → s3:// (SeaweedFS)", records: contacts, seconds: remote.seconds, inputBytes: data.bytes,
                               outputBytes: local.outputBytes, peakRSS: remote.peakRSS)
            if s3.map({ row.seconds < $0.seconds }) ?? true { s3 = row }
        }
        guard var folder, let s3 else { return [] }
        folder.name = "ac-export convert → folder"
        return [folder, s3]
    }
}
