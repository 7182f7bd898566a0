/// Contacts (docs/activecampaign-api.md#endpoint-notes): ~2.4 KB each, 60% of it the 18 absolute links.
extension MockDataset {
    static let contactLinks: [StaticString] = [
        "bounceLogs", "contactAutomations", "contactData", "contactGoals", "contactLists", "contactLogs",
        "contactTags", "contactDeals", "deals", "fieldValues", "geoIps", "notes", "organization", "plusAppend",
        "trackingLogs", "scoreValues", "accountContacts", "automationEntryCounts",
    ]

    /// A contact's names and e-mail address, and its random stream after them (the rest of the record draws from it).
    func contactIdentity(index: Int) -> (firstName: String, lastName: String, email: String, random: SplitMix64) {
        var r = random(.contacts, index)
        let (firstName, firstASCII) = r.pick(MockVocabulary.firstNames)
        let (lastName, lastASCII) = r.pick(MockVocabulary.lastNames)
        let domain = r.pick(MockVocabulary.domains)
        return (firstName, lastName, "\(firstASCII).\(lastASCII).\(index + 1)@\(domain)", r)
    }

    func writeContact(index: Int, times: RecordTimes, into w: inout JSONWriter) {
        var (firstName, lastName, email, r) = contactIdentity(index: index)
        let id = index + 1
        // The older response shape lacks the newer keys (so does the API reference's example).
        let legacyShape = r.chance(0.08)
        let accountID: Int? = r.chance(0.3) ? 1 + r.below(count(of: .accounts)) : nil

        w.beginObject()
        w.field("id", id: id)
        w.field("email", email)
        w.field("phone", r.chance(0.4) ? "" : "+1 312 555 \(1000 + r.below(9000))")
        w.field("firstName", r.chance(0.05) ? "" : firstName)
        w.field("lastName", lastName)
        w.field("orgid", id: accountID ?? 0)
        if !legacyShape {
            w.field("orgname", accountID.map { _ in r.pick(MockVocabulary.companies) } ?? "")
        }
        w.field("segmentio_id", "")
        w.field("bounced_hard", id: r.chance(0.02) ? 1 : 0)
        w.field("bounced_soft", id: r.chance(0.05) ? r.within(1...3) : 0)
        w.key("bounced_date")
        switch r.below(5) {
        case 0, 1: w.null()
        case 2, 3: w.raw("\"0000-00-00\"")
        default: w.date(times.created + Int64(r.below(86400 * 30)))
        }
        w.field("ip", id: r.chance(0.3) ? 0 : Int(r.next() & 0xFFFF_FFFF))
        w.key("ua")
        switch r.below(5) {
        case 0, 1: w.string("")
        case 2: w.null()
        default: w.string(r.pick(MockVocabulary.userAgents))
        }
        w.field("hash", r.chance(0.05) ? "" : hexString(&r, length: 32))
        w.key("socialdata_lastcheck")
        if r.chance(0.5) { w.null() } else { w.raw("\"0000-00-00 00:00:00\"") }
        w.field("email_local", "")
        w.field("email_domain", "")
        w.field("sentcnt", id: r.below(60))
        w.key("rating_tstamp")
        switch r.below(3) {
        case 0: w.null()
        case 1: w.raw("\"0000-00-00\"")
        default: w.date(times.updated)
        }
        w.field("gravatar", id: r.below(4))
        w.flag("deleted", r.chance(0.01))
        w.flag("anonymized", false)
        // adate/edate are missing on some records, null on others
        switch r.below(10) {
        case 0: break
        case 1, 2: w.nullField("adate")
        default: w.dateTimeField("adate", times.updated - Int64(r.below(3600)))
        }
        w.dateTimeField("cdate", times.created)
        w.dateTimeField("udate", times.updated)
        switch r.below(10) {
        case 0, 1, 2: break
        case 3, 4, 5: w.nullField("edate")
        default: w.dateTimeField("edate", times.updated)
        }
        w.key("deleted_at")
        if r.chance(0.5) { w.null() } else { w.raw("\"0000-00-00 00:00:00\"") }
        if !legacyShape {
            w.naiveField("created_utc_timestamp", times.created, utc: true)
            w.naiveField("updated_utc_timestamp", times.updated, utc: true)
            w.naiveField("created_timestamp", times.created)
            w.naiveField("updated_timestamp", times.updated)
            w.field("created_by", optionalID: r.chance(0.6) ? nil : r.within(1...8))
            w.field("updated_by", optionalID: r.chance(0.6) ? nil : r.within(1...8))
            w.key("email_empty")
            w.bool(false)
            w.flag("mpp_tracking", r.chance(0.1))
        }
        w.emptyArrayField("scoreValues")
        if !legacyShape {
            w.idArrayField("accountContacts", accountID.map { [$0 * 3 + id % 3] } ?? [])
        }
        w.links("contacts", id: id, names: Self.contactLinks, absolute: true)
        w.nullField("organization")
        if r.chance(0.3) {
            w.field("account", optionalID: accountID)
            w.nullField("customerAccount")
        }
        w.endObject()
    }

    func hexString(_ r: inout SplitMix64, length: Int) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes = [UInt8]()
        bytes.reserveCapacity(length)
        var bits = r.next()
        for position in 0..<length {
            if position % 16 == 15 { bits = r.next() }
            bytes.append(digits[Int(bits & 0xF)])
            bits >>= 4
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
