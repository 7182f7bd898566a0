import Foundation

// `make bench`: prints figures for ac-export and its peers, measured in the same run.
var python = "python3"
/// The venv with DuckDB's delta extension (pinned to its own DuckDB release).
var deltaPython = ".venv-delta/bin/python"
/// Commits of the table that the Delta open benchmark builds.
var deltaCommits = 1_000
var rows = 1_000_000
var repeats = 2
var contacts = 200_000
var cli = ".build/release/ac-export"
/// Contacts of the peak-RSS scaling rows (ac-export alone): from 10k to 1M.
var scaling = [10_000, 1_000_000]
var soakContacts = 24_000
/// The sections to run (all by default): writer, convert, shapes, s3, run, delta, scaling, soak.
let allSections = ["writer", "convert", "shapes", "s3", "run", "delta", "scaling", "soak"]
var sections = Set(allSections)
/// Keeps the generated datasets and outputs in this folder (for profiling) instead of a temporary one.
var keepIn: String?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--python": python = arguments.popFirst() ?? python
    case "--delta-python": deltaPython = arguments.popFirst() ?? deltaPython
    case "--delta-commits": deltaCommits = Int(arguments.popFirst() ?? "") ?? deltaCommits
    case "--rows": rows = Int(arguments.popFirst() ?? "") ?? rows
    case "--repeats": repeats = Int(arguments.popFirst() ?? "") ?? repeats
    case "--contacts": contacts = Int(arguments.popFirst() ?? "") ?? contacts
    case "--cli": cli = arguments.popFirst() ?? cli
    case "--keep-in": keepIn = arguments.popFirst()
    case "--scaling": scaling = (arguments.popFirst() ?? "").split(separator: ",").compactMap { Int($0) }
    case "--soak-contacts": soakContacts = Int(arguments.popFirst() ?? "") ?? soakContacts
    case "--only": sections = Set((arguments.popFirst() ?? "").split(separator: ",").map(String.init))
    default:
        FileHandle.standardError.write(Data("usage: ac-export-bench [--python PATH] [--delta-python PATH] [--delta-commits N] [--cli PATH] [--rows N] [--contacts N] [--repeats N] [--keep-in DIR] [--scaling N,N] [--soak-contacts N] [--only SECTION,...]\nsections: \(allSections.joined(separator: ", "))\n".utf8))
        exit(2)
    }
}
let directory = keepIn ?? FileManager.default.temporaryDirectory.appendingPathComponent("ac-export-bench-\(getpid())").path
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { if keepIn == nil { try? FileManager.default.removeItem(atPath: directory) } }

print("ac-export benchmarks (\(ProcessInfo.processInfo.activeProcessorCount) cores; peers single-threaded unless a row says otherwise; best of \(repeats))")
if sections.contains("writer") {
    let writer = try WriterBenchmark(rows: rows, directory: directory, python: python, repeats: repeats).run()
    BenchTable.print("Parquet writer: \(rows) rows × 20 columns (10% nulls), per codec, beside pyarrow with the same codec and level", writer) { row in
        let label = row.name.split(separator: " ").last
        return row.name.hasPrefix("pyarrow") ? writer.first { $0.name.hasPrefix("ac-export") && $0.name.split(separator: " ").last == label } : nil
    }
}

// `convert` of the saved pages is the reference of the run and scaling tables: with the peers, or alone.
var convertOurs: BenchRow?
if sections.contains("convert") {
    let convert = try ConvertBenchmark(contacts: contacts, directory: directory, python: python, cli: cli).run()
    BenchTable.print("convert: \(contacts) API contacts (saved pages) → GZIP-6 Parquet; peers read the same records as NDJSON", convert) { row in
        row.name.hasPrefix("ac-export") ? nil : convert[0]
    }
    convertOurs = convert[0]
} else if !sections.isDisjoint(with: ["run", "scaling"]) {
    convertOurs = try ConvertBenchmark.ours(contacts: contacts, directory: directory, cli: cli)
}

if sections.contains("shapes") {
    let shapes = try ShapesBenchmark(records: contacts, directory: directory, python: python, cli: cli, repeats: repeats).run()
    ShapesBenchmark.print(shapes, records: contacts, repeats: repeats)
}

if sections.contains("s3") {
    let s3 = try await ObjectStoreBenchmark(contacts: contacts, directory: directory, cli: cli, repeats: repeats).run()
    BenchTable.print("convert: \(contacts) contacts into a folder and into s3:// on SeaweedFS (loopback, sharing the 2 cores)", s3) { row in
        row.name == s3[0].name ? nil : s3[0]
    }
    if s3.count == 2 {
        print(String(format: "\ns3:// throughput = %.2f× the folder's; peak RSS %.0f MiB", s3[1].recordsPerSecond / s3[0].recordsPerSecond, Double(s3[1].peakRSS ?? 0) / 1_048_576))
    }
}

let runner = RunBenchmark(cli: cli, directory: directory)
if sections.contains("run"), let convert = convertOurs {
    let run = try runner.throughput(contacts: contacts, inputBytes: convert.inputBytes, repeats: repeats)
    BenchTable.print("run: \(contacts) contacts from the mock API (its own process, no rate limit) vs convert of the same pages, and without the Delta log", [convert, run.delta, run.plain]) { row in
        row.name == run.delta.name ? nil : run.delta
    }
}

if sections.contains("delta") {
    let deltaOpen = try DeltaOpenBenchmark(runner: runner, python: python, deltaPython: deltaPython, commits: deltaCommits, repeats: repeats).run()
    DeltaOpenBenchmark.print(deltaOpen)
}

if sections.contains("scaling"), let convert = convertOurs {
    var scalingRows = try scaling.map { try ConvertBenchmark.ours(contacts: $0, directory: directory, cli: cli) }
    scalingRows.append(convert)
    scalingRows.sort { $0.records < $1.records }
    BenchTable.print("convert peak RSS from \(scalingRows.first!.records) to \(scalingRows.last!.records) contacts (default file and row-group sizes)", scalingRows) { _ in nil }
}

if sections.contains("soak") {
    let soak = try runner.soak(contacts: soakContacts)
    print("""

    ## soak: \(soakContacts) contacts, mock enforcing 5 requests/s with 50 ms latency, ac-export at its default 4/s

    | requests | seconds | requests/s sustained | 429 answers | most in flight |
    |---:|---:|---:|---:|---:|
    | \(soak.requests) | \(String(format: "%.1f", soak.seconds)) | \(String(format: "%.2f", soak.requestsPerSecond)) | \(soak.rateLimited) | \(soak.maximumInFlight) |
    """)
}
