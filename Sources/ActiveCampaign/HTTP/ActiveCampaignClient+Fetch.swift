import AsyncHTTPClient
import HTTPTransport
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import JSON

extension ActiveCampaignClient {
    /// Largest response body accepted; a page of 100 records is well under 1 MiB.
    static let maximumBodyBytes = 64 << 20

    /// Performs a GET with rate limiting and retries, and parses its body.
    /// `recordsKey`: the body must hold this array of objects (else the attempt is retried).
    func fetch(_ target: RequestTarget, recordsKey: String?, purpose: RequestPurpose) async throws -> ListResponse {
        let url = target.url(apiBase: credentials.apiBase)
        let requestDescription = target.description(apiBasePath: credentials.apiBasePath)
        var failures: [AttemptFailure] = []
        for attempt in 1...retryPolicy.maxAttempts {
            if attempt > 1 { count(purpose) { $0.retries += 1 } }
            try await limiter.acquire()
            count(purpose) { $0.requests += 1 }
            let clock = ContinuousClock()
            let started = clock.now
            let outcome: Result<(HTTPResponseStatus, HTTPHeaders, ByteBuffer), any Error>
            do {
                defer { limiter.release() }
                outcome = try await .success(perform(url))
            } catch {
                outcome = .failure(error)
            }
            if Task.isCancelled { throw CancellationError() }
            let milliseconds = (clock.now - started).components
            let elapsed = milliseconds.seconds * 1000 + milliseconds.attoseconds / 1_000_000_000_000_000

            let failure: AttemptFailure
            switch outcome {
            case .failure(let error):
                if error is CancellationError { throw error }
                if let refusal = error as? ActiveCampaignError {  // a redirect the key may not follow: not retried
                    count(purpose) { $0.failures += 1 }
                    throw refusal
                }
                if let tls = Self.certificateFailure(error) {  // retrying cannot make a certificate verify
                    count(purpose) { $0.failures += 1 }
                    throw ActiveCampaignError(
                        kind: .connection, request: requestDescription,
                        message: "\(credentials.hostDescription): the TLS certificate did not verify (\(tls)); if a corporate CA re-signs "
                            + "TLS here, give its certificates with --ca-bundle PATH or SSL_CERT_FILE")
                }
                failure = Self.transportFailure(error, timeout: configuration.requestTimeout)
            case .success(let (status, headers, body)):
                logger.debug(
                    "GET", metadata: ["request": "\(requestDescription)", "status": .stringConvertible(status.code), "attempt": .stringConvertible(attempt), "ms": .stringConvertible(elapsed)])
                if (200..<300).contains(status.code) {
                    switch Self.parseBody(body, recordsKey: recordsKey) {
                    case .success(var response):
                        response.requestDescription = requestDescription
                        return response
                    case .failure(let bodyFailure):
                        failure = bodyFailure
                    }
                } else if RetryPolicy.isRetryable(status: Int(status.code)) {
                    if status.code == 429 { count(purpose) { $0.rateLimited += 1 } }
                    failure = AttemptFailure(
                        label: "\(status.code)", text: "\(status.code) \(status.reasonPhrase)", status: Int(status.code),
                        retryAfter: RetryPolicy.retryAfter(headers.first(name: "Retry-After")))
                } else {
                    count(purpose) { $0.failures += 1 }
                    throw rejection(status: status, body: body, request: requestDescription, purpose: purpose)
                }
            }
            failures.append(failure)
            if let retryAfter = failure.retryAfter, retryAfter > configuration.maxRetryAfter {
                count(purpose) { $0.failures += 1 }
                throw ActiveCampaignError(
                    kind: .retriesExhausted, status: failure.status, request: requestDescription,
                    message: redacted(
                        "\(requestDescription) failed: the server answered \(failure.text) and asked to retry after "
                            + "\(retryAfter.components.seconds) s (Retry-After), longer than the \(configuration.maxRetryAfter.components.seconds) s "
                            + "a run waits; run again later"))
            }
            guard attempt < retryPolicy.maxAttempts else { break }
            let delay = retryPolicy.delay(afterAttempt: attempt, retryAfter: failure.retryAfter)
            logger.warning(
                "retrying request",
                metadata: [
                    "request": "\(requestDescription)", "attempt": .stringConvertible(attempt), "error": "\(redacted(failure.text))",
                    "retry_in_ms": .stringConvertible(delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000),
                ])
            try await Task.sleep(for: delay)
        }
        count(purpose) { $0.failures += 1 }
        throw exhaustion(failures, request: requestDescription)
    }

    /// Same-origin redirects followed per request; more is a loop or a misconfigured proxy.
    static let maximumRedirects = 3

