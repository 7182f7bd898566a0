/// Deals (docs/activecampaign-api.md#endpoint-notes): relative links, `winProbability` a JSON number, `isDisabled` a boolean (or `1`),
/// `edate` naive / zero / null, `value` in cents as a string.
extension MockDataset {
    static let dealLinks: [StaticString] = [
        "dealActivities", "contact", "contactDeals", "group", "nextTask", "notes", "account", "customerAccount",
        "organization", "owner", "scoreValues", "stage", "tasks", "dealCustomFieldData",
    ]

    /// Currency and value of a deal, on their own random stream so `meta.currencies` needs no full record.
    func dealMoney(index: Int) -> (currency: String, cents: Int) {
        var r = SplitMix64(seed: seed, stream: MockEndpoint.deals.stream &+ 2000, index: index)
        return (r.pick(MockVocabulary.currencies), r.below(5000) * 1000 + r.below(100))
    }

    /// Zero-based index of the first stage of a pipeline (by pipeline index).
    func firstStageIndex(ofGroupIndex group: Int) -> Int {
        Self.stagesPerGroup.prefix(group).reduce(0, +)
    }

    func stageIndexes(ofGroupIndex group: Int) -> Range<Int> {
        let first = firstStageIndex(ofGroupIndex: group)
        return first..<(first + Self.stagesPerGroup[group])
    }

    func writeDeal(index: Int, times: RecordTimes, into w: inout JSONWriter) {
        var r = random(.deals, index)
        let id = index + 1
        let group = r.below(Self.stagesPerGroup.count)
        let stage = stageIndexes(ofGroupIndex: group).randomElement(using: &r)! + 1
        let money = dealMoney(index: index)
        let contact: Int? = contactCount > 0 && !r.chance(0.05) ? 1 + r.below(contactCount) : nil
        let account: Int? = r.chance(0.4) ? 1 + r.below(count(of: .accounts)) : nil
        let status = r.pick([0, 0, 0, 1, 2])

        w.beginObject()
        w.field("id", id: id)
        w.field("hash", hexString(&r, length: 8))
        w.field("owner", id: 1 + r.below(count(of: .users)))
        w.field("contact", optionalID: contact)
        w.field("organization", optionalID: account)
        w.field("group", id: group + 1)
        w.field("stage", id: stage)
        w.field("title", "\(r.pick(MockVocabulary.dealTitles)) #\(id)")
        w.field("description", optional: r.chance(0.2) ? nil : r.pick(MockVocabulary.notes))
        w.field("percent", id: 0)
        w.dateTimeField("cdate", times.created)
        w.dateTimeField("mdate", times.updated)
        let nextTask: Int? = r.chance(0.6) || dealCount < 2 ? nil : 1 + r.below(max(1, dealCount / 2))
        w.dateTimeField("nextdate", nextTask.map { _ in times.updated + Int64(r.below(86400 * 30)) })
        w.field("nexttaskid", optionalID: nextTask)
        w.field("value", id: money.cents)
        w.field("currency", money.currency)
        let hasProbability = r.below(10)
        if hasProbability > 0 {
            w.key("winProbability")
            if hasProbability < 3 { w.null() } else { w.int(r.below(101)) }
            w.dateTimeField("winProbabilityMdate", hasProbability < 3 ? nil : times.updated)
        }
        w.field("status", id: status)
        w.field("activitycount", id: r.below(40))
        w.nullField("nextdealid")
        w.key("edate")
        switch r.below(4) {
        case 0: w.null()
        case 1: w.raw("\"0000-00-00 00:00:00\"")
        default: w.naiveDateTime(times.updated)
        }
        w.links("deals", id: id, names: Self.dealLinks, absolute: false)
        // isDisabled is a boolean, but one example in the API reference sends the number 1
        w.key("isDisabled")
        if r.chance(0.02) { w.int(1) } else { w.bool(false) }
        w.field("account", optionalID: account)
        w.field("customerAccount", optionalID: account)
        w.field("nextTask", optionalID: nextTask)
        w.endObject()
    }
}
