// Thrift compact protocol, reader side: decodes any struct into a generic tree of fields,
// which `MetadataDecoding` then maps onto the metadata types. Skips unknown fields by construction.

indirect enum ThriftValue {
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case binary([UInt8])
    case list([ThriftValue])
    case structure(ThriftStruct)
}

struct ThriftStruct {
    var fields: [Int16: ThriftValue] = [:]

    func int(_ id: Int16) -> Int64? {
        if case .int(let v)? = fields[id] { return v }
        return nil
    }

    func bool(_ id: Int16) -> Bool? {
        if case .bool(let v)? = fields[id] { return v }
        return nil
    }

    func binary(_ id: Int16) -> [UInt8]? {
        if case .binary(let v)? = fields[id] { return v }
        return nil
    }

    func string(_ id: Int16) -> String? {
        binary(id).map { String(decoding: $0, as: UTF8.self) }
    }

    func structure(_ id: Int16) -> ThriftStruct? {
        if case .structure(let v)? = fields[id] { return v }
        return nil
    }

    func list(_ id: Int16) -> [ThriftValue]? {
        if case .list(let v)? = fields[id] { return v }
        return nil
    }

    func structList(_ id: Int16) -> [ThriftStruct] {
        (list(id) ?? []).compactMap { if case .structure(let s) = $0 { s } else { nil } }
    }

    func requireInt(_ id: Int16, _ name: String) throws(ParquetError) -> Int64 {
        guard let v = int(id) else { throw .corruptFile("required thrift field \(name) (id \(id)) is missing") }
        return v
    }
}

struct ThriftCompactReader {
    private let bytes: [UInt8]
    private(set) var position: Int

    init(_ bytes: [UInt8], position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    mutating func readStruct(depth: Int = 0) throws(ParquetError) -> ThriftStruct {
        guard depth < 64 else { throw .corruptFile("thrift structs nested too deeply") }
        var result = ThriftStruct()
        var lastID: Int16 = 0
        while true {
            let header = try readByte()
            if header == 0 { return result }
            let typeCode = header & 0x0F
            let delta = Int16(header >> 4)
            let id: Int16
            if delta != 0 {
                id = lastID &+ delta
            } else {
                id = Int16(truncatingIfNeeded: unzigzag(try readVarint()))
            }
            lastID = id
            result.fields[id] = try readValue(typeCode: typeCode, depth: depth)
        }
    }

    private mutating func readValue(typeCode: UInt8, depth: Int) throws(ParquetError) -> ThriftValue {
        switch typeCode {
        case ThriftType.boolTrue.rawValue: return .bool(true)
        case ThriftType.boolFalse.rawValue: return .bool(false)
        case ThriftType.byte.rawValue: return .int(Int64(Int8(bitPattern: try readByte())))
        case ThriftType.i16.rawValue, ThriftType.i32.rawValue, ThriftType.i64.rawValue:
            return .int(unzigzag(try readVarint()))
        case ThriftType.double.rawValue:
            var bits: UInt64 = 0
            for i in 0..<8 { bits |= UInt64(try readByte()) << (8 * UInt64(i)) }
            return .double(Double(bitPattern: bits))
        case ThriftType.binary.rawValue:
            let length = Int(try readVarint())
            guard length >= 0, position + length <= bytes.count else { throw .corruptFile("thrift binary runs past the end") }
            defer { position += length }
            return .binary(Array(bytes[position..<position + length]))
        case ThriftType.list.rawValue, ThriftType.set.rawValue:
            let header = try readByte()
            var count = Int(header >> 4)
            if count == 15 { count = Int(try readVarint()) }
            let elementType = header & 0x0F
            guard count <= bytes.count - position + 1 else { throw .corruptFile("thrift list longer than the footer") }
            var elements: [ThriftValue] = []
            elements.reserveCapacity(count)
            for _ in 0..<count {
                if elementType == ThriftType.boolTrue.rawValue || elementType == ThriftType.boolFalse.rawValue {
                    elements.append(.bool(try readByte() == 1))
                } else {
                    elements.append(try readValue(typeCode: elementType, depth: depth + 1))
                }
            }
            return .list(elements)
        case ThriftType.structure.rawValue:
            return .structure(try readStruct(depth: depth + 1))
        default:
            throw .corruptFile("unsupported thrift type \(typeCode) at byte \(position)")
        }
    }

    private mutating func readByte() throws(ParquetError) -> UInt8 {
        guard position < bytes.count else { throw .corruptFile("thrift data ends early") }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func readVarint() throws(ParquetError) -> UInt64 {
        try bytes.readULEB128(at: &position, end: bytes.count, what: "thrift")
    }

    private func unzigzag(_ n: UInt64) -> Int64 {
        Int64(bitPattern: (n >> 1) ^ (0 &- (n & 1)))
    }
}
