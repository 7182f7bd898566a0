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

/// One leaf column of a flat schema.
public struct Column: Sendable, Hashable {
    public var name: String
    public var type: ColumnType
    public var isRequired: Bool

    public init(_ name: String, _ type: ColumnType, required: Bool = false) {
        self.name = name
        self.type = type
        self.isRequired = required
    }
}

/// A flat schema: a root with leaf columns only.
public struct Schema: Sendable, Hashable {
    public var columns: [Column]

    public init(_ columns: [Column]) {
        self.columns = columns
    }
}
