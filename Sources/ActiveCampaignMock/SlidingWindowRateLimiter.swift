/// The account-wide request budget (the API allows 5 requests per second per account, shared by all keys):
/// a request is refused when `limit` admitted requests already started within the last second.
struct SlidingWindowRateLimiter: Sendable {
    let limit: Int
    private var starts: [ContinuousClock.Instant] = []

    init(limit: Int) {
        self.limit = limit
    }

    /// Admits or refuses a request starting at `now`; `remaining` is the budget left in the window afterwards.
    mutating func admit(at now: ContinuousClock.Instant) -> (admitted: Bool, remaining: Int) {
        let windowStart = now - .seconds(1)
        starts.removeAll { $0 <= windowStart }
        guard starts.count < limit else { return (false, 0) }
        starts.append(now)
        return (true, limit - starts.count)
    }
}
