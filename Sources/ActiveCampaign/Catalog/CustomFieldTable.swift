/// A table of custom fields as columns (`contact_fields`, `deal_fields`, `account_fields`): one row per contact, deal
/// or account, one typed column per custom field, built from a value listing and the field definitions of the same
/// run, with no request of its own (docs/custom-fields.md). The names below are the keys the API sends.
public struct CustomFieldTable: Sendable, Hashable {
    /// The table's name, also its folder (`contact_fields`).
    public let name: String
    /// The listing of values (`field_values`) and of definitions (`custom_fields`).
    public let values: Endpoint
    public let definitions: Endpoint
    /// In a value record: the entity's id, the field's id, the value.
    public let entityKey: String
    public let fieldKey: String
    public let valueKey: String
    /// In a definition record: the personalization tag (the column's name), the label (when there is no tag) and the type.
    public let tagKey: String
    public let labelKey: String
    public let typeKey: String
    /// The entity's id column of the table (`contact`, `deal`, `account`).
    public let entityColumn: String

    /// The three tables, each built when its two listings are exported in the same run.
    public static let all: [CustomFieldTable] = [
        CustomFieldTable(
            name: "contact_fields", values: Endpoint.named("field_values")!, definitions: Endpoint.named("custom_fields")!,
            entityKey: "contact", fieldKey: "field", valueKey: "value", tagKey: "perstag", labelKey: "title", typeKey: "type",
            entityColumn: "contact"),
        CustomFieldTable(
            name: "deal_fields", values: Endpoint.named("deal_custom_field_values")!, definitions: Endpoint.named("deal_custom_fields")!,
            entityKey: "dealId", fieldKey: "customFieldId", valueKey: "fieldValue", tagKey: "personalization", labelKey: "fieldLabel",
            typeKey: "fieldType", entityColumn: "deal"),
        CustomFieldTable(
            name: "account_fields", values: Endpoint.named("account_custom_field_values")!, definitions: Endpoint.named("account_custom_fields")!,
            entityKey: "accountId", fieldKey: "customFieldId", valueKey: "fieldValue", tagKey: "personalization", labelKey: "fieldLabel",
            typeKey: "fieldType", entityColumn: "account"),
    ]

    public static func named(_ name: String) -> CustomFieldTable? {
        all.first { $0.name == name }
    }

    /// The tables whose two listings are both among `endpoints`.
    public static func built(from endpoints: [Endpoint]) -> [CustomFieldTable] {
        all.filter { endpoints.contains($0.values) && endpoints.contains($0.definitions) }
    }
}
