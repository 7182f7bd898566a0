import ActiveCampaign
import ArgumentParser
import Foundation

/// Where the account is and how to reach it: the flags of `check`, and part of `run` and `config show`.
struct AccountOptions: ParsableArguments {
    @Option(help: "Replication YAML: source, target, defaults (mode, anchor_date), streams (mode, disabled).")
    var config: String?

    @Option(help: "Account API URL, e.g. https://ACCOUNT.api-us1.com (env ACTIVECAMPAIGN_BASE_URL).")
    var baseURL: String?

    @Option(help: "API key (env ACTIVECAMPAIGN_API_KEY). Prefer the environment, .env or --api-key-file: flags show in `ps`.")
    var apiKey: String?

    @Option(help: "File holding the API key, e.g. a mounted secret (env ACTIVECAMPAIGN_API_KEY_FILE); a trailing newline is ignored.")
    var apiKeyFile: String?

    @Option(help: "PEM file of CA certificates to trust instead of the system's, for a corporate CA (env SSL_CERT_FILE).")
    var caBundle: String?

    @Flag(help: "Allow a plain http base URL to a host that is not loopback (the key then crosses the network unencrypted).")
    var allowInsecureHTTP = false
}

/// The configuration flags shared by `run` and `config show`: the account, and what to export where.
struct ConfigurationOptions: ParsableArguments {
    @OptionGroup var account: AccountOptions

    @Option(help: "The lake: a folder, or s3://bucket/prefix (default ./lake, or `target` of the YAML). S3 credentials, region and endpoint come from the AWS environment variables or profile files.")
    var out: String?

    @Option(help: "Comma-separated endpoints to export, or all (default: the standard 15; see `ac-export endpoints`).")
    var endpoints: String?

    @Option(help: "Start of the first incremental window, ISO 8601 (default: one year ago; env ACTIVECAMPAIGN_ANCHOR_DATE).")
    var anchorDate: String?

    @Flag(help: "Ignore watermarks and checkpoints: re-read incremental endpoints from the anchor date.")
    var fullRefresh = false

    var selection: Selection {
        Selection(out: out, endpoints: endpoints, anchorDate: anchorDate, fullRefresh: fullRefresh)
    }
}

/// What to export where, as given by flags (`check` gives none).
struct Selection {
    var out: String?
    var endpoints: String?
    var anchorDate: String?
    var fullRefresh = false
}

/// Configuration from every source, later ones overriding earlier ones: replication YAML, `.env` in the
/// working folder, environment variables, flags. Each value remembers where it came from.
struct EffectiveConfiguration {
    var credentials: Credentials?
    var out: String
    var anchorDate: Date?
    /// The anchor was given without a zone and is read as UTC.
    var anchorAssumedUTC = false
    /// CA bundle and proxy (`HTTPS_PROXY`, `NO_PROXY`).
    var transport = TransportSettings()
    var endpoints: [Endpoint]
    var fullRefreshEndpoints: Set<String>
    var origins: [String: String] = [:]
    private var apiKeyLength = 0

    static func resolve(_ options: ConfigurationOptions, environment: [String: String], dotEnvPath: String = ".env") throws -> EffectiveConfiguration {
        try resolve(account: options.account, selection: options.selection, environment: environment, dotEnvPath: dotEnvPath)
    }

