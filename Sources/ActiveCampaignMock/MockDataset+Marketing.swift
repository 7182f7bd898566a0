/// Lists, tags, contactTags, fields (with side-loads), forms, campaigns, automations and users
/// (docs/activecampaign-api.md#endpoint-notes).
extension MockDataset {
    func writeList(index: Int, into w: inout JSONWriter) {
        var r = random(.lists, index)
        let t = baseTimes(.lists, index: index)
        let id = index + 1
        w.beginObject()
        w.field("id", id: id)
        w.field("stringid", "list-\(id)")
        w.field("userid", id: 1 + r.below(count(of: .users)))
        w.field("name", MockVocabulary.listNames[index % MockVocabulary.listNames.count])
        w.dateTimeField("cdate", t.created)
        for flag: StaticString in [
            "p_use_tracking", "p_use_analytics_read", "p_use_analytics_link", "p_use_twitter", "p_use_facebook",
            "p_embed_image", "p_use_captcha", "send_last_broadcast", "private",
        ] {
            w.flag(flag, r.chance(0.3))
        }
        w.field("analytics_domains", optional: r.chance(0.7) ? nil : "example.org")
        w.field("analytics_source", "")
        w.field("analytics_ua", "")
        w.field("twitter_token", "")
        w.field("twitter_token_secret", "")
        w.nullField("facebook_session")
        w.nullField("carboncopy")
        w.nullField("subscription_notify")
        w.nullField("unsubscription_notify")
        w.flag("require_name", r.chance(0.5))
        w.flag("get_unsubscribe_reason", r.chance(0.5))
        w.field("to_name", "Subscriber")
        w.field("optinoptout", id: 1)
        w.field("sender_name", "Demo Inc.")
        w.field("sender_addr1", "1 Main St.")
        w.field("sender_addr2", "")
        w.field("sender_city", "Chicago")
        w.field("sender_state", "IL")
        w.field("sender_zip", "60601")
        w.field("sender_country", "United States")
        w.field("sender_phone", "")
        w.field("sender_url", optional: r.chance(0.5) ? nil : "https://www.example.org/")
        w.field("sender_reminder", optional: r.chance(0.5) ? nil : "You signed up on our website.")
        w.field("fulladdress", optional: r.chance(0.3) ? nil : "Demo Inc.\n1 Main St.\nChicago, IL 60601")
        w.field("optinmessageid", id: 0)
        w.field("optoutconf", id: 0)
        w.nullField("deletestamp")
        w.dateTimeField("udate", r.chance(0.5) ? nil : t.updated)  // lists' udate is often null
        if index % 2 == 0 {
            w.naiveField("created_timestamp", t.created)
            w.naiveField("updated_timestamp", t.updated)
            w.field("created_by", optionalID: nil)
            w.field("updated_by", optionalID: 1)
        }
        w.links("lists", id: id, names: ["contactGoalLists", "user", "addressLists"], absolute: true)
        w.field("user", optionalID: r.chance(0.2) ? nil : 1)
        w.endObject()
    }

    func writeTag(index: Int, into w: inout JSONWriter) {
        var r = random(.tags, index)
        let t = baseTimes(.tags, index: index)
        let id = index + 1
        w.beginObject()
        w.field("id", id: id)
        w.field("tagType", r.chance(0.9) ? "contact" : "template")
        w.field("tag", "\(MockVocabulary.tagNames[index % MockVocabulary.tagNames.count]) \(id)")
        w.key("description")
        switch r.below(3) {
        case 0: w.null()
        case 1: w.string("")
        default: w.string("Tag für \"\(id)\" / segment")
        }
        w.field("subscriber_count", id: r.below(5000))
        w.dateTimeField("cdate", t.created)
        w.naiveField("created_timestamp", t.created)
        w.naiveField("updated_timestamp", t.updated)
        w.field("created_by", optionalID: r.chance(0.5) ? nil : 1)
        w.field("updated_by", optionalID: r.chance(0.5) ? nil : 1)
        w.links("tags", id: id, names: ["contactGoalTags"], absolute: true)
        w.endObject()
    }

    func writeContactTag(index: Int, into w: inout JSONWriter) {
        var r = random(.contactTags, index)
        let t = baseTimes(.contactTags, index: index)
        let id = index + 1
        w.beginObject()
        w.field("id", id: id)
        w.field("contact", id: 1 + r.below(max(1, contactCount)))
        w.field("tag", id: 1 + r.below(count(of: .tags)))
        w.dateTimeField("cdate", t.created)
        w.naiveField("created_timestamp", t.created)
        w.naiveField("updated_timestamp", t.updated)
        w.field("created_by", optionalID: r.chance(0.5) ? nil : 1)
        w.field("updated_by", optionalID: r.chance(0.5) ? nil : 1)
        w.links("contactTags", id: id, names: ["contact", "tag"], absolute: true)
        w.endObject()
    }

