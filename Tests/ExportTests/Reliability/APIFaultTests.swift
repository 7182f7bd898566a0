import ActiveCampaignMock
@testable import Export
import Foundation
import Testing

/// The CLI against a mock that misbehaves (README.md, section 'Reliability'): each case either completes with every record
/// exactly once, or fails the affected endpoint with a clear message while the others finish.
@Suite(.serialized) struct APIFaultTests {
    /// Records the mock serves per endpoint in these cases; contacts need several pages.
    static func account(seed: UInt64, faults: [MockFaultRule] = [], totalStyle: MockTotalStyle = .asAPI) -> MockConfiguration {
        MockConfiguration(seed: seed, contacts: 1_200, deals: 300, faults: faults, totalStyle: totalStyle)
    }

    static var tries: Int { StressScale.count(fast: 1, stress: 3) }

    /// A 429 storm at the start of two endpoints, each request answered 429 four times (one short of the retry
    /// budget): with `Retry-After: 0` the client must not spin (a floor applies), with 2 it must wait 2 s.
    @Test(arguments: [0, 2])
    func rateLimitStormsAreWaitedOut(retryAfter: Int) async throws {
        let faults = ["contacts", "deals"].map { MockFaultRule(path: $0, requests: 0..<4, fault: .status(429, retryAfter: retryAfter)) }
        let total = try await ExportScenario.repeated(
            "429 storm, Retry-After \(retryAfter)", tries: Self.tries, mock: { Self.account(seed: 20 + UInt64($0), faults: faults) }
        ) { scenario in
                let endpoints = ["contacts", "deals", "tags"]
                let outcome = try await scenario.run(scenario.runArguments(endpoints))
                #expect(outcome.status == 0, "\(outcome.combined)")
                let requests = try scenario.requests()
                for path in ["/api/3/contacts", "/api/3/deals"] {
                    let storm = requests.filter { $0.path == path }.prefix(5)
                    #expect(storm.prefix(4).allSatisfy { $0.status == 429 } && storm.last?.status == 200, "\(path): \(storm.map(\.status))")
                    let gaps = zip(storm.dropFirst(), storm).map { $0.time - $1.time }
                    let floor = max(Double(retryAfter), 0.25) - 0.05
                    #expect(gaps.allSatisfy { $0 >= floor }, "\(path): retried after \(gaps) s, Retry-After \(retryAfter) (floor 0.25 s)")
                }
                #expect(outcome.stdout.contains("429"), "the summary counts 429s")
                try scenario.checkValues(endpoints)
                let tally = try await scenario.tally(endpoints)
                #expect(tally.isExactlyOnce, "\(tally.summary)")
                return tally
        }
        #expect(total.isExactlyOnce)
    }

    /// A `Retry-After` of an hour: the run does not sleep for an hour; that endpoint fails saying why, the
    /// others finish, and the next run completes it.
    @Test func anHourLongRetryAfterFailsTheEndpointInsteadOfHangingTheRun() async throws {
        let faults = [MockFaultRule(path: "tags", requests: 0..<1, fault: .status(429, retryAfter: 3600))]
        try await ExportScenario.with("429 with Retry-After 3600", mock: Self.account(seed: 24, faults: faults)) { scenario in
            let endpoints = ["contacts", "tags", "users"]
            let started = ContinuousClock.now
            let first = try await scenario.run(scenario.runArguments(endpoints))
            #expect(ContinuousClock.now - started < .seconds(60), "the run waited on a Retry-After of an hour")
            #expect(first.status == 1)
            #expect(first.combined.contains("Retry-After") && first.combined.contains("tags"), "\(first.combined)")
            try scenario.expectWatermarksHonest(before: nil, failed: ["tags"])
            let second = try await scenario.run(scenario.runArguments(endpoints))
            #expect(second.status == 0, "\(second.combined)")
            let tally = try await scenario.tally(endpoints)
            #expect(tally.isExactlyOnce, "\(tally.summary)")
            scenario.record(tries: 1, tally: tally)
        }
    }

