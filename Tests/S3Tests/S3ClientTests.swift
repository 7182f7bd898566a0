import Foundation
import TestServers
import Testing

@testable import S3

/// The client against a real SeaweedFS gateway on 127.0.0.1 that checks signatures.
@Suite("S3 client on SeaweedFS", .serialized)
final class S3ClientTests {
    let server: SeaweedServer
    let client: S3Client
    let bucket = "lake"

    init() async throws {
        server = try SeaweedServer()
        client = S3Client(settings: S3Settings(
            credentials: S3Credentials(accessKeyID: server.accessKey, secretAccessKey: server.secretKey), region: "us-east-1",
            endpoint: URL(string: server.endpoint)))
        try await client.createBucket(bucket)
    }

    deinit {
        try? client.httpClient.syncShutdown()
        server.stop()
    }

    @Test func objectsRoundTripWithConditionsListingsCopiesAndDeletes() async throws {
        let key = "acme/notes/date=2026-12-01/a file ü.parquet"
        let etag = try await client.put(bucket: bucket, key: key, bytes: Array("one".utf8), condition: .ifNoneMatch)
        #expect(try await client.get(bucket: bucket, key: key)?.bytes == Array("one".utf8))
        #expect(try await client.head(bucket: bucket, key: key)?.size == 3)
        #expect(try await client.get(bucket: bucket, key: "acme/missing") == nil)
        #expect(try await client.head(bucket: bucket, key: "acme/missing") == nil)
        // Create-only fails on an existing key; replace-if fails on a stale ETag; neither overwrites.
        await #expect(throws: S3Error.self) { try await self.client.put(bucket: self.bucket, key: key, bytes: Array("two".utf8), condition: .ifNoneMatch) }
        let second = try await client.put(bucket: bucket, key: key, bytes: Array("two".utf8), condition: .ifMatch(etag))
        do {
            try await client.put(bucket: bucket, key: key, bytes: Array("three".utf8), condition: .ifMatch(etag))
            Issue.record("a stale ETag replaced the object")
        } catch let error as S3Error {
            #expect(error.kind == .preconditionFailed)
        }
        #expect(try await client.get(bucket: bucket, key: key)?.bytes == Array("two".utf8))
        #expect(second != etag)
        try await client.copy(bucket: bucket, from: key, to: "acme/copy ü.parquet")
        #expect(try await client.get(bucket: bucket, key: "acme/copy ü.parquet")?.bytes == Array("two".utf8))
        for index in 0..<5 { try await client.put(bucket: bucket, key: "acme/many/\(index)", bytes: [UInt8(index)]) }
        // Two keys per page: the continuation token is followed to the end.
        let listed = try await client.list(bucket: bucket, prefix: "acme/", pageSize: 2).map(\.key)
        #expect(listed.sorted() == ([key, "acme/copy ü.parquet"] + (0..<5).map { "acme/many/\($0)" }).sorted())
        try await client.delete(bucket: bucket, keys: listed + ["acme/never-there"])
        #expect(try await client.list(bucket: bucket, prefix: "acme/").isEmpty)
    }

    @Test func multipartUploadsRoundTripAndAbortedOnesLeaveNothing() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("s3-upload-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var generator = SystemRandomNumberGenerator()
        let words = (0..<((S3Client.partSize * 2 + 12_345) / 8)).map { _ in generator.next() as UInt64 }
        let bytes = words.withUnsafeBytes { Array($0) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try await client.upload(file: path, bucket: bucket, key: "big/file.parquet", condition: .ifNoneMatch)
        #expect(try await client.get(bucket: bucket, key: "big/file.parquet")?.bytes == bytes)
        // Completing onto an existing key with If-None-Match fails, and the upload is aborted.
        await #expect(throws: S3Error.self) { try await self.client.upload(file: path, bucket: self.bucket, key: "big/file.parquet", condition: .ifNoneMatch) }
        #expect(try await client.listUploads(bucket: bucket, prefix: "big/").isEmpty)
        let open = try await client.createUpload(bucket: bucket, key: "big/orphan")
        #expect(try await client.listUploads(bucket: bucket, prefix: "big/").map(\.uploadID) == [open.uploadID])
        try await client.abortUpload(open, bucket: bucket)
        #expect(try await client.listUploads(bucket: bucket, prefix: "big/").isEmpty)
    }

    @Test func wrongSecretUnknownBucketAndUnreachableStoreAreNamed() async throws {
        let secret = "not-the-secret-" + UUID().uuidString
        let wrong = S3Client(settings: S3Settings(
            credentials: S3Credentials(accessKeyID: server.accessKey, secretAccessKey: secret), region: "us-east-1",
            endpoint: URL(string: server.endpoint)))
        do {
            _ = try await wrong.list(bucket: bucket, prefix: "")
            Issue.record("a wrong secret was accepted")
        } catch let error as S3Error {
            #expect(error.kind == .signatureMismatch)
            #expect(!error.description.contains(secret))
            #expect(error.description.contains("AWS_SECRET_ACCESS_KEY"))
        }
        try await wrong.shutdown()
        do {
            _ = try await client.list(bucket: "no-such-bucket-here", prefix: "")
            Issue.record("an unknown bucket was listed")
        } catch let error as S3Error {
            #expect(error.kind == .noSuchBucket, "\(error)")
        }
        let port = try SeaweedServer.freePorts(1)[0]
        let nowhere = S3Client(
            settings: S3Settings(credentials: S3Credentials(accessKeyID: "a", secretAccessKey: "b"), region: "us-east-1", endpoint: URL(string: "http://127.0.0.1:\(port)")),
            retryPolicy: .init(maxAttempts: 5, backoffBase: .milliseconds(50), backoffCap: .milliseconds(200)))
        let started = ContinuousClock.now
        do {
            _ = try await nowhere.get(bucket: bucket, key: "x")
            Issue.record("a closed port answered")
        } catch let error as S3Error {
            #expect(error.kind == .unreachable)
            #expect(error.description.contains("connection refused"), "\(error)")
        }
        #expect(ContinuousClock.now - started < .seconds(15))
        try await nowhere.shutdown()
    }
}
