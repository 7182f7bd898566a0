import Foundation
import Logging
import S3
import Synchronization

/// The run lock of an S3 lake: the object `PREFIX/.ac-export.lock`, created with `If-None-Match: *`, holding the
/// run id and an expiry that the run renews (compare-and-swap on its ETag) every quarter of the lease. A killed
/// run's lock expires and the next run takes it over, saying so. docs/object-storage.md#lock.
final class S3LakeLock: LakeLock {
    static let name = ".ac-export.lock"

    private let storage: S3Storage
    private let runID: String
    private let etag: Mutex<String>
    let tookOver: Bool

    struct Lease: Codable {
        var runId: String
        var host: String
        var pid: Int32
        var expiresAt: Date
    }

    struct Held: ConfigurationProblem, CustomStringConvertible {
        var location: String
        var holder: String
        var expires: String
        var description: String {
            "another ac-export run is using \(location) (\(holder)); its lock expires at \(expires) unless that run renews it. "
                + "Wait for it to finish, or if it was killed, run again after that time. Nothing was written."
        }
    }

    /// The lease was taken over or removed while this run held it: another writer may be at work.
    struct Lost: Error, CustomStringConvertible {
        var location: String
        var reason: String
        var description: String {
            "the run lock of \(location) was lost (\(reason)); this run stopped writing. Committed files are kept; check that no two runs share the prefix, then run again"
        }
    }

    private init(storage: S3Storage, runID: String, etag: String, tookOver: Bool = false) {
        self.storage = storage
        self.runID = runID
        self.etag = Mutex(etag)
        self.tookOver = tookOver
    }

    static func acquire(storage: S3Storage, runID: String) async throws -> S3LakeLock {
        let lease = try lease(runID: runID, ttl: storage.lockTTL)
        func create() async throws -> S3LakeLock {
            S3LakeLock(storage: storage, runID: runID, etag: try await storage.write(lease, to: name, replacing: .absent) ?? "")
        }
        do {
            return try await create()
        } catch is WriteConflict {}
        // Taken: by a live run, or by one that was killed and whose lease has run out.
        guard let current = try await storage.read(name) else {
            do {
                return try await create()  // released between the two requests
            } catch is WriteConflict {
                throw Held(location: storage.location, holder: "a run that took it just now", expires: "-")
            }
        }
        let holder = try? decoder.decode(Lease.self, from: current.data)
        let expires = holder?.expiresAt ?? .distantPast
        guard expires < Date() else {
            throw Held(
                location: storage.location, holder: holder.map { "run \($0.runId) on \($0.host), pid \($0.pid)" } ?? "unknown holder",
                expires: ISO8601DateFormatter().string(from: expires))
        }
        do {
            let etag = try await storage.write(lease, to: name, replacing: current.version.map(Expectation.version) ?? .any)
            storage.logger.notice(
                "took over the lock of a run that stopped without releasing it",
                metadata: ["lake": "\(storage.location)", "previous_run": "\(holder?.runId ?? "unknown")", "expired_at": "\(ISO8601DateFormatter().string(from: expires))"])
            return S3LakeLock(storage: storage, runID: runID, etag: etag ?? "", tookOver: true)
        } catch is WriteConflict {
            throw Held(location: storage.location, holder: "a run that took it over just now", expires: "-")
        }
    }

    /// Renews the lease every quarter of it until cancelled (the run ended: returns). Throws `Lost` when another run
    /// replaced or removed the lock, or when renewals kept failing until the lease ran out: from then on another
    /// run may take the lock over, and this one must stop writing.
    func keepAlive() async throws {
        let interval = storage.lockTTL / 4
        var leaseEnds = ContinuousClock.now + storage.lockTTL
        while true {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            let sent = ContinuousClock.now
            let lease = try Self.lease(runID: runID, ttl: storage.lockTTL)
            do {
                let next = try await storage.write(lease, to: Self.name, replacing: .version(etag.withLock { $0 }))
                etag.withLock { $0 = next ?? "" }
                leaseEnds = sent + storage.lockTTL
            } catch is WriteConflict {
                throw Lost(location: storage.location, reason: "another run replaced or removed the lock object")
            } catch {
                if Task.isCancelled { return }
                // Retried at the next interval while the lease lasts (three more intervals at least).
                guard ContinuousClock.now + interval < leaseEnds else {
                    throw Lost(location: storage.location, reason: "it could not be renewed before its lease ran out (\(error))")
                }
                storage.logger.warning("the run lock could not be renewed; trying again", metadata: ["lake": "\(storage.location)", "error": "\(error)"])
            }
        }
    }

    /// Deletes the lock object if it is still this run's.
    func release() async {
        guard let current = try? await storage.read(Self.name),
            (try? Self.decoder.decode(Lease.self, from: current.data))?.runId == runID
        else { return }
        try? await storage.remove(Self.name)
    }

    private static func lease(runID: String, ttl: Duration) throws -> Data {
        let host = ProcessInfo.processInfo.hostName
        return try encoder.encode(Lease(runId: runID, host: host, pid: getpid(), expiresAt: Date().addingTimeInterval(Double(ttl.components.seconds))))
    }

    private static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    private static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()
}
