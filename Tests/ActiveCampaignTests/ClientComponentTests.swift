import Foundation
import HTTPTransport
import Testing

@testable import ActiveCampaign

@Suite("Client components")
struct ClientComponentTests {
    @Test(arguments: [
        ("https://acme.api-us1.com", "https://acme.api-us1.com/api/3"),
        ("https://acme.api-us1.com/", "https://acme.api-us1.com/api/3"),
        ("https://acme.api-us1.com/api/3", "https://acme.api-us1.com/api/3"),
        ("https://acme.api-us1.com/api/3/", "https://acme.api-us1.com/api/3"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/api/3"),
        (" HTTPS://acme.api-us1.com ", "HTTPS://acme.api-us1.com/api/3"),
    ])
    func credentialsNormaliseTheBaseURL(input: String, apiBase: String) throws {
        let credentials = try Credentials(apiKey: "key-123", baseURL: input)
        #expect(credentials.apiBase == apiBase)
        #expect(credentials.apiBasePath == "/api/3")
        #expect(!credentials.description.contains("key-123"))
    }

    @Test(arguments: ["acme.api-us1.com", "ftp://acme.api-us1.com", "https://", "", "https://acme.api-us1.com?x=1"])
    func credentialsRejectWhatIsNotAnAccountURL(input: String) {
        let error = #expect(throws: ActiveCampaignError.self) { try Credentials(apiKey: "key-123", baseURL: input) }
        #expect(error?.kind == .invalidConfiguration)
        #expect(error?.description.contains("expected an http(s) URL like https://ACCOUNT.api-us1.com") == true)
        #expect(error?.description.contains("'\(input.trimmingCharacters(in: .whitespaces))'") == true)
    }

    @Test func credentialsRejectAnEmptyKey() {
        #expect(throws: ActiveCampaignError.self) { try Credentials(apiKey: "  ", baseURL: "https://a.api-us1.com") }
    }

    @Test func queryIsPercentEncodedOnTheWireAndReadableInMessages() {
        let target = RequestTarget(path: "contacts", query: [("orders[id]", "ASC"), ("filters[updated_after]", "2024-01-01T00:00:00Z")])
        #expect(target.url(apiBase: "https://a/api/3") == "https://a/api/3/contacts?orders%5Bid%5D=ASC&filters%5Bupdated_after%5D=2024-01-01T00%3A00%3A00Z")
        #expect(target.description(apiBasePath: "/api/3") == "GET /api/3/contacts?orders[id]=ASC&filters[updated_after]=2024-01-01T00:00:00Z")
    }

    @Test func windowIsSentAsUTCWithZ() {
        let window = IncrementalWindow(since: Date(timeIntervalSince1970: 1_700_000_000), until: Date(timeIntervalSince1970: 1_700_086_400))
        #expect(window.queryItems.map(\.0) == ["filters[updated_after]", "filters[updated_before]"])
        #expect(window.queryItems.map(\.1) == ["2023-11-14T22:13:20Z", "2023-11-15T22:13:20Z"])
    }

    @Test func retryAfterReadsSecondsAndHTTPDates() {
        let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryPolicy.retryAfter("30") == .seconds(30))
        #expect(RetryPolicy.retryAfter("Sun, 06 Nov 1994 08:49:47 GMT", now: now) == .seconds(10))
        #expect(RetryPolicy.retryAfter("soon") == nil)
        #expect(RetryPolicy.retryAfter(nil) == nil)
    }

    @Test func backoffHasFullJitterUnderTheCapAndRetryAfterHasAFloor() {
        let configuration = ClientConfiguration()
        let policy = RetryPolicy(
            maxAttempts: configuration.maxAttempts, backoffBase: .milliseconds(100), backoffCap: .milliseconds(350),
            retryAfterFloor: configuration.retryAfterFloor)
        #expect(policy.delay(afterAttempt: 1, retryAfter: .zero) == .milliseconds(250))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(2)) == .seconds(2))
        let first = (0..<200).map { _ in policy.delay(afterAttempt: 1, retryAfter: nil) }
        #expect(first.allSatisfy { $0 <= .milliseconds(100) })
        let late = (0..<200).map { _ in policy.delay(afterAttempt: 9, retryAfter: nil) }
        #expect(late.allSatisfy { $0 <= .milliseconds(350) })
        #expect(late.contains { $0 > .milliseconds(100) })
        #expect(RetryPolicy.isRetryable(status: 429) && RetryPolicy.isRetryable(status: 503))
        #expect(![400, 401, 402, 403, 404, 422].contains(where: RetryPolicy.isRetryable(status:)))
    }

    @Test func limiterSpacesStartsOverTheWindow() async throws {
        let limiter = RateLimiter(requestsPerSecond: 5, maxInFlight: 10)
        let clock = ContinuousClock()
        let started = clock.now
        var starts: [Duration] = []
        for _ in 0..<11 {
            try await limiter.acquire()
            starts.append(clock.now - started)
            limiter.release()
        }
        #expect(starts[4] < .milliseconds(200))
        #expect(starts[5] >= .milliseconds(1025))
        #expect(starts[10] >= .milliseconds(2050))
        for index in 5..<starts.count {
            #expect(starts[index] - starts[index - 5] >= .milliseconds(1025))
        }
    }

    @Test func limiterCapsInFlightAndReleasesCancelledWaiters() async throws {
        let limiter = RateLimiter(requestsPerSecond: 1000, maxInFlight: 2)
        try await limiter.acquire()
        try await limiter.acquire()
        let waiter = Task { try await limiter.acquire() }
        try await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        // The cancelled waiter holds nothing: one release makes room for exactly one more.
        limiter.release()
        let next = Task { try await limiter.acquire() }
        try await next.value
        let blocked = Task { try await limiter.acquire() }
        try await Task.sleep(for: .milliseconds(50))
        limiter.release()
        try await blocked.value
    }
}