    /// Choice fields have options; ids of a field's options are derived from its index (4 slots per field).
    func fieldOptionCount(fieldIndex: Int) -> Int {
        switch MockVocabulary.fieldTypes[fieldIndex % MockVocabulary.fieldTypes.count] {
        case "dropdown", "radio", "checkbox", "listbox": 2 + fieldIndex % 3
        default: 0
        }
    }

    func fieldOptionIDs(fieldIndex: Int) -> [Int] {
        (0..<fieldOptionCount(fieldIndex: fieldIndex)).map { fieldIndex * 4 + $0 + 1 }
    }

    func writeField(index: Int, into w: inout JSONWriter) {
        var r = random(.fields, index)
        let t = baseTimes(.fields, index: index)
        let id = index + 1
        w.beginObject()
        w.field("id", id: id)
        w.field("title", ["Company size", "Lieblingsfarbe", "Birthday", "Notes / Remarks", "地域"][index % 5] + " \(id)")
        w.field("descript", optional: r.chance(0.5) ? nil : "Shown on the \"profile\" page")
        w.field("type", MockVocabulary.fieldTypes[index % MockVocabulary.fieldTypes.count])
        w.flag("isrequired", r.chance(0.2))
        w.field("perstag", "FIELD_\(id)" + contactFieldTagSuffix)
        w.field("defval", optional: r.chance(0.6) ? nil : "")
        w.flag("show_in_list", r.chance(0.5))
        w.field("rows", id: 0)
        w.field("cols", id: 0)
        w.flag("visible", true)
        w.field("service", "")
        w.field("ordernum", id: id)
        w.dateTimeField("cdate", t.created)
        w.dateTimeField("udate", t.updated)
        w.idArrayField("options", fieldOptionIDs(fieldIndex: index))
        w.idArrayField("relations", [id])
        w.links("fields", id: id, names: ["options", "relations"], absolute: true)
        w.endObject()
    }

    /// The API side-loads the fieldOptions and fieldRels of the returned fields at top level.
    func writeFieldSideLoads(rows: [MockPageRow], into w: inout JSONWriter) {
        w.key("fieldOptions")
        w.beginArray()
        for row in rows {
            let t = baseTimes(.fields, index: row.index)
            for (position, optionID) in fieldOptionIDs(fieldIndex: row.index).enumerated() {
                w.separator()
                w.beginObject()
                w.field("id", id: optionID)
                w.field("field", id: row.index + 1)
                w.field("orderid", id: position + 1)
                w.field("value", ["small", "medium", "large", "x-large"][position])
                w.field("label", ["Small", "Médium", "Large 🐘", "X/Large"][position])
                w.flag("isdefault", position == 0)
                w.dateTimeField("cdate", t.created)
                w.dateTimeField("udate", t.updated)
                w.key("links")
                w.raw("[]")
                w.endObject()
            }
        }
        w.endArray()
        w.key("fieldRels")
        w.beginArray()
        for row in rows {
            w.separator()
            w.beginObject()
            w.field("id", id: row.index + 1)
            w.field("field", id: row.index + 1)
            w.field("relid", id: row.index % 3 == 0 ? 0 : 1 + row.index % count(of: .lists))
            w.field("dorder", id: row.index)
            w.dateTimeField("cdate", baseTimes(.fields, index: row.index).created)
            w.key("links")
            w.raw("[]")
            w.endObject()
        }
        w.endArray()
    }

