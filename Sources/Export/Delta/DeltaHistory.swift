import Foundation

/// The versions of an endpoint's Delta table, for `inspect OUT/<endpoint>`: what each commit did.
public struct DeltaVersion: Sendable {
    public var version: Int
    public var timestamp: Date?
    public var operation: String
    /// The export step and run that made it (`commitInfo.acExport`), when ac-export did.
    public var step: String?
    public var runID: String?
    public var filesAdded = 0
    public var filesRemoved = 0
    public var rowsAdded = 0
    public var rowsRemoved = 0
    public var schemaChanged = false

    /// Every version of the table in `folder` (nil when it has no `_delta_log`).
    public static func history(ofTable folder: String) async throws -> [DeltaVersion]? {
        let table = (folder as NSString).lastPathComponent
        let commits = try await DeltaLog.commits(table: table, storage: LocalFolderStorage(directory: parentFolder(of: folder)))
        guard !commits.isEmpty else { return nil }
        var rowsOfFile: [String: Int] = [:]
        return commits.map { version, actions in
            var entry = DeltaVersion(version: version, operation: "-")
            for action in actions {
                if let info = action["commitInfo"] as? [String: Any] {
                    entry.operation = info["operation"] as? String ?? "-"
                    entry.timestamp = (info["timestamp"] as? NSNumber).map { Date(timeIntervalSince1970: $0.doubleValue / 1000) }
                    let ours = info["acExport"] as? [String: Any]
                    entry.step = ours?["step"] as? String
                    entry.runID = ours?["runId"] as? String
                } else if let add = action["add"] as? [String: Any], let path = add["path"] as? String {
                    let stats = (add["stats"] as? String).flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                    let rows = (stats?["numRecords"] as? NSNumber)?.intValue ?? 0
                    rowsOfFile[path] = rows
                    entry.filesAdded += 1
                    entry.rowsAdded += rows
                } else if let remove = action["remove"] as? [String: Any], let path = remove["path"] as? String {
                    entry.filesRemoved += 1
                    entry.rowsRemoved += rowsOfFile.removeValue(forKey: path) ?? 0
                } else if action["metaData"] != nil {
                    entry.schemaChanged = true
                }
            }
            return entry
        }
    }
}
