/// Response bodies: records key, side-loads and `meta` in the API's shapes (docs/activecampaign-api.md#endpoints).
extension MockDataset {
    /// A record as the API would send it, before `MockDataShapes` are injected.
    func writeBaseRecord(_ endpoint: MockEndpoint, index: Int, times: RecordTimes?, into writer: inout JSONWriter) {
        switch endpoint {
        case .contacts: writeContact(index: index, times: times ?? baseTimes(.contacts, index: index), into: &writer)
        case .deals: writeDeal(index: index, times: times ?? baseTimes(.deals, index: index), into: &writer)
        case .lists: writeList(index: index, into: &writer)
        case .tags: writeTag(index: index, into: &writer)
        case .contactTags: writeContactTag(index: index, into: &writer)
        case .fields: writeField(index: index, into: &writer)
        case .forms: writeForm(index: index, into: &writer)
        case .dealGroups: writeDealGroup(index: index, into: &writer)
        case .dealStages: writeDealStage(index: index, into: &writer)
        case .accounts: writeAccount(index: index, into: &writer)
        case .notes: writeNote(index: index, into: &writer)
        case .dealTasks: writeDealTask(index: index, into: &writer)
        case .campaigns: writeCampaign(index: index, into: &writer)
        case .automations: writeAutomation(index: index, into: &writer)
        case .users: writeUser(index: index, into: &writer)
        case .fieldValues: writeFieldValue(index: index, into: &writer)
        case .contactLists: writeContactList(index: index, into: &writer)
        case .contactAutomations: writeContactAutomation(index: index, into: &writer)
        case .accountContacts: writeAccountContact(index: index, into: &writer)
        case .dealCustomFieldMeta, .accountCustomFieldMeta: writeCustomFieldMeta(endpoint, index: index, into: &writer)
        case .dealCustomFieldData, .accountCustomFieldData: writeCustomFieldData(endpoint, index: index, into: &writer)
        case .dealActivities: writeDealActivity(index: index, into: &writer)
        case .ecomOrders: writeEcomOrder(index: index, into: &writer)
        case .ecomOrderProducts: writeEcomOrderProduct(index: index, into: &writer)
        case .ecomCustomers: writeEcomCustomer(index: index, into: &writer)
        case .segments: writeSegment(index: index, into: &writer)
        case .messages: writeMessage(index: index, into: &writer)
        }
    }

    func writeRecords(_ endpoint: MockEndpoint, rows: [MockPageRow], into writer: inout JSONWriter) {
        writer.beginArray()
        for row in rows {
            writer.separator()
            writeRecord(endpoint, index: row.index, times: row.times, into: &writer)
        }
        writer.endArray()
    }

    /// A complete list response. `total` is the number of matching records; `currencies` only matters on deals.
    func writePage(
        _ endpoint: MockEndpoint, rows: [MockPageRow], total: Int, query: MockPageQuery,
        currencies: [MockCurrencyTotal], into writer: inout JSONWriter
    ) {
        writer.beginObject()
        switch endpoint {
        case .contacts:
            // scoreValues appears even without include=
            writer.emptyArrayField("scoreValues")
            writer.key("contacts")
            writeRecords(endpoint, rows: rows, into: &writer)
            writer.key("meta")
            writer.beginObject()
            writeTotal(total, into: &writer)
            writePageInput(query, into: &writer)
            writer.endObject()
        case .deals:
            writer.key("deals")
            writeRecords(endpoint, rows: rows, into: &writer)
            writer.key("meta")
            writer.beginObject()
            writer.key("currencies")
            if currencies.isEmpty {
                writer.raw("[]")  // PHP writes an empty associative array as []
            } else {
                writer.beginObject()
                for currency in currencies {
                    writer.key(text: currency.code)
                    writer.beginObject()
                    writer.field("currency", currency.code)
                    writer.field("total", id: currency.count)
                    writer.field("value", id: currency.cents)
                    writer.endObject()
                }
                writer.endObject()
            }
            // meta.total is a JSON number on /deals only
            writeTotal(total, number: true, into: &writer)
            writer.endObject()
        case .fields:
            writeFieldSideLoads(rows: rows, into: &writer)
            writer.key("fields")
            writeRecords(endpoint, rows: rows, into: &writer)
            writeStringTotal(total, into: &writer)
        case .dealGroups:
            writer.key("dealGroups")
            writeRecords(endpoint, rows: rows, into: &writer)
            writer.key("dealStages")
            writer.beginArray()
            for row in rows {
                for stageIndex in stageIndexes(ofGroupIndex: row.index) {
                    writer.separator()
                    writeDealStage(index: stageIndex, into: &writer)
                }
            }
            writer.endArray()
            writeStringTotal(total, into: &writer)
        case .automations:
            writer.key("automations")
            writeRecords(endpoint, rows: rows, into: &writer)
            writer.key("meta")
            writer.beginObject()
            writeTotal(total, into: &writer)
            writer.key("starts")
            writer.beginArray()
            for row in rows where row.index % 3 == 0 {
                writer.separator()
                writer.beginObject()
                writer.field("id", id: row.index + 1)
                writer.field("series", id: row.index + 1)
                writer.field("type", "subscribe")
                writer.endObject()
            }
            writer.endArray()
            writer.key("filtered")
            writer.bool(false)
            writer.emptyArrayField("smsLogs")
            writer.endObject()
        case .dealCustomFieldMeta:
            // The API sends these definitions without any meta.
            writer.key(endpoint.recordsKey)
            writeRecords(endpoint, rows: rows, into: &writer)
        case .dealCustomFieldData, .accountCustomFieldData:
            // meta.total is a JSON number here too (a recorded real response; docs/activecampaign-api.md).
            writer.key(endpoint.recordsKey)
            writeRecords(endpoint, rows: rows, into: &writer)
            writer.key("meta")
            writer.beginObject()
            writeTotal(total, number: true, into: &writer)
            writer.endObject()
        default:
            writer.key(endpoint.recordsKey)
            writeRecords(endpoint, rows: rows, into: &writer)
            writeStringTotal(total, into: &writer)
        }
        writer.endObject()
    }

