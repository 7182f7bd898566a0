import ActiveCampaign
import Export
import Foundation
import JSON

/// An in-memory RecordSource: pages of records given as JSON text, resumable by page index,
/// optionally failing after a number of pages (a dropped connection, a kill).
struct ArraySource: RecordSource {
    struct Failure: Error, CustomStringConvertible {
        var description: String { "simulated failure after the configured number of pages" }
    }

    var pages: [String: [[String]]]
    var failAfterPages: Int?
    let requests = RequestLog()

    final class RequestLog: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [(String, ResumePoint?, IncrementalWindow?)] = []
        func record(_ e: String, _ r: ResumePoint?, _ w: IncrementalWindow?) { lock.withLock { entries.append((e, r, w)) } }
        var all: [(String, ResumePoint?, IncrementalWindow?)] { lock.withLock { entries } }
    }

    func batches(for endpoint: Endpoint, window: IncrementalWindow?, resumeFrom: ResumePoint?) -> AsyncThrowingStream<RecordBatch, any Error> {
        requests.record(endpoint.name, resumeFrom, window)
        var start = 0
        if case .offset(let page)? = resumeFrom { start = page }
        let pages = (self.pages[endpoint.name] ?? [])
        let failAfter = failAfterPages
        return AsyncThrowingStream { continuation in
            var yielded = 0
            for index in pages.indices where index >= start {
                if let failAfter, yielded >= failAfter {
                    continuation.finish(throwing: Failure())
                    return
                }
                let records = pages[index].map { try! JSONParser.parse(Array($0.utf8)) }
                continuation.yield(RecordBatch(records: records, resumeAfter: .offset(index + 1), origin: "page \(index) of \(endpoint.name)"))
                yielded += 1
            }
            continuation.finish()
        }
    }
}
