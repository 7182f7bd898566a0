/// An endpoint's inferred columns, in order of first appearance. Kept in the manifest so that the
/// next run starts from the same types.
public struct EndpointSchema: Codable, Sendable, Equatable {
    public struct Column: Codable, Sendable, Equatable {
        /// The Parquet column's name.
        public var name: String
        public var type: InferredType
        /// The flattened source field, when the column had to be named otherwise (an empty key, a name that
        /// clashes ignoring case): kept so that later runs map the field to the same column.
        public var source: String?
        /// Null in every record so far: its type (STRING unless `FieldKnowledge` knows better) only holds the
        /// place, and the first value decides it (the files written before are rewritten with it).
        public var nullOnly: Bool?
    }

    public var columns: [Column] = []

    public init(columns: [Column] = []) {
        self.columns = columns
    }
}

/// One change to an endpoint's schema, recorded in the manifest with the run that caused it.
public struct SchemaChange: Codable, Sendable, Equatable {
    public var runID: String
    public var column: String
    /// nil when the column is new.
    public var from: InferredType?
    public var to: InferredType
    /// Where the first value that forced the change came from, e.g. "GET /api/3/contacts?... record 17".
    public var cause: String
}
