/// How an endpoint's list is paged (docs/activecampaign-api.md#pagination).
public enum Pagination: String, Sendable {
    /// `orders[id]=ASC` + `id_greater=<last id>`: stable while records change; only `/contacts` supports it.
    case idGreater
    /// `limit` + zero-based `offset`, stopping on a short page.
    case offset
}
