import ActiveCampaign
import ArgumentParser
import Export
import Foundation
import Logging
import Parquet

struct ConvertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert saved API responses (page JSON files, pages one after another, or NDJSON of records) into the same Parquet layout.",
        discussion: """
            Each input is a saved list response (a page, as GET /api/3/ENDPOINT returns it), pages one after \
            another (one per line, `curl … >> pages.json`, or page files put together with `cat`), or NDJSON with \
            one record per line; the first JSON value of a file tells which. A page of another endpoint than \
            --endpoint, or an error response of the API, is refused.
            """)

    @Option(help: "The endpoint the records belong to (see `ac-export endpoints`).")
    var endpoint: String

    @Option(help: "The lake: a folder, or s3://bucket/prefix (credentials, region and endpoint from the AWS environment variables or profile files).")
    var out: String

    @OptionGroup var parquet: ParquetOutputOptions

    @OptionGroup var objectStore: ObjectStoreOptions

    @Flag(name: .shortAndLong, help: "Only errors and the summary.")
    var quiet = false

    @Argument(help: "Files or folders of saved pages (one or more per file) or NDJSON of records.")
    var inputs: [String]

    func run() async throws {
        LogSetup.bootstrap(verbose: false, quiet: quiet, json: false)
        guard let endpoint = try EndpointSelection.parse(endpoint).first else { throw UsageError(description: "--endpoint is required") }
        let target = try OutputTarget.resolve(out, option: "--out", objectStore: objectStore, environment: ProcessInfo.processInfo.environment)
        var options = ExportOptions(target: target, endpoints: [endpoint])
        options.lockTTL = .seconds(objectStore.s3LockTtl)
        parquet.apply(to: &options)
        options.checkpointInterval = .seconds(3600)
        let logger = Logger(label: "ac-export.convert")
        let source = SavedPagesSource(inputs: inputs)
        let summary = try await Cancellation.onInterrupt { [options] in
            // Saved pages carry no resume point: every convert reads its inputs whole.
            try await ExportRun.run(options, source: source, logger: logger)
        }
        print(SummaryTable.render(summary))
        if !summary.succeeded { throw ExitCode(1) }
    }
}
