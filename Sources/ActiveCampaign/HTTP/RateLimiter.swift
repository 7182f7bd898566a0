import Synchronization

/// The request budget of one account (the API allows 5 requests/s for all its keys together), shared by every request
/// of a client: at most `maxStarts` request starts in any sliding `window`, and at most `maxInFlight` requests
/// between `acquire()` and `release()`.
///
/// Waiting is cancellation-aware: a cancelled waiter throws `CancellationError` and holds no permit.
final class RateLimiter: Sendable {
    /// Added to the one-second window so that network jitter between our clock and the server's log never shows
    /// more than `maxStarts` starts within one second there.
    static let safetyMargin: Duration = .milliseconds(25)

    let maxStarts: Int
    let maxInFlight: Int
    let window: Duration
    private let clock = ContinuousClock()
    private let state = Mutex(State())

    private struct State: ~Copyable {
        /// Start instants inside the current window, oldest first.
        var starts: [ContinuousClock.Instant] = []
        var inFlight = 0
        /// Tasks waiting for an in-flight slot, first come first served.
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
        /// Waiters cancelled before they queued.
        var cancelledBeforeQueueing: Set<UInt64> = []
        var nextWaiterID: UInt64 = 0
    }

    init(requestsPerSecond: Double, maxInFlight: Int) {
        // A whole rate (4/s) may start that many at once in each second; any other rate (0.5/s, 1.5/s, 2.5/s) is
        // spread evenly, one start per 1/rate seconds, so it is honoured exactly instead of rounded down.
        let rate = max(requestsPerSecond, 0.001)
        if rate >= 1 && rate.rounded() == rate {
            self.maxStarts = Int(rate)
            self.window = .seconds(1) + Self.safetyMargin
        } else {
            self.maxStarts = 1
            self.window = .seconds(1 / rate)
        }
        self.maxInFlight = max(1, maxInFlight)
    }

    /// Waits for an in-flight slot and a start in the window; the caller must `release()` once done.
    func acquire() async throws {
        try await acquireInFlightSlot()
        do {
            while true {
                let now = clock.now
                let wakeAt: ContinuousClock.Instant? = state.withLock { state in
                    state.starts.removeAll { now - $0 >= window }
                    if state.starts.count < maxStarts {
                        state.starts.append(now)
                        return nil
                    }
                    return state.starts[0] + window
                }
                guard let wakeAt else { return }
                try await Task.sleep(until: wakeAt, clock: clock)
            }
        } catch {
            release()
            throw error
        }
    }

    /// Ends a request: hands its slot to the oldest waiter, if any.
    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            if state.waiters.isEmpty {
                state.inFlight -= 1
                return nil
            }
            return state.waiters.removeFirst().continuation  // the slot passes on: inFlight is unchanged
        }
        next?.resume()
    }

    private func acquireInFlightSlot() async throws {
        try Task.checkCancellation()
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        defer { _ = state.withLock { $0.cancelledBeforeQueueing.remove(id) } }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Decision { case granted, cancelled, queued }
                let decision = state.withLock { state -> Decision in
                    if state.cancelledBeforeQueueing.contains(id) { return .cancelled }
                    if state.inFlight < maxInFlight {
                        state.inFlight += 1
                        return .granted
                    }
                    state.waiters.append((id, continuation))
                    return .queued
                }
                switch decision {
                case .granted: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .queued: break
                }
            }
        } onCancel: {
            let waiting = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                if let position = state.waiters.firstIndex(where: { $0.id == id }) {
                    return state.waiters.remove(at: position).continuation
                }
                state.cancelledBeforeQueueing.insert(id)
                return nil
            }
            waiting?.resume(throwing: CancellationError())
        }
    }
}
