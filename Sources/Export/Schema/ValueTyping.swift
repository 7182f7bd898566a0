import Parquet
import JSON

/// A value converted to its column's type, ready to append to the Parquet column (text points into the
/// field's buffer: nothing is allocated per value).
enum ConvertedValue {
    case null
    case boolean(Bool)
    case int64(Int64)
    case double(Double)
    case text(UnsafeBufferPointer<UInt8>)
    case micros(Int64)
    case days(Int32)

    @inline(__always)
    func append(to column: ColumnWriter) throws(ParquetError) {
        switch self {
        case .null: try column.appendNull()
        case .boolean(let v): try column.append(v)
        case .int64(let v), .micros(let v): try column.append(v)
        case .double(let v): try column.append(v)
        case .text(let v): try column.append(utf8: UnsafeRawBufferPointer(v))
        case .days(let v): try column.append(v)
        }
    }
}

/// The type rules of docs/parquet-layout.md#column-types for one JSON leaf, given as its kind and bytes.
enum ValueTyping {
    /// The narrowest type that holds the value; nil for absent, null and MySQL zero dates (all stored as null).
    static func narrowestType(_ kind: ValueKind, _ bytes: UnsafeBufferPointer<UInt8>) -> InferredType? {
        switch kind {
        case .absent, .null: return nil
        case .false, .true: return .boolean
        case .json: return .string
        case .number:
            if TextValueParser.canonicalInteger(bytes) != nil { return .int64 }
            return jsonDouble(bytes) != nil ? .double : .string
        case .string:
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

    private static let trueText: StaticString = "true"
    private static let falseText: StaticString = "false"

    /// The value converted to `type`, or nil when it does not fit (the column must widen).
    @inline(__always)
    static func convert(_ kind: ValueKind, _ bytes: UnsafeBufferPointer<UInt8>, to type: InferredType) -> ConvertedValue? {
        switch kind {
        case .absent, .null: return .null
        case .string where isZeroDate(bytes): return .null
        default: break
        }
        switch type {
        case .string:
            switch kind {
            case .false, .true:
                let text = kind == .true ? trueText : falseText
                return .text(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
            default: return .text(bytes)
            }
        case .boolean:
            switch kind {
            case .true: return .boolean(true)
            case .false: return .boolean(false)
            default: return nil
            }
        case .int64:
            guard kind == .number || kind == .string else { return nil }
            return TextValueParser.canonicalInteger(bytes).map(ConvertedValue.int64)
        case .double:
            guard kind == .number || kind == .string else { return nil }
            if let i = TextValueParser.canonicalInteger(bytes) { return exactDouble(i) }
            let d = kind == .number ? jsonDouble(bytes) : TextValueParser.canonicalDecimal(bytes)
            return d.map(ConvertedValue.double)
        case .timestampUTC, .timestampUTCWallTime, .timestampLocal, .date:
            guard kind == .string else { return nil }
            switch TextValueParser.dateTime(bytes) {
            case .instant(let micros)? where type == .timestampUTC || type == .timestampUTCWallTime: return .micros(micros)
            case .local(let micros)? where type == .timestampUTCWallTime: return .micros(micros)
            case .local(let micros)? where type == .timestampLocal: return .micros(micros)
            case .date(let days)? where type == .date: return .days(days)
            default: return nil
            }
        }
    }

    /// `0000-00-00` and `0000-00-00 00:00:00`: MySQL's "no date", stored as null whatever the column type.
    @inline(__always)
    static func isZeroDate(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 10, bytes[0] == UInt8(ascii: "0"), bytes[3] == UInt8(ascii: "0") else { return false }
        if case .zero? = TextValueParser.dateTime(bytes) { return true }
        return false
    }

    /// Integers beyond 2^53 do not survive a double: such a column must become text instead.
    private static func exactDouble(_ i: Int64) -> ConvertedValue? {
        i.magnitude <= 1 << 53 ? .double(Double(i)) : nil
    }

    /// A JSON number that is not an integer within Int64: a double when finite and not an integer
    /// literal (an integer beyond Int64 would lose digits as a double, so it stays text).
    private static func jsonDouble(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard bytes.contains(where: { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") }),
            let d = Double(String(decoding: bytes, as: UTF8.self)), d.isFinite
        else { return nil }
        return d
    }
}