    /// One attempt: the response head and whole body, within the request timeout. The HTTP client follows no
    /// redirect by itself: the key goes only to the account's origin, so a redirect elsewhere ends the request
    /// with both origins named (docs/security.md).
    private func perform(_ url: String) async throws -> (HTTPResponseStatus, HTTPHeaders, ByteBuffer) {
        let deadline = NIODeadline.now() + TimeAmount(configuration.requestTimeout)
        var current = url
        for hop in 0...Self.maximumRedirects {
            var request = HTTPClientRequest(url: current)
            request.headers.add(name: "Api-Token", value: credentials.apiKey)
            request.headers.add(name: "Accept", value: "application/json")
            let response = try await httpClient.execute(request, deadline: deadline)
            let body = try await response.body.collect(upTo: Self.maximumBodyBytes)
            guard (300..<400).contains(response.status.code), response.status.code != 304,
                let location = response.headers.first(name: "Location")
            else { return (response.status, response.headers, body) }
            guard let next = URL(string: location, relativeTo: URL(string: current))?.absoluteURL,
                let origin = Credentials.origin(of: next.absoluteString), origin == credentials.accountOrigin
            else {
                let elsewhere = URL(string: location, relativeTo: URL(string: current)).flatMap { Credentials.origin(of: $0.absoluteString) }
                throw ActiveCampaignError(
                    kind: .invalidConfiguration, status: Int(response.status.code),
                    message: redacted(
                        "\(credentials.accountOrigin) redirected (\(response.status.code)) to \(elsewhere ?? "an unusable location"); the API key is "
                            + "sent only to the configured account URL, so the redirect was not followed. If the account moved, set "
                            + "ACTIVECAMPAIGN_BASE_URL to its new URL (Settings → Developer)"))
            }
            guard hop < Self.maximumRedirects else { break }
            current = next.absoluteString
        }
        throw ActiveCampaignError(
            kind: .invalidConfiguration,
            message: "\(credentials.accountOrigin) redirected more than \(Self.maximumRedirects) times; check ACTIVECAMPAIGN_BASE_URL")
    }

    /// The reason a TLS handshake failed on the certificate, if that is what `error` is.
    private static func certificateFailure(_ error: any Error) -> String? {
        guard let tls = error as? NIOSSLError else { return nil }
        switch tls {
        case .handshakeFailed(let reason): return "\(reason)"
        case .unableToValidateCertificate: return "unable to validate the certificate"
        default: return nil
        }
    }

    private static func transportFailure(_ error: any Error, timeout: Duration) -> AttemptFailure {
        if let clientError = error as? HTTPClientError,
            clientError == .deadlineExceeded || clientError == .readTimeout || clientError == .connectTimeout
        {
            return AttemptFailure(label: "timeout", text: "timed out (\(clientError)) with a limit of \(timeout)")
        }
        if error is HTTPClientError, (error as? HTTPClientError) == .remoteConnectionClosed {
            return AttemptFailure(label: "connection closed", text: "the server closed the connection")
        }
        return AttemptFailure(label: "connection error", text: connectionFailureReason(error), isConnectionFailure: true)
    }

    /// What went wrong before any HTTP response, in the system's words.
    static func connectionFailureReason(_ error: any Error) -> String {
        ConnectionFailure.reason(error, unresolvedHint: "a typo in the account name?")
    }

