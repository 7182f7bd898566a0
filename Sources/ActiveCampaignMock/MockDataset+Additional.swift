/// The 14 opt-in listings (docs/activecampaign-api.md#additional-endpoints): custom field values and definitions,
/// memberships, enrolments, deal history, ecommerce, segments and messages. Every foreign key points at a record the
/// dataset has: a contact, field, list, automation, deal, stage, account, order or user.
extension MockDataset {
    /// Contacts whose id is a multiple of 10 have no custom field value (so `contact_fields` has no row for them);
    /// the others have `fieldValuesPerContact` each.
    static let fieldValuesPerContact = 3
    /// Deal and account custom field definitions.
    static let dealFieldTypes = ["text", "textarea", "date", "dropdown", "multiselect", "currency", "number", "datetime"]
    static let accountFieldTypes = ["text", "number", "date", "dropdown", "textarea"]

    /// The contact and contact field of field value `index`.
    func fieldValueTarget(index: Int) -> (contact: Int, field: Int) {
        let slot = index / Self.fieldValuesPerContact
        let contact = slot + slot / 9 + 1  // skips multiples of 10
        let field = ((index % Self.fieldValuesPerContact) * 7 + contact) % count(of: .fields) + 1
        return (contact, field)
    }

    /// A custom field value as the API writes it for a field of `type`: dates `YYYY-MM-DD`, datetimes with an offset,
    /// lists `||a||b||`, text that only looks like a number (`00501`).
    func customFieldValue(type: String, options: [String], random r: inout SplitMix64, seconds: Int64, into w: inout JSONWriter) {
        switch type {
        case "date": w.date(seconds)
        case "datetime": w.dateTimeWithOffset(seconds)
        case "dropdown", "radio": w.string(options[r.below(options.count)])
        case "checkbox", "listbox", "multiselect":
            let picked = options.enumerated().filter { $0.offset == 0 || r.chance(0.5) }.map(\.element)
            w.string("||" + picked.joined(separator: "||") + "||")
        case "number": w.string(String(r.below(100_000)))
        case "currency": w.string(String(r.below(5_000_000)))
        case "textarea": w.string(r.pick(MockVocabulary.notes))
        default: w.string(r.chance(0.3) ? String(format: "%05d", r.below(1_000)) : r.pick(MockVocabulary.companies))
        }
    }

    static let fieldOptionValues = ["small", "medium", "large", "x-large"]

    func writeFieldValue(index: Int, into w: inout JSONWriter) {
        var r = random(.fieldValues, index)
        let (contact, field) = fieldValueTarget(index: index)
        let t = baseTimes(.contacts, index: contact - 1)
        let type = MockVocabulary.fieldTypes[(field - 1) % MockVocabulary.fieldTypes.count]
        w.beginObject()
        w.field("contact", id: contact)
        w.field("field", id: field)
        w.key("value")
        customFieldValue(type: type, options: Array(Self.fieldOptionValues.prefix(max(1, fieldOptionCount(fieldIndex: field - 1)))),
                         random: &r, seconds: t.created, into: &w)
        w.dateTimeField("cdate", t.created)
        w.dateTimeField("udate", t.updated)
        w.nullField("created_by")
        w.nullField("updated_by")
        w.links("fieldValues", id: index + 1, names: ["owner", "field"], absolute: true)
        w.field("id", id: index + 1)
        w.field("owner", id: contact)
        w.endObject()
    }

    func writeContactList(index: Int, into w: inout JSONWriter) {
        var r = random(.contactLists, index)
        let contact = index / 2 + 1
        let list = ((index % 2) * 5 + contact) % count(of: .lists) + 1
        let t = baseTimes(.contacts, index: contact - 1)
        let status = [1, 1, 1, 2, 3][r.below(5)]
        w.beginObject()
        w.field("contact", id: contact)
        w.field("list", id: list)
        w.nullField("form")
        w.field("seriesid", id: 0)
        w.dateTimeField("sdate", t.created)
        w.dateTimeField("udate", t.updated)
        w.field("status", id: status)
        w.field("responder", id: 1)
        w.field("sync", id: 0)
        w.field("unsubreason", optional: status == 2 ? r.pick(["Too many e-mails", "Not relevant \"anymore\"", "Désinscrit"]) : nil)
        w.nullField("campaign")
        w.nullField("message")
        w.field("first_name", MockVocabulary.firstNames[contact % MockVocabulary.firstNames.count].0)
        w.field("last_name", MockVocabulary.lastNames[contact % MockVocabulary.lastNames.count].0)
        w.field("ip4Sub", id: r.below(1 << 31))
        w.field("sourceid", id: r.below(9))
        w.nullField("autosyncLog")
        w.field("ip4_last", id: r.below(1 << 31))
        w.field("ip4Unsub", id: status == 2 ? r.below(1 << 31) : 0)
        w.dateTimeField("unsubscribeAutomation", nil)
        w.links("contactLists", id: index + 1, names: ["automation", "list", "contact", "form", "autosyncLog", "campaign", "unsubscribeAutomation", "message"], absolute: true)
        w.field("id", id: index + 1)
        w.nullField("automation")
        w.endObject()
    }

