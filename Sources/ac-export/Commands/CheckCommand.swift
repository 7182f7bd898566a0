import ActiveCampaign
import ArgumentParser
import Foundation
import Logging

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Verify the API key and base URL with one request.")

    @OptionGroup var configuration: ConfigurationOptions

    func run() async throws {
        let effective = try EffectiveConfiguration.resolve(configuration, environment: ProcessInfo.processInfo.environment)
        guard let credentials = effective.credentials else {
            throw UsageError(description: "no credentials: set ACTIVECAMPAIGN_API_KEY and ACTIVECAMPAIGN_BASE_URL (or pass --api-key/--base-url)")
        }
        // One question, answered quickly: a single retry for a transient failure, then the verdict.
        var configuration = ClientConfiguration()
        configuration.transport = effective.transport
        configuration.maxAttempts = 2
        configuration.requestTimeout = .seconds(20)
        let client = ActiveCampaignClient(credentials: credentials, configuration: configuration, logger: Logger(label: "ac-export.check"))
        do {
            try await client.checkCredentials()
            try await client.shutdown()
            print("ok: \(credentials.apiBase) accepted the key")
        } catch {
            try? await client.shutdown()
            StandardError.write("check failed: \(error)\n")
            throw ExitCode(1)
        }
    }
}
