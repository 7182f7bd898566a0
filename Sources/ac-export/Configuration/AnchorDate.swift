import Export
import Foundation

/// `--anchor-date` / `anchor_date`: an ISO 8601 date or date-time, parsed exactly. Anything else (extra text,
/// a day the month does not have, a partial zone) is refused: a silently truncated anchor moves a backfill.
enum AnchorDate {
    struct Parsed: Equatable {
        var date: Date
        /// A time was given without a zone: it is taken as UTC (`config show` says so). A date alone is midnight UTC.
        var assumedUTC: Bool
    }

    static func parse(_ text: String) throws -> Parsed {
        guard let parsed = exact(Array(text.utf8)) else {
            throw UsageError(description: """
                '\(text)' is not an ISO 8601 date or date-time; use e.g. 2025-01-31, 2025-01-31T06:00:00Z or \
                2025-01-31T06:00:00+02:00 (a time without a zone is UTC)
                """)
        }
        return parsed
    }

    /// `YYYY-MM-DD`, optionally `THH:MM[:SS[.fraction]]` and then `Z`, `±HH:MM`, `±HHMM` or `±HH`.
    private static func exact(_ b: [UInt8]) -> Parsed? {
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var value = 0
            for k in i..<(i + n) {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[k]) else { return nil }
                value = value * 10 + Int(b[k] - UInt8(ascii: "0"))
            }
            i += n
            return value
        }
        func take(_ c: Character) -> Bool {
            guard i < b.count, b[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), take("-"), let month = digits(2), take("-"), let day = digits(2),
            (1...12).contains(month), (1...UTCTimestamp.daysInMonth(year: year, month: month)).contains(day)
        else { return nil }
        var seconds = Double(UTCTimestamp.days(year: year, month: month, day: day)) * 86_400
        guard i < b.count else { return Parsed(date: Date(timeIntervalSince1970: seconds), assumedUTC: false) }
        guard take("T") || take("t"), let hour = digits(2), take(":"), let minute = digits(2), hour < 24, minute < 60 else { return nil }
        seconds += Double(hour * 3600 + minute * 60)
        if take(":") {
            guard let second = digits(2), second < 60 else { return nil }
            seconds += Double(second)
            if take(".") || take(",") {
                var scale = 0.1
                let start = i
                while let digit = digits(1) {
                    seconds += Double(digit) * scale
                    scale /= 10
                }
                guard i > start else { return nil }
            }
        }
        guard i < b.count else { return Parsed(date: Date(timeIntervalSince1970: seconds), assumedUTC: true) }
        if take("Z") || take("z") {
            guard i == b.count else { return nil }
            return Parsed(date: Date(timeIntervalSince1970: seconds), assumedUTC: false)
        }
        let sign: Double
        if take("+") { sign = 1 } else if take("-") { sign = -1 } else { return nil }
        guard let offsetHours = digits(2), offsetHours <= 23 else { return nil }
        var offsetMinutes = 0
        if i < b.count {
            _ = take(":")
            guard let minutes = digits(2), minutes < 60 else { return nil }
            offsetMinutes = minutes
        }
        guard i == b.count else { return nil }
        seconds -= sign * Double(offsetHours * 3600 + offsetMinutes * 60)
        return Parsed(date: Date(timeIntervalSince1970: seconds), assumedUTC: false)
    }
}