    func writeContactAutomation(index: Int, into w: inout JSONWriter) {
        var r = random(.contactAutomations, index)
        let contact = index * 2 + 1
        let t = baseTimes(.contacts, index: contact - 1)
        let completed = r.chance(0.6)
        w.beginObject()
        w.field("contact", id: contact)
        w.field("seriesid", id: index % count(of: .automations) + 1)
        w.field("startid", id: 0)
        w.field("status", id: completed ? 2 : 1)
        w.field("batchid", optional: nil)
        w.dateTimeField("adddate", t.created)
        w.dateTimeField("remdate", completed ? t.updated : nil)
        w.field("timespan", optional: completed ? String(t.updated - t.created) : nil)
        w.dateTimeField("lastblock", t.created)
        w.dateTimeField("lastdate", t.updated)
        w.key("completedElements"); w.int(completed ? 5 : r.below(5))
        w.key("totalElements"); w.int(5)
        w.key("completed"); w.int(completed ? 1 : 0)
        w.key("completeValue"); w.int(completed ? 100 : r.below(100))
        w.links("contactAutomations", id: index + 1, names: ["automation", "contact", "contactGoals"], absolute: true)
        w.field("id", id: index + 1)
        w.field("automation", id: index % count(of: .automations) + 1)
        w.endObject()
    }

    func writeAccountContact(index: Int, into w: inout JSONWriter) {
        var r = random(.accountContacts, index)
        let contact = index * 2 + 2
        let t = baseTimes(.contacts, index: contact - 1)
        w.beginObject()
        w.field("account", id: index % count(of: .accounts) + 1)
        w.field("contact", id: contact)
        w.field("jobTitle", r.pick(["Señor Developer", "Head of Ops", "Einkäufer", "CFO", "", "営業部長"]))
        w.dateTimeField("createdTimestamp", t.created)
        w.dateTimeField("updatedTimestamp", t.updated)
        w.links("accountContacts", id: index + 1, names: ["account", "contact"], absolute: true)
        w.field("id", id: index + 1)
        w.endObject()
    }

    /// Deal (`deal`) and account (`account`) custom field definitions share one shape.
    func writeCustomFieldMeta(_ endpoint: MockEndpoint, index: Int, into w: inout JSONWriter) {
        let types = endpoint == .dealCustomFieldMeta ? Self.dealFieldTypes : Self.accountFieldTypes
        let prefix = endpoint == .dealCustomFieldMeta ? "DEAL" : "ACCOUNT"
        let type = types[index % types.count]
        let t = baseTimes(endpoint, index: index)
        let labels = ["Forecast close", "Notes / Remarks", "Renewal date", "Tier", "Products", "Budget", "Seats", "Kick-off"]
        w.beginObject()
        w.field("id", id: index + 1)
        w.field("fieldLabel", labels[index % labels.count] + " \(index + 1)")
        w.field("fieldType", type)
        w.key("fieldOptions")
        if ["dropdown", "multiselect"].contains(type) {
            w.beginArray()
            for option in Self.fieldOptionValues {
                w.separator()
                w.string(option)
            }
            w.endArray()
        } else {
            w.null()
        }
        w.nullField("fieldDefault")
        w.key("fieldDefaultCurrency")
        if type == "currency" { w.string("usd") } else { w.null() }
        w.key("isFormVisible"); w.int(1)
        w.key("isRequired"); w.int(0)
        w.key("displayOrder"); w.int(index + 1)
        w.field("personalization", "\(prefix)_FIELD_\(index + 1)")
        w.nullField("knownFieldId")
        w.key("hideFieldFlag"); w.int(0)
        w.dateTimeField("createdTimestamp", t.created)
        w.dateTimeField("updatedTimestamp", t.updated)
        w.links(endpoint == .dealCustomFieldMeta ? "dealCustomFieldMeta" : "accountCustomFieldMeta", id: index + 1, names: ["fieldData"], absolute: true)
        w.endObject()
    }

