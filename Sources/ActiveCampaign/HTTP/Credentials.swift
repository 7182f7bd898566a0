import Foundation

/// The API key and account URL of one ActiveCampaign account. `description` masks the key.
public struct Credentials: Sendable, CustomStringConvertible {
    /// What a base URL looks like, for error messages.
    public static let expectedBaseURLShape = "https://ACCOUNT.api-us1.com"

    let apiKey: String
    /// The API root without a trailing slash, e.g. `https://acme.api-us1.com/api/3`.
    public let apiBase: String
    /// Path part of `apiBase` (`/api/3`), used in request descriptions.
    let apiBasePath: String
    /// `host[:port]` of the account, for connection error messages.
    let hostDescription: String
    /// `scheme://host[:port]`, lower-cased: which account a lake was made from (never the key).
    public let accountOrigin: String

    /// Accepts an https URL with a host (per account and region), with or without a trailing `/` or `/api/3`. Plain
    /// http would carry the key in clear text: only loopback hosts (the demo, tests) may use it, unless
    /// `allowInsecureHTTP` is set (docs/security.md).
    public init(apiKey: String, baseURL: String, allowInsecureHTTP: Bool = false) throws {
        let trimmedKey = apiKey.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmedKey.isEmpty else {
            throw ActiveCampaignError(
                kind: .invalidConfiguration,
                message: "the API key is empty — set ACTIVECAMPAIGN_API_KEY (Settings → Developer in ActiveCampaign)")
        }
        var text = baseURL.trimmingCharacters(in: .whitespacesAndNewlines)
        let invalid = ActiveCampaignError(
            kind: .invalidConfiguration,
            message: "invalid base URL '\(text)': expected an http(s) URL like \(Self.expectedBaseURLShape)")
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let host = components.host, !host.isEmpty,
            components.query == nil, components.fragment == nil
        else { throw invalid }
        if scheme == "http" && !allowInsecureHTTP && !Self.isLoopback(host) {
            throw ActiveCampaignError(
                kind: .invalidConfiguration,
                message: "base URL '\(text)' uses plain http to \(host): the API key would cross the network unencrypted. Use https "
                    + "(\(Self.expectedBaseURLShape)); --allow-insecure-http permits it anyway")
        }
        guard components.user == nil && components.password == nil else {
            throw ActiveCampaignError(kind: .invalidConfiguration, message: "the base URL must not carry a user name or password; give the key as ACTIVECAMPAIGN_API_KEY")
        }
        while text.hasSuffix("/") { text.removeLast() }
        if !text.lowercased().hasSuffix("/api/3") { text += "/api/3" }
        var path = components.path
        while path.hasSuffix("/") { path.removeLast() }
        if !path.lowercased().hasSuffix("/api/3") { path += "/api/3" }
        self.apiKey = trimmedKey
        self.apiBase = text
        self.apiBasePath = path
        self.hostDescription = components.port.map { "\(host):\($0)" } ?? host
        self.accountOrigin = Self.origin(of: baseURL.trimmingCharacters(in: .whitespacesAndNewlines)) ?? "\(scheme)://\(hostDescription.lowercased())"
    }

    public var description: String {
        "Credentials(apiBase: \(apiBase), apiKey: <redacted>)"
    }

    /// `true` for 127.0.0.0/8, `localhost` and `::1`: the only hosts plain http may reach with the key.
    public static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// `scheme://host[:port]` of a URL, lower-cased, without a default port; nil when it has no host.
    static func origin(of url: String) -> String? {
        guard let c = URLComponents(string: url), let scheme = c.scheme?.lowercased(), let host = c.host, !host.isEmpty else { return nil }
        let port = c.port.flatMap { ($0 == 443 && scheme == "https") || ($0 == 80 && scheme == "http") ? nil : $0 }
        return "\(scheme)://\(host.lowercased())" + (port.map { ":\($0)" } ?? "")
    }
}
