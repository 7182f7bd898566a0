/// Pages `deal_stages` one pipeline at a time with `filters[d_groupid]`: first the pipeline ids from `/dealGroups`,
/// then each pipeline's stages by offset (docs/activecampaign-api.md#deal-stages-per-pipeline).
struct PipelineLister: Sendable {
    let endpoint: Endpoint
    private let resume: (id: Int64, offset: Int)?
    private var pipelineIDs: [Int64]?
    private var position = 0
    private var current: OffsetLister?

    init(endpoint: Endpoint, resumeAt resume: (id: Int64, offset: Int)?) {
        self.endpoint = endpoint
        self.resume = resume
    }

    /// The next page and the pipeline it belongs to; nil at the end.
    mutating func next(using client: ActiveCampaignClient) async throws -> (ListedPage, pipelineID: Int64)? {
        if pipelineIDs == nil { pipelineIDs = try await listPipelines(using: client) }
        let ids = pipelineIDs!
        while position < ids.count {
            let id = ids[position]
            if current == nil {
                let startOffset = resume.map { $0.id == id ? $0.offset : 0 } ?? 0
                current = OffsetLister(
                    endpoint: endpoint, path: endpoint.path, recordsKey: endpoint.recordsKey,
                    filters: [("filters[d_groupid]", String(id))], startOffset: startOffset)
            }
            if let page = try await current!.next(using: client) { return (page, id) }
            current = nil
            position += 1
        }
        return nil
    }

    /// Pipeline ids in ascending order, from the resumed one on.
    private func listPipelines(using client: ActiveCampaignClient) async throws -> [Int64] {
        guard let parent = endpoint.parent.flatMap(Endpoint.named) else {
            preconditionFailure("PipelineLister used for \(endpoint.name), which has no parent endpoint")
        }
        var lister = OffsetLister(
            endpoint: endpoint, path: parent.path, recordsKey: parent.recordsKey, filters: [], startOffset: 0)
        var ids: Set<Int64> = []
        while let page = try await lister.next(using: client) {
            ids.formUnion(page.recordIDs.lazy.compactMap { $0 })
        }
        return ids.sorted().filter { id in resume.map { id >= $0.id } ?? true }
    }
}
