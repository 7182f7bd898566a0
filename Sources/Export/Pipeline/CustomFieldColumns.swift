import ActiveCampaign
import Foundation
import JSON
import Logging
import Parquet

/// Builds a custom-field table (`contact_fields`, `deal_fields`, `account_fields`) from what the run committed of its
/// two listings, with no request: one row per entity that has a value, one column per field (docs/custom-fields.md).
///
/// Columns are named from the field's personalization tag (lower case), or its label, once: the name is kept in the
/// manifest by field id (`Manifest.customFieldColumns`), so a renamed field keeps its column and a deleted one keeps
/// it too (null from then on). Text-like fields start as STRING, so that `00501` stays text; dates as DATE; the other
/// types are inferred like any column. Checkbox and multi-select values (`||a||b||`) become a JSON list (`["a","b"]`).
///
/// Memory stays bounded however many values there are: the values are read again in passes, each pass taking the
/// entities whose id falls in its share (`id % passes`), at most `valuesPerPass` values each.
enum CustomFieldColumns {
    static let valuesPerPass = 500_000

    /// Field types whose values are text whatever they look like.
    static let textTypes: Set<String> = ["text", "textarea", "dropdown", "radio", "hidden", "checkbox", "listbox", "multiselect"]
    /// Field types whose values are lists written `||a||b||`.
    static let listTypes: Set<String> = ["checkbox", "listbox", "multiselect"]

    static func build(_ table: CustomFieldTable, store: ManifestStore, context: EndpointExporter.Context, logger: Logger) async -> EndpointResult {
        let started = ContinuousClock.now
        var result = EndpointResult(
            endpoint: table.name, mode: .fullRefresh, status: .succeeded, rows: 0, files: 0, bytes: 0, watermark: nil, error: nil, duration: .zero)
        do {
            let manifest = await store.manifest
            let definitions = try await readDefinitions(table, manifest: manifest, context: context)
            let columns = namedColumns(definitions, table: table, previous: manifest.customFieldColumns?[table.name] ?? [:])
            // The names are fixed before any file uses them.
            try await store.update { m in
                var all = m.customFieldColumns ?? [:]
                all[table.name] = columns
                m.customFieldColumns = all
            }
            var knownTypes: [String: InferredType] = [table.entityColumn: .int64]
            for definition in definitions {
                guard let column = columns[definition.id] else { continue }
                if definition.type == "date" {
                    knownTypes[column] = .date
                } else if textTypes.contains(definition.type ?? "") {
                    knownTypes[column] = .string
                }
            }
            let values = snapshot(manifest.endpoints[table.values.name], context: context)
            let rows = values.reduce(0) { $0 + $1.rows }
            let batches = PivotedRows(
                table: table, files: values, state: manifest.endpoints[table.values.name], storage: context.storage, columns: columns,
                listFields: Set(definitions.filter { listTypes.contains($0.type ?? "") }.map(\.id)),
                passes: max(1, (rows + valuesPerPass - 1) / valuesPerPass), progress: context.progress, logger: logger)
            let exporter = EndpointExporter(
                endpoint: table.name, cursorField: nil, window: nil, resumedCheckpoint: nil, knownTypes: knownTypes,
                state: manifest.endpoints[table.name], context: context, manifest: store, logger: logger)
            try await exporter.run(batches)
            result.rows = exporter.rowsCommitted
            result.files = exporter.filesCommitted
            result.bytes = exporter.bytesCommitted
            logger.notice(
                "built a custom-field table", metadata: ["table": "\(table.name)", "rows": .stringConvertible(result.rows), "columns": .stringConvertible(columns.count)])
        } catch is CancellationError {
            result.status = .cancelled
            result.error = "the table is built again by the next run"
        } catch {
            result.status = .failed
            result.error = "\(error)"
            logger.error("custom-field table failed", metadata: ["table": "\(table.name)", "error": "\(error)"])
        }
        result.duration = ContinuousClock.now - started
        return result
    }

    struct Definition {
        var id: String
        var tag: String?
        var label: String?
        var type: String?
    }

    /// The files of the snapshot this run published: the date its own files are in (a resumed snapshot keeps its
    /// first run's date), else this run's date; none when the listing was empty today.
    static func snapshot(_ state: EndpointState?, context: EndpointExporter.Context) -> [CommittedFile] {
        let files = (state?.files ?? []).filter { !Staging.isStaged($0.path) }
        let date = files.first { $0.runID == context.runID }?.date ?? context.date
        return files.filter { $0.date == date }
    }

