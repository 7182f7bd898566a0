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

/// An S3 lake under the store's faults and kill -9, through `Tests/Interop/s3_fault_proxy.py` between the real
/// `ac-export run` and SeaweedFS: readers through the Delta log never see partial data, and one more run leaves every
/// record exactly once, no open multipart upload and no object the manifest does not list (docs/object-storage.md).
@Suite(.serialized) struct ObjectStoreFaultTests {
    static let endpoints = ["contacts", "deals", "tags", "notes"]
    static let lake = "s3://\(ObjectStorageTests.bucket)/faults"

    /// The store, the proxy in front of it, and the mock API, for one test.
    final class Scenario: @unchecked Sendable {
        let store: SeaweedServer
        let proxy: FaultProxy
        let home: String
        var environment: [String: String] = [:]
        var arguments: [String] = []

        init() async throws {
            store = try await ObjectStorageTests.seaweedWithBucket()
            proxy = try FaultProxy(upstreamPort: store.port)
            home = try LakeHarness.temporaryDirectory("home")
        }

        deinit {
            proxy.stop()
            store.stop()
            try? FileManager.default.removeItem(atPath: home)
        }

        func configure(baseURL: String, extra: [String]) {
            environment = ObjectStorageCommandLineTests.environment(store, baseURL: baseURL, home: home)
            environment["AWS_ENDPOINT_URL_S3"] = proxy.endpoint
            // Multipart uploads of 5 MiB parts: the contacts file goes up in at least two. Snappy keeps it above 5 MiB
            // (GZIP makes it about 4.9 MB, a single PUT, and the upload steps would never be reached).
            arguments = ["run", "--out", ObjectStoreFaultTests.lake, "--endpoints", ObjectStoreFaultTests.endpoints.joined(separator: ","),
                         "--anchor-date", "2000-01-01T00:00:00Z", "--rate-limit", "200", "--s3-part-size", "5", "--s3-lock-ttl", "4",
                         "--compression", "snappy"] + extra
        }

        /// Runs the CLI (the kill rules aimed at it); `killAfter`: SIGKILL it at that moment unless a rule did first.
        /// `killed`: the run ended by SIGKILL (a rule's or `killAfter`'s), not on its own.
        func run(killAfter: Duration? = nil) async throws -> (status: Int32, output: String, killed: Bool) {
            let process = try StartedProcess(LakeHarness.cli, arguments, environment: environment, in: home)
            try proxy.aim(at: process.pid)
            if let killAfter {
                try await Task.sleep(for: killAfter)
                if process.isRunning { kill(process.pid, SIGKILL) }
            }
            _ = try await process.waitForExit(within: .seconds(600))
            let outcome = process.outcome()
            return (outcome.status, outcome.combined, outcome.crashed && outcome.status == SIGKILL)
        }

        /// What readers through the log see now: every table reads, no row twice, no more rows than the source has.
        func expectLogReadersSeeNoPartialData(_ mockServer: MockServer, after moment: String) async throws {
            let seen = try await DeltaLakeTests.read(ObjectStoreFaultTests.lake, engine: "deltalake", environment: store.environment)
            for endpoint in ObjectStoreFaultTests.endpoints {
                guard let table = seen[endpoint] else { continue }  // no commit yet
                let records = mockServer.currentRecords(path: Endpoint.named(endpoint)!.path).count
                #expect(table.duplicates == 0 && table.rows <= records, "after \(moment), \(endpoint): \(table) of \(records) records")
            }
        }

