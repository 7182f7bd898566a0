import ActiveCampaignMock
import ArgumentParser
import Foundation

struct MockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock",
        abstract: "Serve the local mock of the ActiveCampaign API on 127.0.0.1 (tests, demos, benchmarks).")

    @Option(help: "Port (0 = any free port; the chosen one is printed).") var port: Int = 8080
    @Option(help: "Seed of the synthetic data.") var seed: UInt64 = 1
    @Option(help: "Number of contacts.") var contacts: Int = 1000
    @Option(help: "Number of deals.") var deals: Int = 300
    @Option(help: "API key the mock accepts.") var apiKey: String = "mock-api-key"
    @Option(help: "Answer 429 when more than N requests started in the last second.") var rateLimit: Int?
    @Option(help: "Probability of a 500/502/503 answer.") var failRate: Double = 0
    @Option(help: "Probability of a 200 with a cut-off JSON body.") var truncateRate: Double = 0
    @Option(help: "Latency added to every request, in milliseconds.") var latencyMs: Int = 0
    @Option(help: "Updates/inserts/deletes after each contacts or deals page.") var mutate: Int = 0
    @Option(help: "JSON-lines request log.") var log: String?
    @Flag(help: "Serve a list page asked for again from memory (for benchmarks; ignored with --mutate).") var cachePages = false
    @Option(help: "meta.total as the API writes it (api), or always a string, a number, or absent.") var metaTotal: String = "api"
    @Option(help: "Unusual values to inject, comma-separated: \(MockDataShape.allCases.map(\.rawValue).joined(separator: ", ")).")
    var shapes: String?
    @Option(help: "List path whose records carry the --shapes.") var shapesPath: String = "contacts"

    func validate() throws {
        guard MockTotalStyle(rawValue: metaTotal) != nil else {
            throw ValidationError("--meta-total must be one of \(MockTotalStyle.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        for name in shapeNames where MockDataShape(rawValue: name) == nil {
            throw ValidationError("--shapes: unknown shape '\(name)'; allowed: \(MockDataShape.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard MockDataset.paths.contains(shapesPath) else {
            throw ValidationError("--shapes-path must be one of \(MockDataset.paths.joined(separator: ", "))")
        }
    }

    private var shapeNames: [String] {
        (shapes ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func run() async throws {
        var configuration = MockConfiguration()
        configuration.port = port
        configuration.seed = seed
        configuration.contacts = contacts
        configuration.deals = deals
        configuration.apiKey = apiKey
        configuration.rateLimit = rateLimit
        configuration.failRate = failRate
        configuration.truncateRate = truncateRate
        configuration.latency = .milliseconds(latencyMs)
        configuration.mutate = mutate
        configuration.logPath = log
        configuration.cachesPages = cachePages
        configuration.totalStyle = MockTotalStyle(rawValue: metaTotal) ?? .asAPI
        if !shapeNames.isEmpty {
            configuration.shapes = MockDataShapes(path: shapesPath, kinds: Set(shapeNames.compactMap(MockDataShape.init(rawValue:))))
        }
        let server = MockServer(configuration: configuration)
        try await server.run { port in
            FileHandle.standardOutput.write(Data("mock ActiveCampaign API on http://127.0.0.1:\(port) (Api-Token: the --api-key value)\n".utf8))
        }
    }
}
