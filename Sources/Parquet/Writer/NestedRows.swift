// Rows of a nested schema, shredded into the leaf columns' entries (the Dremel encoding; docs/parquet-layout.md#nested-columns):
// each leaf gets one entry per position of the row where it could appear, with the definition level (how many of
// its optional and repeated ancestors are present) and the repetition level (which repeated ancestor the entry
// continues). Used for small files with nested shapes (Delta checkpoints); the export's flat data appends column by
// column instead.

/// One value of a `SchemaNode`, shaped like it: a scalar for a leaf, `.group` with one value per child for a group,
/// `.repeated` with one value per item for a repeated node, `.null` for an absent optional node.
public indirect enum NestedValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int32(Int32)
    case int64(Int64)
    case double(Double)
    case string(String)
    case group([NestedValue])
    case repeated([NestedValue])

    /// The value of `SchemaNode.stringMap`: entries in the given order; nil is a null map.
    public static func stringMap(_ entries: [(key: String, value: String)]?) -> NestedValue {
        guard let entries else { return .null }
        return .group([.repeated(entries.map { .group([.string($0.key), .string($0.value)]) })])
    }

    /// The value of `SchemaNode.stringList`; nil is a null list.
    public static func stringList(_ elements: [String]?) -> NestedValue {
        guard let elements else { return .null }
        return .group([.repeated(elements.map { .group([.string($0)]) })])
    }
}

extension ParquetWriter {
    /// Appends one row given as one value per top-level field of the schema, and ends it.
    public func appendRow(_ values: [NestedValue]) throws(ParquetError) {
        guard values.count == schema.fields.count else {
            throw .invalidSchema("a row has \(values.count) values for \(schema.fields.count) fields")
        }
        var shredder = Shredder(columns: columns)
        for (field, value) in zip(schema.fields, values) {
            try shredder.write(field, value, definition: 0, repetition: 0, repeatedDepth: 0)
        }
        try endRow()
    }
}

private struct Shredder {
    let columns: [ColumnWriter]
    /// The leaf column the next node starts at (leaves are in depth-first order).
    var next = 0

    /// Writes `node`'s entries for `value`; `definition` counts the present optional and repeated ancestors,
    /// `repetition` is the level of the first entry, `repeatedDepth` the repeated ancestors.
    mutating func write(_ node: SchemaNode, _ value: NestedValue, definition: Int, repetition: Int, repeatedDepth: Int) throws(ParquetError) {
        switch node.repetition {
        case .repeated:
            guard case .repeated(let items) = value else {
                if value == .null { return try writeMissing(node, definition: definition, repetition: repetition) }
                throw mismatch(node, value)
            }
            guard !items.isEmpty else { return try writeMissing(node, definition: definition, repetition: repetition) }
            let start = next
            for (index, item) in items.enumerated() {
                next = start
                try writePresent(node, item, definition: definition + 1, repetition: index == 0 ? repetition : repeatedDepth + 1, repeatedDepth: repeatedDepth + 1)
            }
        case .optional:
            if value == .null { return try writeMissing(node, definition: definition, repetition: repetition) }
            try writePresent(node, value, definition: definition + 1, repetition: repetition, repeatedDepth: repeatedDepth)
        case .required:
            guard value != .null else { throw .nullInRequiredColumn(column: node.name) }
            try writePresent(node, value, definition: definition, repetition: repetition, repeatedDepth: repeatedDepth)
        }
    }

    private mutating func writePresent(_ node: SchemaNode, _ value: NestedValue, definition: Int, repetition: Int, repeatedDepth: Int) throws(ParquetError) {
        switch node {
        case .leaf:
            let column = columns[next]
            next += 1
            column.nextRepetitionLevel = repetition
            switch value {
            case .bool(let v): try column.append(v)
            case .int32(let v): try column.append(v)
            case .int64(let v): try column.append(v)
            case .double(let v): try column.append(v)
            case .string(let v): try column.append(v)
            case .null, .group, .repeated: throw mismatch(node, value)
            }
        case .group(_, _, _, let children):
            guard case .group(let values) = value, values.count == children.count else { throw mismatch(node, value) }
            // Only the first leaf of the group starts at `repetition`: the others are new columns, each at the same level.
            for (child, childValue) in zip(children, values) {
                try write(child, childValue, definition: definition, repetition: repetition, repeatedDepth: repeatedDepth)
            }
        }
    }

    /// Every leaf under `node` gets an entry without a value at `definition`.
    private mutating func writeMissing(_ node: SchemaNode, definition: Int, repetition: Int) throws(ParquetError) {
        for _ in 0..<node.leafCount {
            let column = columns[next]
            next += 1
            column.nextRepetitionLevel = repetition
            try column.appendMissing(definitionLevel: definition)
        }
    }

    private func mismatch(_ node: SchemaNode, _ value: NestedValue) -> ParquetError {
        .invalidSchema("the value \(value) does not fit the schema node '\(node.name)'")
    }
}
