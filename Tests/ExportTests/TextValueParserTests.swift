@testable import Export
import Testing

@Suite struct TextValueParserTests {
    func integer(_ s: String) -> Int64? { TextValueParser.withUTF8(s, TextValueParser.canonicalInteger) }
    func decimal(_ s: String) -> Double? { TextValueParser.withUTF8(s, TextValueParser.canonicalDecimal) }
    func shape(_ s: String) -> TextValueParser.DateTimeShape? { TextValueParser.withUTF8(s, TextValueParser.dateTime) }

    @Test func canonicalIntegersOnly() {
        #expect(integer("0") == 0)
        #expect(integer("46") == 46)
        #expect(integer("-1") == -1)
        #expect(integer("9223372036854775807") == .max)
        #expect(integer("-9223372036854775808") == .min)
        for text in ["", "-", "007", "-0", "+5", "1.0", "9223372036854775808", "1e3", " 1", "12a"] {
            #expect(integer(text) == nil, "\(text) must stay text")
        }
    }

    @Test func canonicalDecimalsRoundTripAsText() {
        #expect(decimal("12.5") == 12.5)
        #expect(decimal("-0.25") == -0.25)
        for text in ["10.50", "1.", ".5", "01.5", "1e5", "0.1000000000000000055511151231257827"] {
            #expect(decimal(text) == nil, "\(text) must stay text")
        }
    }

    @Test func offsetsBecomeUTCInstants() {
        // US Central, both DST states, as the API sends them.
        guard case .instant(let summer)? = shape("2019-09-06T11:29:48-05:00"),
              case .instant(let winter)? = shape("2017-01-20T09:28:02-06:00"),
              case .instant(let zulu)? = shape("2019-09-06T16:29:48Z")
        else { Issue.record("not parsed"); return }
        #expect(summer == 1_567_787_388_000_000)
        #expect(zulu == summer)
        #expect(winter == 1_484_926_082_000_000)
        guard case .instant(let fractional)? = shape("2019-09-06T16:29:48.25Z") else { Issue.record("fraction"); return }
        #expect(fractional == summer + 250_000)
    }

    @Test func naiveTimestampsDatesAndZeroDates() {
        guard case .local(let local)? = shape("2024-03-14 09:41:27") else { Issue.record("naive"); return }
        #expect(local == 1_710_409_287_000_000)
        guard case .date(let days)? = shape("2024-03-14") else { Issue.record("date"); return }
        #expect(days == 19_796)
        guard case .zero? = shape("0000-00-00"), case .zero? = shape("0000-00-00 00:00:00") else { Issue.record("zero"); return }
        for text in ["2024-02-30", "2024-13-01", "2024-03-14T09:41:27", "2024-03-14 25:00:00", "2024-03-14T09:41:27+5:00", "14/03/2024"] {
            #expect(shape(text) == nil, "\(text) must stay text")
        }
    }

    @Test func utcFormattingInvertsParsing() {
        for text in ["1970-01-01T00:00:00Z", "2024-02-29T23:59:59Z", "1969-12-31T23:59:59.000001Z", "0001-01-01T00:00:00Z"] {
            guard case .instant(let micros)? = shape(text) else { Issue.record("\(text)"); continue }
            #expect(UTCTimestamp.iso8601(micros: micros) == text)
        }
    }
}

extension TextValueParser.DateTimeShape: Equatable {
    public static func == (a: Self, b: Self) -> Bool {
        switch (a, b) {
        case let (.instant(x), .instant(y)), let (.local(x), .local(y)): x == y
        case let (.date(x), .date(y)): x == y
        case (.zero, .zero): true
        default: false
        }
    }
}
