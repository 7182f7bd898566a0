/// Calendar arithmetic for the mock's dates, done by hand (no DateFormatter on the hot path).
/// Offsets follow America/Chicago, as every example in the API reference does: -06:00 in winter, -05:00 from the
/// second Sunday of March 02:00 local to the first Sunday of November 02:00 local (US rule since 2007).
enum CentralTime {
    struct Civil {
        var year: Int
        var month: Int
        var day: Int
        var hour: Int
        var minute: Int
        var second: Int
    }

    static let standardOffset = -6 * 3600
    static let daylightOffset = -5 * 3600

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Civil date and time of a count of seconds since the epoch (no zone applied).
    static func civil(_ seconds: Int64) -> Civil {
        let secs = Int(seconds)
        var daysSinceEpoch = secs / 86400
        var secondOfDay = secs % 86400
        if secondOfDay < 0 {
            secondOfDay += 86400
            daysSinceEpoch -= 1
        }
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return Civil(
            year: year, month: month, day: day,
            hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60, second: secondOfDay % 60
        )
    }

    /// UTC offset in seconds of America/Chicago at an instant.
    static func offset(at utcSeconds: Int64) -> Int {
        let year = civil(utcSeconds).year
        // 0 = Sunday; 1970-01-01 was a Thursday.
        func firstSunday(onOrAfter dayNumber: Int) -> Int {
            let weekday = ((dayNumber + 4) % 7 + 7) % 7
            return dayNumber + (7 - weekday) % 7
        }
        let dstStartDay = firstSunday(onOrAfter: days(year: year, month: 3, day: 1)) + 7
        let dstEndDay = firstSunday(onOrAfter: days(year: year, month: 11, day: 1))
        let dstStart = Int64(dstStartDay * 86400 + 8 * 3600)  // 02:00 CST = 08:00 UTC
        let dstEnd = Int64(dstEndDay * 86400 + 7 * 3600)  // 02:00 CDT = 07:00 UTC
        return utcSeconds >= dstStart && utcSeconds < dstEnd ? daylightOffset : standardOffset
    }
}
