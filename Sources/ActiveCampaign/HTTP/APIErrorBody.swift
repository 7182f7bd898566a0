import JSON

/// The API's error bodies: `{"errors":[{"title":"…","detail":"…"}]}` or `{"message":"…"}`
/// (docs/activecampaign-api.md#errors).
public enum APIErrorBody {
    /// `errors[].title: detail` (joined by "; ") or `message`, or nil when `root` is neither shape.
    public static func message(of root: JSONObject) -> String? {
        if case .array(let errors)? = root["errors"] {
            let parts = errors.compactMap { error -> String? in
                guard case .object(let object) = error else { return nil }
                let texts = ["title", "detail"].compactMap { key -> String? in
                    if case .string(let text)? = object[key], !text.isEmpty { return text }
                    return nil
                }
                return texts.isEmpty ? nil : texts.joined(separator: ": ")
            }
            if !parts.isEmpty { return parts.joined(separator: "; ") }
        }
        if case .string(let text)? = root["message"], !text.isEmpty { return text }
        return nil
    }
}