    /// A 2xx body must be a JSON object, and hold the records array when one is expected. Empty and truncated
    /// bodies happen (other clients report empty 200s from the API) and are retried. Elements that are not objects are
    /// kept: they count for paging, and the exporter reports and skips them.
    private static func parseBody(_ body: ByteBuffer, recordsKey: String?) -> Result<ListResponse, AttemptFailure> {
        guard body.readableBytes > 0 else {
            return .failure(AttemptFailure(label: "empty body", text: "empty 200 response body"))
        }
        let bytes = [UInt8](buffer: body)
        let skim: PageSkim
        do {
            skim = try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in try JSONScanner.skimPage(buffer, recordsKey: recordsKey) }
        } catch {
            return .failure(AttemptFailure(label: "invalid JSON", text: "\(error)"))
        }
        var ranges: [Range<Int>] = []
        if let recordsKey {
            guard case .array(let elements) = skim.records else {
                return .failure(
                    AttemptFailure(label: "missing records key", text: "the response has no '\(recordsKey)' array"))
            }
            ranges = elements
        }
        return .success(
            ListResponse(records: RawRecords(bytes: bytes, ranges: ranges), recordIDs: skim.recordIDs, total: skim.total, requestDescription: ""))
    }

    /// The error of a non-retryable status, naming the cause and the fix (docs/activecampaign-api.md#errors).
    private func rejection(status: HTTPResponseStatus, body: ByteBuffer, request: String, purpose: RequestPurpose)
        -> ActiveCampaignError
    {
        let serverText = Self.serverMessage(body)
        let said = serverText.map { " (server said: \($0))" } ?? ""
        let code = Int(status.code)
        let kind: ActiveCampaignError.Kind
        let message: String
        switch (code, purpose) {
        case (401, _), (403, .credentialCheck):
            kind = .authentication
            message = "the API key was rejected (\(code)) — check ACTIVECAMPAIGN_API_KEY (Settings → Developer)\(said)"
        case (403, .list(let endpoint)):
            // A missing permission is a 403 whose detail says e.g. "You do not have permission to view lists."
            if serverText?.lowercased().contains("permission") == true {
                kind = .permission
                message =
                    "the user of this key lacks permission to view \(endpoint.name) (403) — grant it in ActiveCampaign or leave \(endpoint.name) out\(said)"
            } else {
                kind = .authentication
                message = "the API key was rejected (403) — check ACTIVECAMPAIGN_API_KEY (Settings → Developer)\(said)"
            }
        case (404, _):
            kind = .notFound
            message =
                "wrong base URL? \(credentials.apiBase) answered 404 — expected \(Credentials.expectedBaseURLShape)\(said)"
        case (402, _):
            kind = .paymentRequired
            message = "the ActiveCampaign account has a payment issue (402) — check its billing\(said)"
        default:
            kind = .rejectedRequest
            message = "the API rejected the request with \(code) \(status.reasonPhrase)\(said)"
        }
        return ActiveCampaignError(
            kind: kind, status: code, request: request, message: redacted("\(request): \(message)"))
    }

    /// The error after the last attempt: the last failure and a tally of all of them.
    private func exhaustion(_ failures: [AttemptFailure], request: String) -> ActiveCampaignError {
        var labels: [String] = []
        var counts: [String: Int] = [:]
        for failure in failures {
            if counts[failure.label] == nil { labels.append(failure.label) }
            counts[failure.label, default: 0] += 1
        }
        let tally = labels.map { "\($0) ×\(counts[$0]!)" }.joined(separator: ", ")
        let last = failures.last!
        let attempts = failures.count == 1 ? "1 attempt" : "\(failures.count) attempts"
        if failures.allSatisfy(\.isConnectionFailure) {
            let message = "\(request): could not reach \(credentials.hostDescription) (\(attempts)): \(last.text); "
                + "check ACTIVECAMPAIGN_BASE_URL (expected \(Credentials.expectedBaseURLShape)) and the network"
            return ActiveCampaignError(kind: .connection, request: request, message: redacted(message))
        }
        var message = "\(request) failed after \(attempts): last error \(last.text) (\(tally))"
        if failures.allSatisfy({ $0.status == 429 }) {
            // The account's 5 requests/s are shared with every other client of it: ours must ask for less.
            let elapsed = ContinuousClock.now - createdAt
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let observed = seconds > 0 ? Double(statistics.requests) / seconds : 0
            message += String(
                format: " — the account kept answering 429 (too many requests) while this run made %.1f requests/s; other clients share "
                    + "its limit of 5/s: run again with a lower --rate-limit (e.g. %.1f)", observed, max(0.5, (min(observed, configuration.requestsPerSecond) / 2).rounded(.down)))
        }
        return ActiveCampaignError(kind: .retriesExhausted, status: last.status, request: request, message: redacted(message))
    }

    /// The message of an error body, if it is JSON (`APIErrorBody`).
    private static func serverMessage(_ body: ByteBuffer) -> String? {
        guard body.readableBytes > 0,
            case .object(let root)? = try? body.withUnsafeReadableBytes({ try JSONParser.parse($0) })
        else { return nil }
        return APIErrorBody.message(of: root)
    }

    /// Whatever a server or library echoes, the API key never leaves in a message.
    func redacted(_ text: String) -> String {
        Self.redacting(credentials.apiKey, in: text)
    }

    /// `text` with every occurrence of `key` replaced. A key too short to be a real one (the API's are 72
    /// characters) is replaced only where it stands alone, not inside a longer word: a test key "k" must not turn
    /// "check" into "chec<redacted>".
    static func redacting(_ key: String, in text: String) -> String {
        guard !key.isEmpty, text.contains(key) else { return text }
        guard key.count < 16 else { return text.replacingOccurrences(of: key, with: "<redacted>") }
        func isWordCharacter(_ c: Character?) -> Bool { c.map { $0.isLetter || $0.isNumber } ?? false }
        var result = ""
        var rest = Substring(text)
        while let range = rest.range(of: key) {
            let before = range.lowerBound > text.startIndex ? text[text.index(before: range.lowerBound)] : nil
            let after = range.upperBound < text.endIndex ? text[range.upperBound] : nil
            result += rest[..<range.lowerBound]
            result += isWordCharacter(before) || isWordCharacter(after) ? String(rest[range]) : "<redacted>"
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
