/// The 15 list endpoints the mock serves under `/api/3/<rawValue>`; the raw value is also the records key.
enum MockEndpoint: String, CaseIterable, Sendable {
    case contacts, lists, tags, contactTags, fields, forms, deals, dealGroups, dealStages
    case accounts, notes, dealTasks, campaigns, automations, users

    /// Distinct random stream per endpoint, so records of different endpoints are independent.
    var stream: UInt64 {
        UInt64(MockEndpoint.allCases.firstIndex(of: self)! + 1)
    }

    /// Endpoints whose records change under `MockConfiguration.mutate` and accept update-time filters.
    var isMutable: Bool {
        self == .contacts || self == .deals
    }
}
