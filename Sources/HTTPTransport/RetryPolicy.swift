import Foundation

/// When and how long to wait before retrying a request, for every HTTP client of the project (the ActiveCampaign
/// API's, docs/activecampaign-api.md#retries, and the object store's, docs/object-storage.md#retries).
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    public var backoffBase: Duration
    public var backoffCap: Duration
    public var retryAfterFloor: Duration

    public init(maxAttempts: Int, backoffBase: Duration, backoffCap: Duration, retryAfterFloor: Duration = .zero) {
        self.maxAttempts = max(1, maxAttempts)
        self.backoffBase = backoffBase
        self.backoffCap = backoffCap
        self.retryAfterFloor = retryAfterFloor
    }

    /// 408, 429 and 5xx are transient (the rate limit sometimes shows as 503, proxies send 502/503); others are not.
    public static func isRetryable(status: Int) -> Bool {
        status == 429 || status == 408 || (500...599).contains(status)
    }

    /// Wait before the attempt after `attempt` (1-based): the server's `Retry-After` (at least the floor) when
    /// given, else full jitter: random in 0...min(cap, base · 2^(attempt-1)).
    public func delay(afterAttempt attempt: Int, retryAfter: Duration?) -> Duration {
        if let retryAfter { return max(retryAfter, retryAfterFloor) }
        let exponent = min(attempt - 1, 30)
        let ceiling = min(backoffCap, backoffBase * (1 << exponent))
        let ceilingSeconds = Double(ceiling.components.seconds) + Double(ceiling.components.attoseconds) / 1e18
        return .seconds(Double.random(in: 0...max(0, ceilingSeconds)))
    }

    /// `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3); nil when absent or unreadable.
    public static func retryAfter(_ header: String?, now: Date = Date()) -> Duration? {
        guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { return nil }
        if let seconds = Int(header) { return .seconds(max(0, seconds)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: header) else { return nil }
        return .seconds(max(0, date.timeIntervalSince(now)))
    }
}
