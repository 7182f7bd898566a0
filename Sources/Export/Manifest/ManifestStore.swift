import Foundation

/// Loads, validates and atomically replaces the manifest. One actor per lake, so the endpoints of a run commit one
/// at a time. The previous manifest is kept as `_manifest.json.bak`. On a store that can compare and swap (S3), each
/// replacement names the version it replaces, so a second writer's change is never overwritten.
actor ManifestStore {
    let storage: any LakeStorage
    private(set) var manifest: Manifest
    /// The version this store last read or wrote (an S3 ETag; nil for a local file or no manifest yet).
    private var version: String?
    private var exists: Bool
    /// One update at a time: an update awaits the store, and the actor would take the next one meanwhile.
    private var updating = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    static let fileName = "_manifest.json"

    struct Invalid: ConfigurationProblem, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String {
            "\(path) cannot be used: \(reason). It was left untouched; restore it from \(path).bak or move it away to start a fresh drop."
        }
    }

    /// Another writer replaced the manifest during this run (the lake's lock was taken over?): nothing is overwritten.
    struct ChangedByAnotherWriter: Error, CustomStringConvertible {
        var path: String
        var description: String {
            "\(path) was changed by another writer during this run; this run stopped without overwriting it. Check that no two runs write this lake, then run again"
        }
    }

    var path: String { storage.location + "/" + Self.fileName }

    init(storage: any LakeStorage) async throws {
        self.storage = storage
        let object = try await storage.read(Self.fileName)
        manifest = try Self.decode(object?.data, path: storage.location + "/" + Self.fileName)
        version = object?.version
        exists = object != nil
    }

    /// The manifest of a local lake (an empty one when there is none yet), validated.
    static func read(directory: String) throws -> Manifest {
        let path = directory + "/" + fileName
        return try decode(try FileSystem.contentsIfPresent(path), path: path)
    }

    /// The manifest of any lake, validated.
    static func read(storage: any LakeStorage) async throws -> Manifest {
        try decode(try await storage.read(fileName)?.data, path: storage.location + "/" + fileName)
    }

    /// `data` as a manifest: an empty one when nil, an `Invalid` naming `path` when it does not decode.
    static func decode(_ data: Data?, path: String) throws -> Manifest {
        guard let data else { return Manifest() }
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
    func update<T: Sendable>(_ change: @Sendable (inout Manifest) -> T) async throws -> T {
        if updating {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            updating = true
        }
        defer {
            if waiting.isEmpty { updating = false } else { waiting.removeFirst().resume() }
        }
        var next = manifest
        next.version = Manifest.currentVersion  // an older readable version is written in the current format
        let result = change(&next)
        let data = try Self.encoder.encode(next)
        if let previous = try await storage.read(Self.fileName) {
            if let version, let current = previous.version, current != version { throw ChangedByAnotherWriter(path: path) }
            try await storage.write(previous.data, to: Self.fileName + ".bak", replacing: .any)
        }
        let expected: Expectation = exists ? version.map(Expectation.version) ?? .any : .absent
        do {
            version = try await storage.write(data, to: Self.fileName, replacing: expected)
        } catch is WriteConflict {
            throw ChangedByAnotherWriter(path: path)
        }
        exists = true
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
