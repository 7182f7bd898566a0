import Foundation

/// The update-time range `[since, until)` of an incremental run, sent as `filters[updated_after]` and
/// `filters[updated_before]`: after is >=, before is < (docs/activecampaign-api.md#incremental-filters).
public struct IncrementalWindow: Sendable, Equatable {
    public var since: Date
    public var until: Date

    public init(since: Date, until: Date) {
        self.since = since
        self.until = until
    }

    /// The filter parameters, ISO 8601 UTC with `Z` (`2026-11-29T03:39:22Z`), the shape other clients send too.
    var queryItems: [(String, String)] {
        [("filters[updated_after]", Self.text(since)), ("filters[updated_before]", Self.text(until))]
    }

    static func text(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }
}
