import ActiveCampaign
import ActiveCampaignMock
import Foundation
import Testing
import JSON

extension ClientAgainstMockTests {
    @Suite("Client under rate limits and faults")
    struct ClientResilienceTests {
        @Test(.timeLimit(.minutes(1)))
        func respectsTheRateLimitAndSurvivesFaults() async throws {
            let logPath = FileManager.default.temporaryDirectory.appendingPathComponent("ac-client-\(UUID()).jsonl").path
            defer { try? FileManager.default.removeItem(atPath: logPath) }
            let mock = MockConfiguration(
                seed: 3, contacts: 650, deals: 320, rateLimit: 5, failRate: 0.05, truncateRate: 0.02,
                latency: .milliseconds(30), logPath: logPath)
            let configuration = {
                var configuration = ClientConfiguration()  // default 4/s and 3 in flight: what is under test
                configuration.backoffBase = .milliseconds(50)
                configuration.backoffCap = .milliseconds(400)
                return configuration
            }()
            let endpoints = ["contacts", "deals", "lists", "tags", "users", "deal_stages"].map { Endpoint.named($0)! }
            let statistics = try await withMockServer(mock) { baseURL, server in
                try await withClient(baseURL: baseURL, configuration: configuration) { client in
                    // Several endpoints at once share the one limiter, as in a real run.
                    let fetched = try await withThrowingTaskGroup(of: (Endpoint, [JSONObject]).self) { group in
                        for endpoint in endpoints {
                            group.addTask { (endpoint, try await fetchAll(client, endpoint)) }
                        }
                        return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
                    }
                    for endpoint in endpoints {
                        let ids = fetched[endpoint]!.compactMap(recordID)
                        #expect(Set(ids).count == ids.count, "\(endpoint.name) has duplicates")
                        let expected = try mockRecords(server, path: endpoint.path).compactMap(recordID)
                        #expect(Set(ids) == Set(expected), "\(endpoint.name)")
                    }
                    return client.statistics
                }
            }
            let log = try MockLogLine.read(logPath)
            #expect(log.count == statistics.requests)
            #expect(statistics.retries > 0, "the faults were not exercised")
            let sorted = log.sorted { $0.startMilliseconds < $1.startMilliseconds }
            var busiest: ArraySlice<MockLogLine> = []
            for index in sorted.indices {
                let window = sorted[index...].prefix { $0.startMilliseconds < sorted[index].startMilliseconds + 1000 }
                if window.count > busiest.count { busiest = window }
            }
            #expect(busiest.count <= 4, "\(busiest.count) requests started within one second: \(busiest.map { "\($0.time) \($0.path)?\($0.query) \($0.status)" })")
            #expect(log.allSatisfy { $0.in_flight + 1 <= 3 }, "more than 3 requests in flight")
            #expect(log.filter { $0.status == 429 }.count == statistics.rateLimited)
        }

        @Test func reportsEveryAttemptWhenRetriesRunOut() async throws {
            let configuration = {
                var configuration = fastClientConfiguration()
                configuration.maxAttempts = 3
                return configuration
            }()
            try await withMockServer(MockConfiguration(failRate: 1)) { baseURL, _ in
                try await withClient(baseURL: baseURL, configuration: configuration) { client in
                    let error = await #expect(throws: ActiveCampaignError.self) {
                        _ = try await fetchAll(client, Endpoint.named("tags")!)
                    }
                    #expect(error?.kind == .retriesExhausted)
                    #expect(error?.description.hasPrefix("GET /api/3/tags?limit=100&offset=0 failed after 3 attempts: last error 50") == true)
                    #expect(error?.description.contains("×") == true, "\(String(describing: error))")
                    #expect(client.statistics == {
                        var expected = RequestStatistics()
                        expected.requests = 3
                        expected.retries = 2
                        expected.failures = 1
                        return expected
                    }())
                }
            }
        }

        @Test func retriesA429AfterItsRetryAfter() async throws {
            let configuration = {
                var configuration = fastClientConfiguration()
                configuration.requestsPerSecond = 50
                return configuration
            }()
            try await withMockServer(MockConfiguration(contacts: 10, rateLimit: 1, retryAfterSeconds: 1)) { baseURL, _ in
                try await withClient(baseURL: baseURL, configuration: configuration) { client in
                    async let first = fetchAll(client, Endpoint.named("users")!)
                    async let second = fetchAll(client, Endpoint.named("tags")!)
                    _ = try await (first, second)
                    #expect(client.statistics.rateLimited >= 1)
                }
            }
        }

        @Test func cancellationStopsPromptly() async throws {
            try await withMockServer(MockConfiguration(contacts: 5_000, latency: .milliseconds(200))) { baseURL, _ in
                try await withClient(baseURL: baseURL) { client in
                    let task = Task { try await fetchAll(client, Endpoint.named("contacts")!) }
                    try await Task.sleep(for: .milliseconds(300))
                    let clock = ContinuousClock()
                    let started = clock.now
                    task.cancel()
                    let result = await task.result
                    #expect(clock.now - started < .seconds(1))
                    #expect(throws: (any Error).self) { try result.get() }
                }
            }
        }
    }
}
