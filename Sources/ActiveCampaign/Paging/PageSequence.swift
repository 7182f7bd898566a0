/// The pages of one endpoint, fetched on demand: each `next()` performs the next request(s), so a slow consumer
/// slows the fetching and memory does not grow with the endpoint's size.
public struct PageSequence: AsyncSequence, Sendable {
    public typealias Element = Page

    let client: ActiveCampaignClient
    let endpoint: Endpoint
    let window: IncrementalWindow?
    let resumeFrom: ResumePoint?

    public func makeAsyncIterator() -> Iterator {
        var iterator = Iterator(client: client, endpoint: endpoint)
        if endpoint.parent != nil {
            if case .pipeline(let id, let offset)? = resumeFrom {
                iterator.perPipeline = PipelineLister(endpoint: endpoint, resumeAt: (id, offset))
            } else {
                iterator.perPipeline = PipelineLister(endpoint: endpoint, resumeAt: nil)
            }
            return iterator
        }
        switch endpoint.pagination {
        case .idGreater:
            let afterID: Int64 = if case .afterID(let id)? = resumeFrom { id } else { 0 }
            iterator.byID = IDGreaterLister(endpoint: endpoint, window: window, afterID: afterID)
        case .offset:
            let offset: Int = if case .offset(let offset)? = resumeFrom { offset } else { 0 }
            iterator.byOffset = OffsetLister(
                endpoint: endpoint, path: endpoint.path, recordsKey: endpoint.recordsKey,
                filters: window?.queryItems ?? [], startOffset: offset)
        }
        return iterator
    }

    public struct Iterator: AsyncIteratorProtocol {
        let client: ActiveCampaignClient
        let endpoint: Endpoint
        // Exactly one lister is set. Stored as optionals, not an enum payload, so they mutate in place: a copy
        // would duplicate the set of seen ids on every page.
        var byID: IDGreaterLister?
        var byOffset: OffsetLister?
        var perPipeline: PipelineLister?
        var pageIndex = 0
        /// The last page fetched, when it had no record to hand on: its `meta.total` is the listing's last word, which
        /// the completeness check needs, so it ends the sequence (once) as an empty page.
        var lastEmptyPage: Page?

        init(client: ActiveCampaignClient, endpoint: Endpoint) {
            self.client = client
            self.endpoint = endpoint
        }

        /// The next page with at least one record, or once at the end the last page fetched when it had none (for its
        /// total); nil once the endpoint is exhausted.
        public mutating func next() async throws -> Page? {
            while true {
                try Task.checkCancellation()
                let listed: ListedPage
                let resumeAfter: ResumePoint
                if byID != nil {
                    guard let page = try await byID!.next(using: client) else { return takeLastEmptyPage() }
                    listed = page
                    resumeAfter = .afterID(byID!.lastID)
                } else if byOffset != nil {
                    guard let page = try await byOffset!.next(using: client) else { return takeLastEmptyPage() }
                    listed = page
                    resumeAfter = .offset(page.resumeOffset)
                } else {
                    guard let (page, pipelineID) = try await perPipeline!.next(using: client) else { return takeLastEmptyPage() }
                    listed = page
                    resumeAfter = .pipeline(id: pipelineID, offset: page.resumeOffset)
                }
                let page = Page(
                    endpoint: endpoint, records: listed.records, recordIDs: listed.recordIDs, total: listed.total, index: pageIndex,
                    resumeAfter: resumeAfter, requestDescription: listed.requestDescription)
                // Re-paging and final empty pages yield no records: nothing to hand on, unless the listing ends there.
                guard listed.records.count > 0 else {
                    lastEmptyPage = page
                    continue
                }
                lastEmptyPage = nil
                pageIndex += 1
                return page
            }
        }

        private mutating func takeLastEmptyPage() -> Page? {
            defer { lastEmptyPage = nil }
            if lastEmptyPage != nil { pageIndex += 1 }
            return lastEmptyPage
        }
    }
}
