import ActiveCampaign
import ActiveCampaignMock
import Foundation
import Testing
import JSON

extension ClientAgainstMockTests {
    @Suite("Client paging against the mock")
    struct ClientPagingTests {
        @Test func everyEndpointReturnsExactlyTheMockRecords() async throws {
            let mock = MockConfiguration(seed: 7, contacts: 2_350, deals: 730)
            try await withMockServer(mock) { baseURL, server in
                try await withClient(baseURL: baseURL) { client in
                    for endpoint in Endpoint.standard {
                        let fetched = try await fetchAll(client, endpoint)
                        let expected = try mockRecords(server, path: endpoint.path)
                        #expect(fetched.count == expected.count, "\(endpoint.name)")
                        let fetchedIDs = fetched.compactMap(recordID)
                        #expect(Set(fetchedIDs).count == fetchedIDs.count, "\(endpoint.name) has duplicates")
                        let sortText = { (records: [JSONObject]) in records.map { JSONValue.object($0).compactText }.sorted() }
                        #expect(sortText(fetched) == sortText(expected), "\(endpoint.name) records differ")
                    }
                    #expect(client.statistics.retries == 0)
                }
            }
        }

        @Test func pagesCarryTotalsIndexesAndResumePoints() async throws {
            try await withMockServer(MockConfiguration(contacts: 250, deals: 250)) { baseURL, _ in
                try await withClient(baseURL: baseURL) { client in
                    var contactPages: [Page] = []
                    for try await page in client.pages(of: Endpoint.named("contacts")!) { contactPages.append(page) }
                    #expect(contactPages.map(\.index) == [0, 1, 2])
                    // With id_greater, meta.total counts the records after the id (mock and API alike).
                    #expect(contactPages[0].total == 250)
                    #expect(contactPages[0].resumeAfter == .afterID(recordID(try parsedRecords(contactPages[0]).last!)!))
                    #expect(contactPages[1].requestDescription.hasPrefix("GET /api/3/contacts?orders[id]=ASC&id_greater="))
                    var dealPages: [Page] = []
                    for try await page in client.pages(of: Endpoint.named("deals")!) { dealPages.append(page) }
                    #expect(dealPages.map(\.resumeAfter) == [.offset(100), .offset(200), .offset(250)])
                    // meta.total is a number on /deals, read the same as the strings elsewhere
                    #expect(dealPages[0].total == 250)
                    #expect(try await client.total(of: Endpoint.named("deals")!, window: nil) == 250)
                }
            }
        }

        @Test func resumesAfterACheckpoint() async throws {
            try await withMockServer(MockConfiguration(contacts: 300, deals: 300)) { baseURL, server in
                try await withClient(baseURL: baseURL) { client in
                    let contacts = try await fetchAll(client, Endpoint.named("contacts")!, resumeFrom: .afterID(120))
                    #expect(contacts.compactMap(recordID) == Array(121...300))
                    let deals = try await fetchAll(client, Endpoint.named("deals")!, resumeFrom: .offset(200))
                    #expect(deals.count == 100)
                    let stagesEndpoint = Endpoint.named("deal_stages")!
                    let allStages = try await fetchAll(client, stagesEndpoint)
                    let pipelines = Set(allStages.compactMap { record -> String? in
                        if case .string(let group)? = record["group"] { return group } else { return nil }
                    }).compactMap { Int64($0) }.sorted()
                    #expect(pipelines.count > 1)
                    let resumed = try await fetchAll(client, stagesEndpoint, resumeFrom: .pipeline(id: pipelines[1], offset: 1))
                    let expected = allStages.filter { record in
                        guard case .string(let group)? = record["group"], let id = Int64(group) else { return false }
                        return id >= pipelines[1]
                    }
                    #expect(resumed.count == expected.count - 1)
                    #expect(Set(resumed.compactMap(recordID)).isSubset(of: Set(expected.compactMap(recordID))))
                    #expect(try mockRecords(server, path: "dealStages").count == allStages.count)
                }
            }
        }

        @Test func incrementalWindowFiltersContactsAndDeals() async throws {
            let now = Date(timeIntervalSince1970: 1_790_000_000)
            try await withMockServer(MockConfiguration(contacts: 600, deals: 400, now: now)) { baseURL, _ in
                try await withClient(baseURL: baseURL) { client in
                    let window = IncrementalWindow(since: now.addingTimeInterval(-200 * 86_400), until: now.addingTimeInterval(-20 * 86_400))
                    for name in ["contacts", "deals"] {
                        let endpoint = Endpoint.named(name)!
                        let all = try await fetchAll(client, endpoint)
                        let windowed = try await fetchAll(client, endpoint, window: window)
                        #expect(!windowed.isEmpty && windowed.count < all.count, "\(name)")
                        #expect(try await client.total(of: endpoint, window: window) == windowed.count, "\(name)")
                    }
                    // Full-refresh endpoints ignore the window.
                    let lists = try await fetchAll(client, Endpoint.named("lists")!, window: window)
                    #expect(try await client.total(of: Endpoint.named("lists")!, window: nil) == lists.count)
                }
            }
        }

        @Test func noRecordPresentForTheWholeRunIsMissedWhileRecordsChange() async throws {
            let mock = MockConfiguration(seed: 11, contacts: 900, deals: 900, mutate: 4)
            try await withMockServer(mock) { baseURL, server in
                try await withClient(baseURL: baseURL) { client in
                    for name in ["contacts", "deals"] {
                        let endpoint = Endpoint.named(name)!
                        let before = Set(try mockRecords(server, path: endpoint.path).compactMap(recordID))
                        let fetched = try await fetchAll(client, endpoint).compactMap(recordID)
                        let after = Set(try mockRecords(server, path: endpoint.path).compactMap(recordID))
                        #expect(before != after, "\(name): the mock did not mutate")
                        #expect(Set(fetched).count == fetched.count, "\(name) has duplicates")
                        let missed = before.intersection(after).subtracting(fetched)
                        #expect(missed.isEmpty, "\(name) missed \(missed.sorted())")
                    }
                }
            }
        }
    }
}
