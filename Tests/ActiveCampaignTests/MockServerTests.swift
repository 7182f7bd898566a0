import ActiveCampaignMock
import Foundation
import Testing

@Suite("Mock server over HTTP")
struct MockServerTests {
    static let fixedNow = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

    func configuration(contacts: Int = 500, deals: Int = 120) -> MockConfiguration {
        MockConfiguration(seed: 7, contacts: contacts, deals: deals, now: Self.fixedNow)
    }

    @Test func wrongOrMissingKeyIs403() async throws {
        try await withMockServer(configuration()) { base, _ in
            for key in ["nope", nil] as [String?] {
                let reply = try await mockGET("\(base)/api/3/contacts", key: key)
                #expect(reply.status == 403)
                let errors = try #require(try reply.json()["errors"] as? [[String: Any]])
                #expect(errors.first?["title"] as? String == "Forbidden")
                #expect(errors.first?["status"] as? Int == 403)
            }
            #expect(try await mockGET("\(base)/api/3/").status == 200)
            let me = try await mockGET("\(base)/api/3/users/me").json()
            #expect((me["user"] as? [String: Any])?["id"] as? String == "1")
            let missing = try await mockGET("\(base)/api/3/nothing")
            #expect(missing.status == 404)
            let missingErrors = try missing.json()["errors"] as? [[String: Any]]
            #expect(missingErrors?.first?["title"] as? String == "Not Found")
        }
    }

    @Test func limitDefaultsTo20AndIsCappedAt100() async throws {
        try await withMockServer(configuration()) { base, _ in
            let defaultPage = try await mockGET("\(base)/api/3/contacts").json()
            #expect(mockIDs(defaultPage, key: "contacts").count == 20)
            let cappedPage = try await mockGET("\(base)/api/3/contacts?limit=500").json()
            #expect(mockIDs(cappedPage, key: "contacts").count == 100)
        }
    }

    @Test func offsetPagingCoversEveryIDOnce() async throws {
        try await withMockServer(configuration(contacts: 250)) { base, _ in
            var seen: [Int] = []
            var offset = 0
            while true {
                let page = try await mockGET("\(base)/api/3/contacts?limit=100&offset=\(offset)").json()
                let ids = mockIDs(page, key: "contacts")
                seen += ids
                #expect((page["meta"] as? [String: Any])?["total"] as? String == "250")
                if ids.count < 100 { break }
                offset += 100
            }
            #expect(seen == Array(1...250))
        }
    }

    @Test func idGreaterWithOrdersPagesAscending() async throws {
        try await withMockServer(configuration()) { base, _ in
            let page = try await mockGET("\(base)/api/3/contacts?orders%5Bid%5D=ASC&id_greater=480&limit=100").json()
            #expect(mockIDs(page, key: "contacts") == Array(481...500))
            #expect((page["meta"] as? [String: Any])?["total"] as? String == "20")
        }
    }

