/// A 200 response body that parsed: the root object, its records and `meta.total`.
struct ListResponse: Sendable {
    var root: JSONObject
    var records: [JSONObject]
    /// The records' JSON text as received, aligned with `records` (what the exporter reads).
    var text: RawRecords
    var total: Int?
    var requestDescription: String

    /// reference §2: `meta.total` is a string on most endpoints and a number on `/deals`.
    static func total(in root: JSONObject) -> Int? {
        guard case .object(let meta)? = root["meta"] else { return nil }
        switch meta["total"] {
        case .string(let text)?: return Int(text)
        case .number(let text)?: return Int(text) ?? Double(text).map { Int($0) }
        default: return nil
        }
    }
}
