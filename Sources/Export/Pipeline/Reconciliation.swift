import ActiveCampaign
import AsyncAlgorithms
import Foundation
import JSON
import Logging

/// `run --reconcile`: the ids an incremental endpoint's files hold that the API no longer lists become tombstones
/// (`id`, `detected_at`) in the table `<endpoint>_deleted`, each id once (docs/completeness.md#deletions).
///
/// The listing is read whole, without a window. Contacts are listed by id keyset and judged page by page, so a
/// reconcile killed mid-listing resumes after the last id it judged (`Manifest.reconciliations`); deals are listed by
/// offset and judged at the end, and a killed one lists again. An offset listing can miss a live record whose
/// neighbours were deleted and inserted while it paged, with its count unchanged: each deal it did not list is asked
/// for (`GET deals/<id>`) and gets its tombstone only on a 404. Tombstones are written only once the listing is proven
/// complete: one that returned fewer records than the API counts writes none.
enum Reconciliation {
    /// The tombstone table of `endpoint`.
    static func table(of endpoint: String) -> String { endpoint + "_deleted" }

    /// Every tombstone table a lake may hold.
    static let tables = Endpoint.standard.filter(\.isIncremental).map { table(of: $0.name) }

    /// Lists the endpoint's ids and writes the tombstones of those gone; the result is reported as the table's.
    static func reconcile<Source: RecordSource>(
        _ endpoint: Endpoint, source: Source, store: ManifestStore, context: EndpointExporter.Context, logger: Logger
    ) async -> EndpointResult {
        let started = ContinuousClock.now
        let table = table(of: endpoint.name)
        var result = EndpointResult(
            endpoint: table, mode: .incremental, status: .succeeded, rows: 0, files: 0, bytes: 0, watermark: nil, error: nil, duration: .zero)
        let requestsBefore = source.requestStatistics(for: endpoint.name)
        do {
            let listing = try await listDeletedIDs(endpoint, source: source, store: store, context: context, logger: logger)
            let deleted = try await confirmed(listing.deleted, of: endpoint, ordered: listing.ordered, source: source, logger: logger)
            let detectedAt = EndpointExporter.iso(date: Date())
            let records = deleted.map { id in
                JSONValue.object(JSONObject(members: [
                    JSONMember(key: "id", value: .string(String(id))), JSONMember(key: "detected_at", value: .string(detectedAt)),
                ]))
            }
            let manifest = await store.manifest
            // The first reconcile makes the table even without a deletion (one file with no row), so that the queries
            // that subtract it work from then on; its `id` takes the endpoint's `id` type.
            let idType = manifest.endpoints[endpoint.name]?.schema.columns.first { ($0.source ?? $0.name) == "id" }?.type ?? .int64
            let state = manifest.endpoints[table] ?? EndpointState(
                mode: .incremental, cursorField: "detected_at",
                schema: EndpointSchema(columns: [.init(name: "id", type: idType), .init(name: "detected_at", type: .timestampUTC)]))
            if !records.isEmpty || manifest.endpoints[table] == nil {
                let exporter = EndpointExporter(
                    endpoint: table, cursorField: "detected_at", window: nil, resumedCheckpoint: nil, state: state,
                    context: context, manifest: store, logger: logger)
                exporter.commitsEmptyFile = manifest.endpoints[table] == nil
                try await exporter.run([RecordBatch(records: records, resumeAfter: nil, origin: "the reconcile of \(endpoint.name)")].async)
                result.rows = exporter.rowsCommitted
                result.files = exporter.filesCommitted
                result.bytes = exporter.bytesCommitted
            }
            // Committed: a resumed listing would only find the same ids, already tombstoned.
            try await forgetProgress(of: endpoint, in: store)
            result.completeness = listing.completeness
            logger.notice(
                "reconciled", metadata: ["endpoint": "\(endpoint.name)", "table": "\(table)", "deleted": .stringConvertible(deleted.count),
                                         "listed": .stringConvertible(listing.completeness.read)])
        } catch is CancellationError {
            result.status = .cancelled
            result.error = "the reconcile stopped; the next --reconcile resumes it"
        } catch let incomplete as IncompleteListing {
            result.status = .incomplete
            result.completeness = incomplete.completeness
            result.error = "\(incomplete)"
            logger.error("reconcile incomplete", metadata: ["endpoint": "\(endpoint.name)", "error": "\(incomplete)"])
        } catch {
            result.status = .failed
            result.error = "\(error)"
            logger.error("reconcile failed", metadata: ["endpoint": "\(endpoint.name)", "error": "\(error)"])
        }
        result.watermark = await store.manifest.endpoints[table]?.watermark
        result.duration = ContinuousClock.now - started
        result.requests = source.requestStatistics(for: endpoint.name).map { now in
            var delta = now
            delta.requests -= requestsBefore?.requests ?? 0
            delta.retries -= requestsBefore?.retries ?? 0
            delta.rateLimited -= requestsBefore?.rateLimited ?? 0
            delta.failures -= requestsBefore?.failures ?? 0
            return delta
        }
        return result
    }

