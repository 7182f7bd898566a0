import ActiveCampaign
import Foundation

/// `OUT/_manifest.json`: the only mutable file of a drop (docs/manifest.md). It never holds the API key.
public struct Manifest: Codable, Sendable, Equatable {
    /// The format written. Version 2 spells the checkpoint's window and resume point explicitly (see
    /// docs/manifest.md); version 1 files, whose resume point had Swift's synthesized shape, are read too.
    public static let currentVersion = 2
    public static let readableVersions = 1...2

    public var version: Int = Manifest.currentVersion
    /// The account the lake was made from (`https://ACCOUNT.api-us1.com`, or `demo` for the built-in mock):
    /// runs against another account are refused. Absent in lakes made before it was recorded.
    public var account: String?
    public var endpoints: [String: EndpointState] = [:]
    public var runs: [RunRecord] = []
    /// Unfinished `run --reconcile` listings by endpoint, resumed by the next reconcile (docs/completeness.md#deletions).
    public var reconciliations: [String: ReconcileProgress]?
    /// Per custom-field table (`contact_fields`), each field id's column: fixed when the field is first seen, so that a
    /// renamed field keeps its column (docs/custom-fields.md).
    public var customFieldColumns: [String: [String: String]]?

    public init() {}
}

/// How far a reconcile's id listing (contacts, by id keyset) got: the ids up to `afterID` are judged.
public struct ReconcileProgress: Codable, Sendable, Equatable {
    /// Every id up to this one was listed or found missing.
    public var afterID: Int64
    /// Records listed so far, and `meta.total` of the listing's first page.
    public var read: Int
    public var totalAtStart: Int?
    /// Ids of the lake up to `afterID` that the listing did not return: tombstones once the listing is complete.
    public var missing: [Int64]
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

public struct Checkpoint: Sendable, Equatable {
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
    /// Completeness figures of the listing up to `resume` (docs/completeness.md): records read and skipped, and the
    /// listing's count at its first page.
    public var recordsRead: Int?
    public var recordsSkipped: Int?
    public var totalAtStart: Int?
    /// The run found its listing incomplete: the next one reads it again from the start instead of from `resume`,
    /// skipping the ids committed.
    public var restartListing: Bool?
}

/// The checkpoint's format is the manifest's own, not the shape of the API module's types:
/// `"window": {"since": T, "until": T}` and `"resume": {"afterID": N} | {"offset": N} | {"pipeline": N, "offset": N}`.
extension Checkpoint: Codable {
    private enum Key: String, CodingKey {
        case runIDs, date, window, resume, maxCursor, maxCursorRecords, rowsCommitted, fullRefresh
        case recordsRead, recordsSkipped, totalAtStart, restartListing
    }

    private struct Window: Codable {
        var since: Date
        var until: Date
    }

    private struct Resume: Codable {
        var afterID: Int64?
        var offset: Int?
        var pipeline: Int64?
    }

    /// Version 1's synthesized shape: `{"afterID": {"_0": N}}`, `{"offset": {"_0": N}}`, `{"pipeline": {"id": N, "offset": N}}`.
    private struct LegacyResume: Decodable {
        struct Single<T: Decodable>: Decodable { var _0: T }
        struct Pipeline: Decodable { var id: Int64, offset: Int }
        var afterID: Single<Int64>?
        var offset: Single<Int>?
        var pipeline: Pipeline?
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        runIDs = try c.decode([String].self, forKey: .runIDs)
        date = try c.decode(String.self, forKey: .date)
        window = try c.decodeIfPresent(Window.self, forKey: .window).map { IncrementalWindow(since: $0.since, until: $0.until) }
        maxCursor = try c.decodeIfPresent(String.self, forKey: .maxCursor)
        maxCursorRecords = try c.decodeIfPresent([String].self, forKey: .maxCursorRecords)
        rowsCommitted = try c.decode(Int.self, forKey: .rowsCommitted)
        fullRefresh = try c.decodeIfPresent(Bool.self, forKey: .fullRefresh)
        recordsRead = try c.decodeIfPresent(Int.self, forKey: .recordsRead)
        recordsSkipped = try c.decodeIfPresent(Int.self, forKey: .recordsSkipped)
        totalAtStart = try c.decodeIfPresent(Int.self, forKey: .totalAtStart)
        restartListing = try c.decodeIfPresent(Bool.self, forKey: .restartListing)
        if let r = try? c.decode(Resume.self, forKey: .resume), let point = Self.point(r) {
            resume = point
        } else {
            let legacy = try c.decode(LegacyResume.self, forKey: .resume)
            guard let point = Self.point(Resume(afterID: legacy.afterID?._0, offset: legacy.pipeline?.offset ?? legacy.offset?._0, pipeline: legacy.pipeline?.id))
            else { throw DecodingError.dataCorruptedError(forKey: .resume, in: c, debugDescription: "no afterID, offset or pipeline") }
            resume = point
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(runIDs, forKey: .runIDs)
        try c.encode(date, forKey: .date)
        try c.encodeIfPresent(window.map { Window(since: $0.since, until: $0.until) }, forKey: .window)
        let r: Resume = switch resume {
        case .afterID(let id): Resume(afterID: id)
        case .offset(let offset): Resume(offset: offset)
        case .pipeline(let id, let offset): Resume(offset: offset, pipeline: id)
        }
        try c.encode(r, forKey: .resume)
        try c.encodeIfPresent(maxCursor, forKey: .maxCursor)
        try c.encodeIfPresent(maxCursorRecords, forKey: .maxCursorRecords)
        try c.encode(rowsCommitted, forKey: .rowsCommitted)
        try c.encodeIfPresent(fullRefresh, forKey: .fullRefresh)
        try c.encodeIfPresent(recordsRead, forKey: .recordsRead)
        try c.encodeIfPresent(recordsSkipped, forKey: .recordsSkipped)
        try c.encodeIfPresent(totalAtStart, forKey: .totalAtStart)
        try c.encodeIfPresent(restartListing, forKey: .restartListing)
    }

    private static func point(_ r: Resume) -> ResumePoint? {
        switch (r.afterID, r.offset, r.pipeline) {
        case (let id?, nil, nil): .afterID(id)
        case (nil, let offset?, nil): .offset(offset)
        case (nil, let offset?, let pipeline?): .pipeline(id: pipeline, offset: offset)
        default: nil
        }
    }
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
    /// Whether the run read every record the API counts (docs/completeness.md).
    public var completeness: Completeness?
}
