import ActiveCampaign
import Logging

/// One request (`GET users/me`) that checks the URL and the key before anything else happens: `check` is
/// nothing else, and `run` starts with it so that a wrong URL, a refused key or a host that is not
/// ActiveCampaign ends the run in seconds, with nothing written.
enum Preflight {
    static func check(_ credentials: Credentials, transport: TransportSettings, attempts: Int, timeout: Duration) async throws {
        var configuration = ClientConfiguration()
        configuration.transport = transport
        configuration.maxAttempts = attempts
        configuration.requestTimeout = timeout
        let client = ActiveCampaignClient(credentials: credentials, configuration: configuration, logger: Logger(label: "ac-export.preflight"))
        do {
            try await client.checkCredentials()
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
