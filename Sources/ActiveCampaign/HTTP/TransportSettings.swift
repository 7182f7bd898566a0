/// How the client reaches the account beyond its URL: the CA certificates it trusts and the proxy it tunnels
/// through (docs/security.md).
public struct TransportSettings: Sendable, Equatable {
    /// A PEM file of CA certificates trusted instead of the system store (`--ca-bundle`, `SSL_CERT_FILE`), for
    /// corporate CAs that re-sign TLS.
    public var caBundlePath: String?
    /// The forward proxy for https requests, if any.
    public var proxy: Proxy?

    public struct Proxy: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var username: String?
        public var password: String?
        /// The variable it came from (`HTTPS_PROXY`, `https_proxy`).
        public var source: String

        /// `host:port` and its source, with any credentials masked.
        public var maskedDescription: String {
            "http://\(username == nil ? "" : "***:***@")\(host):\(port)   (\(source))"
        }
    }

    public init(caBundlePath: String? = nil, proxy: Proxy? = nil) {
        self.caBundlePath = caBundlePath
        self.proxy = proxy
    }

    /// The proxy for an https request to `host`, by the usual conventions: `HTTPS_PROXY` (or `https_proxy`), unless
    /// `NO_PROXY` (or `no_proxy`) names the host, a domain suffix of it, or `*`. Plain-http requests never go
    /// through a proxy: the proxy would receive the key in its own request headers (`HTTP_PROXY` is not used).
    public static func proxy(forHTTPSHost host: String, environment: [String: String]) throws -> Proxy? {
        guard let (name, value) = ["HTTPS_PROXY", "https_proxy"].lazy.compactMap({ n in environment[n].flatMap { $0.isEmpty ? nil : (n, $0) } }).first
        else { return nil }
        let noProxy = (environment["NO_PROXY"] ?? environment["no_proxy"] ?? "").lowercased()
        let target = host.lowercased()
        for entry in noProxy.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            let suffix = entry.hasPrefix(".") ? String(entry.dropFirst()) : entry
            if entry == "*" || target == suffix || target.hasSuffix("." + suffix) { return nil }
        }
        return try parse(value, source: name)
    }

    static func parse(_ value: String, source: String) throws -> Proxy {
        let text = value.contains("://") ? value : "http://" + value
        guard let components = URLComponents(string: text), components.scheme?.lowercased() == "http",
            let host = components.host, !host.isEmpty
        else {
            throw ActiveCampaignError(
                kind: .invalidConfiguration,
                message: "\(source) is not an http proxy URL like http://proxy.example.com:3128 (only http proxies, tunnelling https with CONNECT, are supported)")
        }
        return Proxy(host: host, port: components.port ?? 80, username: components.user, password: components.password, source: source)
    }
}

import Foundation