    func writeForm(index: Int, into w: inout JSONWriter) {
        var r = random(.forms, index)
        let t = baseTimes(.forms, index: index)
        let id = index + 1
        w.beginObject()
        w.field("id", id: id)
        w.field("name", MockVocabulary.formNames[index % MockVocabulary.formNames.count])
        w.field("action", "subscribe")
        w.key("actiondata")
        w.raw("{\"actions\":[{\"type\":\"subscribe-to-list\",\"email\":\"owner@example.net\",\"list\":\"")
        w.int(1 + index % count(of: .lists))
        w.raw("\"}]}")
        w.field("submit", "show-message")
        w.key("submitdata")
        w.raw("{\"url\":\"\"}")
        w.field("url", index % 2 == 0 ? "" : "https://www.example.org/signup?form=\(id)")
        w.field("layout", "inline-form")
        w.field("title", "Sign up")
        w.field("body", "Stay in the loop — news & offers.\nNo spam.")
        w.field("button", "Submit")
        w.field("thanks", "Thanks for signing up! ✅")
        // Inside style/options, sizes are JSON ints and flags are booleans
        w.key("style")
        w.raw("{\"background\":\"F7F7F7\",\"dark\":")
        w.bool(r.chance(0.3))
        w.raw(",\"fontcolor\":\"222222\",\"layout\":\"normal\",\"border\":{\"width\":1,\"style\":\"solid\",\"color\":\"CCCCCC\",\"radius\":")
        w.int(r.below(6))
        w.raw("},\"width\":")
        w.int(400 + 20 * r.below(10))
        w.raw(",\"ac_branding\":true,\"button\":{\"padding\":8,\"background\":\"1E5AA8\",\"fontcolor\":\"FFFFFF\",\"border\":{\"radius\":3,\"color\":\"1E5AA8\",\"style\":\"solid\",\"width\":0}}}")
        w.key("options")
        w.raw("{\"blanks_overwrite\":")
        w.bool(r.chance(0.5))
        w.raw(",\"confaction\":\"show-message\",\"sendoptin\":false,\"optin_id\":")
        w.int(1 + r.below(3))
        w.raw(",\"optin_created\":true,\"confform\":\"")
        w.int(id)
        w.raw("\"}")
        w.key("cfields")
        w.raw("[{\"type\":\"email\",\"header\":\"Email\",\"default_text\":\"you@example.com\",\"required\":true,\"class\":\"_x90112233\"},{\"type\":\"button\",\"header\":\"\",\"class\":\"_submit\"}]")
        w.field("parentformid", id: 0)
        w.field("userid", id: 1)
        w.field("addressid", id: index % 3 == 0 ? 0 : 1)
        w.dateTimeField("cdate", t.created)
        w.dateTimeField("udate", t.updated)
        w.field("entries", id: r.below(900))
        w.field("aid", id: 0)
        w.field("defaultscreenshot", "https://d226aj4ao1t61q.cloudfront.net/screenshots/form-\(id).png")
        w.emptyArrayField("recent")
        w.key("contacts")
        w.int(r.below(900))
        w.key("deals")
        w.int(r.below(20))
        w.links("forms", id: id, names: ["address"], absolute: true)
        w.field("address", optionalID: index % 3 == 0 ? nil : 1)
        w.endObject()
    }

    static let campaignStringInts: [StaticString] = [
        "segmentid", "bounceid", "realcid", "sendid", "threadid", "seriesid", "formid", "basemessageid",
        "addressid", "send_amt", "total_amt", "opens", "uniqueopens", "linkclicks", "uniquelinkclicks",
        "subscriberclicks", "forwards", "uniqueforwards", "hardbounces", "softbounces", "unsubscribes",
        "unsubreasons", "updates", "socialshares", "replies", "uniquereplies", "status", "public", "mail_transfer",
        "mail_send", "mail_cleanup", "mailer_log_file", "tracklinksanalytics", "trackreads", "trackreadsanalytics",
        "tweet", "facebook", "embed_images", "htmlunsub", "textunsub", "willrecur", "split_content", "split_offset",
        "split_winner_messageid", "split_winner_awaiting", "responder_offset", "responder_existing",
        "reminder_offset", "activerss_items", "managetext", "schedule", "waitpreview", "replysys", "ip4",
    ]