    /// Deal and account custom field values: two per deal or account, entity and field ids as JSON numbers.
    func writeCustomFieldData(_ endpoint: MockEndpoint, index: Int, into w: inout JSONWriter) {
        var r = random(endpoint, index)
        let isDeal = endpoint == .dealCustomFieldData
        let types = isDeal ? Self.dealFieldTypes : Self.accountFieldTypes
        let entity = index / 2 + 1
        let field = ((index % 2) * 3 + entity) % types.count + 1
        let t = baseTimes(isDeal ? .deals : .accounts, index: entity - 1)
        let type = types[field - 1]
        w.beginObject()
        w.field("id", id: index + 1)
        w.key(isDeal ? "dealCustomFieldMetumId" : "accountCustomFieldMetumId"); w.int(field)
        w.key(isDeal ? "dealId" : "accountId"); w.int(entity)
        w.key("customFieldId"); w.int(field)
        w.dateTimeField("createdTimestamp", t.created)
        w.dateTimeField("updatedTimestamp", t.updated)
        w.key("fieldValue")
        customFieldValue(type: type, options: Self.fieldOptionValues, random: &r, seconds: t.created, into: &w)
        w.key("fieldCurrency")
        if type == "currency" { w.string(r.pick(MockVocabulary.currencies)) } else { w.null() }
        w.links(isDeal ? "dealCustomFieldData" : "accountCustomFieldData", id: index + 1, names: isDeal ? ["deal", "dealCustomFieldMetum"] : ["account", "accountCustomFieldMetum"], absolute: true)
        w.endObject()
    }

    func writeDealActivity(index: Int, into w: inout JSONWriter) {
        var r = random(.dealActivities, index)
        let deal = index / 3 + 1
        let t = baseTimes(.deals, index: deal - 1)
        let kind = index % 3
        let stage = r.below(count(of: .dealStages)) + 1
        w.beginObject()
        w.field("d_id", id: deal)
        w.field("d_stageid", id: stage)
        w.field("userid", id: r.below(count(of: .users)) + 1)
        w.field("dataId", id: kind == 0 ? 0 : r.below(count(of: .notes)) + 1)
        w.field("dataType", ["deal", "note", "d_stageid"][kind])
        w.field("dataAction", ["create", "add", "update"][kind])
        w.field("dataOldval", optional: kind == 2 ? String(stage) : nil)
        w.dateTimeField("cdate", t.created + Int64(kind * 3600))
        w.dateTimeField("sortdate", t.created + Int64(kind * 3600))
        w.field("isAddtask", id: 0)
        w.field("deleted", id: 0)
        w.field("seriesid", id: 0)
        w.links("dealActivities", id: index + 1, names: ["deal", "user", "stage"], absolute: false)
        w.field("id", id: index + 1)
        w.field("deal", id: deal)
        w.nullField("stage")
        w.field("user", id: 1)
        w.nullField("automation")
        w.endObject()
    }

    func writeEcomOrder(index: Int, into w: inout JSONWriter) {
        var r = random(.ecomOrders, index)
        let contact = index * 10 + 3
        let t = baseTimes(.contacts, index: contact - 1)
        let cents = 500 + r.below(99_500)
        w.beginObject()
        w.field("customerid", id: index % count(of: .ecomCustomers) + 1)
        w.field("connectionid", id: 1)
        w.field("state", id: [1, 1, 1, 0, 2, 3][r.below(6)])
        w.field("source", id: 1)
        w.field("externalid", "ORD-\(100_000 + index)")
        w.field("orderNumber", "\(5_000 + index)")
        w.field("email", contactIdentity(index: contact - 1).email)  // the contact's own address
        w.field("totalPrice", id: cents)
        w.field("discountAmount", id: r.chance(0.2) ? cents / 10 : 0)
        w.field("shippingAmount", id: 499)
        w.field("taxAmount", id: cents / 20)
        w.field("currency", r.pick(MockVocabulary.currencies).uppercased())
        w.dateTimeField("orderDate", t.created)
        w.dateTimeField("externalCreatedDate", t.created)
        w.dateTimeField("externalUpdatedDate", t.updated)
        w.dateTimeField("createdDate", t.created)
        w.dateTimeField("updatedDate", t.updated)
        w.field("orderUrl", "https://shop.example.com/orders/\(100_000 + index)")
        w.links("ecomOrders", id: index + 1, names: ["connection", "customer", "orderProducts", "orderDiscounts", "orderActivities"], absolute: true)
        w.field("id", id: index + 1)
        w.field("connection", id: 1)
        w.field("customer", id: index % count(of: .ecomCustomers) + 1)
        w.endObject()
    }

