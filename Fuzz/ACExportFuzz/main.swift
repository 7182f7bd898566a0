import ExportFuzzing
import Foundation

// `make fuzz` (and `make stress`): the fuzz target of the reliability suite, 1M inputs by default, over both cores.
var inputs = 1_000_000
var seed: UInt64 = 1
var workers = ProcessInfo.processInfo.activeProcessorCount
/// Writes input N (of --seed) to stdout instead of fuzzing: a failure names its input, this makes it a file.
var dump: Int?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--inputs": inputs = Int(arguments.popFirst() ?? "") ?? inputs
    case "--seed": seed = UInt64(arguments.popFirst() ?? "") ?? seed
    case "--workers": workers = max(1, Int(arguments.popFirst() ?? "") ?? workers)
    case "--dump": dump = Int(arguments.popFirst() ?? "")
    default:
        FileHandle.standardError.write(Data("usage: ac-export-fuzz [--inputs N] [--seed N] [--workers N] [--dump INPUT]\n".utf8))
        exit(2)
    }
}

let mutator = FuzzMutator()
if let dump {
    let input = mutator.input(dump, seed: seed)
    FileHandle.standardError.write(Data("input \(dump) of seed \(seed), records key '\(input.recordsKey)'\n".utf8))
    FileHandle.standardOutput.write(Data(input.bytes))
    exit(0)
}

let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ac-export-fuzz-\(getpid())").path
defer { try? FileManager.default.removeItem(atPath: scratch) }
let share = (inputs + workers - 1) / workers
let runs = (0..<workers).map { worker in
    FuzzRun(
        seed: seed, range: min(inputs, worker * share)..<min(inputs, (worker + 1) * share), directory: scratch + "/lake-\(worker)",
        lastInputPath: FileManager.default.temporaryDirectory.appendingPathComponent("ac-export-fuzz-last-input-\(worker).json").path)
}
print("fuzz: \(inputs) inputs of seed \(seed) on \(workers) workers; if the process dies, the input each worker was on is in \(runs.map(\.lastInputPath).joined(separator: ", ")): add it to Tests/ExportTests/Fuzz/FuzzRegressions")
let started = ContinuousClock.now
let harnesses = try await withThrowingTaskGroup(of: FuzzHarness.self) { group in
    for run in runs { group.addTask { try await run.run(mutator: mutator) } }
    var finished: [FuzzHarness] = []
    for try await harness in group { finished.append(harness) }
    return finished
}
var tally = FuzzHarness.Tally()
for harness in harnesses { tally.add(harness.tally) }
let failures = harnesses.flatMap(\.failures)
print("fuzz: \(tally) in \(ContinuousClock.now - started)")
for failure in failures { print("FAILED: \(failure)") }
guard failures.isEmpty, tally.reachedEveryPath else {
    print(failures.isEmpty ? "fuzz: the inputs did not reach every path" : "fuzz: \(harnesses.map(\.failureCount).reduce(0, +)) checks failed")
    exit(1)
}
print("fuzz: no crash, every check passed")
