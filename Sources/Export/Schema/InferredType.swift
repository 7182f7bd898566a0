import Parquet

/// A column's type as inferred from the records (docs/parquet-layout.md#column-types). Every inferred column is optional.
public enum InferredType: String, Codable, Sendable, CaseIterable {
    case boolean, int64, double, string
    case timestampUTC = "timestamp_utc"
    /// A field documented as UTC although its text has no zone (`*_utc_timestamp`, `FieldKnowledge`): zone-less
    /// values are read as UTC, values with an offset as the instant they name.
    case timestampUTCWallTime = "timestamp_utc_wall_time"
    case timestampLocal = "timestamp_local"
    case date

    public var columnType: ColumnType {
        switch self {
        case .boolean: .boolean
        case .int64: .int64
        case .double: .double
        case .string: .string
        case .timestampUTC, .timestampUTCWallTime: .timestampMicros(adjustedToUTC: true)
        case .timestampLocal: .timestampMicros(adjustedToUTC: false)
        case .date: .date
        }
    }

    /// The inferred type a Parquet column type stands for (nil for INT32, which inference never makes).
    public init?(columnType: ColumnType) {
        guard let type = Self.allCases.first(where: { $0.columnType == columnType }) else { return nil }
        self = type
    }

    /// The narrowest type that holds values of both types without loss: INT64 → DOUBLE → STRING,
    /// anything else that disagrees → STRING (text keeps every value recoverable).
    public func widened(with other: InferredType) -> InferredType {
        if self == other { return self }
        switch (self, other) {
        case (.int64, .double), (.double, .int64): return .double
        case (.timestampUTCWallTime, .timestampUTC), (.timestampUTCWallTime, .timestampLocal): return .timestampUTCWallTime
        default: return .string
        }
    }
}