    /// 503 on every attempt of one endpoint's first request (the whole retry budget): that endpoint fails with a
    /// message naming it and the attempts, the others finish, nothing of it is committed, and the next run
    /// completes it.
    @Test func aServerErrorBurstLongerThanTheRetryBudgetFailsOneEndpointOnly() async throws {
        let faults = [MockFaultRule(path: "deals", requests: 0..<5, fault: .status(503))]
        let total = try await ExportScenario.repeated(
            "5xx burst beyond the retry budget (deals)", tries: Self.tries, note: "run 1 fails deals only; run 2 completes",
            mock: { Self.account(seed: 30 + UInt64($0), faults: faults) }
        ) { scenario in
                let endpoints = ["contacts", "deals", "users"]
                let first = try await scenario.run(scenario.runArguments(endpoints))
                #expect(first.status == 1, "\(first.combined)")
                #expect(first.combined.contains("deals") && first.combined.contains("failed after 5 attempts"), "\(first.combined)")
                let afterFirst = try scenario.manifest()
                #expect(afterFirst.endpoints["deals"]?.files.isEmpty ?? true, "a failed endpoint committed files")
                #expect(afterFirst.endpoints["deals"]?.watermark == nil, "a failed endpoint moved its watermark")
                let finished = try await scenario.tally(["contacts", "users"])
                #expect(finished.isExactlyOnce, "the other endpoints must finish: \(finished.summary)")
                let second = try await scenario.run(scenario.runArguments(endpoints))
                #expect(second.status == 0, "\(second.combined)")
                try scenario.checkValues(endpoints)
                let tally = try await scenario.tally(endpoints)
                #expect(tally.isExactlyOnce, "\(tally.summary)")
                return tally
        }
        #expect(total.isExactlyOnce)
    }

    /// 403 on one endpoint (the key's user lacks the permission): it fails with a message that says so; the
    /// others finish.
    @Test func aForbiddenEndpointFailsAloneWithThePermissionNamed() async throws {
        var mock = Self.account(seed: 40)
        mock.forbiddenPaths = ["lists"]
        try await ExportScenario.with("403 on one endpoint (lists)", mock: mock) { scenario in
            let outcome = try await scenario.run(scenario.runArguments(["contacts", "lists", "tags"]))
            #expect(outcome.status == 1)
            #expect(outcome.combined.contains("lacks permission to view lists"), "\(outcome.combined)")
            #expect(!FileManager.default.fileExists(atPath: scenario.lake + "/lists"))
            let tally = try await scenario.tally(["contacts", "tags"])
            #expect(tally.isExactlyOnce, "\(tally.summary)")
            scenario.record(tries: 1, tally: tally, note: "lists refused (403), as intended")
        }
    }

    static let brokenBodies: [(String, MockFault)] = [
        ("non-JSON 200", .nonJSONBody), ("empty 200", .emptyBody), ("records key missing", .missingRecordsKey),
        ("truncated 200", .truncatedBody), ("connection reset mid-body", .connectionReset), ("stall mid-body", .stall(seconds: 4)),
    ]

    /// Broken 200 answers on the first two requests of contacts and on the second and third of tags (so the
    /// fault also lands after a first page): retried, and the run completes exactly once.
    @Test(arguments: brokenBodies)
    func brokenOKBodiesAreRetried(label: String, fault: MockFault) async throws {
        let faults = [MockFaultRule(path: "contacts", requests: 0..<2, fault: fault), MockFaultRule(path: "tags", requests: 1..<3, fault: fault)]
        let total = try await ExportScenario.repeated(label, tries: Self.tries, mock: { attempt in
            var mock = Self.account(seed: 50 + UInt64(attempt), faults: faults)
            mock.contacts = 450
            return mock
        }) { scenario in
                let endpoints = ["contacts", "tags"]
                // A stall outlasts the 1 s request timeout: the attempt times out and is retried.
                let started = ContinuousClock.now
                let outcome = try await scenario.run(scenario.runArguments(endpoints, ["--request-timeout", "1"]))
                #expect(outcome.status == 0, "\(label): \(outcome.combined)")
                #expect(ContinuousClock.now - started < .seconds(90))
                let faulted = try scenario.requests().filter { $0.path == "/api/3/contacts" }.count
                #expect(faulted >= 3, "\(label): the fault was not served")
                try scenario.checkValues(endpoints)
                let tally = try await scenario.tally(endpoints)
                #expect(tally.isExactlyOnce, "\(label): \(tally.summary)")
                return tally
        }
        #expect(total.isExactlyOnce)
    }

    /// `meta.total` as a string, as a number, or absent on every endpoint: a hint only, the export is complete.
    @Test(arguments: [MockTotalStyle.string, .number, .absent])
    func metaTotalInAnyShapeIsOnlyAHint(style: MockTotalStyle) async throws {
        try await ExportScenario.with("meta.total \(style.rawValue)", mock: Self.account(seed: 60, totalStyle: style)) { scenario in
            let endpoints = ["contacts", "deals", "tags", "deal_stages", "notes"]
            let outcome = try await scenario.run(scenario.runArguments(endpoints))
            #expect(outcome.status == 0, "\(outcome.combined)")
            try scenario.checkValues(endpoints)
            let tally = try await scenario.tally(endpoints)
            #expect(tally.isExactlyOnce, "\(style): \(tally.summary)")
            scenario.record(tries: 1, tally: tally)
        }
    }
}
