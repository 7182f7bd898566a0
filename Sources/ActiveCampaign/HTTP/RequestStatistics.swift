/// Counters of one client's traffic, for the run summary and manifest.
public struct RequestStatistics: Sendable, Equatable {
    /// Attempts sent (retries included).
    public var requests = 0
    /// Attempts that were retries.
    public var retries = 0
    /// 429 responses.
    public var rateLimited = 0
    /// Requests that failed for good (after retries, or not retryable).
    public var failures = 0

    public init() {}
}
