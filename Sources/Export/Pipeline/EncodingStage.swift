/// The second stage of an endpoint's pipeline: one batch's rows are typed and encoded into the open part file on
/// another core while the exporter reads and shreds the next page (docs/performance.md#two-stages). Compression
/// runs on a third thread (`PageCodec`).
///
/// At most one batch is in flight. While it is, the part file, its column writers and the schema tracker belong to
/// the stage: the exporter touches them again only after `finish()` returned, whose `await` on the task is the
/// hand-back. That protocol is what the unchecked `Sendable` below stands for; the rows themselves are copies.
final class EncodingStage {
    /// What one batch's encoding touches, handed to the stage's task and back; it returns the rows' buffers, emptied,
    /// for the next page to be shredded into.
    struct Job: @unchecked Sendable {
        let encode: () throws -> [FieldValues]
    }

    private var inFlight: Task<[FieldValues], any Error>?

    /// Starts encoding the batch; the previous one must have been finished.
    func start(_ job: Job) {
        precondition(inFlight == nil, "a batch is already being encoded")
        inFlight = Task.detached { try job.encode() }
    }

    /// Waits for the batch in flight; its error, if any, is thrown here. Returns its emptied buffers (nil: none was).
    func finish() async throws -> [FieldValues]? {
        guard let task = inFlight else { return nil }
        inFlight = nil
        return try await task.value
    }

    /// Waits for the batch in flight, whatever its outcome: before the part file it writes is abandoned.
    func settle() async {
        _ = try? await finish()
    }
}
