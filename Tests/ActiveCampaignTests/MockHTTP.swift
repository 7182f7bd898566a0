import AsyncHTTPClient
import Foundation
import NIOCore

/// A minimal GET over loopback for the mock tests.
struct MockHTTPReply: Sendable {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]

    func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] ?? [:]
    }
}

func mockGET(_ url: String, key: String? = "mock-api-key") async throws -> MockHTTPReply {
    var request = HTTPClientRequest(url: url)
    if let key { request.headers.add(name: "Api-Token", value: key) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    var body = try await response.body.collect(upTo: 64 << 20)
    let bytes = body.readBytes(length: body.readableBytes) ?? []
    var headers: [String: String] = [:]
    for header in response.headers { headers[header.name.lowercased()] = header.value }
    return MockHTTPReply(status: Int(response.status.code), headers: headers, body: bytes)
}

/// Ids of a list page, as Ints.
func mockIDs(_ page: [String: Any], key: String) -> [Int] {
    (page[key] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? String).flatMap(Int.init) }
}
