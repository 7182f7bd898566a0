/// Everything that can go wrong while writing or reading a Parquet file, with a message that says what to do.
public enum ParquetError: Error, Equatable, CustomStringConvertible {
    case typeMismatch(column: String, columnType: ColumnType, appended: String)
    case nullInRequiredColumn(column: String)
    case columnCountMismatch(expected: Int, column: String, actual: Int)
    case writerClosed
    case invalidSchema(String)
    case compression(String)
    case io(path: String, operation: String, errno: Int32, message: String)
    case corruptFile(String)
    case unsupported(String)

    public var description: String {
        switch self {
        case let .typeMismatch(column, columnType, appended):
            "column '\(column)' is \(columnType) but a \(appended) value was appended to it"
        case let .nullInRequiredColumn(column):
            "column '\(column)' is required but a null was appended; declare it optional or supply a value"
        case let .columnCountMismatch(expected, column, actual):
            "row group has \(expected) rows but column '\(column)' has \(actual) values; append exactly one value per column per row"
        case .writerClosed:
            "the Parquet writer is already closed"
        case let .invalidSchema(reason):
            "invalid Parquet schema: \(reason)"
        case let .compression(reason):
            "zlib failed: \(reason)"
        case let .io(path, operation, errno, message):
            "cannot \(operation) \(path): \(message) (errno \(errno))"
                + (errno == 28 ? "; the disk is full: free space and run again" : "")
        case let .corruptFile(reason):
            "not a valid Parquet file: \(reason)"
        case let .unsupported(reason):
            "unsupported Parquet feature: \(reason)"
        }
    }
}
