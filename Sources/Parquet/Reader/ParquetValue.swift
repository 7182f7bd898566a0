/// One decoded cell, as the self-check reader returns it.
public enum ParquetValue: Sendable, Equatable, CustomStringConvertible {
    case null
    case boolean(Bool)
    case int32(Int32)
    case int64(Int64)
    case double(Double)
    case bytes([UInt8])

    public var string: String? {
        if case .bytes(let b) = self { return String(decoding: b, as: UTF8.self) }
        return nil
    }

    public var description: String {
        switch self {
        case .null: "null"
        case .boolean(let v): String(v)
        case .int32(let v): String(v)
        case .int64(let v): String(v)
        case .double(let v): String(v)
        case .bytes(let b): String(decoding: b, as: UTF8.self)
        }
    }
}
