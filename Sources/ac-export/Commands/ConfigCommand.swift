import ArgumentParser
import Foundation

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Inspect the configuration.", subcommands: [Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the effective configuration (YAML < .env < environment < flags) with the API key masked.")

        @OptionGroup var configuration: ConfigurationOptions

        @OptionGroup var objectStore: ObjectStoreOptions

        func run() throws {
            let environment = ProcessInfo.processInfo.environment
            let effective = try EffectiveConfiguration.resolve(configuration, environment: environment)
            print(effective.maskedDescription)
            if case .s3(_, let settings) = try OutputTarget.resolve(effective.out, option: "target", objectStore: objectStore, environment: environment, checkFolder: false) {
                for (key, value, source) in OutputTarget.describe(settings) {
                    print("\(key.padding(toLength: 12, withPad: " ", startingAt: 0)) \(value)   (\(source))")
                }
            }
        }
    }
}
