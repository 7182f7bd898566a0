/// A JSON object: its members in document order, duplicate keys kept (RFC 8259 §4 leaves them to the reader).
public struct JSONObject: Sendable, Equatable {
    public var members: [JSONMember]

    public init(members: [JSONMember] = []) {
        self.members = members
    }

    /// The value of the last member named `key` (as the page skimmer and the record shredder read duplicates,
    /// and as JavaScript and Python do), or nil when there is none.
    public subscript(key: String) -> JSONValue? {
        for member in members.reversed() where member.key == key {
            return member.value
        }
        return nil
    }
}
