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

    /// Changes needed so that every field of `records` fits; nothing is applied.
    func requiredChanges(for records: [[FlatField]], origin: (Int) -> String) -> [PendingChange] {
        var changes: [String: PendingChange] = [:]
        var order: [String] = []
        for (r, fields) in records.enumerated() {
            for field in fields {
                let current: InferredType? = changes[field.name]?.to ?? indexByName[field.name].map { schema.columns[$0].type }
                if let current {
                    if ValueTyping.convert(field.value, to: current) != nil { continue }
                    let target = current.widened(with: ValueTyping.narrowestType(of: field.value) ?? .string)
                    if changes[field.name] == nil { order.append(field.name) }
                    changes[field.name] = PendingChange(
                        column: field.name, from: indexByName[field.name].map { schema.columns[$0].type },
                        to: target, cause: changes[field.name]?.cause ?? origin(r))
                } else if let type = ValueTyping.narrowestType(of: field.value) {
                    order.append(field.name)
                    changes[field.name] = PendingChange(column: field.name, from: nil, to: type, cause: origin(r))
                } else if !nullOnlySet.contains(field.name) {
                    nullOnlySet.insert(field.name)
                    nullOnlyNames.append(field.name)
                }
            }
        }
        return order.map { changes[$0]! }
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

    /// Converts one flattened record into `row` (one cell per data column). Every field must fit:
    /// call after `requiredChanges` has been applied.
    func fill(_ row: inout [CellValue], from fields: [FlatField]) {
        if row.count != schema.columns.count {
            row = Array(repeating: .null, count: schema.columns.count)
        } else {
            for i in row.indices { row[i] = .null }
        }
        for field in fields {
            guard let index = indexByName[field.name] else { continue }  // only ever a null-only field
            row[index] = ValueTyping.convert(field.value, to: schema.columns[index].type) ?? .null
        }
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
