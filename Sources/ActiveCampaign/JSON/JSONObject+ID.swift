extension JSONObject {
    /// The record's `id` as an integer: a string on the wire (reference §4), a number tolerated. Nil when missing
    /// or not an integer.
    var integerID: Int64? {
        switch self["id"] {
        case .string(let text)?: Int64(text)
        case .number(let text)?: Int64(text)
        default: nil
        }
    }
}
