import ActiveCampaign
import ArgumentParser
import Foundation
import Logging

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Verify the API key and base URL with one request.")

    @Option(help: "Account API URL (env ACTIVECAMPAIGN_BASE_URL).")
    var baseURL: String?

    @Option(help: "API key (env ACTIVECAMPAIGN_API_KEY).")
    var apiKey: String?

    func run() async throws {
        guard let credentials = try CredentialOptions(apiKey: apiKey, baseURL: baseURL).resolve() else {
            throw UsageError(description: "no credentials: set ACTIVECAMPAIGN_API_KEY and ACTIVECAMPAIGN_BASE_URL (or pass --api-key/--base-url)")
        }
        let client = ActiveCampaignClient(credentials: credentials, logger: Logger(label: "ac-export.check"))
        do {
            try await client.checkCredentials()
            try await client.shutdown()
            print("ok: \(credentials.apiBase) accepted the key")
        } catch {
            try? await client.shutdown()
            FileHandle.standardError.write(Data("check failed: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
