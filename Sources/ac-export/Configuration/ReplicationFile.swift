import ActiveCampaign
import Foundation
import Yams

/// The replication YAML (`--config`), in the shape Sling users know:
///
///     source: { base_url: https://ACCOUNT.api-us1.com, api_key: ... }
///     target: ./lake
///     defaults: { mode: incremental, anchor_date: 2024-01-01 }
///     streams:
///       contacts: { mode: full_refresh }
///       notes: { disabled: true }
struct ReplicationFile {
    var baseURL: String?
    var apiKey: String?
    /// A file holding the key (a mounted secret).
    var apiKeyFile: String?
    var target: String?
    var anchorDate: String?
    var defaultMode: String?
    var streams: [String: Stream] = [:]

    struct Stream {
        var mode: String?
        var disabled = false
    }

    /// Spelled as everywhere else (manifest, summary, `endpoints`); `full-refresh` is read as `full_refresh`.
    static let modes = ["incremental", "full_refresh"]

    static func load(path: String) throws -> ReplicationFile {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw UsageError(description: "\(path): cannot be read")
        }
        let root: Any?
        do {
            root = try Yams.load(yaml: text)
        } catch {
            throw UsageError(description: "\(path): not valid YAML: \(error)")
        }
        guard let top = root as? [String: Any] else { throw UsageError(description: "\(path): expected a mapping at the top level") }
        try checkKeys(top, allowed: ["source", "target", "defaults", "streams"], at: "top level", path: path)
        var file = ReplicationFile()
        if let source = top["source"] {
            guard let source = source as? [String: Any] else { throw UsageError(description: "\(path): 'source' must be a mapping") }
            try checkKeys(source, allowed: ["base_url", "api_key", "api_key_file"], at: "source", path: path)
            file.baseURL = try string(source["base_url"], "source.base_url", path)
            file.apiKey = try string(source["api_key"], "source.api_key", path)
            file.apiKeyFile = try string(source["api_key_file"], "source.api_key_file", path)
        }
        file.target = try string(top["target"], "target", path)
        if let defaults = top["defaults"] {
            guard let defaults = defaults as? [String: Any] else { throw UsageError(description: "\(path): 'defaults' must be a mapping") }
            try checkKeys(defaults, allowed: ["mode", "anchor_date"], at: "defaults", path: path)
            file.defaultMode = try mode(defaults["mode"], "defaults.mode", path)
            file.anchorDate = try string(defaults["anchor_date"], "defaults.anchor_date", path)
        }
        if let streams = top["streams"] {
            guard let streams = streams as? [String: Any] else { throw UsageError(description: "\(path): 'streams' must be a mapping") }
            for (name, value) in streams {
                guard Endpoint.named(name) != nil || CustomFieldTable.named(name) != nil else {
                    throw UsageError(description: "\(path): unknown stream '\(name)' under 'streams'; did you mean '\(EndpointSelection.nearest(name))'? Known: \(EndpointSelection.knownNames.joined(separator: ", "))")
                }
                var stream = Stream()
                if let settings = value as? [String: Any] {
                    try checkKeys(settings, allowed: ["mode", "disabled"], at: "streams.\(name)", path: path)
                    stream.mode = try mode(settings["mode"], "streams.\(name).mode", path)
                    if let disabled = settings["disabled"] {
                        guard let flag = disabled as? Bool else { throw UsageError(description: "\(path): 'streams.\(name).disabled' must be true or false") }
                        stream.disabled = flag
                    }
                } else if value is NSNull || (value as? String)?.isEmpty == true {
                    // `contacts:` with nothing after it selects the stream with the defaults.
                } else {
                    throw UsageError(description: "\(path): 'streams.\(name)' must be a mapping (mode, disabled)")
                }
                file.streams[name] = stream
            }
        }
        return file
    }

    private static func checkKeys(_ map: [String: Any], allowed: [String], at place: String, path: String) throws {
        for key in map.keys.sorted() where !allowed.contains(key) {
            throw UsageError(description: "\(path): unknown key '\(key)' in \(place); allowed: \(allowed.joined(separator: ", "))")
        }
    }

    private static func string(_ value: Any?, _ key: String, _ path: String) throws -> String? {
        guard let value, !(value is NSNull) else { return nil }
        if let text = value as? String { return text }
        if let date = value as? Date { return ISO8601DateFormatter().string(from: date) }
        if let number = value as? Int { return String(number) }
        throw UsageError(description: "\(path): '\(key)' must be a string")
    }

    private static func mode(_ value: Any?, _ key: String, _ path: String) throws -> String? {
        guard let given = try string(value, key, path) else { return nil }
        let mode = given == "full-refresh" ? "full_refresh" : given
        guard modes.contains(mode) else {
            throw UsageError(description: "\(path): '\(key)' is '\(given)'; allowed: \(modes.joined(separator: ", "))")
        }
        return mode
    }
}