    func writeEcomOrderProduct(index: Int, into w: inout JSONWriter) {
        var r = random(.ecomOrderProducts, index)
        let order = index / 2 + 1
        w.beginObject()
        w.field("externalid", "SKU-\(r.below(400))")
        w.field("name", r.pick(["Widget", "Gadget Pro 🚀", "Schraube M4 (100 Stück)", "Tシャツ", "Gift card \"25\""]))
        w.field("price", id: 99 + r.below(20_000))
        w.field("quantity", id: 1 + r.below(4))
        w.field("category", r.pick(["tools", "apparel", "gifts"]))
        w.field("sku", "SKU-\(r.below(400))")
        w.field("description", "")
        w.field("imageUrl", "https://shop.example.com/img/\(index).png")
        w.field("productUrl", "https://shop.example.com/p/\(index)")
        w.field("orderid", id: order)
        w.links("ecomOrderProducts", id: index + 1, names: ["ecomOrder"], absolute: true)
        w.field("id", id: index + 1)
        w.endObject()
    }

    func writeEcomCustomer(index: Int, into w: inout JSONWriter) {
        var r = random(.ecomCustomers, index)
        let contact = index * 10 + 3
        let t = baseTimes(.contacts, index: contact - 1)
        w.beginObject()
        w.field("connectionid", id: 1)
        w.field("externalid", "CUST-\(90_000 + index)")
        w.field("email", contactIdentity(index: contact - 1).email)  // the contact's own address
        w.field("totalRevenue", id: r.below(500_000))
        w.field("totalOrders", id: r.below(12))
        w.field("totalProducts", id: r.below(30))
        w.field("avgRevenuePerOrder", id: r.below(20_000))
        w.field("avgProductCategory", r.pick(["tools", "apparel", "gifts"]))
        w.field("tstamp", optional: nil)
        w.flag("acceptsMarketing", r.chance(0.7))
        w.dateTimeField("createdDate", t.created)
        w.dateTimeField("updatedDate", t.updated)
        w.links("ecomCustomers", id: index + 1, names: ["connection", "orders"], absolute: true)
        w.field("id", id: index + 1)
        w.field("connection", id: 1)
        w.endObject()
    }

    func writeSegment(index: Int, into w: inout JSONWriter) {
        let t = baseTimes(.segments, index: index)
        w.beginObject()
        w.field("name", ["Engaged last 30 days", "Kunden DE", "VIP ⭐ buyers", "Never opened", "Webinar \"Live\" attendees"][index % 5] + " \(index + 1)")
        w.field("logic", index % 2 == 0 ? "and" : "or")
        w.flag("hidden", index % 4 == 3)
        w.field("seriesid", id: 0)
        w.naiveField("created_timestamp", t.created)
        w.naiveField("updated_timestamp", t.updated)
        w.nullField("created_by")
        w.nullField("updated_by")
        w.links("segments", id: index + 1, names: ["segmentGroups"], absolute: true)
        w.field("id", id: index + 1)
        w.endObject()
    }

    /// Messages carry whole e-mail bodies: 4 to 40 KB of HTML.
    func writeMessage(index: Int, into w: inout JSONWriter) {
        var r = random(.messages, index)
        let t = baseTimes(.messages, index: index)
        let paragraph = "<p>Hallo {FIRSTNAME}, unsere Neuigkeiten — \"Qualität\" & Service 🚀 <a href=\"https://example.com/x?a=1&b=2\">mehr</a></p>\n"
        let html = "<html><body>" + String(repeating: paragraph, count: 30 + r.below(300)) + "</body></html>"
        w.beginObject()
        w.field("userid", id: r.below(count(of: .users)) + 1)
        w.field("ed_instanceid", id: 0)
        w.field("ed_version", id: 2)
        w.dateTimeField("cdate", t.created)
        w.dateTimeField("mdate", t.updated)
        w.field("name", "Message \(index + 1): " + r.pick(MockVocabulary.campaignNames))
        w.field("fromname", r.pick(MockVocabulary.companies))
        w.field("fromemail", "news@example.com")
        w.field("reply2", "")
        w.field("priority", id: 3)
        w.field("charset", "utf-8")
        w.field("encoding", "quoted-printable")
        w.field("format", "mime")
        w.field("subject", r.pick(MockVocabulary.campaignNames) + " – {FIRSTNAME}")
        w.field("preheader_text", "")
        w.field("text", "Hallo {FIRSTNAME},\nunsere Neuigkeiten.\n")
        w.field("html", html)
        w.field("htmlfetch", "now")
        w.field("textfetch", "now")
        w.flag("hidden", false)
        w.field("prepared", id: 0)
        w.field("sourceid", id: 0)
        w.links("messages", id: index + 1, names: ["user"], absolute: true)
        w.field("id", id: index + 1)
        w.field("user", id: 1)
        w.endObject()
    }
}
