import ArgumentParser
import Foundation

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Inspect the configuration.", subcommands: [Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the effective configuration (YAML < .env < environment < flags) with the API key masked.")

        @OptionGroup var configuration: ConfigurationOptions

        func run() throws {
            print(try EffectiveConfiguration.resolve(configuration, environment: ProcessInfo.processInfo.environment).maskedDescription)
        }
    }
}
