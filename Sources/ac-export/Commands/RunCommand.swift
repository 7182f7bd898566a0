import ActiveCampaign
import ActiveCampaignMock
import ArgumentParser
import Export
import Foundation
import Logging
import Parquet

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Export endpoints from the API into OUT as partitioned Parquet files (the nightly job).",
        discussion: """
            Incremental endpoints (contacts by udate, deals by mdate) read [watermark, run start); the others are
            full snapshots that replace the same date's snapshot. Layout: OUT/<endpoint>/date=YYYY-MM-DD/part-<run>-<n>.parquet
            and OUT/_manifest.json. Without credentials the run stops; --demo exports the built-in demo account
            (the local mock API) instead, into a lake of its own.
            """)

    @OptionGroup var configuration: ConfigurationOptions

    @Flag(help: "Export the built-in demo account (a mock API on 127.0.0.1) instead of a real one. Never implied: without credentials and without --demo, run stops.")
    var demo = false

    @Flag(help: "Show, per endpoint, the records the API reports, the requests and the time the run would take, and the watermark it would start from; write nothing.")
    var dryRun = false

    @Flag(help: "After the export, list every id of contacts and deals (one request per 100 records) and write a tombstone (id, detected_at) into OUT/<endpoint>_deleted for each id the lake holds and the API no longer lists. Meant for a weekly run; a killed one resumes.")
    var reconcile = false

    @Flag(help: "Finish an endpoint whose listing returned fewer records than the API counts (reported, watermark moved) instead of failing it: only for an account whose counts are known to disagree with its listings.")
    var acceptIncomplete = false

    @Option(help: "Read at most N records per endpoint and show them (columns, types, first rows) instead of writing the lake: for trying things out.")
    var limit: Int?

    @Option(help: "With --limit: keep the sample as Parquet files in this new folder (it must not exist or be empty).")
    var sampleOut: String?

    @Option(help: "Requests per second for the whole account (ActiveCampaign allows 5).")
    var rateLimit: Double = 4

    @Option(help: "Requests in flight at once for the whole account.")
    var concurrency: Int = 3

    @Option(help: "Seconds one request (its whole body included) may take before it is retried.")
    var requestTimeout: Double = 60

    @Option(help: "End the run when no request starts and no page is consumed for this many seconds (a stuck connection; default: --request-timeout + 180).")
    var stallTimeout: Double?

    @OptionGroup var parquet: ParquetOutputOptions

    @OptionGroup var objectStore: ObjectStoreOptions

    @Option(help: "Commit a part file (and the resume point) at least this often, in seconds.")
    var checkpointInterval: Double = 60

    @Option(help: "Also write the end-of-run summary as JSON to this file.")
    var summaryJSON: String?

    @Option(help: "Log format: text or json (one object per event, for orchestrators).")
    var logFormat: String = "text"

    @Flag(name: .shortAndLong, help: "Log every request.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Only errors and the summary.")
    var quiet = false

    func validate() throws {
        guard rateLimit > 0 else { throw ValidationError("--rate-limit must be positive") }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard requestTimeout > 0 else { throw ValidationError("--request-timeout must be positive") }
        guard (stallTimeout ?? 1) > 0 else { throw ValidationError("--stall-timeout must be positive") }
        guard checkpointInterval > 0 else { throw ValidationError("--checkpoint-interval must be positive") }
        guard ["text", "json"].contains(logFormat) else { throw ValidationError("--log-format must be text or json") }
        guard (limit ?? 1) > 0 else { throw ValidationError("--limit must be positive") }
        guard sampleOut == nil || limit != nil else { throw ValidationError("--sample-out keeps the sample of --limit N: give --limit too") }
        guard !(dryRun && limit != nil) else { throw ValidationError("--dry-run and --limit do not go together: --limit already reads only a sample") }
        guard !(reconcile && limit != nil) else { throw ValidationError("--reconcile and --limit do not go together: a sample cannot tell which ids were deleted") }
    }

    func run() async throws {
        // On a terminal the progress lines replace the per-file log lines (still there with -v).
        let showProgress = !quiet && logFormat == "text" && ProgressDisplay.isTerminal
        LogSetup.bootstrap(verbose: verbose, quiet: quiet || (showProgress && !verbose), json: logFormat == "json")
        let logger = Logger(label: "ac-export.run")
        let effective = try EffectiveConfiguration.resolve(configuration, environment: ProcessInfo.processInfo.environment)
        if demo, let credentials = effective.credentials {
            throw UsageError(description: "--demo exports the built-in demo account, but an account is configured (\(credentials.accountOrigin), base_url from \(effective.origins["base_url"] ?? "?")); drop --demo or the account settings")
        }
        if !demo && effective.credentials == nil {
            throw UsageError(description: """
                no ActiveCampaign account configured: set ACTIVECAMPAIGN_API_KEY and ACTIVECAMPAIGN_BASE_URL (environment, .env or \
                --config; ActiveCampaign: Settings → Developer), or pass --demo to export the built-in demo account
                """)
        }
        if configuration.account.allowInsecureHTTP, let credentials = effective.credentials, credentials.apiBase.lowercased().hasPrefix("http:") {
            logger.warning("--allow-insecure-http: the API key is sent unencrypted to \(credentials.accountOrigin)")
        }
        // --limit writes its sample to a folder of its own (kept only with --sample-out), never to the lake.
        let sampleFolder = try limit.map { _ in try Self.sampleFolder(sampleOut) }
        let target = try OutputTarget.resolve(
            sampleFolder ?? effective.out, option: limit == nil ? "--out" : "--sample-out", objectStore: objectStore,
            environment: ProcessInfo.processInfo.environment, checkFolder: !dryRun)
        if !dryRun, let summaryJSON {
            var createdFolder: String?
            if case .folder(let path) = target { createdFolder = path }
            try PathChecks.checkWritableFile(summaryJSON, option: "--summary-json", createdFolder: createdFolder)
        }
        var options = ExportOptions(target: target, endpoints: effective.endpoints, anchorDate: effective.anchorDate)
        options.lockTTL = .seconds(objectStore.s3LockTtl)
        options.account = effective.credentials?.accountOrigin ?? Self.demoAccount
        options.fullRefreshEndpoints = effective.fullRefreshEndpoints
        if reconcile && !options.endpoints.contains(where: \.isIncremental) {
            throw UsageError(description: "--reconcile lists the ids of contacts and deals, and neither is among the endpoints of this run; add contacts or deals, or drop --reconcile")
        }
        options.reconcile = reconcile
        options.acceptIncomplete = acceptIncomplete
        options.checkpointInterval = .milliseconds(Int64(checkpointInterval * 1000))
        parquet.apply(to: &options)
        var clientConfiguration = ClientConfiguration()
        clientConfiguration.transport = effective.transport
        clientConfiguration.requestsPerSecond = rateLimit
        clientConfiguration.maxInFlight = concurrency
        clientConfiguration.requestTimeout = .milliseconds(Int64(requestTimeout * 1000))
        if dryRun {
            guard let credentials = effective.credentials else {
                throw UsageError(description: "--dry-run needs an account: set ACTIVECAMPAIGN_API_KEY and ACTIVECAMPAIGN_BASE_URL")
            }
            print(try await DryRun.report(options, credentials: credentials, clientConfiguration: clientConfiguration))
            return
        }
        let summary: ExportSummary
        let settings = Settings(clientConfiguration: clientConfiguration, progress: showProgress, stallLimit: stallLimit, limit: limit)
        do {
            if let credentials = effective.credentials {
                summary = try await Self.export(options, credentials: credentials, settings: settings, logger: logger)
            } else {
                summary = try await Self.exportDemo(options, settings: settings, logger: logger)
            }
        } catch {
            if sampleOut == nil, let sampleFolder { try? FileManager.default.removeItem(atPath: sampleFolder) }
            throw error
        }
        print(SummaryTable.render(summary))
        if let sampleFolder {
            print(try SamplePreview.render(lake: sampleFolder, endpoints: options.endpoints.map(\.name)))
            if sampleOut == nil {
                try? FileManager.default.removeItem(atPath: sampleFolder)
                print("\nA sample of at most \(limit ?? 0) records per endpoint; nothing was written (--sample-out DIR keeps it as Parquet files).")
            } else {
                print("\nA sample of at most \(limit ?? 0) records per endpoint, kept in \(sampleFolder) (not a lake to add runs to).")
            }
        }
        if let summaryJSON { try SummaryTable.json(summary).write(to: URL(fileURLWithPath: summaryJSON)) }
        if !summary.succeeded { throw ExitCode(1) }
    }

    /// Longest time without a request starting or a page being consumed (see `StallWatchdog`): longer than the
    /// longest legitimate wait, one request's deadline plus the longest Retry-After honoured.
    var stallLimit: Duration {
        .milliseconds(Int64((stallTimeout ?? requestTimeout + 180) * 1000))
    }

    /// How a run talks to the API and reports, beside its `ExportOptions`.
    struct Settings: Sendable {
        var clientConfiguration: ClientConfiguration
        var progress: Bool
        var stallLimit: Duration
        /// `--limit`: at most this many records per endpoint.
        var limit: Int?
    }

    /// A new folder for the sample of `--limit`: `requested` (absent or empty), or a temporary one.
    static func sampleFolder(_ requested: String?) throws -> String {
        guard let requested else {
            return FileManager.default.temporaryDirectory.appendingPathComponent("ac-export-sample-\(UUID().uuidString.prefix(8))").path
        }
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: requested), !entries.isEmpty {
            throw UsageError(description: "--sample-out \(requested) is not empty: a sample goes to a new folder, never into a lake. Nothing was written.")
        }
        return requested
    }

    static func export(_ options: ExportOptions, credentials: Credentials, settings: Settings, logger: Logger) async throws -> ExportSummary {
        let clientConfiguration = settings.clientConfiguration
        do {
            try await Preflight.check(credentials, transport: clientConfiguration.transport, attempts: 1, timeout: .seconds(5))
        } catch let error as ActiveCampaignError {
            throw UsageError(description: "\(error)\nThe run stopped before writing anything: check ACTIVECAMPAIGN_BASE_URL and the API key (`ac-export check`).")
        }
        return try await Cancellation.onInterrupt { () async throws -> ExportSummary in
            let client = ActiveCampaignClient(credentials: credentials, configuration: clientConfiguration, logger: Logger(label: "ac-export.fetch"))
            do {
                var options = options
                var redraw: Task<Void, Never>?
                let watchdog = StallWatchdog(limit: settings.stallLimit)
                let display = settings.progress ? ProgressDisplay(endpoints: options.endpoints.map(\.name), statistics: { client.statistics }) : nil
                options.progress = { progress in
                    watchdog.touch()
                    display?.update(progress)
                }
                if let display { redraw = Task { await display.run() } }
                let runOptions = options
                let summary = try await watchdog.guarding(activityCount: { client.statistics.requests + client.statistics.retries }) {
                    try await ExportRun.run(runOptions, source: APIRecordSource(client: client, recordLimit: settings.limit ?? .max), logger: logger)
                }
                redraw?.cancel()
                await redraw?.value
                try await client.shutdown()
                return summary
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
    }

    /// The manifest's account of a demo lake: a real account's run into it is refused, and the reverse.
    static let demoAccount = "demo"

    /// `--demo`: serve the demo account from the mock on 127.0.0.1 for this run only.
    static func exportDemo(_ options: ExportOptions, settings: Settings, logger: Logger) async throws -> ExportSummary {
        let mock = MockConfiguration(contacts: 2000, deals: 600)
        logger.notice("--demo: exporting the built-in demo account from the local mock API")
        return try await withMockServer(mock) { baseURL, _ in
            let credentials = try Credentials(apiKey: mock.apiKey, baseURL: baseURL)
            return try await export(options, credentials: credentials, settings: settings, logger: logger)
        }
    }
}
