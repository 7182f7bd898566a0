import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on an output folder (flock on `OUT/.ac-export.lock`), so two runs never write
/// the same lake. The kernel releases it when the process dies, so a crash leaves no stale lock.
final class OutputLock: LakeLock {
    private let descriptor: Int32

    struct Held: ConfigurationProblem, CustomStringConvertible {
        var path: String
        var owner: String
        var description: String {
            "another ac-export run is using \(path) (\(owner)); wait for it to finish or stop it. Nothing was written."
        }
    }

    init(directory: String) throws {
        let path = directory + "/.ac-export.lock"
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileSystem.Failure(operation: "create", path: path, code: errno) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 64)
            let n = pread(descriptor, &buffer, 64, 0)
            let owner = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "unknown pid"
            close(descriptor)
            throw Held(path: directory, owner: owner)
        }
        let pid = Array("pid \(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, pid, pid.count, 0)
    }

    /// The kernel releases a dead process's lock: nothing is ever taken over.
    var tookOver: Bool { false }

    /// The kernel keeps it for as long as the process lives.
    func keepAlive() async throws {}

    /// Released when the last reference goes (deinit), which the run's end is.
    func release() async {}

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
