import ArgumentParser
import Export
import Parquet

/// The flags that shape the Parquet files, shared by `run` and `convert`.
struct ParquetOutputOptions: ParsableArguments {
    @Option(help: "Page compression: gzip (the default: every reader has it), zstd (smaller and faster; most current readers), snappy (fastest, largest) or none.")
    var compression: String = "gzip"

    @Option(help: "The codec's level: gzip 1-9 (default 6), zstd 1-22 (default 3); snappy and none have none.")
    var compressionLevel: Int?

    @Option(help: """
        Parquet encodings: 1 (default) only PLAIN, dictionary and RLE, which every reader opens; 2 also \
        DELTA_BYTE_ARRAY for high-cardinality strings (smaller files; fastparquet cannot read them).
        """)
    var parquetVersion: Int = 1

    @Flag(inversion: .prefixedNo, help: "Keep each endpoint folder a Delta Lake table (its _delta_log). --no-delta-log is only for a lake that has no logs.")
    var deltaLog = true

    @Option(help: "Write a Delta checkpoint after every N commits of an endpoint's table, so readers need not replay the whole log.")
    var deltaCheckpointInterval: Int = 100

    /// The `--compression` names and their codecs.
    static let codecs: [String: CompressionCodec] = ["gzip": .gzip, "zstd": .zstd, "snappy": .snappy, "none": .uncompressed]

    func validate() throws {
        guard let codec = Self.codecs[compression] else { throw ValidationError("--compression must be gzip, zstd, snappy or none") }
        if let compressionLevel {
            guard let levels = PageCodecs.levels(of: codec) else { throw ValidationError("--compression \(compression) has no level: drop --compression-level") }
            guard levels.contains(compressionLevel) else { throw ValidationError("--compression-level for \(compression) must be \(levels.lowerBound)...\(levels.upperBound)") }
        }
        guard ParquetFormatVersion(rawValue: parquetVersion) != nil else { throw ValidationError("--parquet-version must be 1 or 2") }
        guard deltaCheckpointInterval >= 1 else { throw ValidationError("--delta-checkpoint-interval must be at least 1") }
    }

    /// Applies the flags, names this build as the writer of the files and of the Delta commits, and lets the
    /// exporter hand freed memory back through this process's allocator settings.
    func apply(to options: inout ExportOptions) {
        let codec = Self.codecs[compression] ?? .gzip
        options.writerProperties.compression = codec
        options.writerProperties.compressionLevel = compressionLevel ?? PageCodecs.defaultLevel(of: codec) ?? 0
        options.writerProperties.formatVersion = ParquetFormatVersion(rawValue: parquetVersion) ?? .v1
        options.writerProperties.createdBy = ACExport.createdBy
        options.engineInfo = "ac-export/\(ACExport.version)"
        options.deltaCheckpointInterval = deltaCheckpointInterval
        options.deltaTables = deltaLog
        options.releaseFreedMemory = AllocatorSettings.returnFreedMemory
    }
}
