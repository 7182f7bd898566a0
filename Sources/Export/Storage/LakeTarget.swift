import Foundation
import Logging
import S3

/// Where `--out` points: a local folder, or an S3 prefix with the settings to reach it.
public enum LakeTarget: Sendable, CustomStringConvertible {
    case folder(String)
    case s3(S3Location, S3Settings)

    public var description: String {
        switch self {
        case .folder(let path): return path
        case .s3(let location, _): return location.description
        }
    }

    /// A target with a scheme other than s3:// (gs://, az://, abfss://, hdfs://, …): refused rather than taken for a
    /// folder named `gs:`.
    public struct UnsupportedScheme: ConfigurationProblem, CustomStringConvertible {
        var target: String
        var scheme: String
        public var description: String {
            "\(target): \(scheme):// targets are not supported; --out takes a local folder or s3://bucket/prefix (any S3-compatible store: set AWS_ENDPOINT_URL_S3 for MinIO, SeaweedFS, Ceph, R2 or GCS's interoperability endpoint)"
        }
    }

    /// The scheme of `text` when it is a URL (`s3` for `s3://…`), nil for a plain path.
    public static func scheme(of text: String) -> String? {
        guard let range = text.range(of: "://") else { return nil }
        let scheme = text[..<range.lowerBound]
        guard let first = scheme.first, first.isLetter, scheme.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }) else { return nil }
        return scheme.lowercased()
    }

    /// `text` as a target: `s3://…` with settings from `s3Settings` (resolved only then), a path otherwise.
    public static func parse(_ text: String, s3Settings: () throws -> S3Settings) throws -> LakeTarget {
        guard let scheme = scheme(of: text) else { return .folder(text) }
        guard scheme == "s3" || scheme == "s3a" else { throw UnsupportedScheme(target: text, scheme: scheme) }
        return .s3(try S3Location(text), try s3Settings())
    }

    /// Runs `body` with this target's storage, and closes the store's connections after.
    func withStorage<T>(lockTTL: Duration, logger: Logger, _ body: (any LakeStorage) async throws -> T) async throws -> T {
        switch self {
        case .folder(let path):
            try FileSystem.createDirectory(path)
            return try await body(LocalFolderStorage(directory: path))
        case .s3(let location, let settings):
            let client = S3Client(settings: settings, logger: logger)
            do {
                let result = try await body(S3Storage(client: client, location: location, lockTTL: lockTTL, logger: logger))
                try await client.shutdown()
                return result
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
    }
}

/// `s3://bucket/prefix`: a bucket and a key prefix (no leading or trailing slash).
public struct S3Location: Sendable, Equatable, CustomStringConvertible {
    public var bucket: String
    public var prefix: String

    public struct Invalid: ConfigurationProblem, CustomStringConvertible {
        var text: String
        var reason: String
        public var description: String { "\(text) is not a usable S3 target: \(reason); write s3://bucket/prefix" }
    }

    public init(_ text: String) throws {
        guard let range = text.range(of: "://") else { throw Invalid(text: text, reason: "it has no s3:// scheme") }
        let rest = text[range.upperBound...]
        let bucket = rest.prefix { $0 != "/" }
        guard !bucket.isEmpty else { throw Invalid(text: text, reason: "the bucket name is missing") }
        guard bucket.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" || $0 == "." }), bucket.count >= 3, bucket.count <= 63 else {
            throw Invalid(text: text, reason: "\(bucket) is not a bucket name (3 to 63 lowercase letters, digits, dots and hyphens)")
        }
        self.bucket = String(bucket)
        prefix = rest.dropFirst(bucket.count).split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        guard !prefix.split(separator: "/").contains(where: { $0 == "." || $0 == ".." }) else {
            throw Invalid(text: text, reason: "the prefix has . or .. components")
        }
    }

    public var description: String { prefix.isEmpty ? "s3://\(bucket)" : "s3://\(bucket)/\(prefix)" }
}
