import Foundation
import Logging

/// Replaces a date's snapshot files with a new snapshot's staged files, so that readers globbing the endpoint
/// see the old snapshot or the new one, never both and never neither for longer than the renames take: the old
/// files are moved aside into the staging area (outside every reader's glob), the new ones renamed in, and only
/// then are the old ones deleted. A failed step puts every file back where it was and throws.
struct SnapshotSwap {
    var storage: any LakeStorage
    /// Manifest paths of the old snapshot (published, or staged by an earlier interrupted run).
    var replaced: [String]
    /// Staged paths of the new snapshot.
    var staged: [String]
    var logger: Logger

    func run() async throws {
        var movedAside: [String] = []
        var published: [String] = []
        do {
            // A replaced file that is already gone (a manifest restored from its backup) has nothing to hide.
            for path in replaced where !Staging.isStaged(path) {
                guard try await storage.exists(path) else { continue }
                try await Staging.withdraw(path, in: storage)
                movedAside.append(path)
            }
            for path in staged {
                try await Staging.publish(path, in: storage)
                published.append(path)
            }
        } catch {
            try? await evenIfCancelled { [storage, published, movedAside] in
                for path in published.reversed() { try? await storage.move(Staging.publishedPath(path), to: Staging.stagedPath(path)) }
                for path in movedAside.reversed() { try? await storage.move(Staging.stagedPath(path), to: path) }
            }
            throw error
        }
        for path in replaced {
            do {
                try await storage.remove(Staging.stagedPath(path))
            } catch {
                // Outside every reader's glob and unlisted: the next run removes it as debris.
                logger.warning(
                    "a replaced snapshot file could not be deleted from the staging area; readers do not see it and the next run removes it",
                    metadata: ["file": "\(Staging.stagedPath(path))", "error": "\(error)"])
            }
        }
    }
}

/// A full snapshot whose files could not be swapped in: the previous snapshot stays what readers see.
struct SnapshotNotPublished: Error, CustomStringConvertible {
    var endpoint: String
    var reason: String
    var previousSnapshotKept: Bool
    var description: String {
        "\(reason); the new files of \(endpoint) were not swapped in and "
            + (previousSnapshotKept
                ? "the previous one is unchanged (files and manifest); fix the cause and run again"
                : "the manifest could not be restored either: the next run finishes publishing it")
    }
}
