/// Field-level helpers that encode the API's wire conventions (docs/activecampaign-api.md#value-conventions): ids,
/// counts and flags as strings, `null` for empty foreign keys, dates with Chicago offsets, and `links` objects.
extension JSONWriter {
    mutating func field(_ name: StaticString, _ text: String) {
        key(name)
        string(text)
    }

    mutating func field(_ name: StaticString, optional text: String?) {
        key(name)
        if let text { string(text) } else { null() }
    }

    /// A string-int (`"42"`).
    mutating func field(_ name: StaticString, id value: Int) {
        key(name)
        intString(value)
    }

    /// A nullable string-int: the API sends an empty foreign key as `null`.
    mutating func field(_ name: StaticString, optionalID value: Int?) {
        key(name)
        if let value { intString(value) } else { null() }
    }

    /// A `"0"`/`"1"` flag.
    mutating func flag(_ name: StaticString, _ value: Bool) {
        key(name)
        raw(value ? "\"1\"" : "\"0\"")
    }

    mutating func nullField(_ name: StaticString) {
        key(name)
        null()
    }

    /// A datetime with offset, or `null`.
    mutating func dateTimeField(_ name: StaticString, _ utcSeconds: Int64?) {
        key(name)
        if let utcSeconds { dateTimeWithOffset(utcSeconds) } else { null() }
    }

    mutating func naiveField(_ name: StaticString, _ utcSeconds: Int64, utc: Bool = false) {
        key(name)
        naiveDateTime(utcSeconds, utc: utc)
    }

    mutating func emptyArrayField(_ name: StaticString) {
        key(name)
        raw("[]")
    }

    /// An array of string ids: `["15","16"]`.
    mutating func idArrayField(_ name: StaticString, _ ids: some Sequence<Int>) {
        key(name)
        beginArray()
        for id in ids {
            separator()
            intString(id)
        }
        endArray()
    }

    /// `"links":{"name":"<prefix>resource\/id\/name",...}`. Absolute on most resources, relative on the deal
    /// family (deals, pipelines, stages, tasks); `/` is written `\/` as PHP does.
    mutating func links(_ resource: StaticString, id: Int, names: [StaticString], absolute: Bool) {
        key("links")
        beginObject()
        for name in names {
            key(name)
            bytes.append(0x22)
            raw(absolute ? "https:\\/\\/demo.api-us1.com\\/api\\/3\\/" : "\\/api\\/3\\/")
            raw(resource)
            raw("\\/")
            int(id)
            raw("\\/")
            raw(name)
            bytes.append(0x22)
        }
        endObject()
    }
}
