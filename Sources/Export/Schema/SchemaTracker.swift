import Parquet

/// Holds an endpoint's schema during a run: works out the new columns and widenings that pending rows need,
/// and appends the rows to the Parquet columns once they fit.
final class SchemaTracker {
    private(set) var schema: EndpointSchema
    private var indexByName: [String: Int] = [:]
    /// Names taken, ignoring case: the data columns', the two appended ones' and the partition column's (`date`, in
    /// the folder names and in the Delta table's schema).
    private var lowercasedNames: Set<String> = [SchemaTracker.extractedAtColumn, SchemaTracker.runIDColumn, DeltaSchema.partitionColumn]
    /// Per data column, the shredder field holding its values (-1: none seen in this run).
    private var columnField: [Int] = []
    private var mappedFieldCount = 0
    /// Starting types of this table's own fields, before `FieldKnowledge` (a custom field's documented type).
    private let knownTypes: [String: InferredType]

    /// Parquet columns appended to every file after the data columns.
    static let extractedAtColumn = "_extracted_at"
    static let runIDColumn = "_run_id"
    /// The column of a top-level empty key (`{"": 1}`).
    static let emptyKeyColumn = "_empty_key"

    init(schema: EndpointSchema, knownTypes: [String: InferredType] = [:]) {
        self.schema = EndpointSchema()
        self.knownTypes = knownTypes
        for column in schema.columns {
            addColumn(column.source ?? column.name, column.type, named: column.name, nullOnly: column.nullOnly == true)
        }
    }

    var parquetSchema: Schema {
        Schema(schema.columns.map { Column($0.name, $0.type.columnType) } + [
            Column(Self.extractedAtColumn, .timestampMicros(adjustedToUTC: true), required: true),
            Column(Self.runIDColumn, .string, required: true),
        ])
    }

    /// Changes needed so that every value of `rows` fits; nothing is applied. Fields seen only as null
    /// need none (see `addNullOnlyColumns`).
    func requiredChanges(for fields: [FieldValues], rows: Range<Int>, origin: (Int) -> String) -> [PendingChange] {
        var changes: [PendingChange] = []
        for field in fields {
            let column = indexByName[field.name].map { schema.columns[$0] }
            // A column null in every record so far is typed by its first values, as a new one is.
            let current = column?.nullOnly == true ? nil : column?.type
            guard let (type, causeRow) = Self.requiredType(of: field, rows: rows, current: current, known: knownType(ofField: field.name))
            else { continue }
            guard column == nil || type != column?.type || column?.nullOnly == true else { continue }
            changes.append(PendingChange(column: field.name, from: column?.type, to: type, cause: origin(causeRow)))
        }
        return changes
    }

    /// The type `field` needs for `rows` when `current` does not do, and the first row that forced it; a new column
    /// (`current` nil) starts from the `known` type when there is one.
    private static func requiredType(of field: FieldValues, rows: Range<Int>, current: InferredType?, known: InferredType?) -> (InferredType, Int)? {
        var type = current
        var causeRow: Int?
        if current == nil, let known {
            field.forEach(in: rows) { row, kind, _ in
                guard kind != .absent && kind != .null else { return true }
                (type, causeRow) = (known, row)
                return false
            }
        }
        field.forEach(in: rows) { row, kind, bytes in
            if kind == .absent || kind == .null { return true }
            if let type, ValueTyping.convert(kind, bytes, to: type) != nil { return true }
            let narrowest = ValueTyping.narrowestType(kind, bytes)
            if let existing = type {
                var widened = existing.widened(with: narrowest ?? .string)
                if ValueTyping.convert(kind, bytes, to: widened) == nil { widened = .string }
                type = widened
            } else {
                type = narrowest
            }
            if causeRow == nil, type != nil { causeRow = row }
            return true
        }
        guard var type, let causeRow, type != current else { return nil }
        if type == .double {
            // Widening made earlier values convert again: an integer beyond 2^53 does not fit a DOUBLE.
            field.forEach(in: rows) { _, kind, bytes in
                guard ValueTyping.convert(kind, bytes, to: .double) == nil else { return true }
                type = .string
                return false
            }
        }
        return (type, causeRow)
    }

