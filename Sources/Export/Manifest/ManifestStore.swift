import Foundation

/// Loads, validates and atomically replaces the manifest. One actor per output folder, so the
/// endpoints of a run commit one at a time. The previous manifest is kept as `_manifest.json.bak`.
actor ManifestStore {
    let directory: String
    private(set) var manifest: Manifest

    static let fileName = "_manifest.json"

    struct Invalid: ConfigurationProblem, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String {
            "\(path) cannot be used: \(reason). It was left untouched; restore it from \(path).bak or move it away to start a fresh drop."
        }
    }

    var path: String { directory + "/" + Self.fileName }

    init(directory: String) throws {
        self.directory = directory
        manifest = try Self.read(directory: directory)
    }

    /// The manifest of `directory` (an empty one when there is none yet), validated.
    static func read(directory: String) throws -> Manifest {
        let path = directory + "/" + fileName
        guard let data = try FileSystem.contentsIfPresent(path) else { return Manifest() }
        struct VersionProbe: Decodable { var version: Int? }
        guard let probe = try? JSONDecoder().decode(VersionProbe.self, from: data) else {
            throw Invalid(path: path, reason: "it is not valid JSON (truncated or hand-edited?)")
        }
        guard let version = probe.version, Manifest.readableVersions.contains(version) else {
            throw Invalid(
                path: path,
                reason: "its version \(probe.version.map(String.init) ?? "is missing") is not one this ac-export understands "
                    + "(\(Manifest.readableVersions.map(String.init).joined(separator: ", ")))")
        }
        do {
            return try decoder.decode(Manifest.self, from: data)
        } catch {
            throw Invalid(path: path, reason: "a field has the wrong shape (\(describe(error)))")
        }
    }

    /// Applies `change` and writes the manifest durably before returning what `change` returned.
    @discardableResult
    func update<T: Sendable>(_ change: @Sendable (inout Manifest) -> T) throws -> T {
        var next = manifest
        next.version = Manifest.currentVersion  // an older readable version is written in the current format
        let result = change(&next)
        let data = try Self.encoder.encode(next)
        if let previous = try FileSystem.contentsIfPresent(path) {
            try FileSystem.writeAtomically(previous, to: path + ".bak")
        }
        try FileSystem.writeAtomically(data, to: path)
        manifest = next
        return result
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return e
    }()

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()

    private static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?, .keyNotFound(_, let context)?, .dataCorrupted(let context)?:
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "\(path.isEmpty ? "top level" : path): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}
