import ActiveCampaign
@testable import Export
import Foundation
import Testing

/// The manifest's format is its own (docs/manifest.md): explicit shapes, a version, and version 1 still read.
@Suite struct ManifestFormatTests {
    func manifest(version: Int, resume: String) -> Data {
        Data("""
            {"version": \(version), "runs": [], "endpoints": {"contacts": {"mode": "incremental", "schema": {"columns": []},
              "schemaHistory": [], "files": [], "checkpoint": {"runIDs": ["r1"], "date": "2026-11-29", "rowsCommitted": 7,
              "window": {"since": "2025-01-01T00:00:00Z", "until": "2026-11-29T00:00:00Z"}, "resume": \(resume)}}}}
            """.utf8)
    }

    @Test(arguments: [
        (1, #"{"afterID": {"_0": 42}}"#, ResumePoint.afterID(42)), (1, #"{"offset": {"_0": 300}}"#, .offset(300)),
        (1, #"{"pipeline": {"id": 3, "offset": 100}}"#, .pipeline(id: 3, offset: 100)),
        (2, #"{"afterID": 42}"#, .afterID(42)), (2, #"{"offset": 300}"#, .offset(300)), (2, #"{"pipeline": 3, "offset": 100}"#, .pipeline(id: 3, offset: 100)),
    ])
    func checkpointsOfBothVersionsAreRead(version: Int, resume: String, expected: ResumePoint) throws {
        let decoded = try ManifestStore.decoder.decode(Manifest.self, from: manifest(version: version, resume: resume))
        let checkpoint = try #require(decoded.endpoints["contacts"]?.checkpoint)
        #expect(checkpoint.resume == expected)
        #expect(checkpoint.window?.until == ISO8601DateFormatter().date(from: "2026-11-29T00:00:00Z"))
        let again = try ManifestStore.decoder.decode(Manifest.self, from: ManifestStore.encoder.encode(decoded))
        #expect(again == decoded)
    }

    @Test func aVersionOneLakeIsWrittenBackInTheCurrentFormat() async throws {
        let dir = try LakeHarness.temporaryDirectory("manifest-v1")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try manifest(version: 1, resume: #"{"afterID": {"_0": 42}}"#).write(to: URL(fileURLWithPath: dir + "/_manifest.json"))
        let store = try await ManifestStore(storage: LocalFolderStorage(directory: dir))
        try await store.update { _ in }
        let text = try String(contentsOfFile: dir + "/_manifest.json", encoding: .utf8)
        #expect(text.contains(#""version" : 2"#) && text.contains(#""afterID" : 42"#) && !text.contains("_0"), "\(text)")
    }
}
