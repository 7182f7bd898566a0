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

    /// Accepts any http(s) URL with a host, with or without a trailing `/` or `/api/3`: the host is per account and region.
    public init(apiKey: String, baseURL: String) throws {
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
        while text.hasSuffix("/") { text.removeLast() }
        if !text.lowercased().hasSuffix("/api/3") { text += "/api/3" }
        var path = components.path
        while path.hasSuffix("/") { path.removeLast() }
        if !path.lowercased().hasSuffix("/api/3") { path += "/api/3" }
        self.apiKey = trimmedKey
        self.apiBase = text
        self.apiBasePath = path
        self.hostDescription = components.port.map { "\(host):\($0)" } ?? host
        self.accountOrigin = "\(scheme)://\(hostDescription.lowercased())"
    }

    public var description: String {
        "Credentials(apiBase: \(apiBase), apiKey: <redacted>)"
    }
}
