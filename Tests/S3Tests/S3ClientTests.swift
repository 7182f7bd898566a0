import Foundation
import TestServers
import Testing

@testable import S3

/// The client against real S3 servers on 127.0.0.1: SeaweedFS, and moto (a second implementation) checking
/// signatures. moto's server mode checks a signature against the URL after decoding it, so a request whose path or
/// query needs percent-encoding fails there with any client (boto3's ListObjectsV2 with Prefix="a/" too): the
/// requests sent to the signature-checking moto need none; moto without the check takes the others.
@Suite("S3 client on SeaweedFS and moto", .serialized)
struct S3ClientTests {
    enum Store: String, CaseIterable, CustomTestStringConvertible {
        case seaweed, motoCheckingSignatures, motoOpen
        var testDescription: String { rawValue }
    }

    static let bucket = "lake"

    /// Runs `body` with a started server (the bucket made) and a client for it; stops both however `body` ends.
    static func with(_ store: Store, _ body: (any S3TestServer, S3Client) async throws -> Void) async throws {
        let (server, client) = try await start(store)
        defer { server.stop() }
        do {
            try await body(server, client)
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private static func start(_ store: Store) async throws -> (any S3TestServer, S3Client) {
        let server: any S3TestServer
        switch store {
        case .seaweed: server = try SeaweedServer()
        case .motoCheckingSignatures: server = try MotoServer(bucket: bucket, checkingSignatures: true)
        case .motoOpen: server = try MotoServer(bucket: bucket, checkingSignatures: false)
        }
        let client = S3Client(settings: S3Settings(
            credentials: S3Credentials(accessKeyID: server.accessKey, secretAccessKey: server.secretKey), region: "us-east-1",
            endpoint: URL(string: server.endpoint)))
        if store == .seaweed {
            do {
                try await client.createBucket(bucket)
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
        return (server, client)
    }

    @Test(arguments: [Store.seaweed, .motoCheckingSignatures])
    func objectsRoundTripWithConditionsCopiesAndDeletes(_ store: Store) async throws {
        try await Self.with(store) { server, client in
        let bucket = Self.bucket
        let key = "acme/notes/part-1.parquet"
        let etag = try await client.put(bucket: bucket, key: key, bytes: Array("one".utf8), condition: .ifNoneMatch)
        #expect(try await client.get(bucket: bucket, key: key)?.bytes == Array("one".utf8))
        #expect(try await client.head(bucket: bucket, key: key)?.size == 3)
        #expect(try await client.get(bucket: bucket, key: "acme/missing") == nil)
        #expect(try await client.head(bucket: bucket, key: "acme/missing") == nil)
        // Create-only fails on an existing key; replace-if fails on a stale ETag; neither overwrites.
        do {
            try await client.put(bucket: bucket, key: key, bytes: Array("two".utf8), condition: .ifNoneMatch)
            Issue.record("If-None-Match replaced an existing object")
        } catch let error as S3Error {
            #expect(error.kind == .preconditionFailed, "\(error)")
        }
        let second = try await client.put(bucket: bucket, key: key, bytes: Array("two".utf8), condition: .ifMatch(etag))
        do {
            try await client.put(bucket: bucket, key: key, bytes: Array("three".utf8), condition: .ifMatch(etag))
            Issue.record("a stale ETag replaced the object")
        } catch let error as S3Error {
            #expect(error.kind == .preconditionFailed, "\(error)")
        }
        #expect(try await client.get(bucket: bucket, key: key)?.bytes == Array("two".utf8))
        #expect(second != etag)
        try await client.copy(bucket: bucket, from: key, to: "acme/copy.parquet")
        #expect(try await client.get(bucket: bucket, key: "acme/copy.parquet")?.bytes == Array("two".utf8))
        try await client.delete(bucket: bucket, keys: [key, "acme/copy.parquet", "acme/never-there"])
        #expect(try await client.head(bucket: bucket, key: key) == nil)
        #expect(try await client.head(bucket: bucket, key: "acme/copy.parquet") == nil)
        }
    }

    @Test(arguments: [Store.seaweed, .motoOpen])
    func listingsFollowContinuationTokensOverKeysThatNeedEncoding(_ store: Store) async throws {
        try await Self.with(store) { server, client in
        let keys = ["acme/a file with spaces.parquet", "acme/naïve ü ✓.parquet", "acme/plus+equals=amp&.parquet"] + (0..<4).map { "acme/many/\($0)" }
        for key in keys { try await client.put(bucket: Self.bucket, key: key, bytes: Array(key.utf8)) }
        for key in keys { #expect(try await client.get(bucket: Self.bucket, key: key)?.bytes == Array(key.utf8), "\(key)") }
        // Two keys per page: the continuation token is followed to the end.
        let listed = try await client.list(bucket: Self.bucket, prefix: "acme/", pageSize: 2)
        #expect(listed.map(\.key).sorted() == keys.sorted())
        #expect(listed.allSatisfy { $0.size > 0 && !$0.etag.isEmpty })
        try await client.delete(bucket: Self.bucket, keys: keys)
        #expect(try await client.list(bucket: Self.bucket, prefix: "acme/").isEmpty)
        }
    }

    @Test(arguments: [Store.seaweed, .motoCheckingSignatures])
    func multipartUploadsRoundTripAndAbortedOnesLeaveNothing(_ store: Store) async throws {
        try await Self.with(store) { server, client in
        let bucket = Self.bucket
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("s3-upload-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var generator = SystemRandomNumberGenerator()
        let words = (0..<((client.settings.partSize * 2 + 12_345) / 8)).map { _ in generator.next() as UInt64 }
        let bytes = words.withUnsafeBytes { Array($0) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try await client.upload(file: path, bucket: bucket, key: "big/file.parquet", condition: .ifNoneMatch)
        #expect(try await client.get(bucket: bucket, key: "big/file.parquet")?.bytes == bytes)
        // Completing onto an existing key with If-None-Match fails, and the upload is aborted.
        await #expect(throws: S3Error.self) { try await client.upload(file: path, bucket: bucket, key: "big/file.parquet", condition: .ifNoneMatch) }
        #expect(try await client.listUploads(bucket: bucket, prefix: "big").isEmpty)
        let open = try await client.createUpload(bucket: bucket, key: "big/orphan")
        #expect(try await client.listUploads(bucket: bucket, prefix: "big").map(\.uploadID) == [open.uploadID])
        try await client.abortUpload(open, bucket: bucket)
        #expect(try await client.listUploads(bucket: bucket, prefix: "big").isEmpty)
        }
    }

    @Test(arguments: [Store.seaweed, .motoCheckingSignatures])
    func wrongSecretUnknownBucketAndUnreachableStoreAreNamed(_ store: Store) async throws {
        try await Self.with(store) { server, client in
        let secret = "not-the-secret-" + UUID().uuidString
        let wrong = S3Client(settings: S3Settings(
            credentials: S3Credentials(accessKeyID: server.accessKey, secretAccessKey: secret), region: "us-east-1",
            endpoint: URL(string: server.endpoint)))
        do {
            _ = try await wrong.get(bucket: Self.bucket, key: "x")
            Issue.record("a wrong secret was accepted")
        } catch let error as S3Error {
            #expect(error.kind == .signatureMismatch, "\(error)")
            #expect(!error.description.contains(secret))
            #expect(error.description.contains("AWS_SECRET_ACCESS_KEY"))
        }
        try await wrong.shutdown()
        do {
            _ = try await client.get(bucket: "no-such-bucket-here", key: "x")
            Issue.record("an unknown bucket answered")
        } catch let error as S3Error {
            #expect(error.kind == .noSuchBucket, "\(error)")
        }
        }
        let port = try Loopback.freePorts(1)[0]
        let nowhere = S3Client(
            settings: S3Settings(credentials: S3Credentials(accessKeyID: "a", secretAccessKey: "b"), region: "us-east-1", endpoint: URL(string: "http://127.0.0.1:\(port)")),
            retryPolicy: .init(maxAttempts: 5, backoffBase: .milliseconds(50), backoffCap: .milliseconds(200)))
        let started = ContinuousClock.now
        do {
            _ = try await nowhere.get(bucket: Self.bucket, key: "x")
            Issue.record("a closed port answered")
        } catch let error as S3Error {
            #expect(error.kind == .unreachable)
            #expect(error.description.contains("connection refused"), "\(error)")
        }
        #expect(ContinuousClock.now - started < .seconds(15))
        try await nowhere.shutdown()
    }
}
