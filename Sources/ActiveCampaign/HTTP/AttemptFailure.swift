/// Why one attempt of a request did not succeed, when a retry may help.
struct AttemptFailure: Error, Sendable {
    /// Short label for the per-cause tally in the final message ("429", "timeout", "invalid JSON").
    var label: String
    /// Full text of this failure ("503 Service Unavailable", "invalid JSON at byte 1234: ...").
    var text: String
    var status: Int?
    /// From the response's `Retry-After`.
    var retryAfter: Duration?
    /// No HTTP response at all: the host may be wrong.
    var isConnectionFailure = false
}
