@testable import ActiveCampaignMock
import Foundation
import Testing

@Suite("Mock dataset")
struct MockDatasetTests {
    let configuration = MockConfiguration(
        seed: 42, contacts: 2000, deals: 300, now: Date(timeIntervalSince1970: 1_767_225_600))

    @Test func sameSeedSameBytes() {
        let a = MockDataset(configuration: configuration)
        let b = MockDataset(configuration: configuration)
        for path in MockDataset.paths {
            #expect(a.pageJSON(path: path, offset: 0, limit: 100) == b.pageJSON(path: path, offset: 0, limit: 100))
        }
        var other = configuration
        other.seed = 43
        #expect(MockDataset(configuration: other).recordJSON(path: "contacts", index: 5) != a.recordJSON(path: "contacts", index: 5))
    }

    @Test func everyPageIsValidJSON() throws {
        let dataset = MockDataset(configuration: configuration)
        for path in MockDataset.paths {
            var offset = 0
            while offset < dataset.count(path: path) {
                let body = Data(dataset.pageJSON(path: path, offset: offset, limit: 100))
                let page = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any], "\(path)")
                #expect(page[path] is [Any])
                offset += 100
            }
        }
    }

    @Test func contactsUseBothCentralOffsetsAndPHPEscapes() throws {
        let dataset = MockDataset(configuration: configuration)
        let text = String(decoding: dataset.pageJSON(path: "contacts", offset: 0, limit: 2000), as: UTF8.self)
        #expect(text.contains("-05:00\""))
        #expect(text.contains("-06:00\""))
        #expect(text.contains("https:\\/\\/demo.api-us1.com\\/api\\/3\\/contacts\\/1\\/bounceLogs"))
        #expect(!text.contains("https://"))
        let sizes = (0..<200).map { dataset.recordJSON(path: "contacts", index: $0).count }
        let average = sizes.reduce(0, +) / sizes.count
        #expect((2000...2900).contains(average), "average contact is \(average) bytes")
    }

    @Test func centralOffsetsFollowUSRule() {
        // 2025: CDT from 2025-03-09 08:00Z to 2025-11-02 07:00Z
        #expect(CentralTime.offset(at: 1_741_507_199) == -6 * 3600)
        #expect(CentralTime.offset(at: 1_741_507_200) == -5 * 3600)
        #expect(CentralTime.offset(at: 1_762_066_799) == -5 * 3600)
        #expect(CentralTime.offset(at: 1_762_066_800) == -6 * 3600)
    }

    @Test func filterDatesAcceptTheDocumentedShapes() {
        let instant: Int64 = 1_710_427_287  // 2024-03-14T14:41:27Z
        for text in [
            "2024-03-14T09:41:27-05:00", "2024-03-14T14:41:27Z", "2024-03-14 14:41:27", "2024-03-14T14:41:27.123Z",
            "2024-03-14T19:41:27 05:00",  // an unencoded + arrives as a space
        ] {
            #expect(FilterDate.parse(text) == instant, "\(text)")
        }
        #expect(FilterDate.parse("2024-03-14") == 1_710_374_400)
        #expect(FilterDate.parse("yesterday") == nil)
    }

    @Test func phpEscapes() {
        var writer = JSONWriter()
        writer.string("a/b \"q\" \\ é 😀\n")
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #""a\/b \"q\" \\ \u00e9 \ud83d\ude00\n""#)
    }

    @Test func mutatedStorePagesEveryLiveRecordOnce() {
        let dataset = MockDataset(configuration: configuration)
        var state = MockServerState(
            contacts: MutableRecordSet(endpoint: .contacts, count: 2000),
            deals: MutableRecordSet(endpoint: .deals, count: 300), limiter: nil, random: SplitMix64(seed: 3))
        state.mutate(.contacts, count: 90, now: dataset.nowSeconds + 5, dataset: dataset)
        var ids: [Int] = []
        while true {
            let page = state.contacts.page(
                filter: RecordFilter(query: MockQuery(nil)), idGreater: ids.last ?? 0, offset: 0, limit: 100,
                dataset: dataset)
            ids += page.rows.map { $0.index + 1 }
            if page.rows.count < 100 { break }
        }
        #expect(ids == state.contacts.allRows().map { $0.index + 1 })
        #expect(state.contacts.maxID > 2000)
    }
}
