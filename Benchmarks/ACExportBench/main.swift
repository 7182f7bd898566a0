import Foundation

// `make bench`: prints figures for ac-export and its peers, measured in the same run.
var python = "python3"
var rows = 1_000_000
var repeats = 2
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--python": python = arguments.popFirst() ?? python
    case "--rows": rows = Int(arguments.popFirst() ?? "") ?? rows
    case "--repeats": repeats = Int(arguments.popFirst() ?? "") ?? repeats
    default:
        FileHandle.standardError.write(Data("usage: ac-export-bench [--python PATH] [--rows N] [--repeats N]\n".utf8))
        exit(2)
    }
}
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ac-export-bench-\(getpid())").path
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }

print("ac-export benchmarks (\(ProcessInfo.processInfo.activeProcessorCount) cores; single-threaded peers; best of \(repeats))")
let writer = try WriterBenchmark(rows: rows, directory: directory, python: python, repeats: repeats).run()
BenchTable.print("Parquet writer: \(rows) rows × 20 columns (10% nulls), GZIP", writer) { row in
    row.name.hasPrefix("pyarrow") ? writer.first { $0.name.hasPrefix("ac-export") && $0.name.hasSuffix(String(row.name.suffix(6))) } : nil
}
