/// Where a list can be restarted so that the next page is the one after the last page consumed.
public enum ResumePoint: Sendable, Equatable {
    /// Contacts: `id_greater=<id>`.
    case afterID(Int64)
    /// Offset-paged endpoints: the next `offset`.
    case offset(Int)
    /// deal_stages: the pipeline being read and the offset inside it.
    case pipeline(id: Int64, offset: Int)
}
