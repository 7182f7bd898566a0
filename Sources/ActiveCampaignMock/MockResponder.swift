import Foundation
import Hummingbird

/// Answers every request of a `MockServer`: auth, rate limit, latency, injected faults, routing, paging,
/// filters, truncation, mutations, and the request log, in that order.
struct MockResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let server: MockServer

    static let apiTokenHeader = HTTPFields.Element.Name("Api-Token")!
    static let rateLimitLimitHeader = HTTPFields.Element.Name("RateLimit-Limit")!
    static let rateLimitRemainingHeader = HTTPFields.Element.Name("RateLimit-Remaining")!

    func respond(to request: Request, context: Context) async throws -> Response {
        let clock = ContinuousClock()
        let started = clock.now
        let startMilliseconds = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        let inFlight = server.state.withLock { state in
            defer { state.inFlight += 1 }
            return state.inFlight
        }
        let (response, page) = await answer(request, startedAt: started)
        server.state.withLock { $0.inFlight -= 1 }
        if let log = server.requestLog {
            let elapsed = clock.now - started
            let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            log.record(
                startMilliseconds: startMilliseconds, path: request.uri.path,
                query: masked(request.uri.query ?? ""), status: response.status.code,
                durationMilliseconds: milliseconds, inFlight: inFlight, page: page)
        }
        return response
    }

    /// The key never reaches the log, even if a client put it into the query string.
    private func masked(_ query: String) -> String {
        let key = server.configuration.apiKey
        return key.isEmpty ? query : query.replacingOccurrences(of: key, with: "***")
    }

    /// The response, and what a list page served: its `meta.total` and number of records (for the request log).
    private func answer(_ request: Request, startedAt started: ContinuousClock.Instant) async -> (Response, ServedPage?) {
        let configuration = server.configuration
        // A missing or wrong Api-Token is a 403 with an errors body, as on the API
        guard request.headers[Self.apiTokenHeader] == configuration.apiKey else {
            return (Self.error(403, title: "Forbidden", detail: "The API token is missing or invalid."), nil)
        }
        if configuration.rateLimit != nil {
            let decision = server.state.withLock { $0.limiter!.admit(at: started) }
            if !decision.admitted { return (rateLimited(), nil) }
        }
        if configuration.latency > .zero {
            try? await Task.sleep(for: configuration.latency)
        }
        let (failure, truncation) = server.state.withLock { state in
            let fails = configuration.failRate > 0 && state.random.chance(configuration.failRate)
            let status = [500, 502, 503][state.random.below(3)]
            let truncates = configuration.truncateRate > 0 && state.random.chance(configuration.truncateRate)
            return (fails ? status : nil, truncates ? 0.25 + Double(state.random.below(50)) / 100 : nil)
        }
        if let failure { return (Self.serverError(failure), nil) }
        if !configuration.faults.isEmpty, let path = Self.listPath(request.uri.path),
            let fault = server.state.withLock({ $0.fault(for: path, rules: configuration.faults) })
        {
            return faultResponse(fault, request)
        }

        let (status, body, page) = route(request)
        if let truncation, status == 200, body.readableBytes > 1 {
            let cut = max(1, min(body.readableBytes - 1, Int(Double(body.readableBytes) * truncation)))
            return (Self.json(200, body.getSlice(at: body.readerIndex, length: cut)!), nil)
        }
        return (Self.json(status, body), page)
    }

    /// The list path (`contacts`, `dealStages`, ...) of a request to one of the mock's list endpoints.
    static func listPath(_ path: String) -> String? {
        guard path.hasPrefix("/api/3/") else { return nil }
        let resource = path.dropFirst("/api/3/".count).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        return MockEndpoint(rawValue: resource)?.rawValue
    }

    /// The answer of a scripted fault; the body-breaking faults break the page the request would have got.
    private func faultResponse(_ fault: MockFault, _ request: Request) -> (Response, ServedPage?) {
        switch fault {
        case .emptyPage, .totalOff:
            let (status, body, page) = route(request, fault: fault)
            return (Self.json(status, body), page)
        default:
            return (brokenResponse(fault, request), nil)
        }
    }

    private func brokenResponse(_ fault: MockFault, _ request: Request) -> Response {
        switch fault {
        case .emptyPage, .totalOff:
            preconditionFailure("a well-formed page, answered by faultResponse")
        case .status(let code, let retryAfter):
            var response =
                code == 429
                ? Self.error(429, title: "Too Many Requests", detail: "Rate limit exceeded. Try again later.")
                : (500...599).contains(code) ? Self.serverError(code) : Self.error(code, title: "Error", detail: "Injected status \(code).")
            if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
            return response
        case .nonJSONBody:
            var headers = HTTPFields()
            headers[.contentType] = "text/html"
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(string: "<html><body><h1>Scheduled maintenance</h1></body></html>\n")))
        case .emptyBody:
            return Self.json(200, [])
        case .missingRecordsKey:
            return Self.json(200, Array("{\"meta\":{\"total\":\"0\"}}".utf8))
        case .truncatedBody:
            let body = route(request).body
            return Self.json(200, body.getSlice(at: body.readerIndex, length: body.readableBytes / 2)!)
        case .stall(let seconds):
            let body = route(request).body
            return Self.streamed(body) { writer in
                try await writer.write(body.getSlice(at: body.readerIndex + body.readableBytes / 2, length: body.readableBytes - body.readableBytes / 2)!)
                try await writer.finish(nil)
            } afterHalf: {
                try await Task.sleep(for: .seconds(seconds))
            }
        case .connectionReset:
            let body = route(request).body
            return Self.streamed(body) { _ in
                throw MockConnectionReset()
            } afterHalf: {}
        }
    }

    /// A 200 whose announced length is the whole body: the first half is sent, `afterHalf` runs, then `rest`.
    private static func streamed(
        _ body: ByteBuffer, rest: @escaping @Sendable (inout any ResponseBodyWriter) async throws -> Void,
        afterHalf: @escaping @Sendable () async throws -> Void
    ) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody(contentLength: body.readableBytes) { writer in
                try await writer.write(body.getSlice(at: body.readerIndex, length: body.readableBytes / 2)!)
                try await afterHalf()
                try await rest(&writer)
            })
    }

    /// Status and JSON body of a request that passed auth, rate limit and fault injection; for a list page, what it
    /// served. `fault`: a page that lies (`MockFault.emptyPage`, `.totalOff`). Bodies are `ByteBuffer`s, so that a cached
    /// page is sent as it is, without a copy per request.
    private func route(_ request: Request, fault: MockFault? = nil) -> (status: Int, body: ByteBuffer, page: ServedPage?) {
        let path = request.uri.path
        guard path == "/api/3" || path.hasPrefix("/api/3/") else { return notFound(path) }
        var resource = Substring(path.dropFirst("/api/3".count))
        while resource.hasPrefix("/") { resource = resource.dropFirst() }
        while resource.hasSuffix("/") { resource = resource.dropLast() }
        if resource.isEmpty {
            return (200, ByteBuffer(string: "{}"), nil)  // the token check some clients do first (GET /api/3/)
        }
        if resource == "users/me" {
            var writer = JSONWriter()
            writer.beginObject()
            writer.key("user")
            server.dataset.writeUser(index: 0, into: &writer)
            writer.endObject()
            return (200, ByteBuffer(bytes: writer.bytes), nil)
        }
        if let slash = resource.firstIndex(of: "/"), let endpoint = MockEndpoint(rawValue: String(resource[..<slash])), endpoint.isMutable,
           let id = Int(resource[resource.index(after: slash)...]) {
            return singleRecord(endpoint, id: id)
        }
        guard let endpoint = MockEndpoint(rawValue: String(resource)) else { return notFound(path) }
        if server.configuration.forbiddenPaths.contains(endpoint.rawValue) {
            return (403, ByteBuffer(bytes: Self.errorBody(403, title: "Forbidden", detail: "You do not have permission to view \(endpoint.rawValue).")), nil)
        }
        let caches = server.configuration.cachesPages && server.configuration.mutate == 0 && fault == nil
        let query = MockQuery(request.uri.query)
        let cacheKey = caches ? pageCacheKey(resource: resource, query: query) : ""
        if caches, let cached = server.pageCache.withLock({ $0[cacheKey] }) { return (200, cached.body, cached.page) }
        let (bytes, page) = listPage(endpoint, query: query, fault: fault)
        let body = ByteBuffer(bytes: bytes)
        if caches { server.pageCache.withLock { $0[cacheKey] = (body, page) } }
        return (200, body, page)
    }

    /// The page's parameters as decoded, without an `updated_before` later than every record's update time: an
    /// incremental run sends its own start time there, which changes from run to run and selects the same records.
    /// (Only `--mutate` moves update times past the dataset's `now`, and it turns the cache off.)
    private func pageCacheKey(resource: Substring, query: MockQuery) -> String {
        var values = query.values
        if let before = values["filters[updated_before]"].flatMap(FilterDate.parse), before > server.dataset.nowSeconds {
            values["filters[updated_before]"] = nil
        }
        return values.sorted { $0.key < $1.key }.reduce(into: String(resource)) { $0 += "&\($1.key)=\($1.value)" }
    }

    /// `GET /api/3/contacts/<id>` or `deals/<id>`: `{"contact": {...}}`, or the API's 404 for a record that is gone.
    private func singleRecord(_ endpoint: MockEndpoint, id: Int) -> (status: Int, body: ByteBuffer, page: ServedPage?) {
        let row = server.state.withLock { $0[endpoint].row(id: id) }
        let noun = endpoint == .contacts ? "Contact" : "Deal"
        guard let row else {
            return (404, ByteBuffer(string: "{\"message\":\"No Result found for \(noun) with id \(id)\"}"), nil)
        }
        var writer = JSONWriter(capacity: 4096)
        writer.beginObject()
        writer.key(text: noun.lowercased())
        server.dataset.writeRecord(endpoint, index: row.index, times: row.times, into: &writer)
        writer.endObject()
        return (200, ByteBuffer(bytes: writer.bytes), nil)
    }

    /// As on the API: limit defaults to 20 and is capped at 100; offset is zero-based.
    private func listPage(_ endpoint: MockEndpoint, query: MockQuery, fault: MockFault?) -> ([UInt8], ServedPage) {
        let requestedLimit = query.integer("limit") ?? 20
        let limit = requestedLimit < 1 ? 20 : min(100, requestedLimit)
        let offset = max(0, query.integer("offset") ?? 0)
        let dataset = server.dataset
        var rows: [MockPageRow]
        var total: Int
        if endpoint.isMutable {
            let filter = RecordFilter(query: query)
            // id_greater exists only on /contacts
            let idGreater = endpoint == .contacts ? max(0, query.integer("id_greater") ?? 0) : 0
            (rows, total) = server.state.withLock {
                $0[endpoint].page(filter: filter, idGreater: idGreater, offset: offset, limit: limit, dataset: dataset)
            }
        } else {
            var indexes = 0..<dataset.count(of: endpoint)
            if endpoint == .dealStages, let group = query.integer("filters[d_groupid]") {
                // filters[d_groupid] scopes stages to one pipeline
                indexes =
                    (1...MockDataset.stagesPerGroup.count).contains(group)
                    ? dataset.stageIndexes(ofGroupIndex: group - 1) : 0..<0
            }
            total = indexes.count
            let first = min(indexes.upperBound, indexes.lowerBound + offset)
            rows = (first..<min(indexes.upperBound, first + limit)).map { MockPageRow(index: $0, times: nil) }
        }
        switch fault {
        case .emptyPage?: rows = []
        case .totalOff(let by)?: total += by
        default: break
        }
        var writer = JSONWriter(capacity: rows.count * 2600 + 1024)
        dataset.writePage(
            endpoint, rows: rows, total: total, query: MockPageQuery(limit: limit, offset: offset),
            currencies: endpoint == .deals ? server.dealCurrencies : [], into: &writer)
        if endpoint.isMutable, server.configuration.mutate > 0 {
            let now = max(Int64(Date().timeIntervalSince1970), dataset.nowSeconds)
            server.state.withLock { $0.mutate(endpoint, count: server.configuration.mutate, now: now, dataset: dataset) }
        }
        return (writer.bytes, ServedPage(total: total, records: rows.count))
    }

    // MARK: Responses

    static func json(_ status: Int, _ body: ByteBuffer) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: HTTPResponse.Status(code: status), headers: headers, body: ResponseBody(byteBuffer: body))
    }

    static func json(_ status: Int, _ body: [UInt8]) -> Response {
        json(status, ByteBuffer(bytes: body))
    }

    /// The API's error body: `{"errors":[{"status":403,"title":"Forbidden","detail":"..."}]}`
    static func error(_ status: Int, title: String, detail: String) -> Response {
        json(status, errorBody(status, title: title, detail: detail))
    }

    static func errorBody(_ status: Int, title: String, detail: String) -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.key("errors")
        writer.beginArray()
        writer.beginObject()
        writer.key("status")
        writer.int(status)
        writer.field("title", title)
        writer.field("detail", detail)
        writer.endObject()
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    /// The API's 404 carries the errors shape without a status member.
    private func notFound(_ path: String) -> (Int, ByteBuffer, ServedPage?) {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.key("errors")
        writer.beginArray()
        writer.beginObject()
        writer.field("title", "Not Found")
        writer.field("detail", "No Result found for route \(path)")
        writer.endObject()
        writer.endArray()
        writer.endObject()
        return (404, ByteBuffer(bytes: writer.bytes), nil)
    }

    private func rateLimited() -> Response {
        var response = Self.error(429, title: "Too Many Requests", detail: "Rate limit exceeded. Try again later.")
        response.headers[.retryAfter] = String(server.configuration.retryAfterSeconds)
        response.headers[Self.rateLimitLimitHeader] = String(server.configuration.rateLimit ?? 0)
        response.headers[Self.rateLimitRemainingHeader] = "0"
        return response
    }

    /// Live accounts answer sporadic 502/503 from a proxy (so HTML); a 500 comes from the app as JSON.
    static func serverError(_ status: Int) -> Response {
        if status == 500 {
            return json(500, Array("{\"message\":\"Internal Server Error\"}".utf8))
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/html"
        let title = status == 502 ? "502 Bad Gateway" : "503 Service Temporarily Unavailable"
        let body = "<html>\r\n<head><title>\(title)</title></head>\r\n<body>\r\n<center><h1>\(title)</h1></center>\r\n</body>\r\n</html>\r\n"
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
