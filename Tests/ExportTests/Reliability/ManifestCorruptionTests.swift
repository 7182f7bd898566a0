import ActiveCampaignMock
import Foundation
import Testing

/// A corrupted or hand-edited `_manifest.json` (docs/manifest.md#reading-and-validation): refused with a message and exit 2, never
/// overwritten, the `.bak` of the previous manifest kept; restoring the backup makes the next run work.
@Suite(.serialized) struct ManifestCorruptionTests {
    enum Corruption: String, CaseIterable {
        case truncated, wrongTypes = "wrong types", unknownVersion = "unknown version", notAnObject = "not an object"

        func apply(_ data: Data) throws -> Data {
            switch self {
            case .truncated:
                return data.prefix(data.count / 2)
            case .notAnObject:
                return Data("[]".utf8)
            case .wrongTypes, .unknownVersion:
                var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
                if self == .unknownVersion {
                    object["version"] = 99
                } else {
                    var endpoints = try #require(object["endpoints"] as? [String: Any])
                    var tags = try #require(endpoints["tags"] as? [String: Any])
                    tags["files"] = "all of them"
                    endpoints["tags"] = tags
                    object["endpoints"] = endpoints
                }
                return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            }
        }

        var expectedReason: String {
            switch self {
            case .truncated: "not valid JSON"
            case .notAnObject: "not valid JSON"
            case .wrongTypes: "endpoints.tags.files"
            case .unknownVersion: "its version 99 is not one this ac-export understands"
            }
        }
    }

    @Test(arguments: Corruption.allCases)
    func aCorruptManifestIsRefusedNeverOverwrittenAndItsBackupKept(corruption: Corruption) async throws {
        try await ExportScenario.with("manifest \(corruption.rawValue)", mock: MockConfiguration(seed: 95, contacts: 200, deals: 40)) { scenario in
            let endpoints = ["contacts", "tags"]
            for _ in 0..<2 {  // the second run leaves a backup of the first one's manifest
                let outcome = try await scenario.run(scenario.runArguments(endpoints))
                #expect(outcome.status == 0, "\(outcome.combined)")
            }
            let manifestPath = scenario.lake + "/_manifest.json"
            let corrupted = try corruption.apply(try Data(contentsOf: URL(fileURLWithPath: manifestPath)))
            try corrupted.write(to: URL(fileURLWithPath: manifestPath))
            #expect(FileManager.default.fileExists(atPath: manifestPath + ".bak"))
            let before = TreeSnapshot(scenario.lake)
            for arguments in [scenario.runArguments(endpoints), scenario.runArguments(endpoints, ["--dry-run"])] {
                let refused = try await scenario.run(arguments)
                #expect(refused.status == 2, "\(corruption): \(refused.combined)")
                #expect(refused.stderr.contains("\(manifestPath) cannot be used") && refused.stderr.contains(corruption.expectedReason)
                        && refused.stderr.contains("_manifest.json.bak"), "\(corruption): \(refused.stderr)")
            }
            let changed = before.differences(to: TreeSnapshot(scenario.lake)).filter { $0 != ".ac-export.lock" }
            #expect(changed.isEmpty, "\(corruption): the refused runs changed \(changed)")
            // The way out the message names: the backup is a valid manifest of the run before.
            try FileManager.default.removeItem(atPath: manifestPath)
            try FileManager.default.copyItem(atPath: manifestPath + ".bak", toPath: manifestPath)
            let restored = try await scenario.run(scenario.runArguments(endpoints))
            #expect(restored.status == 0, "after restoring the backup: \(restored.combined)")
            let tally = try await scenario.tally(endpoints)
            #expect(tally.isExactlyOnce, "\(tally.summary)")
            scenario.record(tries: 1, tally: tally, note: "refused twice (run, --dry-run), then restored from .bak")
        }
    }
}
