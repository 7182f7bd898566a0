import ArgumentParser
import Export
import Foundation
import S3

/// How to reach an S3 target, beside the AWS settings of the environment and profile files.
struct ObjectStoreOptions: ParsableArguments {
    @Option(help: "S3 addressing: auto (path style for a custom endpoint, virtual-hosted for AWS), path or virtual (env AWS_S3_ADDRESSING_STYLE).")
    var s3AddressingStyle: S3Settings.AddressingStyle?

    @Option(help: "Seconds an S3 lake's run lock holds without renewal (renewed every quarter of it): a killed run's lock is taken over after this.")
    var s3LockTtl: Int = 120

    @Option(help: "MiB per part of a multipart upload (at least 5); smaller files go up in one request.")
    var s3PartSize: Int = 8

    @Option(help: "Seconds one S3 request (its whole body included) may take before it is retried.")
    var s3RequestTimeout: Double = 30

    func validate() throws {
        guard s3LockTtl >= 4 else { throw ValidationError("--s3-lock-ttl must be at least 4 seconds") }
        guard s3PartSize << 20 >= S3Settings.minimumPartSize else { throw ValidationError("--s3-part-size must be at least 5 (MiB): S3's smallest part") }
        guard s3RequestTimeout > 0 else { throw ValidationError("--s3-request-timeout must be positive") }
    }
}

extension S3Settings.AddressingStyle: ExpressibleByArgument {}

/// `--out` (or the YAML's `target`) as a lake target, checked before the run starts: a writable folder, or an S3
/// prefix with credentials; any other scheme is refused (exit 2) rather than taken for a folder named `gs:`.
enum OutputTarget {
    /// `checkFolder`: also check that a folder target can be written (not for a run that writes nothing).
    static func resolve(_ out: String, option: String, objectStore: ObjectStoreOptions, environment: [String: String], checkFolder: Bool = true) throws -> LakeTarget {
        let target: LakeTarget
        do {
            target = try LakeTarget.parse(out) {
                var settings = try S3Settings.resolve(environment: environment, home: environment["HOME"], addressingStyle: objectStore.s3AddressingStyle)
                settings.partSize = objectStore.s3PartSize << 20
                settings.requestTimeout = .milliseconds(Int64(objectStore.s3RequestTimeout * 1000))
                return settings
            }
        } catch let problem as S3Settings.Problem {
            throw UsageError(description: "\(option) \(out): \(problem); nothing was written")
        }
        if checkFolder, case .folder(let path) = target { try PathChecks.checkOutputFolder(path, option: option) }
        return target
    }

    /// `config show`'s lines for an S3 target: where each setting came from, the secret masked.
    static func describe(_ settings: S3Settings) -> [(String, String, String)] {
        [
            ("s3_key", settings.credentials.value.description, settings.credentials.source),
            ("s3_token", settings.credentials.value.sessionToken.map(S3Credentials.masked) ?? "-", settings.sessionTokenSource),
            ("s3_region", settings.region.value, settings.region.source),
            ("s3_endpoint", settings.endpoint?.value.absoluteString ?? settings.baseURL.absoluteString, settings.endpoint?.source ?? "AWS (no custom endpoint set)"),
            ("s3_style", settings.usesPathStyle ? "path" : "virtual", settings.addressingStyle.source),
        ]
    }
}