    @Test func updatedAfterRawAndEncodedAgreeAndAreInclusive() async throws {
        try await withMockServer(configuration()) { base, server in
            let all = server.currentRecords(path: "contacts").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any]
            }
            // Pick a real udate and ask for records updated at or after it.
            let udate = try #require(all[250]["udate"] as? String)
            let encoded = udate.replacingOccurrences(of: "+", with: "%2B")
            let raw = try await mockGET("\(base)/api/3/contacts?filters[updated_after]=\(encoded)&limit=100").json()
            let percent = try await mockGET(
                "\(base)/api/3/contacts?filters%5Bupdated_after%5D=\(encoded)&limit=100").json()
            #expect(mockIDs(raw, key: "contacts") == mockIDs(percent, key: "contacts"))
            #expect(mockIDs(raw, key: "contacts").contains(251))
            let formatter = ISO8601DateFormatter()
            let cut = try #require(formatter.date(from: udate))
            let expected = all.filter { formatter.date(from: $0["udate"] as! String)! >= cut }.count
            #expect((raw["meta"] as? [String: Any])?["total"] as? String == String(expected))
        }
    }

    /// `--cache-pages` (benchmarks) serves a page asked for again from memory; an `updated_before` past every
    /// record's update time (each incremental run sends its own start) selects the same page, an earlier one does not.
    @Test func cachedPagesAnswerAsUncachedPagesDo() async throws {
        var cached = configuration()
        cached.cachesPages = true
        try await withMockServer(cached) { base, server in
            let all = server.currentRecords(path: "contacts").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any]
            }
            let page = "\(base)/api/3/contacts?orders%5Bid%5D=ASC&id_greater=0&limit=100&filters%5Bupdated_after%5D=2000-01-01T00:00:00Z"
            let first = try await mockGET(page + "&filters%5Bupdated_before%5D=2026-06-01T00:00:00Z")
            let later = try await mockGET(page + "&filters%5Bupdated_before%5D=2026-07-01T00:00:00Z")
            #expect(first.body == later.body)
            #expect(mockIDs(try first.json(), key: "contacts") == Array(1...100))
            // A bound before some records' udate filters them out, cache or not.
            let udate = try #require(all[50]["udate"] as? String)
            let cut = try #require(ISO8601DateFormatter().date(from: udate))
            let expected = all.prefix(100).filter { ISO8601DateFormatter().date(from: $0["udate"] as! String)! < cut }.count
            let bounded = try await mockGET(page + "&filters%5Bupdated_before%5D=\(udate.replacingOccurrences(of: "+", with: "%2B"))")
            let boundedIDs = mockIDs(try bounded.json(), key: "contacts")
            #expect(!boundedIDs.contains(51))
            #expect(boundedIDs.filter { $0 <= 100 }.count == expected)
        }
    }

    @Test func dealsTotalIsANumberElsewhereAString() async throws {
        try await withMockServer(configuration()) { base, _ in
            let deals = try await mockGET("\(base)/api/3/deals").json()
            let meta = try #require(deals["meta"] as? [String: Any])
            #expect(meta["total"] is NSNumber && !(meta["total"] is String))
            #expect(meta["currencies"] != nil)
            let lists = try await mockGET("\(base)/api/3/lists").json()
            #expect((lists["meta"] as? [String: Any])?["total"] is String)
        }
    }

    @Test func dealStagesFilterAndSideLoads() async throws {
        try await withMockServer(configuration()) { base, _ in
            let stages = try await mockGET("\(base)/api/3/dealStages?filters%5Bd_groupid%5D=2").json()
            let groups = (stages["dealStages"] as? [[String: Any]] ?? []).map { $0["group"] as? String }
            #expect(!groups.isEmpty && groups.allSatisfy { $0 == "2" })
            let fields = try await mockGET("\(base)/api/3/fields?limit=100").json()
            #expect((fields["fieldOptions"] as? [Any])?.isEmpty == false)
            #expect((fields["fieldRels"] as? [Any])?.count == 20)
            let pipelines = try await mockGET("\(base)/api/3/dealGroups").json()
            #expect((pipelines["dealStages"] as? [Any])?.count == 15)
        }
    }

    @Test func rateLimitAnswers429WithRetryAfter() async throws {
        var configuration = configuration()
        configuration.rateLimit = 3
        configuration.retryAfterSeconds = 2
        try await withMockServer(configuration) { base, _ in
            var statuses: [Int] = []
            var retryAfter: String?
            for _ in 0..<6 {
                let reply = try await mockGET("\(base)/api/3/tags")
                statuses.append(reply.status)
                if reply.status == 429 { retryAfter = reply.headers["retry-after"] }
            }
            #expect(statuses.prefix(3).allSatisfy { $0 == 200 })
            #expect(statuses.contains(429))
            #expect(retryAfter == "2")
        }
    }

    @Test func truncationYieldsInvalidJSON() async throws {
        var configuration = configuration()
        configuration.truncateRate = 1
        try await withMockServer(configuration) { base, _ in
            let reply = try await mockGET("\(base)/api/3/contacts")
            #expect(reply.status == 200)
            #expect(throws: (any Error).self) { try JSONSerialization.jsonObject(with: Data(reply.body)) }
        }
    }

    @Test func requestLogLinesAreJSONWithoutTheKey() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mock-log-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var configuration = configuration()
        configuration.apiKey = "secret-key-123"
        configuration.logPath = path
        try await withMockServer(configuration) { base, _ in
            _ = try await mockGET("\(base)/api/3/contacts?limit=5", key: "secret-key-123")
            _ = try await mockGET("\(base)/api/3/deals?api_key=secret-key-123", key: "secret-key-123")
            _ = try await mockGET("\(base)/api/3/lists", key: "wrong")
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(!text.contains("secret-key-123"))
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["status"] is Int && object["duration_ms"] != nil && object["in_flight"] != nil)
            #expect((object["time"] as? String)?.hasSuffix("Z") == true)
        }
    }

    @Test func everyEndpointServesValidJSON() async throws {
        try await withMockServer(configuration()) { base, _ in
            for path in MockDataset.paths {
                let reply = try await mockGET("\(base)/api/3/\(path)?limit=100")
                #expect(reply.status == 200)
                let page = try reply.json()
                #expect((page[path] as? [Any])?.isEmpty == false, "\(path)")
            }
        }
    }

    @Test func mutationsShiftTheStore() async throws {
        var configuration = configuration(contacts: 100)
        configuration.mutate = 5
        try await withMockServer(configuration) { base, server in
            let before = server.currentRecords(path: "contacts")
            _ = try await mockGET("\(base)/api/3/contacts")
            #expect(server.currentRecords(path: "contacts") != before)
        }
    }
}
