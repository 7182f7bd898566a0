import Foundation

/// Where the object store is and who signs for it, resolved the way the AWS SDKs and CLI do: the environment
/// first (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION`/`AWS_DEFAULT_REGION`,
/// `AWS_ENDPOINT_URL_S3`/`AWS_ENDPOINT_URL`), then the profile (`AWS_PROFILE`, else `default`) in
/// `~/.aws/credentials` and `~/.aws/config` (or `AWS_SHARED_CREDENTIALS_FILE`, `AWS_CONFIG_FILE`).
/// Each value remembers where it came from, for `config show`. docs/object-storage.md#configuration.
public struct S3Settings: Sendable {
    public struct Sourced<Value: Sendable>: Sendable {
        public var value: Value
        public var source: String
    }

    public enum AddressingStyle: String, Sendable, CaseIterable {
        /// Path style for a custom endpoint (MinIO, SeaweedFS, Ceph…), virtual-hosted for AWS.
        case auto
        /// `http://endpoint/bucket/key`.
        case path
        /// `https://bucket.endpoint/key`.
        case virtual
    }

    public var credentials: Sourced<S3Credentials>
    /// Where the session token came from ("none" without one).
    public var sessionTokenSource = "none"
    public var region: Sourced<String>
    /// nil: AWS itself (`https://s3.REGION.amazonaws.com`, `.amazonaws.com.cn` in the China regions).
    public var endpoint: Sourced<URL>?
    public var addressingStyle: Sourced<AddressingStyle>
    /// Multipart uploads' part size (S3's minimum is 5 MiB for every part but the last); a smaller file goes in one PUT.
    public var partSize = 8 << 20
    /// One request's limit, its whole body included, before it is retried.
    public var requestTimeout: Duration = .seconds(30)

    public static let minimumPartSize = 5 << 20

    public init(credentials: Sourced<S3Credentials>, region: Sourced<String>, endpoint: Sourced<URL>?, addressingStyle: Sourced<AddressingStyle>) {
        self.credentials = credentials
        self.region = region
        self.endpoint = endpoint
        self.addressingStyle = addressingStyle
    }

    public init(credentials: S3Credentials, region: String, endpoint: URL?, addressingStyle: AddressingStyle = .auto) {
        self.init(
            credentials: Sourced(value: credentials, source: "given"), region: Sourced(value: region, source: "given"),
            endpoint: endpoint.map { Sourced(value: $0, source: "given") }, addressingStyle: Sourced(value: addressingStyle, source: "given"))
    }

    /// Path-style requests: asked for, or a custom endpoint whose host cannot take bucket names as subdomains.
    public var usesPathStyle: Bool { usesPathStyle(bucket: "") }

    /// In `auto`, a bucket name with dots is addressed by path too, as the SDKs do: `my.bucket.s3.amazonaws.com` would
    /// not match the store's TLS certificate.
    public func usesPathStyle(bucket: String) -> Bool {
        switch addressingStyle.value {
        case .path: return true
        case .virtual: return false
        case .auto: return endpoint != nil || bucket.contains(".")
        }
    }

    /// The store's base URL: the custom endpoint, else AWS's regional one.
    public var baseURL: URL {
        endpoint?.value ?? URL(string: "https://s3.\(region.value).amazonaws.com\(region.value.hasPrefix("cn-") ? ".cn" : "")")!
    }

    public struct Problem: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Resolves every setting. `addressingStyle` is the command line's choice, if any.
    public static func resolve(environment: [String: String], home: String?, addressingStyle: AddressingStyle? = nil) throws -> S3Settings {
        func env(_ name: String) -> Sourced<String>? {
            environment[name].flatMap { $0.isEmpty ? nil : Sourced(value: $0, source: "environment \(name)") }
        }
        let profile = env("AWS_PROFILE")?.value ?? "default"
        let credentialsPath = env("AWS_SHARED_CREDENTIALS_FILE")?.value ?? home.map { $0 + "/.aws/credentials" }
        let configPath = env("AWS_CONFIG_FILE")?.value ?? home.map { $0 + "/.aws/config" }
        let credentialsFile = try credentialsPath.map { try ProfileFile.read($0, section: profile) } ?? nil
        // In the config file, profiles other than `default` are sections named `profile NAME`.
        let configFile = try configPath.map { try ProfileFile.read($0, section: profile == "default" ? "default" : "profile \(profile)") } ?? nil
        func fromFiles(_ key: String) -> Sourced<String>? {
            for file in [credentialsFile, configFile].compactMap({ $0 }) {
                if let value = file.values[key], !value.isEmpty { return Sourced(value: value, source: "\(file.path) [\(file.section)] \(key)") }
            }
            return nil
        }
        let keyID = env("AWS_ACCESS_KEY_ID") ?? fromFiles("aws_access_key_id")
        let secret = env("AWS_SECRET_ACCESS_KEY") ?? fromFiles("aws_secret_access_key")
        guard let keyID, let secret else {
            throw Problem(description: "no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give profile \(profile) aws_access_key_id and aws_secret_access_key in \(credentialsPath ?? "~/.aws/credentials")")
        }
        let token = env("AWS_SESSION_TOKEN") ?? fromFiles("aws_session_token")
        let region = env("AWS_REGION") ?? env("AWS_DEFAULT_REGION") ?? fromFiles("region") ?? Sourced(value: "us-east-1", source: "default")
        let endpointText = env("AWS_ENDPOINT_URL_S3") ?? env("AWS_ENDPOINT_URL") ?? fromFiles("endpoint_url")
        var endpoint: Sourced<URL>?
        if let endpointText {
            guard let url = URL(string: endpointText.value), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                throw Problem(description: "\(endpointText.source) is \(endpointText.value), which is not an http:// or https:// URL")
            }
            endpoint = Sourced(value: url, source: endpointText.source)
        }
        let style: Sourced<AddressingStyle>
        if let addressingStyle {
            style = Sourced(value: addressingStyle, source: "command line --s3-addressing-style")
        } else if let text = env("AWS_S3_ADDRESSING_STYLE") ?? fromFiles("addressing_style") {
            guard let value = AddressingStyle(rawValue: text.value) else {
                throw Problem(description: "\(text.source) is \(text.value); use auto, path or virtual")
            }
            style = Sourced(value: value, source: text.source)
        } else {
            style = Sourced(value: .auto, source: "default")
        }
        let credentials = S3Credentials(accessKeyID: keyID.value, secretAccessKey: secret.value, sessionToken: token?.value)
        let source = keyID.source == secret.source ? keyID.source : "\(keyID.source), \(secret.source)"
        var settings = S3Settings(
            credentials: Sourced(value: credentials, source: source), region: region, endpoint: endpoint, addressingStyle: style)
        settings.sessionTokenSource = token?.source ?? "none"
        return settings
    }
}

/// One section of an AWS-style INI file (`[name]`, `key = value`, `#` and `;` comments). A nested block (`s3 =`
/// followed by indented lines) is read into `s3.KEY` entries as well as plain keys, so `addressing_style` is found.
struct ProfileFile {
    var path: String
    var section: String
    var values: [String: String]

    /// nil when the file does not exist or has no such section.
    static func read(_ path: String, section: String) throws -> ProfileFile? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw S3Settings.Problem(description: "\(path) exists but cannot be read as text")
        }
        var current: String?
        var found = false
        var values: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                current = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                found = found || current == section
                continue
            }
            guard current == section, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            values[key] = values[key] ?? value
        }
        return found ? ProfileFile(path: path, section: section, values: values) : nil
    }
}
