/// The live records of a mutable endpoint (contacts, deals): ids `1...maxID` minus deleted ones, with the
/// generated records as the base and a small overlay of changed times. Memory grows with mutations only.
struct MutableRecordSet: Sendable {
    let endpoint: MockEndpoint
    private(set) var maxID: Int
    private var deletedSorted: [Int] = []
    private var deleted: Set<Int> = []
    /// Creation/update times that differ from the generated ones (updated and inserted records).
    private var overrides: [Int: RecordTimes] = [:]
    /// Bumped on every mutation; invalidates cached match indexes.
    private(set) var version = 0
    private var matchIndexes: [RecordFilter: MatchIndex] = [:]

    /// Per-block running counts of matching records, so `meta.total` and deep offsets need no full scan.
    private struct MatchIndex: Sendable {
        static let blockSize = 4096
        var version: Int
        /// `before[b]` = matching records with id in blocks `0..<b`; one extra entry holds the total.
        var before: [Int]
    }

    init(endpoint: MockEndpoint, count: Int) {
        self.endpoint = endpoint
        self.maxID = count
    }

    var liveCount: Int { maxID - deletedSorted.count }

    func isLive(_ id: Int) -> Bool { id >= 1 && id <= maxID && !deleted.contains(id) }

    func times(of id: Int, in dataset: MockDataset) -> RecordTimes {
        overrides[id] ?? dataset.baseTimes(endpoint, index: id - 1)
    }

    /// Rows of one page: records matching `filter` with id > `idGreater`, skipping `offset`, at most `limit`;
    /// plus the number of all such records (for `meta.total`).
    mutating func page(
        filter: RecordFilter, idGreater: Int, offset: Int, limit: Int, dataset: MockDataset
    ) -> (rows: [MockPageRow], total: Int) {
        let index = matchIndex(filter: filter, dataset: dataset)
        let start = max(0, idGreater)
        let skipped = matches(upTo: start, filter: filter, index: index, dataset: dataset)
        let total = index.before[index.before.count - 1] - skipped
        guard offset < total, limit > 0 else { return ([], total) }
        // Jump to the block holding the first wanted match, then scan.
        let targetRank = skipped + offset
        var block = 0
        while block + 1 < index.before.count - 1, index.before[block + 1] <= targetRank { block += 1 }
        var rank = index.before[block]
        var id = max(block * MatchIndex.blockSize + 1, start + 1)
        if id > block * MatchIndex.blockSize + 1 {
            rank = matches(upTo: id - 1, filter: filter, index: index, dataset: dataset)
        }
        var rows: [MockPageRow] = []
        rows.reserveCapacity(limit)
        while id <= maxID, rows.count < limit {
            if !deleted.contains(id) {
                let t = times(of: id, in: dataset)
                if filter.matches(t) {
                    if rank >= targetRank {
                        rows.append(MockPageRow(index: id - 1, times: overrides[id]))
                    }
                    rank += 1
                }
            }
            id += 1
        }
        return (rows, total)
    }

    /// Every live record in id order, for `MockServer.currentRecords`.
    /// The live record `id`, as a page would serve it.
    func row(id: Int) -> MockPageRow? {
        isLive(id) ? MockPageRow(index: id - 1, times: overrides[id]) : nil
    }

    func allRows() -> [MockPageRow] {
        (1...max(1, maxID)).compactMap { id in
            isLive(id) ? MockPageRow(index: id - 1, times: overrides[id]) : nil
        }
    }

    // MARK: Mutations

    mutating func update(id: Int, at seconds: Int64, dataset: MockDataset) {
        guard isLive(id) else { return }
        var t = times(of: id, in: dataset)
        t.updated = max(t.updated, seconds)
        overrides[id] = t
        version += 1
    }

    @discardableResult
    mutating func insert(at seconds: Int64) -> Int {
        maxID += 1
        overrides[maxID] = RecordTimes(created: seconds, updated: seconds)
        version += 1
        return maxID
    }

    mutating func delete(id: Int) {
        guard isLive(id) else { return }
        deleted.insert(id)
        let position = deletedSorted.partitioningIndex { $0 > id }
        deletedSorted.insert(id, at: position)
        overrides[id] = nil
        version += 1
    }

    /// A random live id (nil when none is left).
    func randomLiveID(using random: inout SplitMix64) -> Int? {
        guard liveCount > 0 else { return nil }
        // k-th live id: smallest id with id - deleted(<= id) == k + 1.
        let k = random.below(liveCount)
        var id = k + 1
        while true {
            let next = k + 1 + deletedSorted.partitioningIndex { $0 > id }
            if next == id { return id }
            id = next
        }
    }

    // MARK: Match index

    private mutating func matchIndex(filter: RecordFilter, dataset: MockDataset) -> MatchIndex {
        if let cached = matchIndexes[filter], cached.version == version { return cached }
        let blocks = (maxID + MatchIndex.blockSize - 1) / MatchIndex.blockSize
        var before = [Int](repeating: 0, count: blocks + 1)
        var running = 0
        for block in 0..<blocks {
            before[block] = running
            let first = block * MatchIndex.blockSize + 1
            for id in first...min(maxID, first + MatchIndex.blockSize - 1)
            where !deleted.contains(id) && filter.matches(times(of: id, in: dataset)) {
                running += 1
            }
        }
        before[blocks] = running
        if matchIndexes.count > 32 { matchIndexes.removeAll() }
        let index = MatchIndex(version: version, before: before)
        matchIndexes[filter] = index
        return index
    }

    /// Number of matching live records with id <= `id`.
    private func matches(upTo id: Int, filter: RecordFilter, index: MatchIndex, dataset: MockDataset) -> Int {
        let capped = min(id, maxID)
        guard capped > 0 else { return 0 }
        let block = (capped - 1) / MatchIndex.blockSize
        var count = index.before[block]
        for candidate in (block * MatchIndex.blockSize + 1)...capped
        where !deleted.contains(candidate) && filter.matches(times(of: candidate, in: dataset)) {
            count += 1
        }
        return count
    }
}

extension Array where Element == Int {
    /// First index whose element satisfies `predicate` (which must be false then true along the array).
    func partitioningIndex(where predicate: (Int) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if predicate(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
