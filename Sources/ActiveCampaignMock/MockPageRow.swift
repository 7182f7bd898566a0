/// One record chosen for a response page: its zero-based index (`id - 1`) and, when a mutation touched it,
/// its overriding creation/update instants.
struct MockPageRow: Sendable {
    var index: Int
    var times: RecordTimes?
}

/// The paging parameters echoed in a page (contacts' `meta.page_input`).
struct MockPageQuery: Sendable {
    var limit: Int
    var offset: Int
}

/// One entry of deals' `meta.currencies`: upper-case code, number of deals, total value in cents.
struct MockCurrencyTotal: Sendable {
    var code: String
    var count: Int
    var cents: Int
}
