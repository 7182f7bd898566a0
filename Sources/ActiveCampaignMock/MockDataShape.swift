/// Unusual values the mock writes into one endpoint's records (README.md, section 'Reliability'). Each adds a field
/// named `shape_<kind>` (or replaces the record), so a test can find exactly what was injected.
public enum MockDataShape: String, Sendable, CaseIterable {
    /// `shape_drift`: on every record; a JSON integer before record `from`, then by turns a decimal, a text,
    /// a boolean, an object and an array.
    case typeChange = "drift"
    /// `shape_late`: a field that only appears from record `from` on.
    case lateField = "late"
    /// `shape_huge`: a 1 MiB string.
    case hugeString = "huge"
    /// `shape_bytes`: a string holding bytes that are not UTF-8 (`C3 28`, `FF`).
    case invalidUTF8 = "bytes"
    /// `shape_surrogate`: a string holding a lone surrogate escape (`\ud800`, `\udc00`).
    case loneSurrogate = "surrogate"
    /// `shape_big`: integers beyond Int64 and a number beyond Double.
    case bigNumber = "big"
    /// `shape_deep`: objects nested `MockDataShapes.depth` deep.
    case deepNesting = "deep"
    /// `shape_dup`: the same key twice in one record, `"first"` then `"second"`.
    case duplicateKey = "dup"
    /// The record is not an object (by turns a number, a string, null and an array).
    case nonObjectRecord = "nonobject"

    public var field: String { "shape_" + rawValue }
}

/// Where and how often `MockDataShape`s are injected.
public struct MockDataShapes: Sendable {
    /// The list path whose records carry the shapes (e.g. `"contacts"`).
    public var path: String
    public var kinds: Set<MockDataShape>
    /// Shapes other than `typeChange`/`lateField` go into every record whose index % every == every - 1.
    public var every: Int
    /// Index of the first record after the type change / with the late field.
    public var from: Int
    /// Nesting depth of `deepNesting`.
    public var depth: Int

    public init(path: String, kinds: Set<MockDataShape>, every: Int = 97, from: Int = 500, depth: Int = 10_000) {
        self.path = path
        self.kinds = kinds
        self.every = max(1, every)
        self.from = from
        self.depth = depth
    }

    /// Whether the record at `index` carries the periodic shapes.
    public func isMarked(_ index: Int) -> Bool {
        index % every == every - 1
    }

    /// The exact text of `shape_big` on the `turn`-th marked record (index / every): a JSON number, as written.
    public static func bigNumberText(turn: Int) -> String {
        ["9223372036854775808", "-9223372036854775809", "123456789012345678901234567890", "1e400"][turn % 4]
    }

    /// `shape_huge` of the record at `index` (what the mock served).
    public static func hugeString(index: Int) -> String {
        MockDataset.hugeString(index: index)
    }

    public static let hugeStringLength = 1 << 20
}
