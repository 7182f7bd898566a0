import Export
import Foundation

/// `.env` in the working folder, by the dotenv conventions: `KEY=value` lines, `#` comment lines and inline
/// comments after whitespace, an optional `export `, single or double quotes (a `#` inside quotes is kept).
enum DotEnv {
    static func load(path: String) throws -> [String: String] {
        let data: Data?
        do {
            data = try FileSystem.contentsIfPresent(path)
        } catch {
            // A .env that exists but does not read must not pass for no .env: the run would miss its settings.
            throw UsageError(description: "\(error)")
        }
        guard let data else { return [:] }
        let text = String(decoding: data, as: UTF8.self)
        var values: [String: String] = [:]
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let equals = line.firstIndex(of: "=") else {
                throw UsageError(description: "\(path) line \(number + 1): expected KEY=value")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let rest = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            values[key] = try value(rest, path: path, line: number + 1)
        }
        return values
    }

    /// A quoted value up to its closing quote (anything after it must be a comment), or the text before an inline
    /// ` #` comment.
    private static func value(_ text: String, path: String, line: Int) throws -> String {
        if let quote = text.first, quote == "\"" || quote == "'" {
            let body = text.dropFirst()
            guard let close = body.firstIndex(of: quote) else {
                throw UsageError(description: "\(path) line \(line): the quoted value has no closing \(quote)")
            }
            let after = body[body.index(after: close)...].trimmingCharacters(in: .whitespaces)
            guard after.isEmpty || after.hasPrefix("#") else {
                throw UsageError(description: "\(path) line \(line): unexpected text after the quoted value")
            }
            return String(body[..<close])
        }
        var end = text.endIndex
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "#", index == text.startIndex || text[text.index(before: index)].isWhitespace {
                end = index
                break
            }
            index = text.index(after: index)
        }
        return text[..<end].trimmingCharacters(in: .whitespaces)
    }
}
