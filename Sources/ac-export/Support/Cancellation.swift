import Foundation
import Synchronization

/// Runs `body` in a task that SIGINT and SIGTERM cancel, so Ctrl-C stops cleanly: temporary files
/// are removed, committed files and the manifest stay.
enum Cancellation {
    static func onInterrupt<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await body() }
        let signalled = SignalFlag()
        let sources = [SIGINT, SIGTERM].map { signalNumber -> any DispatchSourceSignal in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                if signalled.testAndSet() {
                    // Second signal: stop at once. The commit protocol leaves nothing half-visible after a kill.
                    StandardError.write("\nstopped immediately; the next run cleans up and resumes\n")
                    _exit(130)
                }
                StandardError.write("\nstopping: finishing cleanly (committed files are kept; press Ctrl-C again to stop at once)\n")
                task.cancel()
            }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        return try await task.value
    }
}

/// A flag that reports whether it was already set, safe to use from signal handlers' dispatch queue.
final class SignalFlag: Sendable {
    private let state = Mutex(false)

    /// Sets the flag; returns whether it was set before.
    func testAndSet() -> Bool {
        state.withLock { value in
            defer { value = true }
            return value
        }
    }
}
