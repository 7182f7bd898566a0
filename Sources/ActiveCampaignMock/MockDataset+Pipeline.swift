/// Pipelines, stages, accounts, notes and tasks (docs/activecampaign-api.md#endpoint-notes).
extension MockDataset {
    func writeDealGroup(index: Int, into w: inout JSONWriter) {
        var r = random(.dealGroups, index)
        let t = baseTimes(.dealGroups, index: index)
        let id = index + 1
        w.beginObject()
        w.field("id", id: id)
        w.field("title", ["Sales", "Partner Pipeline", "Renewals / Upsell"][index % 3])
        w.field("currency", index == 1 ? "eur" : "usd")
        w.flag("allgroups", r.chance(0.5))
        w.flag("allusers", r.chance(0.5))
        w.flag("autoassign", r.chance(0.3))
        w.key("win_probability_initialize_date")
        if index == 0 { w.null() } else { w.naiveDateTime(t.created) }
        w.dateTimeField("cdate", t.created)
        w.dateTimeField("udate", t.updated)
        w.idArrayField("stages", stageIndexes(ofGroupIndex: index).map { $0 + 1 })
        w.links("dealGroups", id: id, names: ["dealGroupGroups", "dealGroupUsers", "stages"], absolute: false)
        w.endObject()
    }

    /// Pipeline index of a stage index.
    func groupIndex(ofStageIndex stage: Int) -> Int {
        var first = 0
        for (group, size) in Self.stagesPerGroup.enumerated() {
            if stage < first + size { return group }
            first += size
        }
        return Self.stagesPerGroup.count - 1
    }

    func writeDealStage(index: Int, into w: inout JSONWriter) {
        var r = random(.dealStages, index)
        let t = baseTimes(.dealStages, index: index)
        let group = groupIndex(ofStageIndex: index)
        let order = index - firstStageIndex(ofGroupIndex: group)
        w.beginObject()
        w.field("id", id: index + 1)
        w.field("group", id: group + 1)
        w.field("title", MockVocabulary.stageTitles[order % MockVocabulary.stageTitles.count])
        w.field("color", MockVocabulary.colors[order % MockVocabulary.colors.count])
        w.field("order", id: order + 1)
        w.field("width", id: 280)
        w.field("dealOrder", r.pick(MockVocabulary.dealOrders))
        w.field("cardRegion1", "title")
        w.field("cardRegion2", "next-action")
        w.field("cardRegion3", "show-avatar")
        w.field("cardRegion4", "contact-fullname-orgname")
        w.field("cardRegion5", optional: r.chance(0.5) ? nil : "value")
        // cdate/udate can be null on stages
        let undated = index % 7 == 3
        w.dateTimeField("cdate", undated ? nil : t.created)
        w.dateTimeField("udate", undated ? nil : t.updated)
        w.links("dealStages", id: index + 1, names: ["group"], absolute: false)
        w.endObject()
    }

    func writeAccount(index: Int, into w: inout JSONWriter) {
        var r = random(.accounts, index)
        let t = baseTimes(.accounts, index: index)
        let id = index + 1
        w.beginObject()
        w.field("id", id: id)
        w.field("name", "\(MockVocabulary.companies[index % MockVocabulary.companies.count]) \(id)")
        w.field("accountUrl", optional: r.chance(0.4) ? nil : "https://www.example.com/accounts/\(id)")
        w.dateTimeField("createdTimestamp", t.created)
        w.dateTimeField("updatedTimestamp", t.updated)
        // The API sends 0 unless the request has count_deals=true, which the exporter never sends
        w.field("contactCount", id: 0)
        w.field("dealCount", id: 0)
        if index % 5 == 0 {
            w.field("owner", optionalID: 1 + r.below(count(of: .users)))
        }
        if index % 4 == 2 {
            w.key("links")
            w.raw("[]")  // PHP sends an empty links object as []
        } else {
            w.links("accounts", id: id, names: ["notes", "accountCustomFieldData", "accountContacts"], absolute: true)
        }
        w.endObject()
    }

    func writeNote(index: Int, into w: inout JSONWriter) {
        var r = random(.notes, index)
        let t = baseTimes(.notes, index: index)
        let id = index + 1
        let owner: (reltype: String, type: String, id: Int) =
            switch r.below(4) {
            case 0: ("Subscriber", "contact", 1 + r.below(max(1, contactCount)))
            case 1: ("CustomerAccount", "account", 1 + r.below(count(of: .accounts)))
            case 2: ("Activity", "activity", 1 + r.below(10000))
            default: ("Deal", "deal", 1 + r.below(max(1, dealCount)))
            }
        let user = 1 + r.below(count(of: .users))
        w.beginObject()
        w.field("id", id: id)
        w.field("note", r.pick(MockVocabulary.notes))
        w.field("relid", id: owner.id)
        w.field("reltype", owner.reltype)
        w.field("userid", id: user)
        w.flag("is_draft", r.chance(0.05))
        w.dateTimeField("cdate", t.created)
        w.dateTimeField("mdate", t.updated)
        w.links("notes", id: id, names: ["activities", "user", "mentions", "notes", "owner"], absolute: true)
        w.field("user", id: user)
        w.key("owner")
        w.beginObject()
        w.field("type", owner.type)
        w.field("id", id: owner.id)
        w.endObject()
        w.endObject()
    }

    func writeDealTask(index: Int, into w: inout JSONWriter) {
        var r = random(.dealTasks, index)
        let t = baseTimes(.dealTasks, index: index)
        let id = index + 1
        let onDeal = r.chance(0.7)
        let relid = onDeal ? 1 + r.below(max(1, dealCount)) : 1 + r.below(max(1, contactCount))
        let done = r.chance(0.4)
        let user = 1 + r.below(count(of: .users))
        w.beginObject()
        w.field("id", id: id)
        w.field("title", optional: r.chance(0.1) ? nil : ["Call back", "Send quote “v2”", "Démo", "Follow up / e-mail"][index % 4])
        w.field("note", r.pick(MockVocabulary.notes))
        // The API's examples send status as the number 0 and as the string "0"; send both forms
        w.key("status")
        if index % 3 == 0 { w.int(done ? 1 : 0) } else { w.intString(done ? 1 : 0) }
        w.field("relid", id: relid)
        w.field("reltype", onDeal ? "Deal" : "Subscriber")
        w.field("dealTasktype", id: 1 + r.below(3))
        let due = t.created + Int64(r.below(86400 * 14))
        w.dateTimeField("duedate", due)
        w.dateTimeField("edate", due + 1800)
        if index % 5 != 4 {
            w.field("duration", id: 30)
            w.dateTimeField("donedate", done ? t.updated : nil)
        }
        w.dateTimeField("cdate", t.created)
        w.dateTimeField("udate", t.updated)
        w.field("automation", optionalID: r.chance(0.8) ? nil : 1 + r.below(count(of: .automations)))
        w.nullField("doneAutomation")
        w.field("user", id: user)
        w.field("assignee", optionalID: r.chance(0.2) ? nil : user)
        w.key("owner")
        w.beginObject()
        w.field("type", onDeal ? "deal" : "contact")
        w.field("id", id: relid)
        w.endObject()
        if index % 5 != 4 {
            w.key("outcomeId")
            if done { w.int(1 + r.below(3)) } else { w.null() }
            w.field("outcomeInfo", optional: done ? "Reached – will buy" : nil)
        }
        w.links(
            "dealTasks", id: id,
            names: [
                "activities", "automation", "dealTasktype", "doneAutomation", "notes", "owner", "taskNotifications",
                "user", "assignee",
            ],
            absolute: false)
        w.endObject()
    }
}