    private func knownType(ofField field: String) -> InferredType? {
        knownTypes[field] ?? FieldKnowledge.knownType(ofField: field)
    }

    /// The Parquet column of a source field, if it has one.
    func columnName(ofField field: String) -> String? {
        indexByName[field].map { schema.columns[$0].name }
    }

    func apply(_ changes: [PendingChange]) {
        for change in changes {
            if let index = indexByName[change.column] {
                schema.columns[index].type = change.to
                schema.columns[index].nullOnly = change.nullOnly ? true : nil
            } else {
                addColumn(change.column, change.to, nullOnly: change.nullOnly)
            }
        }
    }

    /// Fields seen only as null so far get a column of their known type, or a STRING one marked null-only (the first
    /// value types it); returns them as changes for the manifest.
    func addNullOnlyColumns(_ fields: [FieldValues], cause: String) -> [PendingChange] {
        let added = fields.filter { indexByName[$0.name] == nil }.map { field in
            let known = knownType(ofField: field.name)
            return PendingChange(column: field.name, from: nil, to: known ?? .string, cause: cause, nullOnly: known == nil)
        }
        apply(added)
        return added
    }

    /// Appends `rows` to the data columns (the first `schema.columns.count` of `columns`), after
    /// `requiredChanges` found nothing to change. A field without a column holds only nulls: it adds none.
    func append(_ fields: [FieldValues], rows: Range<Int>, to columns: [ColumnWriter]) throws {
        mapFields(fields)
        for (index, column) in schema.columns.enumerated() {
            let writer = columns[index]
            let fieldIndex = columnField[index]
            guard fieldIndex >= 0 else {
                for _ in rows { try writer.appendNull() }
                continue
            }
            var failure: (any Error)?
            fields[fieldIndex].forEach(in: rows) { _, kind, bytes in
                do {
                    guard let value = ValueTyping.convert(kind, bytes, to: column.type) else {
                        throw ValueDoesNotFit(column: column.name, type: column.type, value: String(decoding: bytes, as: UTF8.self))
                    }
                    try value.append(to: writer)
                    return true
                } catch {
                    failure = error
                    return false
                }
            }
            if let failure { throw failure }
        }
    }

    private func mapFields(_ fields: [FieldValues]) {
        guard columnField.count != schema.columns.count || mappedFieldCount != fields.count else { return }
        columnField = Array(repeating: -1, count: schema.columns.count)
        for (fieldIndex, field) in fields.enumerated() {
            if let column = indexByName[field.name] { columnField[column] = fieldIndex }
        }
        mappedFieldCount = fields.count
    }

    /// Adds the column of source field `name`; `parquetName` is the one an earlier run chose for it.
    private func addColumn(_ name: String, _ type: InferredType, named parquetName: String? = nil, nullOnly: Bool = false) {
        // Column names must be unique ignoring case (Spark, Trino, Hive); a clash gets a suffix. JSON allows an
        // empty key, Parquet readers need a name.
        let base = name.isEmpty ? Self.emptyKeyColumn : name
        var chosen = parquetName ?? base
        var n = 2
        while parquetName == nil && lowercasedNames.contains(chosen.lowercased()) {
            chosen = "\(base)_\(n)"
            n += 1
        }
        lowercasedNames.insert(chosen.lowercased())
        indexByName[name] = schema.columns.count
        schema.columns.append(EndpointSchema.Column(name: chosen, type: type, source: chosen == name ? nil : name, nullOnly: nullOnly ? true : nil))
    }
}

struct PendingChange {
    var column: String
    var from: InferredType?
    var to: InferredType
    var cause: String
    /// The new column holds only nulls so far (`EndpointSchema.Column.nullOnly`).
    var nullOnly = false
}

/// A value that its column's type cannot hold: a bug in the widening rules, reported instead of storing a null.
struct ValueDoesNotFit: Error, CustomStringConvertible {
    var column: String
    var type: InferredType?
    var value: String
    var description: String {
        "internal error: value \(value.prefix(80)) does not fit column \(column) (\(type?.rawValue ?? "no such column")); nothing was written for it"
    }
}
