/// The logical column types this writer supports, each mapped to one physical type
/// plus the logical and legacy converted annotations (LogicalTypes.md, "Compatibility").
public enum ColumnType: Sendable, Hashable, CustomStringConvertible {
    case boolean
    case int32
    case int64
    case double
    case string
    /// INT64 microseconds since the epoch; `adjustedToUTC` false means a local (naive) timestamp.
    case timestampMicros(adjustedToUTC: Bool)
    /// INT32 days since 1970-01-01.
    case date

    public var physicalType: PhysicalType {
        switch self {
        case .boolean: .boolean
        case .int32, .date: .int32
        case .int64, .timestampMicros: .int64
        case .double: .double
        case .string: .byteArray
        }
    }

    public var convertedType: ConvertedType? {
        switch self {
        case .string: .utf8
        case .date: .date
        case .timestampMicros: .timestampMicros
        case .boolean, .int32, .int64, .double: nil
        }
    }

    public var description: String {
        switch self {
        case .boolean: "BOOLEAN"
        case .int32: "INT32"
        case .int64: "INT64"
        case .double: "DOUBLE"
        case .string: "STRING"
        case .timestampMicros(let utc): "TIMESTAMP(MICROS, \(utc ? "UTC" : "local"))"
        case .date: "DATE"
        }
    }
}

/// One leaf column: its name (the dotted path in a nested schema), type, and where it sits (the levels that the
/// Dremel encoding gives its entries; a top-level column has no repetition and one definition level if optional).
public struct Column: Sendable, Hashable {
    public var name: String
    public var type: ColumnType
    public var isRequired: Bool
    /// The names from the schema's root to this leaf.
    public internal(set) var path: [String]
    /// Optional or repeated nodes on the path (the leaf included): the level of an entry whose value is present.
    public internal(set) var maxDefinitionLevel: Int
    /// Repeated nodes on the path: entries of the same row after its first carry a level above 0.
    public internal(set) var maxRepetitionLevel: Int

    public init(_ name: String, _ type: ColumnType, required: Bool = false) {
        self.name = name
        self.type = type
        self.isRequired = required
        path = [name]
        maxDefinitionLevel = required ? 0 : 1
        maxRepetitionLevel = 0
    }
}

/// A node of a nested schema: a leaf column, or a group of nodes (a struct, or the LIST and MAP shapes of
/// LogicalTypes.md "Nested Types").
public indirect enum SchemaNode: Sendable, Hashable {
    case leaf(name: String, type: ColumnType, repetition: Repetition)
    case group(name: String, repetition: Repetition, annotation: GroupAnnotation?, children: [SchemaNode])

    public enum GroupAnnotation: Sendable, Hashable {
        case list, map
    }

    public static func optional(_ name: String, _ type: ColumnType) -> SchemaNode {
        .leaf(name: name, type: type, repetition: .optional)
    }

    public static func optionalStruct(_ name: String, _ children: [SchemaNode]) -> SchemaNode {
        .group(name: name, repetition: .optional, annotation: nil, children: children)
    }

    /// An optional map of strings to optional strings in the standard three-level shape.
    public static func stringMap(_ name: String) -> SchemaNode {
        .group(name: name, repetition: .optional, annotation: .map, children: [
            .group(name: "key_value", repetition: .repeated, annotation: nil, children: [
                .leaf(name: "key", type: .string, repetition: .required), .optional("value", .string),
            ]),
        ])
    }

    /// An optional list of optional strings in the standard three-level shape.
    public static func stringList(_ name: String) -> SchemaNode {
        .group(name: name, repetition: .optional, annotation: .list, children: [
            .group(name: "list", repetition: .repeated, annotation: nil, children: [.optional("element", .string)]),
        ])
    }

    var name: String {
        switch self {
        case .leaf(let name, _, _), .group(let name, _, _, _): name
        }
    }

    var repetition: Repetition {
        switch self {
        case .leaf(_, _, let repetition), .group(_, let repetition, _, _): repetition
        }
    }

    var leafCount: Int {
        switch self {
        case .leaf: 1
        case .group(_, _, _, let children): children.reduce(0) { $0 + $1.leafCount }
        }
    }
}

/// A schema: the root's fields, and its leaf columns in file order with their paths and levels.
public struct Schema: Sendable, Hashable {
    public let fields: [SchemaNode]
    public let columns: [Column]

    /// A flat schema: a root with leaf columns only.
    public init(_ columns: [Column]) {
        self.columns = columns
        fields = columns.map { .leaf(name: $0.name, type: $0.type, repetition: $0.isRequired ? .required : .optional) }
    }

    public init(fields: [SchemaNode]) {
        self.fields = fields
        var columns: [Column] = []
        func collect(_ node: SchemaNode, path: [String], definition: Int, repetition: Int) {
            let definition = definition + (node.repetition == .required ? 0 : 1)
            let repetition = repetition + (node.repetition == .repeated ? 1 : 0)
            switch node {
            case let .leaf(name, type, leafRepetition):
                var column = Column((path + [name]).joined(separator: "."), type, required: leafRepetition == .required)
                column.path = path + [name]
                column.maxDefinitionLevel = definition
                column.maxRepetitionLevel = repetition
                columns.append(column)
            case let .group(name, _, _, children):
                for child in children { collect(child, path: path + [name], definition: definition, repetition: repetition) }
            }
        }
        for field in fields { collect(field, path: [], definition: 0, repetition: 0) }
        self.columns = columns
    }
}
