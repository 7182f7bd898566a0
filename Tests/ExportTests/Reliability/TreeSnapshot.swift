import Foundation

/// Every file under a folder with its size, modification time and bytes: equal snapshots mean nothing was touched.
struct TreeSnapshot: Equatable {
    struct Entry: Equatable {
        var size: Int
        var modified: Date?
        var data: Data
    }

    var entries: [String: Entry]

    init(_ root: String) {
        var entries: [String: Entry] = [:]
        for relative in FileManager.default.subpaths(atPath: root) ?? [] {
            let path = root + "/" + relative
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            entries[relative] = Entry(
                size: (attributes[.size] as? Int) ?? -1, modified: attributes[.modificationDate] as? Date,
                data: FileManager.default.contents(atPath: path) ?? Data())
        }
        self.entries = entries
    }

    /// Paths added, removed or changed from `self` to `other`.
    func differences(to other: TreeSnapshot) -> [String] {
        Set(entries.keys).union(other.entries.keys).sorted().filter { entries[$0] != other.entries[$0] }
    }
}
