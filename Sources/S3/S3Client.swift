import AsyncHTTPClient
import Crypto
import Foundation
import HTTPTransport
import Logging
import NIOCore
import NIOHTTP1

/// An S3 client for the requests a lake writer needs (docs/object-storage.md): objects (get, head, put with
/// conditions, copy, delete), listings, and multipart uploads. Every request is signed (`SignatureV4`) and retried
/// on transient failures (5xx, `SlowDown`, timeouts, resets) with the project's backoff. Call `shutdown()` before
/// dropping it.
public final class S3Client: Sendable {
    public let settings: S3Settings
    let httpClient: HTTPClient
    let retryPolicy: RetryPolicy
    let logger: Logger

    /// Bodies read into memory at most this large (listings, manifests, logs, Parquet files read back).
    static let maximumBodyBytes = 1 << 30

    public init(
        settings: S3Settings, retryPolicy: RetryPolicy = RetryPolicy(maxAttempts: 5, backoffBase: .milliseconds(200), backoffCap: .seconds(5)),
        logger: Logger = Logger(label: "ac-export.s3")
    ) {
        self.settings = settings
        self.retryPolicy = retryPolicy
        self.logger = logger
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(5), read: TimeAmount(settings.requestTimeout))
        configuration.connectionPool = .init(idleTimeout: .seconds(30))
        // A refused connection fails its attempt at once, for `send`'s retry policy to judge, instead of the pool
        // trying again until the deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func shutdown() async throws {
        try await httpClient.shutdown()
    }

    // MARK: objects

    public struct ObjectInfo: Sendable, Equatable {
        public var key: String
        public var size: Int64
        public var etag: String
        public var lastModified: Date?
    }

    public enum WriteCondition: Sendable, Equatable {
        case none
        /// Create only: fails with `.preconditionFailed` when the key exists.
        case ifNoneMatch
        /// Replace only this version.
        case ifMatch(String)
    }

    /// The object's bytes and ETag, or nil when it does not exist. `range`: `bytes=…` of the Range header.
    public func get(bucket: String, key: String, range: String? = nil) async throws -> (bytes: [UInt8], etag: String)? {
        var headers: [(String, String)] = []
        if let range { headers.append(("range", range)) }
        let response = try await send(Request(method: .GET, bucket: bucket, key: key, headers: headers))
        if response.status == 404, response.code != "NoSuchBucket" { return nil }
        try response.check(200, 206)
        return (response.body, response.etag ?? "")
    }

    public func head(bucket: String, key: String) async throws -> ObjectInfo? {
        let response = try await send(Request(method: .HEAD, bucket: bucket, key: key))
        if response.status == 404 { return nil }
        try response.check(200)
        let size = response.headers.first(name: "content-length").flatMap { Int64($0) } ?? 0
        let modified = response.headers.first(name: "last-modified").flatMap(Self.httpDate)
        return ObjectInfo(key: key, size: size, etag: response.etag ?? "", lastModified: modified)
    }

    /// Writes `bytes` in one request, with SHA-256 and MD5 checksums the store verifies; returns the new ETag.
    @discardableResult
    public func put(bucket: String, key: String, bytes: [UInt8], condition: WriteCondition = .none, contentType: String? = nil) async throws -> String {
        var headers = Self.integrityHeaders(bytes)
        headers += condition.headers
        if let contentType { headers.append(("content-type", contentType)) }
        var request = Request(method: .PUT, bucket: bucket, key: key, headers: headers, body: bytes)
        request.payloadHash = SignatureV4.hexSHA256(bytes)
        request.condition = condition
        let response = try await send(request)
        try response.check(200)
        return response.etag ?? ""
    }

    /// Server-side copy to a new key.
    public func copy(bucket: String, from source: String, to key: String) async throws {
        let copySource = "/" + bucket + "/" + SignatureV4.uriEncode(source, keepSlash: true)
        let response = try await send(Request(method: .PUT, bucket: bucket, key: key, headers: [("x-amz-copy-source", copySource)]))
        try response.check(200)
        // A copy can fail after its 200 status: the error is then in the body.
        if let root = XMLElement.parse(response.body), root.name == "Error" {
            throw response.error(code: root.value("Code"), message: root.value("Message"))
        }
    }

    /// Deletes `keys` (1,000 per request); a key that does not exist counts as deleted.
    public func delete(bucket: String, keys: [String]) async throws {
        var remaining = keys[...]
        while !remaining.isEmpty {
            let batch = remaining.prefix(1000)
            remaining = remaining.dropFirst(batch.count)
            let objects = batch.map { "<Object><Key>\(XMLElement.escaped($0))</Key></Object>" }.joined()
            let body = Array("<Delete><Quiet>true</Quiet>\(objects)</Delete>".utf8)
            var request = Request(method: .POST, bucket: bucket, key: "", query: [("delete", "")], headers: Self.integrityHeaders(body), body: body)
            request.payloadHash = SignatureV4.hexSHA256(body)
            let response = try await send(request)
            try response.check(200)
            if let failed = XMLElement.parse(response.body)?.all("Error").first {
                throw response.error(code: failed.value("Code"), message: "\(failed.value("Key") ?? "?"): \(failed.value("Message") ?? "")")
            }
        }
    }

    /// Every object under `prefix`, following continuation tokens (`pageSize` keys per request).
    public func list(bucket: String, prefix: String, pageSize: Int = 1000) async throws -> [ObjectInfo] {
        var objects: [ObjectInfo] = []
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("prefix", prefix), ("max-keys", String(pageSize))]
            if let token { query.append(("continuation-token", token)) }
            let response = try await send(Request(method: .GET, bucket: bucket, key: "", query: query))
            try response.check(200)
            guard let root = XMLElement.parse(response.body), root.name == "ListBucketResult" else {
                throw response.error(code: "InvalidResponse", message: "the listing is not a ListBucketResult document")
            }
            for content in root.all("Contents") {
                guard let key = content.value("Key") else { continue }
                objects.append(ObjectInfo(
                    key: key, size: content.value("Size").flatMap { Int64($0) } ?? 0, etag: content.value("ETag").map(Self.unquoted) ?? "",
                    lastModified: content.value("LastModified").flatMap(Self.isoDate)))
            }
            token = root.value("IsTruncated") == "true" ? root.value("NextContinuationToken") : nil
        } while token != nil
        return objects
    }

    public func createBucket(_ bucket: String) async throws {
        let response = try await send(Request(method: .PUT, bucket: bucket, key: ""))
        guard response.status == 200 || response.code == "BucketAlreadyOwnedByYou" else { throw response.error() }
    }

    // MARK: multipart uploads

    public struct Upload: Sendable, Equatable {
        public var key: String
        public var uploadID: String
    }

    /// Parts uploaded at once: memory is about this many parts.
    public static let partsInFlight = 2

    /// Uploads the file at `path` to `key`: one PUT when it fits in a part, else a multipart upload whose parts go up
    /// `partsInFlight` at a time and which is aborted on any failure (cancellation included). Returns the ETag.
    @discardableResult
    public func upload(file path: String, bucket: String, key: String, condition: WriteCondition = .none) async throws -> String {
        let file = try LocalFile(path: path)
        defer { file.close() }
        if file.size <= Int64(settings.partSize) {
            return try await put(bucket: bucket, key: key, bytes: file.read(offset: 0, count: Int(file.size)), condition: condition)
        }
        let upload = try await createUpload(bucket: bucket, key: key)
        do {
            let partCount = Int((file.size + Int64(settings.partSize) - 1) / Int64(settings.partSize))
            var etags = [String](repeating: "", count: partCount)
            try await withThrowingTaskGroup(of: (Int, String).self) { group in
                var next = 0
                func startNext() throws {
                    guard next < partCount else { return }
                    let number = next + 1
                    let offset = Int64(next) * Int64(settings.partSize)
                    let bytes = try file.read(offset: offset, count: Int(min(Int64(settings.partSize), file.size - offset)))
                    next += 1
                    group.addTask { (number, try await self.uploadPart(upload, bucket: bucket, number: number, bytes: bytes)) }
                }
                for _ in 0..<Self.partsInFlight { try startNext() }
                while let (number, etag) = try await group.next() {
                    etags[number - 1] = etag
                    try startNext()
                }
            }
            try Task.checkCancellation()
            return try await completeUpload(upload, bucket: bucket, etags: etags, condition: condition, size: file.size)
        } catch {
            // An unfinished upload is invisible but billed: it goes now (even on Ctrl-C, whose cancellation would cancel
            // the abort request too), and the next run aborts any a kill left.
            await Task { try? await self.abortUpload(upload, bucket: bucket) }.value
            throw error
        }
    }

    func createUpload(bucket: String, key: String) async throws -> Upload {
        let response = try await send(Request(method: .POST, bucket: bucket, key: key, query: [("uploads", "")]))
        try response.check(200)
        guard let id = XMLElement.parse(response.body)?.value("UploadId") else {
            throw response.error(code: "InvalidResponse", message: "no UploadId in the answer")
        }
        return Upload(key: key, uploadID: id)
    }

    func uploadPart(_ upload: Upload, bucket: String, number: Int, bytes: [UInt8]) async throws -> String {
        var request = Request(
            method: .PUT, bucket: bucket, key: upload.key, query: [("partNumber", String(number)), ("uploadId", upload.uploadID)],
            headers: Self.integrityHeaders(bytes), body: bytes)
        request.payloadHash = SignatureV4.hexSHA256(bytes)
        let response = try await send(request)
        try response.check(200)
        guard let etag = response.etag else { throw response.error(code: "InvalidResponse", message: "no ETag for part \(number)") }
        return etag
    }

    /// Completes `upload`, whose parts make `size` bytes.
    func completeUpload(_ upload: Upload, bucket: String, etags: [String], condition: WriteCondition, size: Int64) async throws -> String {
        let parts = etags.enumerated().map { "<Part><PartNumber>\($0.offset + 1)</PartNumber><ETag>\"\($0.element)\"</ETag></Part>" }.joined()
        let body = Array("<CompleteMultipartUpload>\(parts)</CompleteMultipartUpload>".utf8)
        var request = Request(
            method: .POST, bucket: bucket, key: upload.key, query: [("uploadId", upload.uploadID)], headers: condition.headers, body: body)
        request.payloadHash = SignatureV4.hexSHA256(body)
        let response = try await send(request)
        // A retry after a completion whose answer was lost finds the upload gone (or, with If-None-Match, the key
        // taken): the object of exactly this size under this run's unique key is that completion's.
        if response.attempts > 1, [409, 412].contains(response.status) || response.code == "NoSuchUpload",
            let object = try await head(bucket: bucket, key: upload.key), object.size == size
        {
            return object.etag
        }
        try response.check(200)
        let root = XMLElement.parse(response.body)
        if let root, root.name == "Error" { throw response.error(code: root.value("Code"), message: root.value("Message")) }
        return root?.value("ETag").map(Self.unquoted) ?? ""
    }

    public func abortUpload(_ upload: Upload, bucket: String) async throws {
        let response = try await send(Request(method: .DELETE, bucket: bucket, key: upload.key, query: [("uploadId", upload.uploadID)]))
        guard response.status == 204 || response.status == 200 || response.code == "NoSuchUpload" else { throw response.error() }
    }

    /// Multipart uploads started under `prefix` and neither completed nor aborted.
    public func listUploads(bucket: String, prefix: String) async throws -> [Upload] {
        var uploads: [Upload] = []
        var markers: (key: String, id: String)?
        repeat {
            var query = [("uploads", ""), ("prefix", prefix)]
            if let markers { query += [("key-marker", markers.key), ("upload-id-marker", markers.id)] }
            let response = try await send(Request(method: .GET, bucket: bucket, key: "", query: query))
            try response.check(200)
            guard let root = XMLElement.parse(response.body) else { throw response.error(code: "InvalidResponse", message: "the listing is not XML") }
            for upload in root.all("Upload") {
                if let key = upload.value("Key"), let id = upload.value("UploadId") { uploads.append(Upload(key: key, uploadID: id)) }
            }
            markers = nil
            if root.value("IsTruncated") == "true", let key = root.value("NextKeyMarker"), let id = root.value("NextUploadIdMarker") { markers = (key, id) }
        } while markers != nil
        return uploads
    }

    // MARK: requests

    struct Request: Sendable {
        var method: HTTPMethod
        var bucket: String
        var key: String
        var query: [(String, String)] = []
        var headers: [(String, String)] = []
        var body: [UInt8]? = nil
        var payloadHash = SignatureV4.emptyPayloadHash
        /// A conditional write, checked again when a retried attempt reports a conflict (see `send`).
        var condition: WriteCondition = .none

        /// `METHOD s3://bucket/key`, for messages.
        var description: String { "\(method.rawValue) s3://\(bucket)/\(key)" }
    }

    struct Response: Sendable {
        var request: String
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
        var credentialSource: String
        /// Attempts `send` made: an answer after a retry may be about the lost attempt's own effect.
        var attempts = 1
        /// The error document's `Code`, when the body is one.
        var code: String? { XMLElement.parse(body).flatMap { $0.name == "Error" ? $0.value("Code") : nil } }
        var etag: String? { headers.first(name: "etag").map(S3Client.unquoted) }

        func check(_ expected: Int...) throws {
            guard expected.contains(status) else { throw error() }
        }

        func error(code: String? = nil, message: String? = nil) -> S3Error {
            let document = XMLElement.parse(body).flatMap { $0.name == "Error" ? $0 : nil }
            let code = code ?? document?.value("Code")
            let message = message ?? document?.value("Message")
            let kind: S3Error.Kind
            switch (status, code) {
            case (_, "NoSuchBucket"): kind = .noSuchBucket
            case (404, _): kind = .notFound
            case (412, _), (409, "ConditionalRequestConflict"): kind = .preconditionFailed
            case (_, "InvalidAccessKeyId"): kind = .invalidAccessKey
            case (_, "SignatureDoesNotMatch"): kind = .signatureMismatch
            case (_, "RequestTimeTooSkewed"): kind = .clockSkew
            case (301, _), (_, "PermanentRedirect"), (_, "AuthorizationHeaderMalformed"), (_, "IllegalLocationConstraintException"),
                (400, _) where headers.first(name: "x-amz-bucket-region") != nil:
                kind = .wrongRegion(headers.first(name: "x-amz-bucket-region") ?? document?.value("Region"))
            case (403, _): kind = .accessDenied
            default: kind = .other
            }
            return S3Error(kind: kind, request: request, status: status, code: code, message: message, credentialSource: credentialSource)
        }
    }

    /// Sends `request`, retrying transient failures; returns any non-transient answer for the caller to judge.
    func send(_ request: Request) async throws -> Response {
        var failures: [String] = []
        var everyFailureWasAConnection = true
        for attempt in 1...retryPolicy.maxAttempts {
            try Task.checkCancellation()
            var retryAfter: Duration?
            do {
                let response = try await perform(request)
                if RetryPolicy.isRetryable(status: response.status) {
                    failures.append("\(response.status) \(response.code ?? "")")
                    everyFailureWasAConnection = false
                    retryAfter = RetryPolicy.retryAfter(response.headers.first(name: "Retry-After"))
                    if attempt == retryPolicy.maxAttempts {
                        var error = response.error()
                        error.kind = .exhausted
                        error.message = Self.summary(of: failures)
                        throw error
                    }
                } else {
                    // A conditional write that reports a conflict after an attempt whose answer was lost may have been
                    // that attempt's own success: the object holding exactly these bytes says so.
                    if attempt > 1, response.status == 412 || response.status == 409, request.condition != .none,
                        let body = request.body, let current = try? await get(bucket: request.bucket, key: request.key), current.bytes == body
                    {
                        return Response(request: response.request, status: 200, headers: ["etag": current.etag], body: [], credentialSource: response.credentialSource)
                    }
                    var response = response
                    response.attempts = attempt
                    return response
                }
            } catch let error as S3Error {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                let (reason, isConnection) = Self.transportFailure(error)
                failures.append(reason)
                everyFailureWasAConnection = everyFailureWasAConnection && isConnection
                if attempt == retryPolicy.maxAttempts {
                    throw S3Error(
                        kind: everyFailureWasAConnection ? .unreachable : .exhausted, request: request.description,
                        message: "\(settings.baseURL.absoluteString): \(Self.summary(of: failures))", credentialSource: settings.credentials.source)
                }
            }
            let delay = retryPolicy.delay(afterAttempt: attempt, retryAfter: retryAfter)
            logger.debug("retrying an S3 request", metadata: ["request": "\(request.description)", "after": "\(failures.last ?? "")"])
            try await Task.sleep(for: delay)
        }
        preconditionFailure("the loop returns or throws on its last attempt")
    }

    /// "5 attempts, each: connection refused", or the distinct failures in order with their counts.
    static func summary(of failures: [String]) -> String {
        var distinct: [(String, Int)] = []
        for failure in failures {
            if let index = distinct.firstIndex(where: { $0.0 == failure }) { distinct[index].1 += 1 } else { distinct.append((failure, 1)) }
        }
        if distinct.count == 1 { return "\(failures.count) attempts, each: \(distinct[0].0)" }
        return "\(failures.count) attempts: " + distinct.map { $0.1 > 1 ? "\($0.0) (\($0.1)×)" : $0.0 }.joined(separator: "; ")
    }

    /// A failure before any response, and whether it was one of connecting.
    private static func transportFailure(_ error: any Error) -> (String, isConnection: Bool) {
        if let client = error as? HTTPClientError {
            if client == .deadlineExceeded || client == .readTimeout { return ("timed out", false) }
            if client == .remoteConnectionClosed { return ("connection closed by the store", false) }
        }
        return (ConnectionFailure.reason(error, unresolvedHint: "a typo in AWS_ENDPOINT_URL?"), true)
    }

    /// One signed attempt.
    private func perform(_ request: Request) async throws -> Response {
        let (url, headers) = signed(request, at: Date())
        var http = HTTPClientRequest(url: url)
        http.method = request.method
        for (name, value) in headers { http.headers.add(name: name, value: value) }
        if let body = request.body { http.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await httpClient.execute(http, deadline: .now() + TimeAmount(settings.requestTimeout))
        var body = try await response.body.collect(upTo: Self.maximumBodyBytes)
        return Response(
            request: request.description, status: Int(response.status.code), headers: response.headers,
            body: body.readBytes(length: body.readableBytes) ?? [], credentialSource: settings.credentials.source)
    }

    /// The URL of `request` (path-style or virtual-hosted) and every header it is sent with, `Authorization` included.
    func signed(_ request: Request, at date: Date) -> (url: String, headers: [(String, String)]) {
        let base = settings.baseURL
        let scheme = base.scheme ?? "https"
        var host = base.host ?? ""
        let defaultPort = scheme == "https" ? 443 : 80
        var path = base.path.hasSuffix("/") ? String(base.path.dropLast()) : base.path
        let pathStyle = settings.usesPathStyle(bucket: request.bucket)
        if pathStyle {
            path += "/" + request.bucket
        } else {
            host = request.bucket + "." + host
        }
        // A bucket's own requests (listings, deletes) name it without a trailing slash in path style, as the SDKs do:
        // some stores (moto) sign the path as received and would not match "/bucket/".
        if !(pathStyle && request.key.isEmpty) { path += "/" + request.key }
        let hostHeader = base.port.map { $0 == defaultPort ? host : "\(host):\($0)" } ?? host
        let encodedQuery = request.query.map { SignatureV4.uriEncode($0.0, keepSlash: false) + "=" + SignatureV4.uriEncode($0.1, keepSlash: false) }
            .joined(separator: "&")
        let url = "\(scheme)://\(hostHeader)\(SignatureV4.uriEncode(path, keepSlash: true))" + (encodedQuery.isEmpty ? "" : "?" + encodedQuery)
        let headers = request.headers + [("host", hostHeader)]
        let signer = SignatureV4(credentials: settings.credentials.value, region: settings.region.value)
        let authorization = signer.sign(
            method: request.method.rawValue, path: path, query: request.query, headers: headers, payloadHash: request.payloadHash, date: date)
        return (url, headers + authorization)
    }

    static func integrityHeaders(_ bytes: [UInt8]) -> [(String, String)] {
        [("content-md5", Data(Insecure.MD5.hash(data: bytes)).base64EncodedString())]
    }

    static func unquoted(_ etag: String) -> String {
        etag.count >= 2 && etag.hasPrefix("\"") && etag.hasSuffix("\"") ? String(etag.dropFirst().dropLast()) : etag
    }

    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }

    static func isoDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }
}

extension S3Client.WriteCondition {
    var headers: [(String, String)] {
        switch self {
        case .none: return []
        case .ifNoneMatch: return [("if-none-match", "*")]
        case .ifMatch(let etag): return [("if-match", "\"\(etag)\"")]
        }
    }
}