    static func resolve(
        account options: AccountOptions, selection: Selection = Selection(), environment: [String: String], dotEnvPath: String = ".env"
    ) throws -> EffectiveConfiguration {
        let file = try options.config.map(ReplicationFile.load(path:))
        let dotEnv = try DotEnv.load(path: dotEnvPath)
        let configLabel = options.config.map { "config \($0)" } ?? "config"
        if let path = options.config, file?.apiKey != nil { KeyFilePermissions.warnIfReadableByOthers(path) }
        if dotEnv["ACTIVECAMPAIGN_API_KEY"] != nil { KeyFilePermissions.warnIfReadableByOthers(dotEnvPath) }
        var origins: [String: String] = [:]

        func pick(_ key: String, flag: String?, variable: String?, yaml: String?) -> String? {
            let candidates: [(String?, String)] = [
                (flag, "flag"),
                (variable.flatMap { environment[$0] }.flatMap { $0.isEmpty ? nil : $0 }, "environment"),
                (variable.flatMap { dotEnv[$0] }.flatMap { $0.isEmpty ? nil : $0 }, dotEnvPath),
                (yaml, configLabel),
            ]
            for (value, origin) in candidates {
                if let value {
                    origins[key] = origin
                    return value
                }
            }
            return nil
        }

        // The key or a file holding it, by the same precedence as every value (flags, environment, .env, YAML); within
        // one source, a key given directly wins over a key file.
        let keySources: [(key: String?, file: String?, origin: String)] = [
            (options.apiKey, options.apiKeyFile, "flag"),
            (nonEmpty(environment["ACTIVECAMPAIGN_API_KEY"]), nonEmpty(environment["ACTIVECAMPAIGN_API_KEY_FILE"]), "environment"),
            (nonEmpty(dotEnv["ACTIVECAMPAIGN_API_KEY"]), nonEmpty(dotEnv["ACTIVECAMPAIGN_API_KEY_FILE"]), dotEnvPath),
            (file?.apiKey, file?.apiKeyFile, configLabel),
        ]
        var apiKey: String?
        if let source = keySources.first(where: { $0.key != nil || $0.file != nil }) {
            if let key = source.key {
                apiKey = key
                origins["api_key"] = source.origin
            } else if let keyFile = source.file {
                apiKey = try readKeyFile(keyFile)
                origins["api_key"] = "file \(keyFile) (\(source.origin))"
            }
        }
        let baseURL = pick("base_url", flag: options.baseURL, variable: "ACTIVECAMPAIGN_BASE_URL", yaml: file?.baseURL)
        let anchor = pick("anchor_date", flag: selection.anchorDate, variable: "ACTIVECAMPAIGN_ANCHOR_DATE", yaml: file?.anchorDate)
        let out = pick("target", flag: selection.out, variable: nil, yaml: file?.target) ?? "./lake"
        if origins["target"] == nil { origins["target"] = "default" }

        var credentials: Credentials?
        switch (apiKey, baseURL) {
        case (nil, nil):
            credentials = nil
        case (nil, _?):
            throw UsageError(description: "a base URL is set (\(origins["base_url"]!)) but no API key: set ACTIVECAMPAIGN_API_KEY (ActiveCampaign: Settings → Developer)")
        case (_?, nil):
            throw UsageError(description: "an API key is set (\(origins["api_key"]!)) but no base URL: set ACTIVECAMPAIGN_BASE_URL, e.g. https://ACCOUNT.api-us1.com (Settings → Developer)")
        case let (key?, url?):
            do {
                credentials = try Credentials(apiKey: key, baseURL: url, allowInsecureHTTP: options.allowInsecureHTTP)
            } catch {
                throw UsageError(description: "base_url from \(origins["base_url"]!): \(error)")
            }
        }

        var transport = TransportSettings()
        if let bundle = pick("ca_bundle", flag: options.caBundle, variable: "SSL_CERT_FILE", yaml: nil) {
            guard FileManager.default.isReadableFile(atPath: bundle) else {
                throw UsageError(description: "the CA bundle \(bundle) (\(origins["ca_bundle"]!)) cannot be read")
            }
            transport.caBundlePath = bundle
        }
        if let credentials, let host = URLComponents(string: credentials.apiBase)?.host, credentials.apiBase.lowercased().hasPrefix("https:") {
            do {
                transport.proxy = try TransportSettings.proxy(forHTTPSHost: host, environment: environment)
            } catch {
                throw UsageError(description: "\(error)")
            }
        }

        var anchorDate: AnchorDate.Parsed?
        if let anchor {
            do {
                anchorDate = try AnchorDate.parse(anchor)
            } catch {
                throw UsageError(description: "anchor_date from \(origins["anchor_date"]!): \(error)")
            }
        }

        var endpoints: [Endpoint]
        if selection.endpoints != nil {
            endpoints = try EndpointSelection.parse(selection.endpoints)
            origins["endpoints"] = "flag"
        } else if let file, !file.streams.isEmpty {
            // A custom-field table's name stands for its two listings, as in --endpoints.
            let tables = CustomFieldTable.all.filter { file.streams[$0.name].map { !$0.disabled } ?? false }
            endpoints = Endpoint.catalog.filter { endpoint in
                file.streams[endpoint.name].map { !$0.disabled } ?? tables.contains { $0.values == endpoint || $0.definitions == endpoint }
            }
            origins["endpoints"] = configLabel
        } else {
            endpoints = Endpoint.standard
            origins["endpoints"] = "default"
        }

        var fullRefresh = Set<String>()
        for endpoint in endpoints {
            let mode = file?.streams[endpoint.name]?.mode ?? file?.defaultMode
            if selection.fullRefresh || mode == "full_refresh" { fullRefresh.insert(endpoint.name) }
            if file?.streams[endpoint.name]?.mode == "incremental" && endpoint.cursorField == nil {
                throw UsageError(description: "\(options.config ?? "config"): streams.\(endpoint.name).mode is incremental, but \(endpoint.name) has no cursor; allowed: full_refresh")
            }
        }

        var result = EffectiveConfiguration(
            credentials: credentials, out: out, anchorDate: anchorDate?.date, anchorAssumedUTC: anchorDate?.assumedUTC ?? false, endpoints: endpoints, fullRefreshEndpoints: fullRefresh, origins: origins)
        result.apiKeyLength = apiKey?.count ?? 0
        result.transport = transport
        return result
    }

    private static func nonEmpty(_ value: String?) -> String? {
        value.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The key in a mounted secret file: owner-readable only (else a warning), one trailing newline ignored.
    private static func readKeyFile(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UsageError(description: "the API key file \(path) cannot be read: \(String(cString: strerror(errno)))")
        }
        KeyFilePermissions.warnIfReadableByOthers(path)
        var key = String(decoding: data, as: UTF8.self)
        while key.hasSuffix("\n") || key.hasSuffix("\r") { key.removeLast() }
        guard !key.isEmpty else { throw UsageError(description: "the API key file \(path) is empty") }
        return key
    }

    /// Human-readable, with the key masked: `config show`.
    var maskedDescription: String {
        func line(_ key: String, _ value: String) -> String {
            "\(key.padding(toLength: 12, withPad: " ", startingAt: 0)) \(value)\(origins[key].map { "   (\($0))" } ?? "")"
        }
        return [
            line("base_url", credentials?.apiBase ?? "- (demo: the built-in mock)"),
            line("api_key", credentials == nil ? "-" : "set, \(apiKeyLength) characters (masked)"),
            line("ca_bundle", transport.caBundlePath ?? "- (the system's trust store)"),
            line("proxy", transport.proxy?.maskedDescription ?? "- (none for this host: HTTPS_PROXY unset or NO_PROXY matches; plain http never uses one)"),
            line("target", out),
            line("anchor_date", anchorDate.map { ISO8601DateFormatter().string(from: $0) + (anchorAssumedUTC ? " (no zone given: UTC)" : "") } ?? "one year before each run"),
            line("endpoints", endpoints.map { e in e.name + (fullRefreshEndpoints.contains(e.name) || e.cursorField == nil ? " (full_refresh)" : " (incremental)") }.joined(separator: ", ")),
        ].joined(separator: "\n")
    }
}
