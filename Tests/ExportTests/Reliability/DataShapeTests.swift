import ActiveCampaignMock
import Foundation
import Testing

/// Unusual values from the API through the CLI (README.md, section 'Reliability'): none may crash the process or lose
/// other records; each value is stored losslessly or reported precisely (endpoint, record id, field).
@Suite(.serialized) struct DataShapeTests {
    @Test(arguments: MockDataShape.allCases)
    func everyRecordKeptAndEachOddValueStoredOrReported(shape: MockDataShape) async throws {
        try await check(shape: shape)
    }

    private func check(shape: MockDataShape) async throws {
        // "A new field appearing on page 500": in `make stress` literally (page 500 of 100 contacts).
        let contacts = shape == .lateField ? StressScale.count(fast: 1_200, stress: 50_200) : 1_200
        let from = shape == .lateField ? StressScale.count(fast: 600, stress: 49_900) : 600
        var mock = MockConfiguration(seed: 70, contacts: contacts, deals: 50)
        let shapes = MockDataShapes(path: "contacts", kinds: [shape], every: 97, from: from)
        mock.shapes = shapes
        let endpoints = ["contacts", "tags"]
        try await ExportScenario.with("data shape \(shape.rawValue)", mock: mock) { scenario in
            let outcome = try await scenario.run(scenario.runArguments(endpoints, ["--log-format", "json"]))
            #expect(!outcome.crashed, "\(shape): the process crashed: \(outcome.stderr.suffix(3000))")
            let audit = try await LakeAudit.read(lake: scenario.lake, endpoints: endpoints, valuesOf: "shape_")
            let tally = audit.tally(expected: scenario.expectedIDs(endpoints))
            #expect(tally.isExactlyOnce, "\(shape): other records lost or duplicated (exit \(outcome.status)): \(tally.summary)\n\(outcome.stderr.suffix(2000))")
            let values = audit.endpoints["contacts"]?.values ?? [:]
            var silentlyChanged: [String] = []
            for record in scenario.server.currentRecords(path: "contacts") {
                guard let id = ExportScenario.recordID(record), let index = Int(id).map({ $0 - 1 }) else { continue }
                guard let verdict = Self.verdict(shape, index: index, shapes: shapes, stored: values[id] ?? [:]) else { continue }
                if !verdict && !Self.reported(outcome.stderr, endpoint: "contacts", field: shape.field, id: id) {
                    silentlyChanged.append("id \(id): \(Self.describe(values[id]?.filter { $0.key.hasPrefix(shape.field) }))")
                }
            }
            #expect(silentlyChanged.isEmpty, "\(shape): \(silentlyChanged.count) values changed or dropped without a report naming endpoint, id and field \(shape.field), e.g. \(silentlyChanged.prefix(3))")
            if shape == .nonObjectRecord {
                let reported = outcome.stderr.split(separator: "\n").contains { $0.contains("contacts") && $0.contains("not an object") }
                #expect(reported, "records that are not objects must be reported (endpoint, page): \(outcome.stderr.suffix(2000))")
            }
            scenario.record(tries: 1, tally: tally, note: silentlyChanged.isEmpty ? "" : "\(silentlyChanged.count) values silently changed")
        }
    }

    /// Whether the stored value of `shape` on record `index` is what was sent; nil when the record carries none.
    static func verdict(_ shape: MockDataShape, index: Int, shapes: MockDataShapes, stored: [String: Any]) -> Bool? {
        let marked = shapes.isMarked(index)
        let turn = index / shapes.every
        let value = stored[shape.field]
        switch shape {
        case .typeChange:
            if index < shapes.from { return same(value, json: "\(index)") }
            switch (index - shapes.from) % 5 {
            case 0: return same(value, json: "\(index).5")
            case 1: return same(value, json: "\"text \(index)\"")
            case 2: return same(value, json: index % 2 == 0 ? "true" : "false")
            case 3: return same(stored[shape.field + "__a"], json: "\(index)") || same(value, json: "{\"a\":\(index)}")
            default: return same(value, json: "[\(index),\"x\"]")
            }
        case .lateField:
            return index >= shapes.from ? (value as? String == "late \(index)") : (value == nil ? nil : false)
        case .hugeString:
            return marked ? value as? String == MockDataShapes.hugeString(index: index) : nil
        case .invalidUTF8, .loneSurrogate:
            // Neither can be held by a UTF-8 string column as sent: it has to be reported.
            return marked ? false : nil
        case .bigNumber:
            return marked ? text(of: value) == MockDataShapes.bigNumberText(turn: turn) : nil
        case .deepNesting:
            // Flattened `shape_deep__d__...__d` holding the innermost value, or the nest kept as JSON text.
            guard marked else { return nil }
            return stored.contains { $0.key.hasPrefix(shape.field) && ((text(of: $0.value) == "\(index)") || (($0.value as? String)?.hasPrefix("{\"d\":") ?? false)) }
        case .duplicateKey:
            // RFC 8259 §4 leaves duplicate names to the parser; keeping either one is the usual behaviour.
            return marked ? ["first", "second"].contains(value as? String ?? "") : nil
        case .nonObjectRecord:
            return nil
        }
    }

    /// A stored value (as pyarrow → JSON gives it) equals the JSON text that was sent.
    static func same(_ stored: Any?, json: String) -> Bool {
        guard let stored, let sent = try? JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed) else { return false }
        if let text = stored as? String, let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed),
           (parsed as? NSObject)?.isEqual(sent) == true || text == (sent as? String) {
            return true
        }
        return (stored as? NSObject)?.isEqual(sent) == true
    }

    static func text(of value: Any?) -> String? {
        switch value {
        case let string as String: string
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }

    /// A log line naming the endpoint, the field and the record id.
    static func reported(_ log: String, endpoint: String, field: String, id: String) -> Bool {
        log.split(separator: "\n").contains { line in
            line.contains(endpoint) && line.contains(field) && line.range(of: "\\b\(id)\\b", options: .regularExpression) != nil
        }
    }

    static func describe(_ values: [String: Any]?) -> String {
        guard let values, !values.isEmpty else { return "no value stored" }
        return values.map { "\($0.key.prefix(40))=\(String(describing: $0.value).prefix(60))" }.joined(separator: ", ")
    }
}
