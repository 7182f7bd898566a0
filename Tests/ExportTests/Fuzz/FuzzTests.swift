import ExportFuzzing
import Foundation
import Testing

/// Fuzzing (README.md, section 'Reliability'): the fast subset of the fuzzer (`Fuzz/ExportFuzzing`) and the replay of inputs that once
/// broke something. The 1M-input run is `make fuzz` (part of `make stress`), a release build.
@Suite(.serialized) struct FuzzTests {
    static let regressions = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzRegressions").path

    @Test func mutatedPagesNeverCrashAndEveryValidRecordIsExportedOnce() async throws {
        let inputs = ProcessInfo.processInfo.environment["AC_EXPORT_FUZZ_INPUTS"].flatMap(Int.init) ?? 5_000
        let scratch = try LakeHarness.temporaryDirectory("fuzz")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let run = FuzzRun(seed: 1, range: 0..<inputs, directory: scratch + "/lake", lastInputPath: scratch + "/last-input.json")
        let harness = try await run.run(mutator: FuzzMutator())
        #expect(harness.failures.isEmpty, "\(harness.failureCount) checks failed: \(harness.failures)")
        #expect(harness.tally.reachedEveryPath, "the inputs did not reach every path: \(harness.tally)")
    }

    @Test func regressionInputsPassTheFuzzChecks() async throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.regressions).filter { $0.hasSuffix(".json") }.sorted()
        #expect(names.count >= 5, "regression inputs missing from \(Self.regressions): \(names)")
        let scratch = try LakeHarness.temporaryDirectory("fuzz-regressions")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let harness = try await FuzzRun.replay(files: names.map { Self.regressions + "/" + $0 }, directory: scratch + "/lake")
        #expect(harness.failures.isEmpty, "\(harness.failures)")
        // Counted by hand and with Python's json module: 22 object records, 4 elements that are not objects.
        #expect(harness.tally.recordsExported == 22 && harness.tally.recordsNotObjects == 4, "\(harness.tally)")
    }
}