        /// After the last run: every record exactly once through the log and through the manifest's files, nothing else
        /// under the prefix, no open upload, no lock.
        func expectExactlyOnceAndNothingLeft(_ mockServer: MockServer) async throws {
            let environment = store.environment
            let delta = try await DeltaLakeTests.read(ObjectStoreFaultTests.lake, engine: "deltalake", environment: environment)
            let plain = try await DeltaLakeTests.read(ObjectStoreFaultTests.lake, engine: "plain", environment: environment)
            for endpoint in ObjectStoreFaultTests.endpoints {
                let records = mockServer.currentRecords(path: Endpoint.named(endpoint)!.path).count
                #expect(delta[endpoint]?.rows == records && delta[endpoint]?.duplicates == 0, "\(endpoint): \(String(describing: delta[endpoint])) of \(records) records")
                #expect(delta[endpoint]?.digest == plain[endpoint]?.digest, "\(endpoint): the log and the manifest's files differ")
            }
            let client = S3Client(settings: ObjectStorageTests.settings(store))
            do {
                let prefix = "faults/"
                let keys = try await client.list(bucket: ObjectStorageTests.bucket, prefix: prefix).map { String($0.key.dropFirst(prefix.count)) }
                let manifest = try ManifestStore.decode(
                    try await client.get(bucket: ObjectStorageTests.bucket, key: prefix + ManifestStore.fileName).map { Data($0.bytes) }, path: "manifest")
                let listed = Set(manifest.endpoints.values.flatMap(\.files).map(\.path))
                let data = Set(keys.filter { !$0.contains("/" + DeltaLog.folder + "/") && $0 != ManifestStore.fileName && $0 != ManifestStore.fileName + ".bak" })
                #expect(data == listed, "objects no commit lists: \(data.subtracting(listed).sorted()); listed and missing: \(listed.subtracting(data).sorted())")
                #expect(try await client.listUploads(bucket: ObjectStorageTests.bucket, prefix: prefix).isEmpty, "an unfinished multipart upload was left")
                try await client.shutdown()
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
    }

    static var mock: MockConfiguration {
        var mock = MockConfiguration(seed: 13, contacts: 40_000, deals: 1_500)
        // The first run's starting second would put the dataset's last updates in a window no run here reads.
        mock.now = Date().addingTimeInterval(-60)
        return mock
    }

    /// kill -9 at the commit protocol's steps on S3 (each aimed by the proxy at its request, before the store gets it or
    /// after the store applied it) and at random moments.
    @Test func killNineAtEachStepAndAtRandomThenFinishExactlyOnce() async throws {
        let scenario = try await Scenario()
        let steps: [(String, FaultProxy.Rule)] = [
            ("during a multipart upload (before its second part)", .init("PUT", path: "partNumber=2", .killBefore)),
            ("with the upload complete, the manifest not yet written", .init("POST", path: "\\?uploadId=", .killAfter)),
            ("with the manifest swapped, the Delta commit not yet made", .init("PUT", path: "_manifest\\.json$", occurrences: [2], .killAfter)),
            ("before a Delta commit", .init("PUT", path: "_delta_log/\\d{20}\\.json$", occurrences: [2], .killBefore)),
            ("with a Delta commit made, the run not told", .init("PUT", path: "_delta_log/\\d{20}\\.json$", occurrences: [3], .killAfter)),
            ("halfway through a snapshot swap (a copy made, its source not deleted)", .init("PUT", header: "x-amz-copy-source", occurrences: [2], .killAfter)),
            ("with the lock just taken", .init("PUT", path: "\\.ac-export\\.lock$", .killAfter)),
        ]
        try await withMockServer(Self.mock) { baseURL, mockServer in
            var generator = SystemRandomNumberGenerator()
            scenario.configure(baseURL: baseURL, extra: ["--quiet"])
            var kills = 0
            for (moment, rule) in steps {
                try scenario.proxy.setRules([rule])
                let firedBefore = scenario.proxy.fired().count
                let (status, output, killed) = try await scenario.run()
                #expect(killed && scenario.proxy.fired().count == firedBefore + 1, "the kill \(moment) never happened (exit \(status)): \(output.suffix(1500))")
                if killed { kills += 1 }
                try await scenario.expectLogReadersSeeNoPartialData(mockServer, after: "a kill \(moment)")
                // The killed run's lease runs out (4 s) before the next run asks for the lock.
                try await Task.sleep(for: .seconds(5))
            }
            try scenario.proxy.setRules([])
            for _ in 0..<4 {
                if try await scenario.run(killAfter: .milliseconds(Int.random(in: 500...4_000, using: &generator))).killed { kills += 1 }
                try await scenario.expectLogReadersSeeNoPartialData(mockServer, after: "a kill at a random moment")
                try await Task.sleep(for: .seconds(5))
            }
            #expect(kills >= 10)
            let (status, output, _) = try await scenario.run()
            #expect(status == 0, "the run after \(kills) kills: \(output.suffix(3000))")
            try await scenario.expectExactlyOnceAndNothingLeft(mockServer)
        }
    }

    /// 503 SlowDown bursts, connections reset before and after the store applied a request (an upload part, a data
    /// file, the manifest, a Delta commit), and a stalled listing: the run completes, nothing lost or duplicated.
    @Test func storeFaultsAreRetriedAndNothingIsLostOrDuplicated() async throws {
        let scenario = try await Scenario()
        let rules: [FaultProxy.Rule] = [
            .init("PUT", occurrences: [2, 3, 4, 9, 10], .slowdown),
            .init("PUT", path: "partNumber=1", occurrences: [1], .resetAfter),
            .init("PUT", path: "part-[^/]*\\.parquet$", occurrences: [1], .resetAfter),
            .init("PUT", path: "_manifest\\.json$", occurrences: [3], .resetAfter),
            .init("PUT", path: "_delta_log/\\d{20}\\.json$", occurrences: [2], .resetAfter),
            .init("GET", path: "_manifest\\.json$", occurrences: [1], .resetBefore),
            .init("GET", path: "list-type=2", occurrences: [2], .stall, seconds: 6),
        ]
        try await withMockServer(Self.mock) { baseURL, mockServer in
            scenario.configure(baseURL: baseURL, extra: ["--s3-request-timeout", "2"])
            try scenario.proxy.setRules(rules)
            let (status, output, _) = try await scenario.run()
            #expect(status == 0, "\(output.split(separator: "\n").filter { $0.contains("error") || $0.contains("warning") }.joined(separator: "\n").suffix(5000))")
            let fired = Set(scenario.proxy.fired().compactMap { $0["rule"] as? Int })
            #expect(fired == Set(rules.indices), "rules that never fired: \(Set(rules.indices).subtracting(fired).sorted())")
            try await scenario.expectExactlyOnceAndNothingLeft(mockServer)
        }
    }
}
