// Thrift compact protocol, writer side: just what Parquet metadata needs
// (thrift-compact-protocol.md: zigzag varints, field-id deltas, list headers).

enum ThriftType: UInt8 {
    case boolTrue = 1, boolFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7
    case binary = 8, list = 9, set = 10, map = 11, structure = 12
}

struct ThriftCompactWriter {
    private(set) var bytes: [UInt8] = []
    /// The last field id of each open struct; field-id deltas restart at 0 inside a nested struct.
    private var lastFieldIDs: [Int16] = [0]

    init() {
        bytes.reserveCapacity(256)
    }

    // MARK: Fields

    mutating func fieldI32(_ id: Int16, _ value: Int32) {
        fieldHeader(id, .i32)
        writeVarint(zigzag32(value))
    }

    mutating func fieldI64(_ id: Int16, _ value: Int64) {
        fieldHeader(id, .i64)
        writeVarint(zigzag64(value))
    }

    mutating func fieldBool(_ id: Int16, _ value: Bool) {
        // Compact protocol: a bool field carries its value in the type nibble.
        fieldHeader(id, value ? .boolTrue : .boolFalse)
    }

    mutating func fieldBinary(_ id: Int16, _ value: [UInt8]) {
        fieldHeader(id, .binary)
        writeBinary(value)
    }

    mutating func fieldString(_ id: Int16, _ value: String) {
        fieldBinary(id, Array(value.utf8))
    }

    /// Opens a struct-typed field; close it with `endStruct()`.
    mutating func beginStructField(_ id: Int16) {
        fieldHeader(id, .structure)
        lastFieldIDs.append(0)
    }

    /// Opens a list of `count` structs; write each with `beginListStruct()`/`endStruct()`.
    mutating func beginStructListField(_ id: Int16, count: Int) {
        fieldHeader(id, .list)
        listHeader(count: count, elementType: .structure)
    }

    mutating func beginListStruct() {
        lastFieldIDs.append(0)
    }

    mutating func endStruct() {
        bytes.append(0)
        lastFieldIDs.removeLast()
    }

    mutating func fieldI32List(_ id: Int16, _ values: [Int32]) {
        fieldHeader(id, .list)
        listHeader(count: values.count, elementType: .i32)
        for value in values { writeVarint(zigzag32(value)) }
    }

    mutating func fieldStringList(_ id: Int16, _ values: [String]) {
        fieldHeader(id, .list)
        listHeader(count: values.count, elementType: .binary)
        for value in values { writeBinary(Array(value.utf8)) }
    }

    /// Ends the outermost struct (the message).
    mutating func finish() -> [UInt8] {
        bytes.append(0)
        return bytes
    }

    // MARK: Encoding primitives

    private mutating func fieldHeader(_ id: Int16, _ type: ThriftType) {
        let delta = Int(id) - Int(lastFieldIDs[lastFieldIDs.count - 1])
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta << 4) | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            writeVarint(UInt64(zigzag32(Int32(id))))
        }
        lastFieldIDs[lastFieldIDs.count - 1] = id
    }

    private mutating func listHeader(count: Int, elementType: ThriftType) {
        if count < 15 {
            bytes.append(UInt8(count << 4) | elementType.rawValue)
        } else {
            bytes.append(0xF0 | elementType.rawValue)
            writeVarint(UInt64(count))
        }
    }

    private mutating func writeBinary(_ value: [UInt8]) {
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    private mutating func writeVarint(_ value: UInt32) {
        writeVarint(UInt64(value))
    }

    private mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    private func zigzag32(_ n: Int32) -> UInt32 {
        UInt32(bitPattern: (n << 1) ^ (n >> 31))
    }

    private func zigzag64(_ n: Int64) -> UInt64 {
        UInt64(bitPattern: (n << 1) ^ (n >> 63))
    }
}
