import ArgumentParser
import Export
import Parquet

/// The flags that shape the Parquet files, shared by `run` and `convert`.
struct ParquetOutputOptions: ParsableArguments {
    @Option(help: "GZIP level, 1-9.")
    var compressionLevel: Int = 6

    @Option(help: """
        Parquet encodings: 1 (default) only PLAIN, dictionary and RLE, which every reader opens; 2 also \
        DELTA_BYTE_ARRAY for high-cardinality strings (smaller files; fastparquet cannot read them).
        """)
    var parquetVersion: Int = 1

    @Flag(inversion: .prefixedNo, help: "Keep each endpoint folder a Delta Lake table (its _delta_log). --no-delta-log is only for a lake that has no logs.")
    var deltaLog = true

    @Option(help: "Write a Delta checkpoint after every N commits of an endpoint's table, so readers need not replay the whole log.")
    var deltaCheckpointInterval: Int = 100

    func validate() throws {
        guard (1...9).contains(compressionLevel) else { throw ValidationError("--compression-level must be 1...9") }
        guard ParquetFormatVersion(rawValue: parquetVersion) != nil else { throw ValidationError("--parquet-version must be 1 or 2") }
        guard deltaCheckpointInterval >= 1 else { throw ValidationError("--delta-checkpoint-interval must be at least 1") }
    }

    /// Applies the flags, and names this build as the writer of the files and of the Delta commits.
    func apply(to options: inout ExportOptions) {
        options.writerProperties.compressionLevel = compressionLevel
        options.writerProperties.formatVersion = ParquetFormatVersion(rawValue: parquetVersion) ?? .v1
        options.writerProperties.createdBy = ACExport.createdBy
        options.engineInfo = "ac-export/\(ACExport.version)"
        options.deltaCheckpointInterval = deltaCheckpointInterval
        options.deltaTables = deltaLog
    }
}
