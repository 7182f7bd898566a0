import ActiveCampaign
import ActiveCampaignMock
@testable import Export
import Foundation
import S3
import TestServers
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `--out s3://…` from the command line: the run lock between two runs, a killed run's lock taken over, and the
/// store's problems named within seconds without the secret.
@Suite(.serialized) struct ObjectStorageCommandLineTests {
    static func environment(_ server: (any S3TestServer)?, baseURL: String?, home: String) -> [String: String] {
        var environment = ["HOME": home, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        if let server { environment.merge(server.environment) { $1 } }
        if let baseURL {
            environment["ACTIVECAMPAIGN_API_KEY"] = MockConfiguration().apiKey
            environment["ACTIVECAMPAIGN_BASE_URL"] = baseURL
        }
        return environment
    }

    @Test func aSecondRunIsRefusedWhileTheFirstHoldsTheLockAndAKilledRunsLockIsTakenOver() async throws {
        let server = try await ObjectStorageTests.seaweedWithBucket()
        defer { server.stop() }
        let home = try LakeHarness.temporaryDirectory("home")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let lake = "s3://\(ObjectStorageTests.bucket)/locked"
        let client = S3Client(settings: ObjectStorageTests.settings(server))
        let mock = MockConfiguration(seed: 5, contacts: 3000, deals: 300, latency: .milliseconds(100))
        do {
            try await withMockServer(mock) { baseURL, mockServer in
                let environment = Self.environment(server, baseURL: baseURL, home: home)
                let arguments = ["run", "--out", lake, "--anchor-date", "2000-01-01T00:00:00Z", "--s3-lock-ttl", "4", "--rate-limit", "20"]
                let first = try StartedProcess(LakeHarness.cli, arguments + ["-q"], environment: environment, in: home)
                let deadline = Date().addingTimeInterval(30)
                while try await client.head(bucket: ObjectStorageTests.bucket, key: "locked/" + S3LakeLock.name) == nil {
                    try #require(Date() < deadline && first.isRunning, "the first run never took the lock")
                    try await Task.sleep(for: .milliseconds(50))
                }
                let (refused, refusal) = try await LakeHarness.run(LakeHarness.cli, ["run", "--out", lake, "--endpoints", "tags"], environment: environment, in: home)
                #expect(refused == 2, "\(refusal)")
                #expect(refusal.contains("another ac-export run is using \(lake)") && refusal.contains("expires at"), "\(refusal)")
                #expect(first.isRunning, "the first run ended before the second was refused: the refusal proves nothing")
                kill(first.pid, SIGKILL)
                _ = first.outcome()
                // The lease is renewed every second: it runs out at most 4 s after the kill.
                try await Task.sleep(for: .seconds(5))
                let (status, output) = try await LakeHarness.run(LakeHarness.cli, arguments, environment: environment, in: home)
                #expect(status == 0, "\(output)")
                #expect(output.contains("took over the lock of a run that stopped without releasing it"), "\(output)")
                let seen = try await DeltaLakeTests.read(lake, engine: "deltalake", environment: server.environment)
                let plain = try await DeltaLakeTests.read(lake, engine: "plain", environment: server.environment)
                for endpoint in Endpoint.standard {
                    let expected = mockServer.currentRecords(path: endpoint.path).count
                    #expect(seen[endpoint.name]?.rows == expected && seen[endpoint.name]?.duplicates == 0, "\(endpoint.name): \(String(describing: seen[endpoint.name])), \(expected) records")
                    #expect(seen[endpoint.name]?.digest == plain[endpoint.name]?.digest, "\(endpoint.name)")
                }
            }
            #expect(try await client.head(bucket: ObjectStorageTests.bucket, key: "locked/" + S3LakeLock.name) == nil, "the lock outlived its run")
            #expect(try await client.listUploads(bucket: ObjectStorageTests.bucket, prefix: "locked/").isEmpty)
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// A run stalled (SIGSTOP) past its lease is taken over, not killed: when it wakes, the manifest the new holder
    /// rewrote fences it off, so nothing it does after the takeover is committed, and the lake stays exact.
    @Test func aStalledRunWhoseLockWasTakenOverCommitsNothingAfterwards() async throws {
        let server = try await ObjectStorageTests.seaweedWithBucket()
        defer { server.stop() }
        let home = try LakeHarness.temporaryDirectory("home")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let lake = "s3://\(ObjectStorageTests.bucket)/stalled"
        let client = S3Client(settings: ObjectStorageTests.settings(server))
        let mock = MockConfiguration(seed: 8, contacts: 3000, deals: 300, latency: .milliseconds(100))
        do {
            try await withMockServer(mock) { baseURL, mockServer in
                let environment = Self.environment(server, baseURL: baseURL, home: home)
                let arguments = ["run", "--out", lake, "--anchor-date", "2000-01-01T00:00:00Z", "--s3-lock-ttl", "4", "--rate-limit", "20", "--checkpoint-interval", "1"]
                let stalled = try StartedProcess(LakeHarness.cli, arguments, environment: environment, in: home)
                let deadline = Date().addingTimeInterval(30)
                while try await client.head(bucket: ObjectStorageTests.bucket, key: "stalled/" + S3LakeLock.name) == nil {
                    try #require(Date() < deadline && stalled.isRunning, "the first run never took the lock")
                    try await Task.sleep(for: .milliseconds(50))
                }
                try await Task.sleep(for: .seconds(2))
                kill(stalled.pid, SIGSTOP)
                try await Task.sleep(for: .seconds(6))
                let (status, output) = try await LakeHarness.run(LakeHarness.cli, arguments, environment: environment, in: home)
                #expect(status == 0, "\(output)")
                #expect(output.contains("took over the lock"), "\(output)")
                let afterTakeover = try await DeltaLakeTests.read(lake, engine: "deltalake", environment: server.environment)
                kill(stalled.pid, SIGCONT)
                _ = try await stalled.waitForExit(within: .seconds(120))
                let woken = stalled.outcome()
                let stalledOutput = woken.combined
                #expect(woken.status == 1, "\(stalledOutput.suffix(2000))")
                #expect(stalledOutput.contains("was lost") || stalledOutput.contains("changed by another writer"), "\(stalledOutput.suffix(2000))")
                // Nothing the woken run did reached the tables or the manifest.
                let now = try await DeltaLakeTests.read(lake, engine: "deltalake", environment: server.environment)
                let plain = try await DeltaLakeTests.read(lake, engine: "plain", environment: server.environment)
                for endpoint in Endpoint.standard {
                    let records = mockServer.currentRecords(path: endpoint.path).count
                    #expect(now[endpoint.name] == afterTakeover[endpoint.name], "\(endpoint.name) changed after the takeover")
                    #expect(now[endpoint.name]?.rows == records && now[endpoint.name]?.duplicates == 0, "\(endpoint.name): \(String(describing: now[endpoint.name])) of \(records)")
                    #expect(now[endpoint.name]?.digest == plain[endpoint.name]?.digest, "\(endpoint.name)")
                }
            }
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Ctrl-C on an S3 run: the run stops, records itself as cancelled in the manifest and releases its lock, so that
    /// the next run starts at once (the lock's requests are not cancelled with the run's).
    @Test func ctrlCStopsAnS3RunWhichRecordsItselfAndReleasesItsLock() async throws {
        let server = try await ObjectStorageTests.seaweedWithBucket()
        defer { server.stop() }
        let home = try LakeHarness.temporaryDirectory("home")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let client = S3Client(settings: ObjectStorageTests.settings(server))
        do {
            try await withMockServer(MockConfiguration(seed: 6, contacts: 3000, deals: 300, latency: .milliseconds(100))) { baseURL, _ in
                let run = try StartedProcess(
                    LakeHarness.cli, ["run", "--out", "s3://lake/interrupted", "--rate-limit", "20", "-q"],
                    environment: Self.environment(server, baseURL: baseURL, home: home), in: home)
                let deadline = Date().addingTimeInterval(30)
                while try await client.head(bucket: ObjectStorageTests.bucket, key: "interrupted/" + S3LakeLock.name) == nil {
                    try #require(Date() < deadline && run.isRunning, "the run never took the lock")
                    try await Task.sleep(for: .milliseconds(50))
                }
                try await Task.sleep(for: .seconds(1))
                kill(run.pid, SIGINT)
                _ = try await run.waitForExit(within: .seconds(60))
                #expect(run.outcome().status == 1, "a cancelled run exits 1")
            }
            #expect(try await client.head(bucket: ObjectStorageTests.bucket, key: "interrupted/" + S3LakeLock.name) == nil, "the lock outlived the cancelled run")
            let manifest = try ManifestStore.decode(
                try await client.get(bucket: ObjectStorageTests.bucket, key: "interrupted/" + ManifestStore.fileName).map { Data($0.bytes) }, path: "manifest")
            #expect(manifest.runs.last?.status == "cancelled", "\(String(describing: manifest.runs.last))")
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    @Test func aWrongSecretAnUnknownBucketAndAnUnreachableStoreAreNamedWithinSeconds() async throws {
        let server = try await ObjectStorageTests.seaweedWithBucket()
        defer { server.stop() }
        let home = try LakeHarness.temporaryDirectory("home")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let secret = "wrong-secret-" + UUID().uuidString
        let port = try Loopback.freePorts(1)[0]
        try await withMockServer(MockConfiguration(contacts: 10, deals: 5)) { baseURL, _ in
            var wrongSecret = Self.environment(server, baseURL: baseURL, home: home)
            wrongSecret["AWS_SECRET_ACCESS_KEY"] = secret
            var unreachable = Self.environment(server, baseURL: baseURL, home: home)
            unreachable["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:\(port)"
            let cases: [(String, [String: String], String, [String])] = [
                ("wrong secret", wrongSecret, "s3://lake/acme", ["SignatureDoesNotMatch", "AWS_SECRET_ACCESS_KEY"]),
                ("unknown bucket", Self.environment(server, baseURL: baseURL, home: home), "s3://no-such-bucket/acme", ["the bucket does not exist"]),
                ("unreachable store", unreachable, "s3://lake/acme", ["could not be reached", "connection refused"]),
            ]
            for (name, environment, out, words) in cases {
                let started = ContinuousClock.now
                let (status, output) = try await LakeHarness.run(LakeHarness.cli, ["run", "--out", out, "--endpoints", "tags"], environment: environment, in: home)
                #expect([1, 2].contains(status), "\(name): exit \(status)\n\(output)")
                #expect(ContinuousClock.now - started < .seconds(15), "\(name)")
                for word in words { #expect(output.contains(word), "\(name): \(output)") }
                #expect(!output.contains(secret) && !output.contains(server.secretKey), "\(name): a secret was printed")
            }
        }
    }

    @Test func otherSchemesAndMissingCredentialsAreRefusedBeforeAnythingIsWritten() async throws {
        let home = try LakeHarness.temporaryDirectory("home")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let environment = Self.environment(nil, baseURL: "http://127.0.0.1:9", home: home)
        for out in ["gs://bucket/lake", "az://container/lake", "abfss://fs@account.dfs.core.windows.net/lake", "hdfs://namenode/lake"] {
            let (status, output) = try await LakeHarness.run(LakeHarness.cli, ["run", "--out", out], environment: environment, in: home)
            #expect(status == 2, "\(out): \(output)")
            #expect(output.contains("not supported") && output.contains("s3://bucket/prefix"), "\(out): \(output)")
        }
        let (status, output) = try await LakeHarness.run(LakeHarness.cli, ["run", "--out", "s3://lake/acme"], environment: environment, in: home)
        #expect(status == 2, "\(output)")
        #expect(output.contains("no S3 credentials") && output.contains("AWS_ACCESS_KEY_ID"), "\(output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: home).isEmpty, "a folder was made for a URL")
    }

    /// `convert` writes to S3 as `run` does, `status` reads an S3 lake, and the replication YAML's `target:` takes an
    /// s3:// prefix as `--out` does.
    @Test func convertAndTheReplicationFilesTargetWriteToS3() async throws {
        let server = try await ObjectStorageTests.seaweedWithBucket()
        defer { server.stop() }
        let home = try LakeHarness.temporaryDirectory("home")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let records = (1...3).map { #"{"id":"\#($0)","tag":"tag \#($0)","tagType":"contact","cdate":"2026-11-0\#($0)T10:00:00-06:00"}"# }
        try records.joined(separator: "\n").write(toFile: home + "/tags.ndjson", atomically: true, encoding: .utf8)
        let environment = Self.environment(server, baseURL: nil, home: home)
        let (status, output) = try await LakeHarness.run(
            LakeHarness.cli, ["convert", "--endpoint", "tags", "--out", "s3://lake/converted", home + "/tags.ndjson"], environment: environment, in: home)
        #expect(status == 0, "\(output)")
        let seen = try await DeltaLakeTests.read("s3://lake/converted", engine: "deltalake", environment: server.environment)
        #expect(seen["tags"]?.rows == 3, "\(seen)")
        let (statusCode, statusText) = try await LakeHarness.run(LakeHarness.cli, ["status", "s3://lake/converted"], environment: environment, in: home)
        #expect(statusCode == 0 && statusText.split(separator: "\n").contains { $0.hasPrefix("tags ") && $0.contains(" 3 ") }, "\(statusText)")
        let (emptyCode, empty) = try await LakeHarness.run(LakeHarness.cli, ["status", "s3://lake/nothing-here"], environment: environment, in: home)
        #expect(emptyCode == 2 && empty.contains("no _manifest.json"), "\(empty)")
        try "source: { base_url: https://acme.api-us1.com, api_key: yaml-key }\ntarget: s3://lake/from-yaml\n"
            .write(toFile: home + "/replication.yaml", atomically: true, encoding: .utf8)
        let (shown, text) = try await LakeHarness.run(
            LakeHarness.cli, ["config", "show", "--config", home + "/replication.yaml"], environment: environment, in: home)
        #expect(shown == 0, "\(text)")
        #expect(text.contains("s3://lake/from-yaml") && text.contains("s3_key") && text.contains(server.accessKey), "\(text)")
        #expect(!text.contains(server.secretKey))
    }

    @Test func configShowSaysWhereEachS3SettingCameFromWithTheSecretMasked() async throws {
        let home = try LakeHarness.temporaryDirectory("home")
        defer { try? FileManager.default.removeItem(atPath: home) }
        try FileManager.default.createDirectory(atPath: home + "/.aws", withIntermediateDirectories: true)
        let secret = "profile-secret-" + UUID().uuidString
        try "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = other\n\n[nightly]\naws_access_key_id = AKIANIGHTLY\naws_secret_access_key = \(secret)\n"
            .write(toFile: home + "/.aws/credentials", atomically: true, encoding: .utf8)
        try "[profile nightly]\nregion = eu-central-1\nendpoint_url = http://127.0.0.1:9000\n".write(toFile: home + "/.aws/config", atomically: true, encoding: .utf8)
        var environment = Self.environment(nil, baseURL: nil, home: home)
        environment["AWS_PROFILE"] = "nightly"
        let (status, output) = try await LakeHarness.run(LakeHarness.cli, ["config", "show", "--out", "s3://lake/acme"], environment: environment, in: home)
        #expect(status == 0, "\(output)")
        #expect(output.contains("AKIANIGHTLY") && output.contains(home + "/.aws/credentials [nightly] aws_access_key_id"), "\(output)")
        #expect(output.contains("eu-central-1") && output.contains("[profile nightly] region"), "\(output)")
        #expect(output.contains("http://127.0.0.1:9000") && output.contains("path"), "\(output)")
        #expect(!output.contains(secret), "the secret was printed:\n\(output)")
    }
}
