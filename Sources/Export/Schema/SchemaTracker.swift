import ActiveCampaign
import Parquet

/// Holds an endpoint's schema during a run: converts flattened records to typed rows, and reports
/// the new columns and widenings that a batch needs before its rows can be written.
final class SchemaTracker {
    private(set) var schema: EndpointSchema
    private var indexByName: [String: Int] = [:]
    private var lowercasedNames: Set<String> = []
    /// Names known to be objects (see `RecordFlattener`).
    var objectPaths: Set<String> = []
    /// Columns seen only with null values so far; added as STRING when the schema is first fixed.
    private var nullOnlyNames: [String] = []
    private var nullOnlySet: Set<String> = []

    /// Parquet columns appended to every file after the data columns.
    static let extractedAtColumn = "_extracted_at"
    static let runIDColumn = "_run_id"

    init(schema: EndpointSchema) {
        self.schema = EndpointSchema()
        for column in schema.columns { addColumn(column.name, column.type) }
    }

    var parquetSchema: Schema {
        Schema(schema.columns.map { Column($0.name, $0.type.columnType) } + [
            Column(Self.extractedAtColumn, .timestampMicros(adjustedToUTC: true), required: true),
            Column(Self.runIDColumn, .string, required: true),
        ])
    }

    /// Changes needed so that every field of `records` fits; nothing is applied. Widening can make an
    /// earlier value stop fitting (an integer beyond 2^53 in a column widened to DOUBLE), so the records
    /// are checked again until no column changes.
    func requiredChanges(for records: [[FlatField]], origin: (Int) -> String) -> [PendingChange] {
        var changes: [String: PendingChange] = [:]
        var order: [String] = []
        var changed = true
        while changed {
            changed = scan(records, origin: origin, changes: &changes, order: &order)
        }
        return order.map { changes[$0]! }
    }

    /// One pass of `requiredChanges`; returns whether it changed anything.
    private func scan(_ records: [[FlatField]], origin: (Int) -> String, changes: inout [String: PendingChange], order: inout [String]) -> Bool {
        var changed = false
        for (r, fields) in records.enumerated() {
            for field in fields {
                let current: InferredType? = changes[field.name]?.to ?? indexByName[field.name].map { schema.columns[$0].type }
                if let current {
                    if ValueTyping.convert(field.value, to: current) != nil { continue }
                    var target = current.widened(with: ValueTyping.narrowestType(of: field.value) ?? .string)
                    if ValueTyping.convert(field.value, to: target) == nil { target = .string }
                    if changes[field.name] == nil { order.append(field.name) }
                    changes[field.name] = PendingChange(
                        column: field.name, from: indexByName[field.name].map { schema.columns[$0].type },
                        to: target, cause: changes[field.name]?.cause ?? origin(r))
                    changed = true
                } else if let type = ValueTyping.narrowestType(of: field.value) {
                    order.append(field.name)
                    changes[field.name] = PendingChange(column: field.name, from: nil, to: type, cause: origin(r))
                    changed = true
                } else if !nullOnlySet.contains(field.name) {
                    nullOnlySet.insert(field.name)
                    nullOnlyNames.append(field.name)
                }
            }
        }
        return changed
    }

    func apply(_ changes: [PendingChange]) {
        for change in changes {
            if let index = indexByName[change.column] {
                schema.columns[index].type = change.to
            } else {
                addColumn(change.column, change.to)
            }
        }
    }

    /// Adds the columns seen only as null (as STRING); returns them as changes for the manifest.
    func addNullOnlyColumns(cause: String) -> [PendingChange] {
        let added = nullOnlyNames.filter { indexByName[$0] == nil }.map {
            PendingChange(column: $0, from: nil, to: .string, cause: cause)
        }
        apply(added)
        nullOnlyNames.removeAll()
        nullOnlySet.removeAll()
        return added
    }

    /// Converts records into `cells` (row after row, one cell per data column; the buffer is reused).
    /// Returns the first field that does not fit the current schema (a new column or a value needing a
    /// wider type): the caller works out the schema change and converts again. Nil when all fit.
    func typedRows(_ records: [[FlatField]], into cells: inout [CellValue]) -> FlatField? {
        let width = schema.columns.count
        let needed = records.count * width
        if cells.count < needed { cells.append(contentsOf: repeatElement(.null, count: needed - cells.count)) }
        for (r, fields) in records.enumerated() {
            let base = r * width
            for i in base..<base + width { cells[i] = .null }
            for field in fields {
                guard let index = indexByName[field.name] else {
                    if case .null = field.value { continue }  // a key seen only as null adds no column after inference
                    return field
                }
                guard let cell = ValueTyping.convert(field.value, to: schema.columns[index].type) else { return field }
                cells[base + index] = cell
            }
        }
        return nil
    }

    /// The error for a field that still does not fit after the schema changes were applied.
    func doesNotFit(_ field: FlatField) -> ValueDoesNotFit {
        let type = indexByName[field.name].map { schema.columns[$0].type }
        return ValueDoesNotFit(column: field.name, type: type, value: field.value.compactText)
    }

    private func addColumn(_ name: String, _ type: InferredType) {
        // Column names must be unique ignoring case (Spark, Trino, Hive); a clash gets a suffix.
        var parquetName = name
        var n = 2
        while lowercasedNames.contains(parquetName.lowercased()) || parquetName == Self.extractedAtColumn || parquetName == Self.runIDColumn {
            parquetName = "\(name)_\(n)"
            n += 1
        }
        lowercasedNames.insert(parquetName.lowercased())
        indexByName[name] = schema.columns.count
        schema.columns.append(EndpointSchema.Column(name: parquetName, type: type))
    }
}

struct PendingChange {
    var column: String
    var from: InferredType?
    var to: InferredType
    var cause: String
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