    static func readDefinitions(_ table: CustomFieldTable, manifest: Manifest, context: EndpointExporter.Context) async throws -> [Definition] {
        var definitions: [Definition] = []
        let state = manifest.endpoints[table.definitions.name]
        for file in snapshot(state, context: context) {
            let reader = try await ExportRun.openCommitted(file.path, in: context.storage, purpose: "for the definitions of \(table.name)")
            let id = try column(sourced: "id", in: reader, state: state, file: file.path)
            let optional = { (key: String) in try? column(sourced: key, in: reader, state: state, file: file.path) }
            let (tag, label, type) = (optional(table.tagKey), optional(table.labelKey), optional(table.typeKey))
            for rowGroup in reader.metadata.rowGroups.indices {
                let read = { (column: Int?) throws -> [String?]? in
                    try column.map { index in try reader.readColumn(rowGroup: rowGroup, column: index).map { value in Self.text(value, reader, index) } }
                }
                let ids = try read(id) ?? []
                let (tags, labels, types) = (try read(tag), try read(label), try read(type))
                for row in ids.indices {
                    guard let fieldID = ids[row] else { continue }
                    definitions.append(Definition(id: fieldID, tag: tags?[row], label: labels?[row], type: types?[row]?.lowercased()))
                }
            }
        }
        return definitions.sorted { (Int64($0.id) ?? .max, $0.id) < (Int64($1.id) ?? .max, $1.id) }
    }

    /// The index of the column holding the records' field `key`.
    static func column(sourced key: String, in reader: ParquetFileReader, state: EndpointState?, file: String) throws -> Int {
        let name = state?.schema.columns.first { ($0.source ?? $0.name) == key }?.name ?? key
        guard let index = reader.schema.columns.firstIndex(where: { $0.name == name }) else {
            throw ExportRun.CommittedFileUnreadable(path: file, purpose: "for a custom-field table", reason: "it has no column for the field \(key)")
        }
        return index
    }

    static func text(_ value: ParquetValue, _ reader: ParquetFileReader, _ column: Int) -> String? {
        value == .null ? nil : WidenedFileRewrite.text(value, reader.schema.columns[column].type)
    }

    /// Each field's column name: kept from `previous`, else made from its tag or label and made unique.
    static func namedColumns(_ definitions: [Definition], table: CustomFieldTable, previous: [String: String]) -> [String: String] {
        var names = previous
        var taken = Set(previous.values.map { $0.lowercased() } + [table.entityColumn, SchemaTracker.extractedAtColumn, SchemaTracker.runIDColumn, DeltaSchema.partitionColumn])
        for definition in definitions where names[definition.id] == nil {
            let base = sanitized(definition.tag ?? "") ?? sanitized(definition.label ?? "") ?? "field_\(definition.id)"
            var name = base
            var suffix = 0
            while taken.contains(name) {
                name = base + "_\(definition.id)" + (suffix == 0 ? "" : "_\(suffix)")
                suffix += 1
            }
            names[definition.id] = name
            taken.insert(name)
        }
        return names
    }

    /// Lower case, letters, digits and `_` only; nil when nothing is left.
    static func sanitized(_ text: String) -> String? {
        var name = ""
        for character in text.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber) {
                name.append(character)
            } else if !name.hasSuffix("_") {
                name.append("_")
            }
        }
        while name.hasSuffix("_") { name.removeLast() }
        while name.hasPrefix("_") { name.removeFirst() }
        guard let first = name.first else { return nil }
        return first.isNumber ? "f_" + name : name
    }

    /// `||a||b||` as a JSON list, `["a","b"]`; other text unchanged.
    static func listValue(_ text: String) -> JSONValue {
        guard text.hasPrefix("||") && text.hasSuffix("||") && text.count >= 4 else { return .string(text) }
        let options = text.dropFirst(2).dropLast(2).components(separatedBy: "||").filter { !$0.isEmpty }
        return .string(JSONValue.array(options.map { .string($0) }).compactText)
    }
}

