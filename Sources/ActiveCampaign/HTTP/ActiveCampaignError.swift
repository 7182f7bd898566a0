/// A failure talking to ActiveCampaign, with a message that names the cause and what to do about it.
/// Messages never contain the API key.
public struct ActiveCampaignError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The base URL or key in the configuration cannot be used.
        case invalidConfiguration
        /// 401/403: the key was rejected.
        case authentication
        /// 403 with a permission detail: the key's user may not read this endpoint.
        case permission
        /// 404: usually a wrong base URL.
        case notFound
        /// 400/422 and other non-retryable 4xx.
        case rejectedRequest
        /// 402: the account has a payment issue.
        case paymentRequired
        /// The host could not be reached on any attempt.
        case connection
        /// Retryable failures (429, 5xx, timeouts, bad bodies) on every attempt.
        case retriesExhausted
        /// A 200 response whose content cannot be paged (e.g. ids that do not advance).
        case invalidResponse
    }

    public var kind: Kind
    /// HTTP status of the last response, when there was one.
    public var status: Int?
    /// `GET /api/3/...` of the failing request, when there was one.
    public var request: String?
    public var message: String

    public init(kind: Kind, status: Int? = nil, request: String? = nil, message: String) {
        self.kind = kind
        self.status = status
        self.request = request
        self.message = message
    }

    public var description: String { message }
}
