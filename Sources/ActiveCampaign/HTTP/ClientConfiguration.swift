/// Limits and timings of an `ActiveCampaignClient`. The API allows 5 requests/s per account; the default is 4,
/// for headroom. See docs/activecampaign-api.md, sections 'Rate limit' and 'Retries'.
public struct ClientConfiguration: Sendable {
    /// Most request starts in any one-second window, for the whole account.
    public var requestsPerSecond: Double = 4
    /// Most requests in flight at once.
    public var maxInFlight: Int = 3
    /// Attempts per request, the first included.
    public var maxAttempts: Int = 5
    /// Backoff before retry n is random in 0...min(backoffCap, backoffBase · 2^(n-1)) (full jitter).
    public var backoffBase: Duration = .milliseconds(500)
    public var backoffCap: Duration = .seconds(30)
    /// Shortest wait after a `Retry-After`, so `Retry-After: 0` does not spin.
    public var retryAfterFloor: Duration = .milliseconds(250)
    /// Longest `Retry-After` honoured. A server that asks for more fails the request at once, with a message that
    /// says so, instead of holding a nightly run asleep for hours.
    public var maxRetryAfter: Duration = .seconds(120)
    /// Deadline of one attempt, body included.
    public var requestTimeout: Duration = .seconds(60)
    /// `limit` of list requests; the API caps it at 100 (its default is 20).
    public var pageSize: Int = 100
    /// CA certificates and proxy.
    public var transport = TransportSettings()

    public init() {}
}
