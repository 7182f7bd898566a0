/// One exportable ActiveCampaign list endpoint (docs/activecampaign-api.md#endpoints).
public struct Endpoint: Sendable, Hashable {
    /// The exporter's name, also the output folder (`deal_stages`).
    public let name: String
    /// The API path below `/api/3/` (`dealStages`).
    public let path: String
    /// Top-level key of the records array in a list response.
    public let recordsKey: String
    /// Field the incremental watermark follows; nil for full-refresh endpoints.
    public let cursorField: String?
    public let pagination: Pagination
    /// Endpoint whose records the list is fetched per (`deal_stages` per `deal_pipelines`).
    public let parent: String?

    public init(
        name: String, path: String, recordsKey: String, cursorField: String? = nil,
        pagination: Pagination = .offset, parent: String? = nil
    ) {
        self.name = name
        self.path = path
        self.recordsKey = recordsKey
        self.cursorField = cursorField
        self.pagination = pagination
        self.parent = parent
    }

    /// True when the server filters by update time (`filters[updated_after]`), so runs can be incremental.
    public var isIncremental: Bool { cursorField != nil }
}

extension Endpoint {
    /// The 15 endpoints of the original connector, in export order (parents before children: `deal_pipelines` before
    /// `deal_stages`): the default selection.
    public static let standard: [Endpoint] = [
        // Only /contacts has id keyset paging (orders[id] + id_greater); its update filter is on udate.
        Endpoint(name: "contacts", path: "contacts", recordsKey: "contacts", cursorField: "udate", pagination: .idGreater),
        Endpoint(name: "lists", path: "lists", recordsKey: "lists"),
        Endpoint(name: "tags", path: "tags", recordsKey: "tags"),
        // An undocumented list endpoint (other clients use it widely): plain limit/offset, no filters.
        Endpoint(name: "contact_tags", path: "contactTags", recordsKey: "contactTags"),
        Endpoint(name: "custom_fields", path: "fields", recordsKey: "fields"),
        Endpoint(name: "forms", path: "forms", recordsKey: "forms"),
        // Deals filter on mdate and have no id_greater, so they page by offset.
        Endpoint(name: "deals", path: "deals", recordsKey: "deals", cursorField: "mdate"),
        Endpoint(name: "deal_pipelines", path: "dealGroups", recordsKey: "dealGroups"),
        // Stages are listed per pipeline with filters[d_groupid] (docs/activecampaign-api.md#deal-stages-per-pipeline).
        Endpoint(name: "deal_stages", path: "dealStages", recordsKey: "dealStages", parent: "deal_pipelines"),
        Endpoint(name: "accounts", path: "accounts", recordsKey: "accounts"),
        Endpoint(name: "notes", path: "notes", recordsKey: "notes"),
        Endpoint(name: "tasks", path: "dealTasks", recordsKey: "dealTasks"),
        Endpoint(name: "campaigns", path: "campaigns", recordsKey: "campaigns"),
        Endpoint(name: "automations", path: "automations", recordsKey: "automations"),
        Endpoint(name: "users", path: "users", recordsKey: "users"),
    ]

    /// 14 more listings a warehouse needs (custom field values, memberships, enrolments, deal history, ecommerce,
    /// messages): exported only when selected (`--endpoints`, `streams:`, `--endpoints all`). Full snapshots, by offset:
    /// none has a documented update filter (docs/activecampaign-api.md#additional-endpoints).
    public static let additional: [Endpoint] = [
        Endpoint(name: "field_values", path: "fieldValues", recordsKey: "fieldValues"),
        Endpoint(name: "contact_lists", path: "contactLists", recordsKey: "contactLists"),
        Endpoint(name: "contact_automations", path: "contactAutomations", recordsKey: "contactAutomations"),
        Endpoint(name: "account_contacts", path: "accountContacts", recordsKey: "accountContacts"),
        Endpoint(name: "deal_custom_fields", path: "dealCustomFieldMeta", recordsKey: "dealCustomFieldMeta"),
        Endpoint(name: "deal_custom_field_values", path: "dealCustomFieldData", recordsKey: "dealCustomFieldData"),
        Endpoint(name: "account_custom_fields", path: "accountCustomFieldMeta", recordsKey: "accountCustomFieldMeta"),
        Endpoint(name: "account_custom_field_values", path: "accountCustomFieldData", recordsKey: "accountCustomFieldData"),
        Endpoint(name: "deal_activities", path: "dealActivities", recordsKey: "dealActivities"),
        Endpoint(name: "ecom_orders", path: "ecomOrders", recordsKey: "ecomOrders"),
        Endpoint(name: "ecom_order_products", path: "ecomOrderProducts", recordsKey: "ecomOrderProducts"),
        Endpoint(name: "ecom_customers", path: "ecomCustomers", recordsKey: "ecomCustomers"),
        Endpoint(name: "segments", path: "segments", recordsKey: "segments"),
        Endpoint(name: "messages", path: "messages", recordsKey: "messages"),
    ]

    /// Every endpoint that can be exported: the standard 15, then the additional ones.
    public static let catalog: [Endpoint] = standard + additional

    /// The endpoint with this exporter name (`deal_stages`), or nil.
    public static func named(_ name: String) -> Endpoint? {
        catalog.first { $0.name == name }
    }

    /// One of the 15 exported by default.
    public var isStandard: Bool { Self.standard.contains(self) }
}
