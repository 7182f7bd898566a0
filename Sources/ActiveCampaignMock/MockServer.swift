import Foundation
import Hummingbird
import Logging
import Synchronization

/// A local HTTP server that behaves like the ActiveCampaign API v3 read side: synthetic data from `MockDataset`,
/// the API's auth, paging and filter rules, and faults on demand (docs/activecampaign-api.md#what-the-mock-reproduces).
public final class MockServer: Sendable {
    public let configuration: MockConfiguration
    public let dataset: MockDataset
    let state: Mutex<MockServerState>
    let requestLog: RequestLog?
    /// Deals' `meta.currencies`, summed once over the generated deals (not re-filtered per request).
    let dealCurrencies: [MockCurrencyTotal]
    /// List pages already written, by request target (`MockConfiguration.cachesPages`).
    let pageCache = Mutex<[String: (body: ByteBuffer, page: ServedPage)]>([:])

    public init(configuration: MockConfiguration) {
        self.configuration = configuration
        let dataset = MockDataset(configuration: configuration)
        self.dataset = dataset
        state = Mutex(
            MockServerState(
                contacts: MutableRecordSet(endpoint: .contacts, count: dataset.count(of: .contacts)),
                deals: MutableRecordSet(endpoint: .deals, count: dataset.count(of: .deals)),
                limiter: configuration.rateLimit.map(SlidingWindowRateLimiter.init(limit:)),
                random: SplitMix64(seed: configuration.seed ^ 0x5EED_FA17)))
        dealCurrencies = dataset.dealCurrencies(
            rows: (0..<dataset.count(of: .deals)).lazy.map { MockPageRow(index: $0, times: nil) })
        do {
            requestLog = try configuration.logPath.map(RequestLog.init(path:))
        } catch {
            // init cannot throw (public API), so say loudly that the log is off rather than fail later.
            Logger(label: "ac-export.mock").error(
                "Cannot open the request log; requests will not be logged",
                metadata: ["path": "\(configuration.logPath ?? "")", "error": "\(error)"])
            requestLog = nil
        }
    }

    /// Serves until the surrounding task is cancelled; `onListening` receives the bound port.
    public func run(onListening: @escaping @Sendable (Int) async -> Void) async throws {
        var logger = Logger(label: "ac-export.mock")
        // Hummingbird logs the normal stop on cancellation ("Waiting on child channel: CancellationError") as an error.
        logger.logLevel = .critical
        let app = Application(
            responder: MockResponder(server: self),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await app.run()
    }

    /// Deletes contacts or deals (`path`), as a user deleting them in the account would.
    public func delete(path: String, ids: [Int]) {
        guard let endpoint = MockEndpoint(rawValue: path), endpoint.isMutable else { return }
        state.withLock { state in
            for id in ids { state[endpoint].delete(id: id) }
        }
        pageCache.withLock { $0.removeAll() }
    }

    /// Records as currently in the (mutated) store, serialized as served, in id order.
    public func currentRecords(path: String) -> [[UInt8]] {
        guard let endpoint = MockEndpoint(rawValue: path) else { return [] }
        let rows: [MockPageRow] =
            if endpoint.isMutable {
                state.withLock { $0[endpoint].allRows() }
            } else {
                (0..<dataset.count(of: endpoint)).map { MockPageRow(index: $0, times: nil) }
            }
        return rows.map { row in
            var writer = JSONWriter(capacity: 2600)
            dataset.writeRecord(endpoint, index: row.index, times: row.times, into: &writer)
            return writer.bytes
        }
    }
}

/// Starts a mock server in a child task, runs `body` with its base URL (`http://127.0.0.1:PORT`, without
/// `/api/3`), then stops the server.
public func withMockServer<T: Sendable>(
    _ configuration: MockConfiguration,
    _ body: @Sendable (_ baseURL: String, _ server: MockServer) async throws -> T
) async throws -> T {
    let server = MockServer(configuration: configuration)
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { portContinuation.finish() }
            try await server.run { port in portContinuation.yield(port) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            // The server stopped before listening: surface its error.
            try await group.next()
            throw MockServerError.didNotStart
        }
        do {
            let result = try await body("http://\(configuration.host):\(port)", server)
            group.cancelAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}

/// Errors of the mock itself (not of the simulated API).
public enum MockServerError: Error, CustomStringConvertible {
    case didNotStart

    public var description: String {
        switch self {
        case .didNotStart: "The mock server stopped before it was listening; check host and port in MockConfiguration."
        }
    }
}