    func writeCampaign(index: Int, into w: inout JSONWriter) {
        var r = random(.campaigns, index)
        let t = baseTimes(.campaigns, index: index)
        let id = index + 1
        let automation: Int? = r.chance(0.4) ? 1 + r.below(count(of: .automations)) : nil
        let sent = r.chance(0.7)
        w.beginObject()
        w.field("id", id: id)
        w.field("userid", id: 1)
        w.field("type", r.pick(["single", "recurring", "split", "responder", "auto"]))
        w.field("source", "web")
        w.field("name", "\(r.pick(MockVocabulary.campaignNames)) \(id)")
        w.field("tracklinks", r.pick(["all", "mime", "none"]))
        w.field("analytics_campaign_name", "")
        w.field("survey", "")
        w.field("recurring", "")
        w.field("split_type", "read")
        w.field("split_offset_type", "day")
        w.field("responder_type", "subscribe")
        w.field("reminder_field", "sdate")
        w.field("reminder_type", "month_day")
        w.field("reminder_offset_type", "day")
        w.field("reminder_offset_sign", "+")
        w.field("activerss_interval", "day1")
        w.field("laststep", sent ? "" : "summary")
        w.field("basetemplateid", hexString(&r, length: 32))
        for name in Self.campaignStringInts {
            w.key(name)
            switch name.description {
            case "bounceid": w.intString(-1)  // bounceid can be "-1"
            case "seriesid": w.intString(automation ?? 0)
            case "status": w.intString(sent ? 5 : 0)
            case "ip4": w.intString(Int(r.next() & 0xFFFF_FFFF))
            default: w.intString(sent && r.chance(0.5) ? r.below(2000) : 0)
            }
        }
        w.nullField("htmlunsubdata")
        w.nullField("textunsubdata")
        w.nullField("reminder_format")
        w.nullField("reminder_last_cron_run")
        w.nullField("activerss_url")
        w.dateTimeField("cdate", t.created)
        w.dateTimeField("mdate", t.updated)
        w.dateTimeField("sdate", sent ? t.updated : nil)
        w.dateTimeField("ldate", sent ? t.updated + 3600 : nil)
        w.dateTimeField("scheduleddate", nil)
        w.dateTimeField("deletestamp", nil)
        if index % 3 != 0 {
            w.naiveField("created_timestamp", t.created)
            w.naiveField("updated_timestamp", t.updated)
        }
        w.links(
            "campaigns", id: id,
            names: ["user", "automation", "campaignMessage", "campaignMessages", "links", "campaignLists"],
            absolute: true)
        w.field("user", id: 1)
        w.field("automation", optionalID: automation)
        w.endObject()
    }

    func writeAutomation(index: Int, into w: inout JSONWriter) {
        var r = random(.automations, index)
        let t = baseTimes(.automations, index: index)
        let id = index + 1
        let entered = r.below(6000)
        w.beginObject()
        w.field("id", id: id)
        w.field("name", "\(r.pick(MockVocabulary.automationNames)) \(id)")
        w.dateTimeField("cdate", t.created)
        w.dateTimeField("mdate", t.updated)
        w.field("userid", id: 1 + r.below(count(of: .users)))
        w.field("status", id: r.chance(0.7) ? 1 : 2)
        w.field("entered", id: entered)
        w.field("exited", id: entered - r.below(entered + 1))
        w.flag("hidden", r.chance(0.1))
        w.field("defaultscreenshot", "http://img.example.com/series-default.gif")
        w.field("screenshot", index % 4 == 0 ? "" : "https://cdn.example.com/automation-\(id).png")
        w.links(
            "automations", id: id,
            names: ["campaigns", "contactGoals", "contactAutomations", "blocks", "goals", "sms", "sitemessages"],
            absolute: true)
        w.endObject()
    }

    func writeUser(index: Int, into w: inout JSONWriter) {
        var r = random(.users, index)
        let t = baseTimes(.users, index: index)
        let id = index + 1
        let (firstName, firstASCII) = MockVocabulary.firstNames[index % MockVocabulary.firstNames.count]
        let (lastName, lastASCII) = MockVocabulary.lastNames[(index * 7) % MockVocabulary.lastNames.count]
        w.beginObject()
        w.field("id", id: id)
        w.field("username", id == 1 ? "admin" : "\(firstASCII.prefix(1))\(lastASCII)")
        w.field("firstName", firstName)
        w.field("lastName", lastName)
        w.field("email", "\(firstASCII).\(lastASCII)@demo.example.com")
        w.field("phone", r.chance(0.5) ? "" : "+1 312 555 01\(10 + index)")
        w.field("signature", optional: r.chance(0.6) ? nil : "—\n\(firstName) \(lastName)\nDemo Inc. / Sales")
        // Newer keys, missing from older responses
        if index % 4 != 3 {
            w.field("lang", "english")
            w.field("localZoneid", "America/Chicago")
            w.key("password_updated_utc_timestamp")
            if r.chance(0.3) { w.null() } else { w.naiveDateTime(t.updated, utc: true) }
            w.dateTimeField("cdate", t.created)
            w.dateTimeField("udate", t.updated)
            w.flag("mfaEnabled", r.chance(0.3))
        }
        w.links("users", id: id, names: ["lists", "userGroup", "dealGroupTotals", "dealGroupUsers", "configs"], absolute: true)
        w.endObject()
    }
}
