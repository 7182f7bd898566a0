import ActiveCampaign
import ActiveCampaignMock
@testable import Export
import Foundation
import S3
import TestServers
import Testing

/// Lakes on S3 (SeaweedFS checking signatures, and moto as a second implementation), written through the same
/// pipeline as a folder and read by pyarrow, deltalake, polars and DuckDB (delta_scan and the README's glob, over
/// httpfs). docs/object-storage.md.
@Suite(.serialized) struct ObjectStorageTests {
    static let bucket = "lake"
    /// The run's own columns differ between two runs of the same data.
    static let runColumns = ["CHECK_EXCLUDE": "\(SchemaTracker.runIDColumn),\(SchemaTracker.extractedAtColumn)"]

    enum Store: String, CustomTestStringConvertible {
        case seaweed, moto
        var testDescription: String { rawValue }

        /// moto checks no signature here: it checks them against the decoded URL, and every lake path has `date=`
        /// (S3ClientTests checks moto's signatures on requests without such characters).
        func start() async throws -> any S3TestServer {
            switch self {
            case .seaweed:
                return try await ObjectStorageTests.seaweedWithBucket()
            case .moto:
                return try MotoServer(bucket: ObjectStorageTests.bucket, checkingSignatures: false)
            }
        }
    }

    /// SeaweedFS with the bucket made.
    static func seaweedWithBucket() async throws -> SeaweedServer {
        let server = try SeaweedServer()
        let client = S3Client(settings: settings(server))
        do {
            try await client.createBucket(bucket)
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
        return server
    }

    static func settings(_ server: any S3TestServer) -> S3Settings {
        S3Settings(credentials: S3Credentials(accessKeyID: server.accessKey, secretAccessKey: server.secretKey), region: "us-east-1", endpoint: URL(string: server.endpoint))
    }

    /// Two runs of the same data (the second replaces every same-day snapshot), into a folder and into a prefix: every
    /// engine reads from S3 what pyarrow reads from the folder, value by value; nothing is left beside the lake's files.
    @Test(arguments: [Store.seaweed, .moto])
    func allFifteenEndpointsOnS3EqualTheSameRunIntoAFolder(_ store: Store) async throws {
        let server = try await store.start()
        defer { server.stop() }
        let folder = try LakeHarness.temporaryDirectory("lake")
        let source = try LakeHarness.temporaryDirectory("source")
        defer { try? FileManager.default.removeItem(atPath: folder); try? FileManager.default.removeItem(atPath: source) }
        let location = try S3Location("s3://\(Self.bucket)/acme/lake")
        let mock = MockConfiguration(seed: 7, contacts: 450, deals: 260)
        try await withMockServer(mock) { baseURL, mockServer in
            for (index, startedAt) in [mock.now.addingTimeInterval(-3_600), mock.now.addingTimeInterval(1)].enumerated() {
                for target in [LakeTarget.folder(folder), .s3(location, Self.settings(server))] {
                    let summary = try await EndToEndTests().export(baseURL, mock, to: target, startedAt: startedAt)
                    #expect(summary.succeeded, "run \(index + 1) into \(target): \(summary.results.filter { $0.status != .succeeded }.map { "\($0.endpoint): \($0.error ?? "")" })")
                }
            }
            try LakeHarness.dumpSource(mockServer, endpoints: Endpoint.standard, to: source)
        }
        try LakeHarness.check(lake: folder, source: source)
        let reference = try await DeltaLakeTests.read(folder, engine: "plain", environment: Self.runColumns)
        #expect(Set(reference.keys) == Set(Endpoint.standard.map(\.name)))
        for engine in ["plain", "deltalake", "polars", "duckdb", "glob"] {
            let seen = try await DeltaLakeTests.read(location.description, engine: engine, environment: server.environment.merging(Self.runColumns) { $1 })
            for endpoint in Endpoint.standard.map(\.name) {
                #expect(seen[endpoint]?.rows == reference[endpoint]?.rows && seen[endpoint]?.digest == reference[endpoint]?.digest,
                        "\(engine) over S3, \(endpoint): \(String(describing: seen[endpoint])) against the folder's \(String(describing: reference[endpoint]))")
                #expect(seen[endpoint]?.duplicates == 0)
            }
        }
        let client = S3Client(settings: Self.settings(server))
        do {
            let keys = try await client.list(bucket: Self.bucket, prefix: location.prefix + "/").map { String($0.key.dropFirst(location.prefix.count + 1)) }
            let leftovers = keys.filter {
                $0.hasPrefix(Staging.folder + "/") || $0.contains("/" + DeltaTables.pendingFolder + "/") || $0 == S3LakeLock.name || $0.hasSuffix(".tmp")
            }
            #expect(leftovers.isEmpty, "\(leftovers)")
            // Exactly the manifest's files where readers look, beside the manifest, its backup and the Delta logs.
            let manifest = try ManifestStore.decode(try await client.get(bucket: Self.bucket, key: location.prefix + "/_manifest.json").map { Data($0.bytes) }, path: "manifest")
            let listed = Set(manifest.endpoints.values.flatMap(\.files).map(\.path))
            let data = Set(keys.filter { $0.hasSuffix(".parquet") && !$0.contains("/" + DeltaLog.folder + "/") })
            #expect(data == listed, "unlisted: \(data.subtracting(listed).sorted()), missing: \(listed.subtracting(data).sorted())")
            #expect(try await client.listUploads(bucket: Self.bucket, prefix: location.prefix + "/").isEmpty)
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// `run --reconcile` and the custom-field tables into S3 as into a folder: two reconciling runs of every endpoint
    /// of the catalog, records deleted in between; every engine reads from S3 what pyarrow reads from the folder,
    /// tombstones and custom-field columns included.
    @Test func reconcileAndCustomFieldTablesOnS3EqualTheSameRunsIntoAFolder() async throws {
        let server = try await Self.seaweedWithBucket()
        defer { server.stop() }
        let folder = try LakeHarness.temporaryDirectory("lake")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let location = try S3Location("s3://\(Self.bucket)/acme/reconciled")
        let mock = MockConfiguration(seed: 23, contacts: 320, deals: 140)
        let deleted = ["contacts": [3, 160, 320], "deals": [5, 140]]
        try await withMockServer(mock) { baseURL, mockServer in
            for (index, startedAt) in [mock.now.addingTimeInterval(-3_600), mock.now.addingTimeInterval(1)].enumerated() {
                if index == 1 { for (path, ids) in deleted { mockServer.delete(path: path, ids: ids) } }
                for target in [LakeTarget.folder(folder), .s3(location, Self.settings(server))] {
                    let summary = try await EndToEndTests().export(baseURL, mock, to: target, endpoints: Endpoint.catalog, startedAt: startedAt, reconcile: true)
                    #expect(summary.succeeded, "run \(index + 1) into \(target): \(summary.results.filter { $0.status != .succeeded }.map { "\($0.endpoint): \($0.error ?? "")" })")
                }
            }
        }
        // The tombstones' detection times are the run's own, as are its id and extraction time.
        let environment = ["CHECK_EXCLUDE": Self.runColumns["CHECK_EXCLUDE"]! + ",detected_at"]
        let reference = try await DeltaLakeTests.read(folder, engine: "plain", environment: environment)
        #expect(reference["contacts_deleted"]?.rows == 3 && reference["deals_deleted"]?.rows == 2)
        let tables = Endpoint.catalog.map(\.name) + CustomFieldTable.all.map(\.name) + Reconciliation.tables
        #expect(Set(reference.keys) == Set(tables))
        for engine in ["plain", "deltalake", "polars", "duckdb"] {
            let seen = try await DeltaLakeTests.read(location.description, engine: engine, environment: server.environment.merging(environment) { $1 })
            for table in tables {
                #expect(seen[table]?.rows == reference[table]?.rows && seen[table]?.digest == reference[table]?.digest,
                        "\(engine) over S3, \(table): \(String(describing: seen[table])) against the folder's \(String(describing: reference[table]))")
            }
        }
    }
}
