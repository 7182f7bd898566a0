/// Reads the value of a date filter (`filters[updated_after]` ...) as seconds since the epoch.
/// Accepted (docs/activecampaign-api.md#dates-and-time-zones): ISO 8601 with an offset or `Z` (optional fraction),
/// `YYYY-MM-DD` and `YYYY-MM-DD HH:MM:SS`. Zone-less values are read as UTC. A `+` of an offset that arrived unencoded has been
/// decoded to a space by then, so a space before the offset counts as `+`. Anything else yields nil (ignored).
enum FilterDate {
    static func parse(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        func number(_ start: Int, _ length: Int) -> Int? {
            guard start + length <= b.count else { return nil }
            var value = 0
            for i in start..<(start + length) {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                value = value * 10 + Int(b[i] - 0x30)
            }
            return value
        }
        guard let year = number(0, 4), b.count >= 10, b[4] == 0x2D, b[7] == 0x2D,
            let month = number(5, 2), let day = number(8, 2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = Int64(CentralTime.days(year: year, month: month, day: day)) * 86400
        if b.count == 10 { return seconds }
        guard b.count >= 19, b[10] == 0x54 || b[10] == 0x20, b[13] == 0x3A, b[16] == 0x3A,
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
            hour < 24, minute < 60, second < 61
        else { return nil }
        seconds += Int64(hour * 3600 + minute * 60 + second)
        var position = 19
        if position < b.count, b[position] == 0x2E {  // fraction: ignored
            position += 1
            while position < b.count, b[position] >= 0x30, b[position] <= 0x39 { position += 1 }
        }
        if position == b.count { return seconds }
        if b[position] == 0x5A || b[position] == 0x7A {
            return position + 1 == b.count ? seconds : nil
        }
        let sign: Int64
        switch b[position] {
        case 0x2B, 0x20: sign = 1
        case 0x2D: sign = -1
        default: return nil
        }
        guard let offsetHours = number(position + 1, 2) else { return nil }
        var offsetMinutes = 0
        var end = position + 3
        if end < b.count, b[end] == 0x3A { end += 1 }
        if end < b.count {
            guard let minutes = number(end, 2), end + 2 == b.count else { return nil }
            offsetMinutes = minutes
        }
        return seconds - sign * Int64(offsetHours * 3600 + offsetMinutes * 60)
    }
}
