/// What ActiveCampaign documents about some fields, applied on top of the inference so that a field has the same
/// type and meaning in every endpoint and on every account (docs/activecampaign-api.md#field-knowledge). The
/// inference alone types a column from the values it sees: an id that is null on every record of one account
/// would become STRING there and INT64 elsewhere, and a zone-less `*_utc_timestamp` a local wall time.
///
/// A known type is the starting type of a new column (also of one that is null in every record so far); values
/// that do not fit it widen the column as usual, so the table can never lose a value. Columns that a lake
/// already has keep their type.
enum FieldKnowledge {
    /// Ids and foreign keys that the API documents as integers (sent as strings of digits, or null when unset).
    static let integerIDs: Set<String> = [
        "id", "organization", "orgid", "account", "contact", "owner", "group", "stage", "user", "userid",
    ]

    /// The type a top-level field has by the API's documentation, if the table knows it.
    static func knownType(ofField field: String) -> InferredType? {
        if field.hasSuffix("_utc_timestamp") { return .timestampUTCWallTime }
        if integerIDs.contains(field) { return .int64 }
        return nil
    }
}
