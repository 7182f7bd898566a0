/// Left-aligned columns separated by two spaces, for the summary, `endpoints` and `--dry-run`.
enum TextTable {
    /// The header, optionally a dashed rule under it, then the rows; one string per line.
    static func lines(header: [String], rows: [[String]], rule: Bool = false) -> [String] {
        let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        return [line(header)] + (rule ? [line(widths.map { String(repeating: "-", count: $0) })] : []) + rows.map(line)
    }
}
