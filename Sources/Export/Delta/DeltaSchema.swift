import Foundation

/// An endpoint's columns as a Delta table schema (`schemaString`, Delta's JSON schema): the inferred columns, the
/// two columns every file ends with, and the `date` partition column, which lives in the folder names only.
/// docs/delta-lake.md#schema.
enum DeltaSchema {
    static let partitionColumn = "date"

    /// The Delta type of an inferred column (Parquet INT64 is `long`; a timestamp without a zone is
    /// `timestamp_ntz`, which needs the table feature of the same name).
    static func deltaType(_ type: InferredType) -> String {
        switch type {
        case .boolean: "boolean"
        case .int64: "long"
        case .double: "double"
        case .string: "string"
        case .timestampUTC, .timestampUTCWallTime: "timestamp"
        case .timestampLocal: "timestamp_ntz"
        case .date: "date"
        }
    }

    /// `(name, Delta type, nullable)` of every column of the table, in order.
    static func fields(of schema: EndpointSchema) -> [(name: String, type: String, nullable: Bool)] {
        schema.columns.map { ($0.name, deltaType($0.type), true) } + [
            (SchemaTracker.extractedAtColumn, "timestamp", false),
            (SchemaTracker.runIDColumn, "string", false),
            (partitionColumn, "date", false),
        ]
    }

    /// Delta's JSON schema of `schema`, with keys in a fixed order so that the same schema is the same text.
    static func schemaString(of schema: EndpointSchema) -> String {
        let fields = fields(of: schema).map { field -> [String: Any] in
            ["name": field.name, "type": field.type, "nullable": field.nullable, "metadata": [String: Any]()]
        }
        return DeltaJSON.text(["type": "struct", "fields": fields])
    }

    /// Whether the table needs the `timestampNtz` feature (reader version 3, writer version 7).
    static func needsTimestampNtz(_ schema: EndpointSchema) -> Bool {
        schema.columns.contains { $0.type == .timestampLocal }
    }
}

/// JSON text as the Delta log writes it: compact, keys sorted, slashes unescaped.
enum DeltaJSON {
    static func text(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
