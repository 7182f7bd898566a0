/// Runs `body` to its end even when the calling task was cancelled (Ctrl-C): cleanup that keeps the lake consistent
/// for readers (a swap rolled back, an unlisted file withdrawn, a multipart upload aborted) and the records that tell
/// the next run how this one ended (the run record, the lock's release). A remote store's requests are cancelled
/// with their task, a local rename is not: this makes both behave the same.
func evenIfCancelled(_ body: @escaping @Sendable () async throws -> Void) async throws {
    try await Task { try await body() }.value
}