    /// The candidates of an offset listing, each asked for: only those the API answers 404 for are gone. A keyset
    /// listing cannot miss a live record, so its candidates stand (a bulk deletion would cost a request each).
    static func confirmed<Source: RecordSource>(
        _ candidates: [Int64], of endpoint: Endpoint, ordered: Bool, source: Source, logger: Logger
    ) async throws -> [Int64] {
        guard !ordered else { return candidates }
        var gone: [Int64] = []
        for id in candidates {
            try Task.checkCancellation()
            guard let exists = try await source.recordExists(endpoint, id: id) else {
                throw ListingUnprovable(endpoint: endpoint.name, reason: "this source cannot confirm that a record is gone")
            }
            if exists {
                logger.notice("a record the listing missed still exists: no tombstone", metadata: ["endpoint": "\(endpoint.name)", "id": "\(id)"])
            } else {
                gone.append(id)
            }
        }
        return gone
    }

    private static func forgetProgress(of endpoint: Endpoint, in store: ManifestStore) async throws {
        try await store.update { m in
            m.reconciliations?[endpoint.name] = nil
            if m.reconciliations?.isEmpty == true { m.reconciliations = nil }
        }
    }

    /// A reconcile that cannot tell a deleted id from one its listing missed writes nothing.
    struct ListingUnprovable: Error, CustomStringConvertible {
        var endpoint: String
        var reason: String
        var description: String { "\(endpoint): no tombstones written: \(reason)" }
    }

