/// Hand-written JSON serializer into a byte buffer, the way PHP's `json_encode` writes it (flags 0): every `/` is
/// escaped as `\/`, non-ASCII is written as `\uXXXX` (surrogate pairs above U+FFFF), keys in the order written.
/// Commas are inserted from the previous byte, so callers only say what comes next.
struct JSONWriter {
    var bytes: [UInt8]

    init(capacity: Int = 4096) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    // MARK: Structure

    mutating func beginObject() { bytes.append(0x7B) }
    mutating func endObject() { bytes.append(0x7D) }
    mutating func beginArray() { bytes.append(0x5B) }
    mutating func endArray() { bytes.append(0x5D) }

    /// Writes a separating comma unless a container was just opened.
    mutating func separator() {
        if let last = bytes.last, last != 0x7B, last != 0x5B, last != 0x3A {
            bytes.append(0x2C)
        }
    }

    /// `"key":` (keys are plain ASCII identifiers, written without escaping).
    mutating func key(_ name: StaticString) {
        separator()
        bytes.append(0x22)
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(0x22)
        bytes.append(0x3A)
    }

    /// `"key":` for a key only known at run time (e.g. a currency code).
    mutating func key(text: String) {
        separator()
        string(text)
        bytes.append(0x3A)
    }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func raw(_ data: [UInt8]) {
        bytes.append(contentsOf: data)
    }

    // MARK: Scalars

    mutating func null() { raw("null") }
    mutating func bool(_ value: Bool) { raw(value ? "true" : "false") }

    mutating func int(_ value: Int) {
        if value < 0 {
            bytes.append(0x2D)
            digits(UInt(value.magnitude))
        } else {
            digits(UInt(value))
        }
    }

    /// An integer sent as a JSON string, the API's convention for ids, counts and flags.
    mutating func intString(_ value: Int) {
        bytes.append(0x22)
        int(value)
        bytes.append(0x22)
    }

    mutating func digits(_ value: UInt) {
        if value < 10 {
            bytes.append(0x30 + UInt8(value))
            return
        }
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        var remaining = value
        withUnsafeMutableBytes(of: &scratch) { buffer in
            while remaining > 0 {
                buffer[23 - count] = 0x30 + UInt8(remaining % 10)
                remaining /= 10
                count += 1
            }
            bytes.append(contentsOf: buffer[(24 - count)...])
        }
    }

    mutating func twoDigits(_ value: Int) {
        bytes.append(0x30 + UInt8(value / 10))
        bytes.append(0x30 + UInt8(value % 10))
    }

    mutating func fourDigits(_ value: Int) {
        twoDigits(value / 100)
        twoDigits(value % 100)
    }

    /// A string escaped as PHP's `json_encode` does by default.
    mutating func string(_ text: String) {
        bytes.append(0x22)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            switch value {
            case 0x22: raw("\\\"")
            case 0x5C: raw("\\\\")
            case 0x2F: raw("\\/")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0x08: raw("\\b")
            case 0x0C: raw("\\f")
            case 0..<0x20: unicodeEscape(UInt16(value))
            case 0x20..<0x80: bytes.append(UInt8(value))
            case 0x80..<0x10000: unicodeEscape(UInt16(value))
            default:
                let shifted = value - 0x10000
                unicodeEscape(UInt16(0xD800 + (shifted >> 10)))
                unicodeEscape(UInt16(0xDC00 + (shifted & 0x3FF)))
            }
        }
        bytes.append(0x22)
    }

    private mutating func unicodeEscape(_ unit: UInt16) {
        let hex: StaticString = "0123456789abcdef"
        raw("\\u")
        hex.withUTF8Buffer { table in
            bytes.append(table[Int(unit >> 12)])
            bytes.append(table[Int((unit >> 8) & 0xF)])
            bytes.append(table[Int((unit >> 4) & 0xF)])
            bytes.append(table[Int(unit & 0xF)])
        }
    }

    // MARK: Dates

    /// `"2024-03-14T09:41:27-05:00"`: America/Chicago wall time with its offset, as the API sends `cdate`, `udate`, ...
    mutating func dateTimeWithOffset(_ utcSeconds: Int64) {
        let offset = CentralTime.offset(at: utcSeconds)
        let civil = CentralTime.civil(utcSeconds + Int64(offset))
        bytes.append(0x22)
        writeDate(civil)
        bytes.append(0x54)  // T
        writeTime(civil)
        raw(offset == CentralTime.daylightOffset ? "-05:00" : "-06:00")
        bytes.append(0x22)
    }

    /// `"2024-03-14 09:41:27"` (the API's naive MySQL-style timestamps), in Chicago wall time or in UTC.
    mutating func naiveDateTime(_ utcSeconds: Int64, utc: Bool = false) {
        let shift = utc ? 0 : Int64(CentralTime.offset(at: utcSeconds))
        let civil = CentralTime.civil(utcSeconds + shift)
        bytes.append(0x22)
        writeDate(civil)
        bytes.append(0x20)
        writeTime(civil)
        bytes.append(0x22)
    }

    /// `"2024-03-14"` in Chicago wall time (the API's date-only fields).
    mutating func date(_ utcSeconds: Int64) {
        let civil = CentralTime.civil(utcSeconds + Int64(CentralTime.offset(at: utcSeconds)))
        bytes.append(0x22)
        writeDate(civil)
        bytes.append(0x22)
    }

    /// ISO 8601 UTC with milliseconds, for the request log: `2024-03-14T14:41:27.123Z`.
    mutating func isoUTCMilliseconds(_ milliseconds: Int64) {
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let civil = CentralTime.civil(seconds)
        bytes.append(0x22)
        writeDate(civil)
        bytes.append(0x54)
        writeTime(civil)
        bytes.append(0x2E)
        let millis = Int(milliseconds - seconds * 1000)
        bytes.append(0x30 + UInt8(millis / 100))
        twoDigits(millis % 100)
        bytes.append(0x5A)
        bytes.append(0x22)
    }

    private mutating func writeDate(_ civil: CentralTime.Civil) {
        fourDigits(civil.year)
        bytes.append(0x2D)
        twoDigits(civil.month)
        bytes.append(0x2D)
        twoDigits(civil.day)
    }

    private mutating func writeTime(_ civil: CentralTime.Civil) {
        twoDigits(civil.hour)
        bytes.append(0x3A)
        twoDigits(civil.minute)
        bytes.append(0x3A)
        twoDigits(civil.second)
    }
}