    private func writeStringTotal(_ total: Int, into writer: inout JSONWriter) {
        writer.key("meta")
        writer.beginObject()
        writeTotal(total, into: &writer)
        writer.endObject()
    }

    /// `"total":` in the configured `MockTotalStyle`; `number` is the API's own choice for this endpoint.
    private func writeTotal(_ total: Int, number: Bool = false, into writer: inout JSONWriter) {
        switch totalStyle {
        case .absent:
            return
        case .number:
            writer.key("total")
            writer.int(total)
        case .string:
            writer.field("total", id: total)
        case .asAPI:
            if number {
                writer.key("total")
                writer.int(total)
            } else {
                writer.field("total", id: total)
            }
        }
    }

    /// Contacts' meta echoes the query in page_input.
    private func writePageInput(_ query: MockPageQuery, into writer: inout JSONWriter) {
        writer.key("page_input")
        writer.beginObject()
        writer.nullField("segmentid")
        writer.key("formid"); writer.int(0)
        writer.key("listid"); writer.int(0)
        writer.key("tagid"); writer.int(0)
        writer.key("limit"); writer.int(query.limit)
        writer.key("offset"); writer.int(query.offset)
        writer.nullField("search")
        writer.nullField("sort")
        writer.key("seriesid"); writer.int(0)
        writer.key("waitid"); writer.int(0)
        writer.key("status"); writer.int(-1)
        writer.key("forceQuery"); writer.int(0)
        writer.field("cacheid", "2f6c1a9e0b7d4c35a8e1f9b0d2c4e6a8")
        writer.endObject()
    }

    /// Deals' `meta.currencies`: count and value of the matching deals per currency.
    func dealCurrencies(rows: some Sequence<MockPageRow>) -> [MockCurrencyTotal] {
        var totals: [String: MockCurrencyTotal] = [:]
        for row in rows {
            let money = dealMoney(index: row.index)
            let code = money.currency.uppercased()
            totals[code, default: MockCurrencyTotal(code: code, count: 0, cents: 0)].count += 1
            totals[code]!.cents += money.cents
        }
        return totals.values.sorted { $0.code > $1.code }
    }
}

extension MockEndpoint {
    /// The plural key the records sit under.
    var recordsKey: StaticString {
        switch self {
        case .contacts: "contacts"
        case .lists: "lists"
        case .tags: "tags"
        case .contactTags: "contactTags"
        case .fields: "fields"
        case .forms: "forms"
        case .deals: "deals"
        case .dealGroups: "dealGroups"
        case .dealStages: "dealStages"
        case .accounts: "accounts"
        case .notes: "notes"
        case .dealTasks: "dealTasks"
        case .campaigns: "campaigns"
        case .automations: "automations"
        case .users: "users"
        case .fieldValues: "fieldValues"
        case .contactLists: "contactLists"
        case .contactAutomations: "contactAutomations"
        case .accountContacts: "accountContacts"
        case .dealCustomFieldMeta: "dealCustomFieldMeta"
        case .dealCustomFieldData: "dealCustomFieldData"
        case .accountCustomFieldMeta: "accountCustomFieldMeta"
        case .accountCustomFieldData: "accountCustomFieldData"
        case .dealActivities: "dealActivities"
        case .ecomOrders: "ecomOrders"
        case .ecomOrderProducts: "ecomOrderProducts"
        case .ecomCustomers: "ecomCustomers"
        case .segments: "segments"
        case .messages: "messages"
        }
    }
}
