import ActiveCampaign
import Foundation
import Testing

/// The API key goes to the account's origin and nowhere else, checked with real servers on 127.0.0.1.
@Suite struct KeyConfinementTests {
    /// Starts Tests/Interop/redirect_servers.py; returns the two ports and the other server's request log.
    func withRedirectServers(_ body: (_ account: Int, _ other: Int, _ log: String) async throws -> Void) async throws {
        let folder = try LakeHarness.temporaryDirectory("redirects")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let log = folder + "/other.jsonl"
        try await withServers("redirect_servers.py", log) { ports in try await body(ports[0], ports[1], log) }
    }

    /// Starts Tests/Interop/tls_proxy_servers.py; returns the HTTPS and proxy ports and the folder with
    /// cert.pem and proxy.jsonl.
    func withTLSAndProxy(_ body: (_ https: Int, _ proxy: Int, _ folder: String) async throws -> Void) async throws {
        let folder = try LakeHarness.temporaryDirectory("tls-proxy")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withServers("tls_proxy_servers.py", folder) { ports in try await body(ports[0], ports[1], folder) }
    }

    /// Runs a server script of Tests/Interop until `body` returns; the script prints its two ports first.
    func withServers(_ script: String, _ argument: String, _ body: ([Int]) async throws -> Void) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: LakeHarness.python)
        process.arguments = [LakeHarness.repositoryRoot.appendingPathComponent("Tests/Interop/" + script).path, argument]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        defer {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            try #require(!chunk.isEmpty, "\(script) ended before printing its ports")
            line += chunk
        }
        let ports = String(decoding: line, as: UTF8.self).split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        try #require(ports.count == 2)
        try await body(ports)
    }

    func check(_ arguments: [String], _ environment: [String: String]) async throws -> (Int32, String, Duration) {
        let started = ContinuousClock.now
        let (status, output) = try await LakeHarness.run(LakeHarness.cli, ["check"] + arguments, environment: environment)
        return (status, output, ContinuousClock.now - started)
    }

    @Test func aSelfSignedCertificateIsRefusedFastAndAcceptedWithItsCA() async throws {
        try await withTLSAndProxy { https, _, folder in
            let key = "tls-key-SECRET"
            let account = ["ACTIVECAMPAIGN_API_KEY": key, "ACTIVECAMPAIGN_BASE_URL": "https://localhost:\(https)"]
            let (refused, refusal, elapsed) = try await check([], account)
            #expect(refused == 1, "\(refusal)")
            #expect(refusal.contains("localhost:\(https)") && refusal.contains("did not verify") && refusal.contains("--ca-bundle"), "\(refusal)")
            #expect(elapsed < .seconds(5) && !refusal.contains(key))
            let (accepted, output, _) = try await check(["--ca-bundle", folder + "/cert.pem"], account)
            #expect(accepted == 0 && output.contains("accepted the key"), "\(output)")
            var viaVariable = account
            viaVariable["SSL_CERT_FILE"] = folder + "/cert.pem"
            let (acceptedByVariable, output2, _) = try await check([], viaVariable)
            #expect(acceptedByVariable == 0, "\(output2)")
        }
    }

    @Test func aForwardProxySeesOnlyACONNECTToTheAccountHost() async throws {
        try await withTLSAndProxy { https, proxy, folder in
            let key = "proxied-key-SECRET"
            var environment = ["ACTIVECAMPAIGN_API_KEY": key, "ACTIVECAMPAIGN_BASE_URL": "https://localhost:\(https)", "HTTPS_PROXY": "http://127.0.0.1:\(proxy)"]
            let (shown, configuration) = try await LakeHarness.run(LakeHarness.cli, ["config", "show"], environment: environment)
            #expect(shown == 0 && configuration.contains("127.0.0.1:\(proxy)") && configuration.contains("HTTPS_PROXY"), "\(configuration)")
            let (status, output, _) = try await check(["--ca-bundle", folder + "/cert.pem"], environment)
            #expect(status == 0, "\(output)")
            let log = (try? String(contentsOfFile: folder + "/proxy.jsonl", encoding: .utf8)) ?? ""
            #expect(log.contains("CONNECT localhost:\(https) HTTP/1.1"), "\(log)")
            #expect(!log.contains(key), "the proxy saw the key: \(log)")

            environment["NO_PROXY"] = "example.com,localhost"
            try? FileManager.default.removeItem(atPath: folder + "/proxy.jsonl")
            let (direct, directOutput, _) = try await check(["--ca-bundle", folder + "/cert.pem"], environment)
            #expect(direct == 0, "\(directOutput)")
            #expect(!FileManager.default.fileExists(atPath: folder + "/proxy.jsonl"), "NO_PROXY was not honoured")
        }
    }

    @Test func aRedirectToAnotherOriginIsNotFollowedWithTheKey() async throws {
        try await withRedirectServers { account, other, log in
            let key = "confined-key-SECRET-\(UUID().uuidString.prefix(8))"
            let started = ContinuousClock.now
            let (status, output) = try await LakeHarness.run(
                LakeHarness.cli, ["check"], environment: ["ACTIVECAMPAIGN_API_KEY": key, "ACTIVECAMPAIGN_BASE_URL": "http://127.0.0.1:\(account)"])
            #expect(status != 0, "\(output)")
            #expect(output.contains("http://127.0.0.1:\(account)") && output.contains("http://localhost:\(other)"), "\(output)")
            #expect(!output.contains("accepted the key") && !output.contains(key))
            #expect(ContinuousClock.now - started < .seconds(5))
            let seen = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            #expect(!seen.contains(key), "the other origin received the key: \(seen)")
            #expect(seen.isEmpty, "the redirect was followed: \(seen)")
        }
    }

    @Test func aSameOriginRedirectIsFollowed() async throws {
        try await withRedirectServers { account, _, log in
            let (status, output) = try await LakeHarness.run(
                LakeHarness.cli, ["check"], environment: ["ACTIVECAMPAIGN_API_KEY": "same-origin-key", "ACTIVECAMPAIGN_BASE_URL": "http://127.0.0.1:\(account)/same"])
            #expect(status == 0, "\(output)")
            #expect(output.contains("accepted the key"))
            #expect(((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").isEmpty)
        }
    }

    /// Refused before any connection: the hosts below are never contacted (only parsed).
    @Test(arguments: ["http://example.com", "http://10.0.0.1:8080", "http://127.0.0.1.example.com", "HTTP://ACCOUNT.api-us1.com"])
    func plainHTTPToANonLoopbackHostIsRefused(url: String) {
        #expect(throws: ActiveCampaignError.self) { try Credentials(apiKey: "k", baseURL: url) }
        #expect((try? Credentials(apiKey: "k", baseURL: url, allowInsecureHTTP: true)) != nil)
    }

    @Test(arguments: ["http://127.0.0.1:9", "http://127.3.4.5", "http://localhost:8080", "http://[::1]:8080", "https://acme.api-us1.com"])
    func httpsAndLoopbackAreAccepted(url: String) throws {
        _ = try Credentials(apiKey: "k", baseURL: url)
    }

    @Test func aBaseURLRefusedForPlainHTTPIsAUsageErrorThroughTheCLI() async throws {
        let (status, output) = try await LakeHarness.run(
            LakeHarness.cli, ["run", "--out", "/tmp/never-written-http", "--endpoints", "tags"],
            environment: ["ACTIVECAMPAIGN_API_KEY": "k-SECRET", "ACTIVECAMPAIGN_BASE_URL": "http://example.com"])
        #expect(status == 2, "\(output)")
        #expect(output.contains("unencrypted") && output.contains("--allow-insecure-http") && !output.contains("k-SECRET"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never-written-http"))
    }

    @Test func theKeyCanComeFromAMountedSecretFile() async throws {
        let folder = try LakeHarness.temporaryDirectory("key-file")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let keyFile = folder + "/api-key"
        try "file-key-SECRET\n".write(toFile: keyFile, atomically: true, encoding: .utf8)
        chmod(keyFile, 0o644)
        let (status, output) = try await LakeHarness.run(
            LakeHarness.cli, ["config", "show", "--api-key-file", keyFile, "--base-url", "https://acme.api-us1.com"], environment: [:], in: folder)
        #expect(status == 0, "\(output)")
        #expect(output.contains("set, 15 characters") && output.contains(keyFile) && output.contains("chmod 600"), "\(output)")
        #expect(!output.contains("file-key-SECRET"))
    }
}
