import JSON
/// What one JSON leaf was, before its column decides a type.
enum ValueKind: UInt8 {
    /// The record has no such field (stored as null).
    case absent
    case null
    case `false`
    case `true`
    /// A JSON number; the bytes are its text as sent.
    case number
    /// A JSON string; the bytes are its UTF-8 (escapes decoded).
    case string
    /// An array, or an object nested too deep to flatten, kept as its compact JSON text.
    case json
}

/// One flattened field's values for the pending rows: a kind per row and the values' bytes back to back, so a
/// page of records costs a few array appends per field instead of an object per value.
struct FieldValues {
    /// The flattened `parent__child` name.
    let name: String
    private(set) var kinds: [ValueKind] = []
    /// End of each row's bytes in `bytes` (the start is the previous row's end).
    private(set) var ends: [Int] = []
    private(set) var bytes: [UInt8] = []

    init(name: String) {
        self.name = name
    }

    var rowCount: Int { kinds.count }

    /// Memory the rows take: their bytes, and a kind and an end per row.
    var bufferedByteCount: Int { bytes.count + kinds.count * (MemoryLayout<ValueKind>.stride + MemoryLayout<Int>.stride) }

    /// Sets the value of `row` (rows before it that got no value are absent). A key repeated within one
    /// object keeps its last value, as JSON parsers commonly do.
    @inline(__always)
    mutating func put(row: Int, kind: ValueKind, _ value: UnsafeBufferPointer<UInt8>) {
        if kinds.count > row { removeLastRow() }
        if kinds.count < row { pad(to: row) }
        kinds.append(kind)
        bytes.append(contentsOf: value)
        ends.append(bytes.count)
    }

    @inline(__always)
    mutating func put(row: Int, kind: ValueKind) {
        put(row: row, kind: kind, UnsafeBufferPointer(start: nil, count: 0))
    }

    mutating func pad(to rows: Int) {
        guard kinds.count < rows else { return }
        let end = bytes.count
        kinds.append(contentsOf: repeatElement(.absent, count: rows - kinds.count))
        ends.append(contentsOf: repeatElement(end, count: rows - ends.count))
    }

    private mutating func removeLastRow() {
        kinds.removeLast()
        ends.removeLast()
        bytes.removeSubrange((ends.last ?? 0)...)
    }

    /// Drops the given rows (ascending), keeping the order of the others.
    mutating func removeRows(_ rows: [Int]) {
        var keptKinds: [ValueKind] = []
        var keptEnds: [Int] = []
        var keptBytes: [UInt8] = []
        var dropped = rows.makeIterator()
        var nextDropped = dropped.next()
        for row in 0..<kinds.count {
            if row == nextDropped {
                nextDropped = dropped.next()
                continue
            }
            keptKinds.append(kinds[row])
            keptBytes.append(contentsOf: bytes[(row == 0 ? 0 : ends[row - 1])..<ends[row]])
            keptEnds.append(keptBytes.count)
        }
        kinds = keptKinds
        ends = keptEnds
        bytes = keptBytes
    }

    mutating func removeAllRows(keepingCapacity: Bool = true) {
        kinds.removeAll(keepingCapacity: keepingCapacity)
        ends.removeAll(keepingCapacity: keepingCapacity)
        bytes.removeAll(keepingCapacity: keepingCapacity)
    }

    /// Calls `body` with the kind and bytes of each row in `rows`, stopping when it returns false.
    @inline(__always)
    func forEach(in rows: Range<Int>, _ body: (Int, ValueKind, UnsafeBufferPointer<UInt8>) throws -> Bool) rethrows {
        try bytes.withUnsafeBufferPointer { all in
            var start = rows.lowerBound == 0 ? 0 : ends[rows.lowerBound - 1]
            for row in rows {
                let end = ends[row]
                guard try body(row, kinds[row], UnsafeBufferPointer(rebasing: all[start..<end])) else { return }
                start = end
            }
        }
    }

    /// Calls `body` with the kind and bytes of one row.
    func value<R>(at row: Int, _ body: (ValueKind, UnsafeBufferPointer<UInt8>) -> R) -> R {
        bytes.withUnsafeBufferPointer { all in
            body(kinds[row], UnsafeBufferPointer(rebasing: all[(row == 0 ? 0 : ends[row - 1])..<ends[row]]))
        }
    }

    /// The text of a row's value when it is a string or a number (a record's id).
    func text(at row: Int) -> String? {
        value(at: row) { kind, bytes in
            kind == .string || kind == .number ? String(decoding: bytes, as: UTF8.self) : nil
        }
    }
}
