import ActiveCampaign
import Foundation

/// `ac-export convert`: records from saved API responses instead of HTTP. Inputs are files or
/// folders (read in name order) of page JSON exactly as the API returns it (records under the
/// endpoint's key), or NDJSON with one record per line.
public struct SavedPagesSource: RecordSource {
    public let inputs: [String]
    public var batchSize = 1000

    public struct InputError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    public init(inputs: [String]) {
        self.inputs = inputs
    }

    /// Every input file, folders expanded, in a stable order.
    public func files() throws -> [String] {
        var result: [String] = []
        let fm = FileManager.default
        for input in inputs {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: input, isDirectory: &isDirectory) else {
                throw InputError(path: input, reason: "no such file or folder")
            }
            if isDirectory.boolValue {
                let names = try fm.contentsOfDirectory(atPath: input).filter { !$0.hasPrefix(".") }.sorted()
                result += names.map { input + "/" + $0 }.filter { path in
                    var dir: ObjCBool = false
                    return fm.fileExists(atPath: path, isDirectory: &dir) && !dir.boolValue
                }
            } else {
                result.append(input)
            }
        }
        return result
    }

    public func batches(for endpoint: Endpoint, window: IncrementalWindow?, resumeFrom: ResumePoint?) -> AsyncThrowingStream<RecordBatch, any Error> {
        let batchSize = self.batchSize
        let source = self
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for path in try source.files() {
                        try Task.checkCancellation()
                        try await Self.read(path, recordsKey: endpoint.recordsKey, batchSize: batchSize) { batch in
                            continuation.yield(batch)
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private static func read(_ path: String, recordsKey: String, batchSize: Int, yield: (RecordBatch) -> Void) async throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw InputError(path: path, reason: "cannot be opened") }
        defer { try? handle.close() }
        // A page file is one JSON object; anything else is read as NDJSON.
        let head = try handle.read(upToCount: 1 << 16) ?? Data()
        try handle.seek(toOffset: 0)
        if let page = try readPageIfWhole(handle: handle, head: head, path: path, recordsKey: recordsKey) {
            yield(page)
            return
        }
        var records: [JSONValue] = []
        var lineNumber = 0
        var firstLine = 1
        var pending = [UInt8]()
        func emit() {
            if !records.isEmpty {
                yield(RecordBatch(records: records, resumeAfter: nil, origin: "\(path) lines \(firstLine)-\(lineNumber)"))
                records.removeAll(keepingCapacity: true)
            }
            firstLine = lineNumber + 1
        }
        func parseLine(_ line: ArraySlice<UInt8>) throws {
            lineNumber += 1
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
            do {
                records.append(try line.withUnsafeBytes { try JSONParser.parse($0) })
            } catch {
                throw InputError(path: path, reason: "line \(lineNumber) is not valid JSON: \(error)")
            }
            if records.count >= batchSize { emit() }
        }
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            try Task.checkCancellation()
            pending.append(contentsOf: chunk)
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                try parseLine(pending[start..<newline])
                start = newline + 1
            }
            pending.removeSubrange(pending.startIndex..<start)
        }
        if !pending.isEmpty { try parseLine(pending[...]) }
        emit()
    }

    private static func readPageIfWhole(handle: FileHandle, head: Data, path: String, recordsKey: String) throws -> RecordBatch? {
        guard let first = head.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }), first == UInt8(ascii: "{") else {
            return nil
        }
        let data = try handle.readToEnd() ?? Data()
        let parsed: JSONValue
        do {
            parsed = try data.withUnsafeBytes { try JSONParser.parse($0) }
        } catch {
            // One object per line parses as NDJSON; a broken single page is reported there.
            try handle.seek(toOffset: 0)
            return nil
        }
        guard case .object(let object) = parsed else { return nil }
        guard let records = object[recordsKey] else {
            // A single record saved alone (one-line NDJSON).
            return RecordBatch(records: [parsed], resumeAfter: nil, origin: path)
        }
        guard case .array(let elements) = records else {
            throw InputError(path: path, reason: "'\(recordsKey)' is not an array of records")
        }
        return RecordBatch(records: elements, resumeAfter: nil, origin: path)
    }
}
