import Foundation
import Logging

/// Replaces a date's snapshot files with a new snapshot's staged files, so that readers globbing the endpoint
/// see the old snapshot or the new one, never both and never neither for longer than the renames take: the old
/// files are moved aside into the staging area (outside every reader's glob), the new ones renamed in, and only
/// then are the old ones deleted. A failed step puts every file back where it was and throws.
struct SnapshotSwap {
    var directory: String
    /// Manifest paths of the old snapshot (published, or staged by an earlier interrupted run).
    var replaced: [String]
    /// Staged paths of the new snapshot.
    var staged: [String]
    var logger: Logger

    func run() throws {
        var movedAside: [String] = []
        var published: [String] = []
        do {
            // A replaced file that is already gone (a manifest restored from its backup) has nothing to hide.
            for path in replaced where !Staging.isStaged(path) && FileManager.default.fileExists(atPath: absolute(path)) {
                try Staging.withdraw(path, in: directory)
                movedAside.append(path)
            }
            for path in staged {
                try Staging.publish(path, in: directory)
                published.append(path)
            }
        } catch {
            for path in published.reversed() { try? FileSystem.rename(absolute(Staging.publishedPath(path)), to: absolute(Staging.stagedPath(path))) }
            for path in movedAside.reversed() { try? FileSystem.rename(absolute(Staging.stagedPath(path)), to: absolute(path)) }
            throw error
        }
        for path in replaced {
            do {
                try FileSystem.removeFile(absolute(Staging.stagedPath(path)))
            } catch {
                // Outside every reader's glob and unlisted: the next run removes it as debris.
                logger.warning(
                    "a replaced snapshot file could not be deleted from the staging area; readers do not see it and the next run removes it",
                    metadata: ["file": "\(Staging.stagedPath(path))", "error": "\(error)"])
            }
        }
    }


    private func absolute(_ path: String) -> String { directory + "/" + path }
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