/// The pivoted rows, a pass of entities at a time (see `CustomFieldColumns`), in batches of 1,000 entities.
struct PivotedRows: AsyncSequence {
    typealias Element = RecordBatch
    let table: CustomFieldTable
    let files: [CommittedFile]
    /// The value listing's manifest entry: its columns' source fields.
    let state: EndpointState?
    let storage: any LakeStorage
    /// Field id → column.
    let columns: [String: String]
    let listFields: Set<String>
    let passes: Int
    /// Told after each value file a pass reads: a pass can take minutes before its first row (the stall watchdog).
    let progress: (@Sendable (ExportProgress) -> Void)?
    let logger: Logger

    func makeAsyncIterator() -> Iterator { Iterator(rows: self) }

    struct Iterator: AsyncIteratorProtocol {
        let rows: PivotedRows
        var pass = 0
        var pending: [(entity: Int64, values: [String: JSONValue])] = []
        var position = 0
        var unknownFields = 0
        /// Values whose entity id is not an integer: they cannot be a row's key.
        var withoutEntity = 0
        /// The first row names every column (null where it has no value), so that a field without any value yet has
        /// its column too.
        var namedEveryColumn = false

        init(rows: PivotedRows) { self.rows = rows }

        mutating func next() async throws -> RecordBatch? {
            while position == pending.count {
                guard pass < rows.passes else {
                    if unknownFields > 0 {
                        rows.logger.warning("values of fields that have no definition were left out", metadata: ["table": "\(rows.table.name)", "values": .stringConvertible(unknownFields)])
                    }
                    if withoutEntity > 0 {
                        rows.logger.warning("values without an integer entity id were left out", metadata: ["table": "\(rows.table.name)", "values": .stringConvertible(withoutEntity / rows.passes)])
                    }
                    return nil
                }
                pending = try await readPass(pass)
                position = 0
                pass += 1
            }
            let end = Swift.min(pending.count, position + 1_000)
            if !namedEveryColumn {
                for column in rows.columns.values where pending[position].values[column] == nil { pending[position].values[column] = .null }
                namedEveryColumn = true
            }
            let records = pending[position..<end].map { entity in
                JSONValue.object(JSONObject(members: [JSONMember(key: rows.table.entityColumn, value: .string(String(entity.entity)))]
                    + entity.values.sorted { $0.key < $1.key }.map { JSONMember(key: $0.key, value: $0.value) }))
            }
            position = end
            return RecordBatch(records: records, resumeAfter: nil, origin: "\(rows.table.name), built from \(rows.table.values.name)")
        }

        /// The entities of one pass with all their values, by id.
        private mutating func readPass(_ pass: Int) async throws -> [(entity: Int64, values: [String: JSONValue])] {
            var byEntity: [Int64: [String: JSONValue]] = [:]
            let table = rows.table
            for file in rows.files {
                defer { rows.progress?(ExportProgress(endpoint: table.name, records: 0, total: nil, filesCommitted: 0, state: .running)) }
                let reader = try await ExportRun.openCommitted(file.path, in: rows.storage, purpose: "to build \(table.name)")
                let state = rows.state
                let entity = try CustomFieldColumns.column(sourced: table.entityKey, in: reader, state: state, file: file.path)
                let field = try CustomFieldColumns.column(sourced: table.fieldKey, in: reader, state: state, file: file.path)
                let value = try CustomFieldColumns.column(sourced: table.valueKey, in: reader, state: state, file: file.path)
                for rowGroup in reader.metadata.rowGroups.indices {
                    let entities = try reader.readColumn(rowGroup: rowGroup, column: entity)
                    let fields = try reader.readColumn(rowGroup: rowGroup, column: field)
                    let values = try reader.readColumn(rowGroup: rowGroup, column: value)
                    for row in entities.indices {
                        guard let id = CustomFieldColumns.text(entities[row], reader, entity).flatMap({ Int64($0) }) else {
                            withoutEntity += 1
                            continue
                        }
                        guard Int(id.magnitude % UInt64(rows.passes)) == pass, let fieldID = CustomFieldColumns.text(fields[row], reader, field) else { continue }
                        guard let column = rows.columns[fieldID] else {
                            unknownFields += 1
                            continue
                        }
                        let text = CustomFieldColumns.text(values[row], reader, value)
                        let json: JSONValue = text.map { rows.listFields.contains(fieldID) ? CustomFieldColumns.listValue($0) : .string($0) } ?? .null
                        byEntity[id, default: [:]][column] = json
                    }
                }
            }
            return byEntity.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
    }
}
