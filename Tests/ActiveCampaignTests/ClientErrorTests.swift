@testable import ActiveCampaign
import ActiveCampaignMock
import Foundation
import Testing

extension ClientAgainstMockTests {
    @Suite("Client errors name the cause and never the key")
    struct ClientErrorTests {
        static let secretKey = "sk-9f8e7d6c5b4a-secret"

        @Test(.timeLimit(.minutes(1)))
        func wrongKeyFailsFastWithOneRequestPerEndpoint() async throws {
            let capture = LogCapture()
            let mock = MockConfiguration(contacts: 300, deals: 300)
            try await withMockServer(mock) { baseURL, _ in
                try await withClient(baseURL: baseURL, apiKey: Self.secretKey, logger: capture.logger()) { client in
                    let check = await #expect(throws: ActiveCampaignError.self) { try await client.checkCredentials() }
                    #expect(check?.kind == .authentication)
                    #expect(check?.description.contains("the API key was rejected (403) — check ACTIVECAMPAIGN_API_KEY") == true)
                    #expect(check?.description.contains("The API token is missing or invalid.") == true)
                    for endpoint in Endpoint.standard {
                        let error = await #expect(throws: ActiveCampaignError.self) { _ = try await fetchAll(client, endpoint) }
                        #expect(error?.kind == .authentication, "\(endpoint.name)")
                        #expect(error?.description.contains(Self.secretKey) == false)
                        #expect(error.map { String(describing: $0) }?.contains(Self.secretKey) == false)
                    }
                    #expect(client.statistics.requests == 1 + Endpoint.standard.count)
                    // Fast means without a retry or its backoff, not within a wall-clock bound: the 16 requests take
                    // about 4 s at the client's 4 requests/s, more on a loaded machine.
                    #expect(client.statistics.retries == 0)
                }
            }
            #expect(!capture.all.isEmpty)
            #expect(capture.all.allSatisfy { !$0.contains(Self.secretKey) })
        }

        @Test func keyNeverAppearsInLogsOrErrorsUnderFaults() async throws {
            let capture = LogCapture()
            let mock = MockConfiguration(apiKey: Self.secretKey, contacts: 400, failRate: 0.3, truncateRate: 0.1)
            try await withMockServer(mock) { baseURL, _ in
                var configuration = fastClientConfiguration()
                configuration.maxAttempts = 8
                try await withClient(baseURL: baseURL, apiKey: Self.secretKey, configuration: configuration, logger: capture.logger()) { client in
                    try await client.checkCredentials()
                    _ = try await fetchAll(client, Endpoint.named("contacts")!)
                    #expect(client.statistics.retries > 0)
                    let credentials = try Credentials(apiKey: Self.secretKey, baseURL: baseURL)
                    #expect(!credentials.description.contains(Self.secretKey))
                    #expect(!"\(credentials)".contains(Self.secretKey))
                }
            }
            #expect(capture.all.contains { $0.hasPrefix("warning") && $0.contains("retrying request") })
            #expect(capture.all.contains { $0.hasPrefix("debug") && $0.contains("GET") })
            #expect(capture.all.allSatisfy { !$0.contains(Self.secretKey) })
        }

        @Test func missingPermissionNamesTheEndpoint() async throws {
            try await withMockServer(MockConfiguration(forbiddenPaths: ["lists"])) { baseURL, _ in
                try await withClient(baseURL: baseURL) { client in
                    let error = await #expect(throws: ActiveCampaignError.self) { _ = try await fetchAll(client, Endpoint.named("lists")!) }
                    #expect(error?.kind == .permission)
                    #expect(error?.description.contains("the user of this key lacks permission to view lists") == true)
                    #expect(error?.description.contains("You do not have permission to view lists.") == true)
                    let tags = try await fetchAll(client, Endpoint.named("tags")!)
                    #expect(!tags.isEmpty)
                }
            }
        }

        @Test func wrongBaseURLPathIsA404Hint() async throws {
            try await withMockServer(MockConfiguration()) { baseURL, _ in
                try await withClient(baseURL: baseURL + "/not-the-api") { client in
                    let error = await #expect(throws: ActiveCampaignError.self) { try await client.checkCredentials() }
                    #expect(error?.kind == .notFound)
                    #expect(error?.description.contains("wrong base URL? ") == true)
                    #expect(error?.description.contains("expected https://ACCOUNT.api-us1.com") == true)
                    #expect(client.statistics.requests == 1)
                }
            }
        }

        @Test func unreachableHostSaysSo() async throws {
            var configuration = fastClientConfiguration()
            configuration.maxAttempts = 2
            // Port 1 on loopback: nothing listens there, so the connection is refused at once.
            try await withClient(baseURL: "http://127.0.0.1:1", configuration: configuration) { client in
                let error = await #expect(throws: ActiveCampaignError.self) { try await client.checkCredentials() }
                #expect(error?.kind == .connection)
                let text = error?.description ?? ""
                #expect(text.contains("could not reach 127.0.0.1:1 (2 attempts): connection refused (nothing listens on that port); check ACTIVECAMPAIGN_BASE_URL"), "\(text)")
                #expect(!text.contains("errno") && !text.contains("error set"), "NIO's internal wording: \(text)")
            }
        }

        /// The key is replaced wherever it appears; a key too short to be real only where it stands alone.
        @Test(arguments: [
            ("0123456789abcdef0123", "key=0123456789abcdef0123&x=1 x0123456789abcdef0123y", "key=<redacted>&x=1 x<redacted>y"),
            ("k", "check the key k, api_key=k&", "check the key <redacted>, api_key=<redacted>&"),
        ])
        func redactionReplacesTheKeyButNotWordsContainingAShortOne(key: String, text: String, expected: String) {
            #expect(ActiveCampaignClient.redacting(key, in: text) == expected)
        }
    }
}
