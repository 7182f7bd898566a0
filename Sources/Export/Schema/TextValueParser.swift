// Recognises the shapes ActiveCampaign sends inside JSON strings (docs/activecampaign-api.md#value-conventions): canonical
// integers, canonical decimals, ISO 8601 timestamps with an offset, naive MySQL timestamps, dates and
// MySQL zero dates. Byte-level and allocation-free: this runs for every string value.

enum TextValueParser {
    /// Runs one of the parsers on a `String`'s UTF-8.
    @inline(__always)
    static func withUTF8<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var text = text
        return text.withUTF8(body)
    }

    /// Canonical integer: optional '-', no leading zeros, no '+', within Int64; "-0" is not canonical.
    static func canonicalInteger(_ s: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        let negative = s.count > 0 && s[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        let digits = s.count - i
        guard digits >= 1, digits <= 19 else { return nil }
        if s[i] == UInt8(ascii: "0") && (digits > 1 || negative) { return nil }
        var value: Int64 = 0
        while i < s.count {
            let d = s[i] &- UInt8(ascii: "0")
            guard d <= 9 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = negative ? m.subtractingReportingOverflow(Int64(d)) : m.addingReportingOverflow(Int64(d))
            guard !o1 && !o2 else { return nil }
            value = a
            i += 1
        }
        return value
    }

    /// Canonical decimal: `-?(0|[1-9][0-9]*)\.[0-9]*[1-9]` whose Double prints back as the same text,
    /// so the value read back from the file is text-equal to the source.
    static func canonicalDecimal(_ s: UnsafeBufferPointer<UInt8>) -> Double? {
        guard s.count >= 3, s.count <= 24 else { return nil }
        var i = s[0] == UInt8(ascii: "-") ? 1 : 0
        let intStart = i
        while i < s.count, s[i] >= UInt8(ascii: "0"), s[i] <= UInt8(ascii: "9") { i += 1 }
        let intDigits = i - intStart
        guard intDigits >= 1, !(intDigits > 1 && s[intStart] == UInt8(ascii: "0")) else { return nil }
        guard i < s.count, s[i] == UInt8(ascii: ".") else { return nil }
        i += 1
        let fracStart = i
        while i < s.count, s[i] >= UInt8(ascii: "0"), s[i] <= UInt8(ascii: "9") { i += 1 }
        guard i == s.count, i > fracStart, s[i - 1] != UInt8(ascii: "0") else { return nil }
        let text = String(decoding: s, as: UTF8.self)
        guard let value = Double(text), value.isFinite, value.description == text else { return nil }
        return value
    }

    enum DateTimeShape {
        case instant(micros: Int64)
        case local(micros: Int64)
        case date(days: Int32)
        case zero
    }

    /// `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DDTHH:MM:SS[.f{1,6}](Z|±HH:MM)`; zero dates
    /// (`0000-00-00`, `0000-00-00 00:00:00`) stand for "no value".
    static func dateTime(_ s: UnsafeBufferPointer<UInt8>) -> DateTimeShape? {
        guard s.count >= 10, s.count <= 35 else { return nil }
        guard let year = digits(s, 0, 4), s[4] == UInt8(ascii: "-"), let month = digits(s, 5, 2),
            s[7] == UInt8(ascii: "-"), let day = digits(s, 8, 2)
        else { return nil }
        if year == 0 && month == 0 && day == 0 {
            if s.count == 10 { return .zero }
            if s.count == 19, s[10] == UInt8(ascii: " "), digits(s, 11, 2) == 0, digits(s, 14, 2) == 0, digits(s, 17, 2) == 0 {
                return .zero
            }
            return nil
        }
        guard (1...12).contains(month), day >= 1, day <= UTCTimestamp.daysInMonth(year: year, month: month) else { return nil }
        let days = UTCTimestamp.days(year: year, month: month, day: day)
        if s.count == 10 { return .date(days: Int32(days)) }
        guard s.count >= 19, s[10] == UInt8(ascii: " ") || s[10] == UInt8(ascii: "T"),
            let hour = digits(s, 11, 2), s[13] == UInt8(ascii: ":"), let minute = digits(s, 14, 2),
            s[16] == UInt8(ascii: ":"), let second = digits(s, 17, 2),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var micros = (days * 86_400 + Int64(hour * 3600 + minute * 60 + second)) * 1_000_000
        if s[10] == UInt8(ascii: " ") {
            return s.count == 19 ? .local(micros: micros) : nil
        }
        var i = 19
        if i < s.count, s[i] == UInt8(ascii: ".") {
            i += 1
            var fraction: Int64 = 0
            var scale: Int64 = 100_000
            let start = i
            while i < s.count, s[i] >= UInt8(ascii: "0"), s[i] <= UInt8(ascii: "9") {
                guard i - start < 6 else { return nil }  // finer than microseconds would be lost
                fraction += Int64(s[i] - UInt8(ascii: "0")) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
            micros += fraction
        }
        guard i < s.count else { return nil }  // an ISO timestamp without an offset is ambiguous: keep as text
        if s[i] == UInt8(ascii: "Z") {
            return i + 1 == s.count ? .instant(micros: micros) : nil
        }
        guard s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-"), i + 6 == s.count,
            let offsetHours = digits(s, i + 1, 2), s[i + 3] == UInt8(ascii: ":"), let offsetMinutes = digits(s, i + 4, 2),
            offsetHours <= 18, offsetMinutes < 60
        else { return nil }
        let offset = Int64(offsetHours * 3600 + offsetMinutes * 60) * 1_000_000
        micros += s[i] == UInt8(ascii: "+") ? -offset : offset
        return .instant(micros: micros)
    }

    private static func digits(_ s: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for i in start..<start + count {
            let d = s[i] &- UInt8(ascii: "0")
            guard d <= 9 else { return nil }
            value = value * 10 + Int(d)
        }
        return value
    }
}
