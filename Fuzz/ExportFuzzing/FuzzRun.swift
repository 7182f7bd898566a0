import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A fuzzing run: inputs `range` of `seed` through `FuzzHarness`, a session exported every `sessionInputs`,
/// one in `wideningEvery` of them with early-fixed types (`FuzzHarness.exportSession(widening:)`).
/// Before each check the input is written to `lastInputPath`: if the process dies there, that file is the
/// input to add to Tests/ExportTests/Fuzz/FuzzRegressions.
public struct FuzzRun: Sendable {
    public var seed: UInt64
    public var range: Range<Int>
    public var sessionInputs = 1_000
    public var wideningEvery = 10
    public var directory: String
    public var lastInputPath: String

    public init(seed: UInt64, range: Range<Int>, directory: String, lastInputPath: String) {
        self.seed = seed
        self.range = range
        self.directory = directory
        self.lastInputPath = lastInputPath
    }

    public func run(mutator: FuzzMutator) async throws -> FuzzHarness {
        let last = open(lastInputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard last >= 0 else { throw FuzzError(message: "cannot write \(lastInputPath): \(String(cString: strerror(errno)))") }
        defer { close(last) }
        var harness = FuzzHarness(directory: directory)
        for index in range {
            try Task.checkCancellation()
            let input = mutator.input(index, seed: seed)
            _ = input.bytes.withUnsafeBytes { pwrite(last, $0.baseAddress, $0.count, 0) }
            ftruncate(last, off_t(input.bytes.count))
            harness.check(input.bytes, recordsKey: input.recordsKey, label: "input \(index) of seed \(seed)")
            let done = index - range.lowerBound + 1
            if done % sessionInputs == 0 { try await harness.exportSession(widening: (done / sessionInputs) % wideningEvery == 1) }
        }
        try await harness.exportSession(widening: true)
        return harness
    }

    /// Replays saved inputs (file names start with the records key: `contacts-deep-nesting.json`).
    public static func replay(files: [String], directory: String) async throws -> FuzzHarness {
        var harness = FuzzHarness(directory: directory)
        for path in files {
            let name = URL(fileURLWithPath: path).lastPathComponent
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            harness.check(bytes, recordsKey: String(name.prefix { $0 != "-" }), label: name)
        }
        try await harness.exportSession(widening: true)
        return harness
    }
}

public struct FuzzError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
