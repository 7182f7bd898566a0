import Foundation
import Synchronization

/// Ends a run that stopped moving. Every request has a deadline, but a broken event loop or socket can leave a
/// wait that no deadline reaches; a nightly job must then fail with a message instead of hanging until someone
/// looks. Activity is any request attempt starting or any page being consumed; when there is none for `limit`,
/// the run is cancelled (committed files are kept and the next run resumes), and if it does not stop within
/// `grace`, the process exits: the commit protocol is safe against that as against kill -9.
final class StallWatchdog: Sendable {
    struct Stalled: Error, CustomStringConvertible {
        var limit: Duration
        var description: String {
            "no request started and no page was consumed for \(limit.components.seconds) s: the connection or the event loop is stuck; "
                + "the run was stopped (committed files are kept and the next run resumes from its checkpoint)"
        }
    }

    let limit: Duration
    let grace: Duration
    private let lastActivity = Mutex(ContinuousClock.now)
    private let lastCount = Mutex(-1)

    init(limit: Duration, grace: Duration = .seconds(10)) {
        self.limit = limit
        self.grace = grace
    }

    /// Something moved.
    func touch() {
        lastActivity.withLock { $0 = .now }
    }

    /// Runs `work`, cancelling it when neither `touch()` nor a change of `activityCount()` happens for `limit`.
    func guarding<T: Sendable>(activityCount: @escaping @Sendable () -> Int, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await work() }
            group.addTask { [self] in
                while true {
                    // Cancelled (Ctrl-C, or the work is done): the watchdog ends quietly, and the work's own result,
                    // a summary that says which endpoints were cancelled, is what the group returns.
                    guard (try? await Task.sleep(for: .seconds(1))) != nil else { return nil }
                    let count = activityCount()
                    let changed = lastCount.withLock { last in
                        defer { last = count }
                        return last != count
                    }
                    if changed { touch() }
                    if ContinuousClock.now - lastActivity.withLock({ $0 }) >= limit { break }
                }
                // A wait that ignores cancellation would keep the group open: the process ends after the grace period.
                Task.detached { [grace] in
                    try? await Task.sleep(for: grace)
                    StandardError.write("error: the stuck run did not stop within \(grace.components.seconds) s of cancellation; exiting\n")
                    exit(1)
                }
                throw Stalled(limit: limit)
            }
            defer { group.cancelAll() }
            for try await result in group {
                if let result { return result }
            }
            throw CancellationError()
        }
    }
}
