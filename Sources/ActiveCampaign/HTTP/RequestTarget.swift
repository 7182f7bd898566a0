/// One GET below the API root: path and query, percent-encoded for the wire and readable for messages.
struct RequestTarget: Sendable {
    var path: String
    var query: [(String, String)]

    /// Full URL. Brackets are percent-encoded (the API accepts them raw or encoded).
    func url(apiBase: String) -> String {
        guard !query.isEmpty else { return apiBase + "/" + path }
        let encoded = query.map { Self.percentEncoded($0.0) + "=" + Self.percentEncoded($0.1) }
        return apiBase + "/" + path + "?" + encoded.joined(separator: "&")
    }

    /// `GET /api/3/contacts?orders[id]=ASC&...`, with raw brackets so people can read it.
    func description(apiBasePath: String) -> String {
        let base = "GET " + apiBasePath + "/" + path
        guard !query.isEmpty else { return base }
        return base + "?" + query.map { $0.0 + "=" + $0.1 }.joined(separator: "&")
    }

    /// RFC 3986 §2.3: everything but unreserved characters is escaped.
    static func percentEncoded(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                output.append(byte)
            default:
                output.append(UInt8(ascii: "%"))
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
