import ArgumentParser
import Export
import Foundation

/// The command-line tool. Exit codes: 0 every endpoint succeeded, 1 one or more failed,
/// 2 usage or configuration error.
struct ACExport: AsyncParsableCommand {
    static let version = "0.1.0"

    #if DEBUG
    static let buildKind = "debug"
    #else
    static let buildKind = "release"
    #endif

    /// The Parquet files' `created_by`: parquet-java's parseable form ("NAME version X (build …)"), naming this
    /// build: the configuration and the git commit (`buildCommit`, written by the BuildCommit plugin).
    static let createdBy = "ac-export version \(version) (build \(buildKind) \(buildCommit))"

    static let configuration = CommandConfiguration(
        commandName: "ac-export",
        abstract: "Export ActiveCampaign API v3 data to partitioned Parquet files.",
        discussion: """
            Exit codes: 0 all endpoints succeeded, 1 one or more endpoints failed, 2 usage or configuration error.
            Credentials come from --api-key/--base-url or ACTIVECAMPAIGN_API_KEY/ACTIVECAMPAIGN_BASE_URL;
            with neither, `run` stops; `run --demo` exports the built-in demo account served by the local mock API.
            """,
        version: "\(version) (build \(buildKind) \(buildCommit))",
        subcommands: [
            RunCommand.self, ConvertCommand.self, StatusCommand.self, InspectCommand.self, EndpointsCommand.self, CheckCommand.self,
            ConfigCommand.self, MockCommand.self,
        ]
    )
}

@main
enum Main {
    static func main() async {
        StandardError.ignoreBrokenPipes()
        AllocatorSettings.apply()
        do {
            var command = try ACExport.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = ACExport.exitCode(for: error)
            if code == .success || error is CleanExit {
                ACExport.exit(withError: error)
            }
            if let exit = error as? ExitCode { Foundation.exit(exit.rawValue) }
            let message = ACExport.fullMessage(for: error)
            let exitCode: Int32 = code == .validationFailure || error is UsageError || error is any ConfigurationProblem ? 2 : 1
            // A job that asked for JSON logs gets its configuration errors as JSON too.
            let arguments = CommandLine.arguments
            let wantsJSON = arguments.contains("--log-format=json")
                || zip(arguments, arguments.dropFirst()).contains { $0 == "--log-format" && $1 == "json" }
            if wantsJSON, let data = try? JSONSerialization.data(
                withJSONObject: ["time": ISO8601DateFormatter().string(from: Date()), "level": "error", "message": message, "exit_code": exitCode],
                options: [.sortedKeys])
            {
                StandardError.write(String(decoding: data, as: UTF8.self) + "\n")
            } else {
                StandardError.write(message + "\n")
            }
            // ArgumentParser uses EX_USAGE (64) for usage errors; ours is 2, also for an unusable output folder.
            Foundation.exit(exitCode)
        }
    }
}

/// A configuration or usage problem: exit code 2, message printed as is.
struct UsageError: Error, CustomStringConvertible {
    var description: String
}
