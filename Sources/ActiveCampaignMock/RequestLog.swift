import Foundation

/// JSON-lines request log: one line per request with `time` (ISO 8601 UTC, ms), `path`, `query`, `status`,
/// `duration_ms` and `in_flight` (other requests in flight when it started); for a list page, the `total` and number of
/// `records` it served. Headers are never logged, so the `Api-Token` cannot leak.
final class RequestLog: Sendable {
    private let handle: FileHandle

    init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
    }

    deinit {
        try? handle.close()
    }

    func record(
        startMilliseconds: Int64, path: String, query: String, status: Int, durationMilliseconds: Double,
        inFlight: Int, page: ServedPage?
    ) {
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.key("time")
        w.isoUTCMilliseconds(startMilliseconds)
        w.field("path", path)
        w.field("query", query)
        w.key("status")
        w.int(status)
        w.key("duration_ms")
        w.raw(Array(String(format: "%.3f", durationMilliseconds).utf8))
        w.key("in_flight")
        w.int(inFlight)
        if let page {
            w.key("total")
            w.int(page.total)
            w.key("records")
            w.int(page.records)
        }
        w.endObject()
        w.bytes.append(0x0A)
        // One write call per line, so concurrent requests never interleave within a line.
        handle.write(Data(w.bytes))
    }
}

/// What a list page served: its `meta.total` (as counted, whatever style it was written in) and its records.
struct ServedPage: Sendable {
    var total: Int
    var records: Int
}
