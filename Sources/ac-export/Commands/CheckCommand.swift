import ActiveCampaign
import ArgumentParser
import Foundation
import Logging

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Verify the API key and base URL with one request.")

    @OptionGroup var account: AccountOptions

    func run() async throws {
        let effective = try EffectiveConfiguration.resolve(account: account, environment: ProcessInfo.processInfo.environment)
        guard let credentials = effective.credentials else {
            throw UsageError(description: "no credentials: set ACTIVECAMPAIGN_API_KEY and ACTIVECAMPAIGN_BASE_URL (or pass --api-key/--base-url)")
        }
        // One question, answered quickly: a single retry for a transient failure, then the verdict.
        do {
            try await Preflight.check(credentials, transport: effective.transport, attempts: 2, timeout: .seconds(20))
            print("ok: \(credentials.apiBase) accepted the key")
        } catch {
            StandardError.write("check failed: \(error)\n")
            throw ExitCode(1)
        }
    }
}
