import ActiveCampaign
import AsyncAlgorithms

/// Where an endpoint's records come from: the API over HTTP, or saved pages (`convert`).
public protocol RecordSource: Sendable {
    associatedtype Batches: AsyncSequence where Batches.Element == RecordBatch
    func batches(for endpoint: Endpoint, window: IncrementalWindow?, resumeFrom: ResumePoint?) -> Batches
    /// Requests made so far (nil for sources that make none).
    var requestStatistics: RequestStatistics? { get }
    func requestStatistics(for endpoint: String) -> RequestStatistics?
}

extension RecordSource {
    public var requestStatistics: RequestStatistics? { nil }
    public func requestStatistics(for endpoint: String) -> RequestStatistics? { nil }
}

/// The live API: pages from the shared, rate-limited client.
public struct APIRecordSource: RecordSource {
    public let client: ActiveCampaignClient

    public init(client: ActiveCampaignClient) {
        self.client = client
    }

    public var requestStatistics: RequestStatistics? { client.statistics }

    public func requestStatistics(for endpoint: String) -> RequestStatistics? { client.statistics(for: endpoint) }

    /// The next page is fetched while this one is converted (one page ahead: the wait for the API overlaps
    /// the work on its records, and memory holds one page more).
    public func batches(for endpoint: Endpoint, window: IncrementalWindow?, resumeFrom: ResumePoint?)
        -> AsyncBufferSequence<AsyncMapSequence<PageSequence, RecordBatch>>
    {
        client.pages(of: endpoint, window: window, resumeFrom: resumeFrom).map { page in
            RecordBatch(records: page.records, resumeAfter: page.resumeAfter, origin: page.requestDescription, total: page.total)
        }.buffer(policy: .bounded(1))
    }
}
