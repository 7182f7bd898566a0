/// The list endpoints the mock serves under `/api/3/<rawValue>`: the 15 standard ones, then the 14 opt-in ones. The raw
/// value is also the records key. New cases go last: a case's position seeds its records.
enum MockEndpoint: String, CaseIterable, Sendable {
    case contacts, lists, tags, contactTags, fields, forms, deals, dealGroups, dealStages
    case accounts, notes, dealTasks, campaigns, automations, users
    case fieldValues, contactLists, contactAutomations, accountContacts, dealCustomFieldMeta, dealCustomFieldData
    case accountCustomFieldMeta, accountCustomFieldData, dealActivities, ecomOrders, ecomOrderProducts, ecomCustomers
    case segments, messages

    /// Distinct random stream per endpoint, so records of different endpoints are independent.
    var stream: UInt64 {
        UInt64(MockEndpoint.allCases.firstIndex(of: self)! + 1)
    }

    /// Endpoints whose records change under `MockConfiguration.mutate` and accept update-time filters.
    var isMutable: Bool {
        self == .contacts || self == .deals
    }
}
