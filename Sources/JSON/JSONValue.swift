/// One JSON value as the API sent it: the exporter's record model.
///
/// Numbers keep their raw text (`"1.50"`, `"1e3"`, `"12345678901234567890"`), so nothing is lost before the
/// schema inference decides a column type; objects keep their members in document order, duplicates included.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number exactly as sent (RFC 8259 grammar).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}