    /// The ids of the endpoint's files, not tombstoned yet, that the listing no longer returns; with the listing's
    /// completeness figures (`written` and `skipped` stay 0: nothing of the listing itself is written).
    private static func listDeletedIDs<Source: RecordSource>(
        _ endpoint: Endpoint, source: Source, store: ManifestStore, context: EndpointExporter.Context, logger: Logger
    ) async throws -> (deleted: [Int64], ordered: Bool, completeness: Completeness) {
        let manifest = await store.manifest
        // Reading every file's ids can take minutes on a large lake: each file read counts as progress (the stall
        // watchdog sees it).
        let reading: (Int) -> Void = { _ in
            context.progress?(ExportProgress(endpoint: table(of: endpoint.name), records: 0, total: nil, filesCommitted: 0, state: .running))
        }
        let tombstoned = try await ExportRun.ids(in: manifest.endpoints[table(of: endpoint.name)]?.files ?? [], storage: context.storage, afterFile: reading)
        let committed = try await ExportRun.ids(in: manifest.endpoints[endpoint.name]?.files ?? [], storage: context.storage, afterFile: reading)
        let lake = committed.subtracting(tombstoned).compactMap { Int64($0) }.sorted()
        guard let check = source.completenessCheck(for: endpoint, window: nil) else {
            throw ListingUnprovable(endpoint: endpoint.name, reason: "this source gives no count to prove its listing complete")
        }
        let ordered = endpoint.pagination == .idGreater && endpoint.parent == nil
        let progress = ordered ? manifest.reconciliations?[endpoint.name] : nil
        var judge = DeletedIDs(lake: lake, resuming: progress)
        var read = progress?.read ?? 0
        var count = ListingCount(check: check, continuingFrom: progress?.totalAtStart, continuing: progress != nil)
        var lastSaved = ContinuousClock.now
        if let progress {
            logger.info("resuming the reconcile's listing", metadata: ["endpoint": "\(endpoint.name)", "after_id": "\(progress.afterID)"])
        }
        for try await batch in source.batches(for: endpoint, window: nil, resumeFrom: progress.map { .afterID($0.afterID) }) {
            try Task.checkCancellation()
            count.observe(batch)
            guard let ids = batch.ids else {
                throw ListingUnprovable(endpoint: endpoint.name, reason: "its source does not give the records' ids")
            }
            read += ids.count
            context.progress?(ExportProgress(endpoint: table(of: endpoint.name), records: read, total: count.atStart, filesCommitted: 0, state: .running))
            if ordered {
                judge.observeOrderedPage(ids.compactMap { $0 })
                if ContinuousClock.now - lastSaved >= context.checkpointInterval {
                    let saved = ReconcileProgress(afterID: judge.judgedUpTo, read: read, totalAtStart: count.atStart, missing: judge.missing)
                    try await store.update { m in m.reconciliations = (m.reconciliations ?? [:]).merging([endpoint.name: saved]) { $1 } }
                    lastSaved = ContinuousClock.now
                }
            } else {
                judge.observeUnordered(ids.compactMap { $0 })
            }
        }
        try Task.checkCancellation()
        let completeness = Completeness(expected: try await count.expected(), expectedAtStart: count.atStart, read: read, written: 0, skipped: 0)
        guard let difference = completeness.difference else {
            try await forgetProgress(of: endpoint, in: store)
            throw ListingUnprovable(endpoint: endpoint.name, reason: "the API gave no count to prove the id listing complete")
        }
        // Any shortfall, even one that changes during the listing explain, may be a live record that was not listed:
        // tombstoning it would be wrong, so nothing is written and the next reconcile lists again.
        guard difference <= 0 else {
            try await forgetProgress(of: endpoint, in: store)
            var incomplete = completeness
            incomplete.verdict = .incomplete
            incomplete.explanation = "\(difference) fewer than the API counts"
            throw IncompleteListing(endpoint: endpoint.name, completeness: incomplete, reconcile: true)
        }
        return (judge.finish(ordered: ordered), ordered, completeness)
    }
}

/// Which ids of the lake a listing no longer returns. An ordered listing (ascending ids, by keyset) is judged page by
/// page up to the page's largest id, so that a resumed one needs only what it found missing so far; any other is
/// judged once it has been read whole.
struct DeletedIDs {
    /// The lake's ids not tombstoned yet, ascending and distinct.
    private let lake: [Int64]
    /// Index of the first lake id not judged yet (ordered listings).
    private var next: Int
    private(set) var judgedUpTo: Int64
    private(set) var missing: [Int64]
    private var listed: Set<Int64> = []

    init(lake: [Int64], resuming progress: ReconcileProgress?) {
        self.lake = lake
        judgedUpTo = progress?.afterID ?? .min
        next = lake.firstIndex { $0 > (progress?.afterID ?? .min) } ?? lake.count
        let stillInLake = Set(lake)
        missing = (progress?.missing ?? []).filter(stillInLake.contains)
    }

    /// A page of an ascending listing: every lake id up to its largest id that it does not hold is gone.
    mutating func observeOrderedPage(_ ids: [Int64]) {
        guard let highest = ids.max() else { return }
        let page = Set(ids)
        while next < lake.count, lake[next] <= highest {
            if !page.contains(lake[next]) { missing.append(lake[next]) }
            next += 1
        }
        judgedUpTo = max(judgedUpTo, highest)
    }

    mutating func observeUnordered(_ ids: [Int64]) {
        listed.formUnion(ids)
    }

    /// The ids gone, ascending, once the listing was read to its end.
    func finish(ordered: Bool) -> [Int64] {
        ordered ? missing + lake[next...] : lake.filter { !listed.contains($0) }
    }
}
