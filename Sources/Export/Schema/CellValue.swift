import ActiveCampaign
import Parquet

/// A value converted to its column's type, ready to append to the Parquet column.
enum CellValue {
    case null
    case boolean(Bool)
    case int64(Int64)
    case double(Double)
    case text(String)
    case micros(Int64)
    case days(Int32)

    func append(to column: ColumnWriter) throws(ParquetError) {
        switch self {
        case .null: try column.appendNull()
        case .boolean(let v): try column.append(v)
        case .int64(let v), .micros(let v): try column.append(v)
        case .double(let v): try column.append(v)
        case .text(let v): try column.append(v)
        case .days(let v): try column.append(v)
        }
    }
}

/// The type rules of DESIGN.md "Columns" for one JSON leaf.
enum ValueTyping {
    /// The narrowest type that holds `value`; nil for null and MySQL zero dates (both stored as null).
    static func narrowestType(of value: JSONValue) -> InferredType? {
        switch value {
        case .null: return nil
        case .bool: return .boolean
        case .array, .object: return .string
        case .number(let text):
            if integer(text) != nil { return .int64 }
            return jsonDouble(text) != nil ? .double : .string
        case .string(let text):
            return withUTF8(text) { bytes -> InferredType? in
                if TextValueParser.canonicalInteger(bytes) != nil { return .int64 }
                if TextValueParser.canonicalDecimal(bytes) != nil { return .double }
                switch TextValueParser.dateTime(bytes) {
                case .zero?: return nil
                case .instant?: return .timestampUTC
                case .local?: return .timestampLocal
                case .date?: return .date
                case nil: return .string
                }
            }
        }
    }

    /// `value` converted to `type`, or nil when it does not fit (the column must widen).
    static func convert(_ value: JSONValue, to type: InferredType) -> CellValue? {
        if case .null = value { return .null }
        switch type {
        case .string:
            switch value {
            case .null: return .null
            case .string(let text):
                if case .zero? = withUTF8(text, TextValueParser.dateTime) { return .null }
                return .text(text)
            case .number(let text): return .text(text)
            case .bool(let b): return .text(b ? "true" : "false")
            case .array, .object: return .text(value.compactText)
            }
        case .boolean:
            if case .bool(let b) = value { return .boolean(b) }
            return zeroDateAsNull(value)
        case .int64:
            switch value {
            case .number(let text): return integer(text).map(CellValue.int64)
            case .string(let text):
                if let v = withUTF8(text, TextValueParser.canonicalInteger) { return .int64(v) }
                return zeroDateAsNull(value)
            default: return nil
            }
        case .double:
            switch value {
            case .number(let text):
                if let i = integer(text) { return exactDouble(i) }
                return jsonDouble(text).map(CellValue.double)
            case .string(let text):
                return withUTF8(text) { bytes -> CellValue? in
                    if let i = TextValueParser.canonicalInteger(bytes) { return exactDouble(i) }
                    if let d = TextValueParser.canonicalDecimal(bytes) { return .double(d) }
                    if case .zero? = TextValueParser.dateTime(bytes) { return .null }
                    return nil
                }
            default: return nil
            }
        case .timestampUTC, .timestampLocal, .date:
            guard case .string(let text) = value else { return nil }
            switch withUTF8(text, TextValueParser.dateTime) {
            case .zero?: return .null
            case .instant(let micros)? where type == .timestampUTC: return .micros(micros)
            case .local(let micros)? where type == .timestampLocal: return .micros(micros)
            case .date(let days)? where type == .date: return .days(days)
            default: return nil
            }
        }
    }

    private static func zeroDateAsNull(_ value: JSONValue) -> CellValue? {
        if case .string(let text) = value, case .zero? = withUTF8(text, TextValueParser.dateTime) { return .null }
        return nil
    }

    /// Integers beyond 2^53 do not survive a double: such a column must become text instead.
    private static func exactDouble(_ i: Int64) -> CellValue? {
        i.magnitude <= 1 << 53 ? .double(Double(i)) : nil
    }

    private static func integer(_ text: String) -> Int64? {
        withUTF8(text, TextValueParser.canonicalInteger)
    }

    /// A JSON number that is not an integer within Int64: a double when finite and not an integer
    /// literal (an integer beyond Int64 would lose digits as a double, so it stays text).
    private static func jsonDouble(_ text: String) -> Double? {
        guard text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let d = Double(text), d.isFinite else { return nil }
        return d
    }

    @inline(__always)
    static func withUTF8<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var text = text
        return text.withUTF8(body)
    }
}
