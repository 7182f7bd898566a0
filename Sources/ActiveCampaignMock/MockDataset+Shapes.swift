/// Injection of `MockDataShapes` into served records (README.md, section 'Reliability'). The shapes are a function of the
/// record index, so `MockServer.currentRecords` returns exactly what was served.
extension MockDataset {
    func writeRecord(_ endpoint: MockEndpoint, index: Int, times: RecordTimes?, into w: inout JSONWriter) {
        guard let shapes, shapes.path == endpoint.rawValue, !shapes.kinds.isEmpty else {
            writeBaseRecord(endpoint, index: index, times: times, into: &w)
            return
        }
        let marked = shapes.isMarked(index)
        let turn = index / shapes.every
        if marked, shapes.kinds.contains(.nonObjectRecord) {
            switch turn % 4 {
            case 0: w.raw("42")
            case 1: w.raw("\"not a record\"")
            case 2: w.null()
            default: w.raw("[1,\"two\"]")
            }
            return
        }
        writeBaseRecord(endpoint, index: index, times: times, into: &w)
        guard w.bytes.last == 0x7D else { return }
        w.bytes.removeLast()
        for kind in MockDataShape.allCases where shapes.kinds.contains(kind) {
            switch kind {
            case .typeChange:
                w.key(text: kind.field)
                if index < shapes.from {
                    w.int(index)
                } else {
                    switch (index - shapes.from) % 5 {
                    case 0: w.raw(Array("\(index).5".utf8))
                    case 1: w.string("text \(index)")
                    case 2: w.bool(index % 2 == 0)
                    case 3:
                        w.beginObject()
                        w.key("a")
                        w.int(index)
                        w.endObject()
                    default:
                        w.beginArray()
                        w.int(index)
                        w.separator()
                        w.string("x")
                        w.endArray()
                    }
                }
            case .lateField where index >= shapes.from:
                w.key(text: kind.field)
                w.string("late \(index)")
            case .hugeString where marked:
                w.key(text: kind.field)
                w.string(Self.hugeString(index: index))
            case .invalidUTF8 where marked:
                w.key(text: kind.field)
                w.raw(Self.invalidUTF8Body)
            case .loneSurrogate where marked:
                w.key(text: kind.field)
                w.raw("\"a\\ud800b\\udc00c\"")
            case .bigNumber where marked:
                w.key(text: kind.field)
                w.raw(Array(MockDataShapes.bigNumberText(turn: turn).utf8))
            case .deepNesting where marked:
                w.key(text: kind.field)
                w.bytes.reserveCapacity(w.bytes.count + shapes.depth * 6 + 8)
                for _ in 0..<shapes.depth { w.raw("{\"d\":") }
                w.int(index)
                for _ in 0..<shapes.depth { w.endObject() }
            case .duplicateKey where marked:
                w.key(text: kind.field)
                w.string("first")
                w.key(text: kind.field)
                w.string("second")
            default:
                break
            }
        }
        w.endObject()
    }

    /// `"ok ? and ? end"` where the ?s are the bytes C3 28 (a broken two-byte sequence) and FF (never UTF-8).
    static let invalidUTF8Body: [UInt8] = Array("\"ok ".utf8) + [0xC3, 0x28] + Array(" and ".utf8) + [0xFF] + Array(" end\"".utf8)

    /// 1 MiB of printable ASCII that starts with the record index, so records differ.
    static func hugeString(index: Int) -> String {
        let head = "huge \(index) "
        let filler = String(repeating: "0123456789abcdef", count: MockDataShapes.hugeStringLength / 16)
        return head + filler.dropFirst(head.utf8.count)
    }
}
