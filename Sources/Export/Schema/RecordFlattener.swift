import ActiveCampaign

/// A record's leaf: a flattened `parent__child` name and its JSON value (a scalar, or an array kept as JSON).
struct FlatField {
    var name: String
    var value: JSONValue
}

/// Flattens nested objects into `parent__child` fields (DESIGN.md "Columns").
enum RecordFlattener {
    static let separator = "__"

    /// `objectPaths` holds the names known to be objects: an empty array sent in their place is PHP's
    /// serialisation of an empty object (reference §4 `"links": []`), so it adds no field.
    static func flatten(_ object: JSONObject, objectPaths: inout Set<String>, into fields: inout [FlatField], prefix: String = "") {
        for member in object.members {
            let name = prefix.isEmpty ? member.key : prefix + separator + member.key
            switch member.value {
            case .object(let child):
                objectPaths.insert(name)
                flatten(child, objectPaths: &objectPaths, into: &fields, prefix: name)
            case .array(let elements) where elements.isEmpty && objectPaths.contains(name):
                continue
            default:
                fields.append(FlatField(name: name, value: member.value))
            }
        }
    }
}
