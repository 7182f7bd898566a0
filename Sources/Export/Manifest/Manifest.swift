import ActiveCampaign
import Foundation

/// `OUT/_manifest.json`: the only mutable file of a drop (docs/manifest.md). It never holds the API key.
public struct Manifest: Codable, Sendable, Equatable {
    public static let currentVersion = 1

    public var version: Int = Manifest.currentVersion
    /// The account the lake was made from (`https://ACCOUNT.api-us1.com`, or `demo` for the built-in mock):
    /// runs against another account are refused. Absent in lakes made before it was recorded.
    public var account: String?
    public var endpoints: [String: EndpointState] = [:]
    public var runs: [RunRecord] = []

    public init() {}
}

public enum SyncMode: String, Codable, Sendable {
    case incremental
    case fullRefresh = "full_refresh"
}

public struct EndpointState: Codable, Sendable, Equatable {
    public var mode: SyncMode
    public var cursorField: String?
    /// The maximum cursor (UTC, ISO 8601) of all committed records of the last complete run.
    public var watermark: String?
    /// `id:content-hash` of the committed records whose cursor equals the watermark (see CursorBoundary).
    public var watermarkRecords: [String]?
    /// Incremental endpoints: the start of the first window (UTC, ISO 8601), where a full refresh starts again.
    public var anchor: String?
    public var schema: EndpointSchema = EndpointSchema()
    public var schemaHistory: [SchemaChange] = []
    public var files: [CommittedFile] = []
    /// Committed files rewritten with widened column types, and why (one type per column per endpoint).
    public var rewrites: [FileRewrite]?
    /// Where an unfinished run stopped: the next run resumes here instead of starting over.
    public var checkpoint: Checkpoint?
}

public struct CommittedFile: Codable, Sendable, Equatable {
    /// Relative to the output folder, e.g. `contacts/date=2026-11-29/part-<run>-00000.parquet`.
    public var path: String
    public var rows: Int
    public var bytes: Int64
    public var runID: String
    public var date: String
    public var minCursor: String?
    public var maxCursor: String?
}

public struct Checkpoint: Codable, Sendable, Equatable {
    /// Every run that committed files into this unfinished window, the first one first (its date partition is kept).
    public var runIDs: [String]
    public var date: String
    public var window: IncrementalWindow?
    /// Where to restart the listing to get the first record not yet committed.
    public var resume: ResumePoint
    public var maxCursor: String?
    /// `id:content-hash` of the committed records at `maxCursor`.
    public var maxCursorRecords: [String]?
    public var rowsCommitted: Int
    /// The unfinished run is a full refresh: its files are staged and replace the endpoint's when it completes.
    public var fullRefresh: Bool?
}

public struct RunRecord: Codable, Sendable, Equatable {
    public var id: String
    public var startedAt: Date
    public var finishedAt: Date?
    public var status: String
    public var endpoints: [String: EndpointRunSummary] = [:]
    /// Account-wide request counts of the run (all endpoints share one client).
    public var requests: Int?
    public var retries: Int?
    public var rateLimited: Int?
}

public struct EndpointRunSummary: Codable, Sendable, Equatable {
    public var status: String
    public var rows: Int
    public var files: Int
    public var bytes: Int64
    public var error: String?
    public var requests: Int?
    public var retries: Int?
    public var rateLimited: Int?
}
