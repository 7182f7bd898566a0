/// A scripted fault: what the mock answers instead of a normal list page (README.md, section 'Reliability').
public enum MockFault: Sendable, Equatable {
    /// This status with the API's errors body, and a `Retry-After` header when given
    /// (a 429 storm with `Retry-After: 0` or a long one; a 5xx burst).
    case status(Int, retryAfter: Int? = nil)
    /// 200 with an HTML body, as a proxy in front of the API may send.
    case nonJSONBody
    /// 200 with an empty body (other clients report these from the API).
    case emptyBody
    /// 200 with valid JSON that lacks the records key.
    case missingRecordsKey
    /// 200 whose JSON body is cut off half-way (the connection ends cleanly).
    case truncatedBody
    /// 200 that sends half of its body, then waits this long before the rest (a stalled server).
    case stall(seconds: Double)
    /// 200 that sends half of its body, then drops the connection.
    case connectionReset
    /// 200 with a well-formed page that holds no records, its `meta.total` as usual: a listing that ends early.
    case emptyPage
    /// 200 with the page as usual but `meta.total` off by this much: a count that disagrees with the pages.
    case totalOff(by: Int)
}

/// Which requests get a fault: requests number `requests` (0-based, counted per list path, or over all list
/// paths when `path` is nil) are answered with `fault`.
public struct MockFaultRule: Sendable, Equatable {
    public var path: String?
    public var requests: Range<Int>
    public var fault: MockFault

    public init(path: String? = nil, requests: Range<Int>, fault: MockFault) {
        self.path = path
        self.requests = requests
        self.fault = fault
    }
}

/// How list pages write `meta.total` (the API: a string on most endpoints, a number on /deals).
public enum MockTotalStyle: String, Sendable, CaseIterable {
    /// As the API does.
    case asAPI = "api"
    /// Always a JSON string.
    case string
    /// Always a JSON number.
    case number
    /// No `total` member at all.
    case absent
}

/// Thrown mid-body to make the server drop the connection (`MockFault.connectionReset`).
struct MockConnectionReset: Error {}
