import Foundation
import NIOHTTP1
import Testing

@testable import S3

/// Our signer against botocore's (Tests/Interop/sigv4_botocore.py) on the same requests: the whole `Authorization`
/// header must be equal, for the cases where signers usually differ.
@Suite("SigV4 signer")
struct SignatureV4Tests {
    static let python = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".venv/bin/python").path

    @Test func authorizationHeadersEqualBotocores() throws {
        let date = Date(timeIntervalSince1970: 1_795_000_000)
        struct Case {
            var endpoint: String?
            var token: String?
            var request: S3Client.Request
            var unsigned = false
        }
        func request(_ method: HTTPMethod, _ key: String, query: [(String, String)] = [], headers: [(String, String)] = [], body: [UInt8]? = nil) -> S3Client.Request {
            var request = S3Client.Request(method: method, bucket: "lake-bucket", key: key, query: query, headers: headers, body: body)
            if let body { request.payloadHash = SignatureV4.hexSHA256(body) }
            return request
        }
        var unsigned = request(.PUT, "acme/data.bin", body: Array("payload".utf8))
        unsigned.payloadHash = SignatureV4.unsignedPayload
        let cases: [Case] = [
            Case(endpoint: "http://127.0.0.1:8333", request: request(.GET, "acme/_manifest.json")),
            Case(endpoint: nil, request: request(.GET, "", query: [("list-type", "2"), ("prefix", "acme/contacts/date=2026-12-01/"), ("continuation-token", "a+b/c=d&e")])),
            Case(endpoint: "http://127.0.0.1:8333", request: request(.PUT, "acme/notes/a file with spaces/naïve – ünïcode ✓.parquet", headers: [("if-none-match", "*"), ("content-md5", "abc=")], body: Array(repeating: 7, count: 1000))),
            Case(endpoint: "https://minio.example:9000", token: "session/token+with=chars", request: request(.POST, "acme/x", query: [("uploads", "")])),
            Case(endpoint: nil, request: unsigned, unsigned: true),
            Case(endpoint: "http://127.0.0.1:8333/", request: request(.DELETE, "acme/key~with(odd)!*'chars", query: [("uploadId", "2~abc/def==")])),
            Case(endpoint: nil, request: request(.PUT, "k", headers: [("if-match", "\"etag-1\""), ("x-amz-copy-source", "/lake-bucket/acme/a%20b")])),
        ]
        var input: [[String: Any]] = []
        var ours: [String] = []
        for item in cases {
            let settings = S3Settings(
                credentials: S3Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: item.token),
                region: "eu-west-1", endpoint: item.endpoint.flatMap(URL.init(string:)))
            let client = S3Client(settings: settings)
            defer { try? client.httpClient.syncShutdown() }
            let (url, headers) = client.signed(item.request, at: date)
            ours.append(headers.first { $0.0 == "Authorization" }!.1)
            let requestHeaders = item.request.headers + [("host", headers.first { $0.0 == "host" }!.1)]
            input.append([
                "method": item.request.method.rawValue, "url": url, "headers": Dictionary(uniqueKeysWithValues: requestHeaders),
                "body": String(decoding: item.request.body ?? [], as: UTF8.self).unicodeScalars.allSatisfy { $0.value < 256 } ? String(decoding: item.request.body ?? [], as: UTF8.self) : "",
                "access": "AKIDEXAMPLE", "secret": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "token": item.token as Any,
                "region": "eu-west-1", "timestamp": SignatureV4.timestamp(date), "unsigned": item.unsigned,
            ])
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python)
        let script = URL(fileURLWithPath: Self.python).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tests/Interop/sigv4_botocore.py").path
        process.arguments = [script]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: input))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "botocore's signer failed (is the venv made? `make venv`)")
        let theirs = try #require(try JSONSerialization.jsonObject(with: output) as? [String])
        #expect(theirs.count == ours.count)
        for (index, (a, b)) in zip(ours, theirs).enumerated() {
            #expect(a == b, "case \(index): ours \(a)\nbotocore \(b)")
        }
    }

    /// URLs as the AWS SDKs address them (expected values written from the rules, not by the code): virtual-hosted for
    /// AWS, by path for a custom endpoint and for a bucket name with dots; keys and query values percent-encoded.
    @Test func requestsAreAddressedAsTheSDKsDo() throws {
        func url(endpoint: String?, region: String = "eu-west-1", style: S3Settings.AddressingStyle = .auto, bucket: String, key: String, query: [(String, String)] = []) throws -> String {
            let client = S3Client(settings: S3Settings(
                credentials: S3Credentials(accessKeyID: "a", secretAccessKey: "b"), region: region, endpoint: endpoint.flatMap(URL.init(string:)), addressingStyle: style))
            defer { try? client.httpClient.syncShutdown() }
            return client.signed(S3Client.Request(method: .GET, bucket: bucket, key: key, query: query), at: Date()).url
        }
        #expect(try url(endpoint: nil, bucket: "lake-bucket", key: "a b/ü.parquet") == "https://lake-bucket.s3.eu-west-1.amazonaws.com/a%20b/%C3%BC.parquet")
        #expect(try url(endpoint: nil, bucket: "my.lake", key: "k") == "https://s3.eu-west-1.amazonaws.com/my.lake/k")
        #expect(try url(endpoint: nil, region: "cn-north-1", bucket: "lake", key: "k") == "https://lake.s3.cn-north-1.amazonaws.com.cn/k")
        #expect(try url(endpoint: "http://127.0.0.1:9000", bucket: "lake", key: "", query: [("list-type", "2"), ("prefix", "a/b c")])
            == "http://127.0.0.1:9000/lake?list-type=2&prefix=a%2Fb%20c")
        #expect(try url(endpoint: "http://minio.local:9000", style: .virtual, bucket: "lake", key: "date=1/k") == "http://lake.minio.local:9000/date%3D1/k")
        #expect(try url(endpoint: "https://r2.example/base/", style: .path, bucket: "lake", key: "k") == "https://r2.example/base/lake/k")
    }

    @Test func uriEncodingKeepsOnlyUnreservedCharacters() {
        #expect(SignatureV4.uriEncode("a b+c/ü~", keepSlash: true) == "a%20b%2Bc/%C3%BC~")
        #expect(SignatureV4.uriEncode("a/b=c", keepSlash: false) == "a%2Fb%3Dc")
    }
}
