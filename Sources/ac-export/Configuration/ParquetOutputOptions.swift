import ArgumentParser
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

    func validate() throws {
        guard (1...9).contains(compressionLevel) else { throw ValidationError("--compression-level must be 1...9") }
        guard ParquetFormatVersion(rawValue: parquetVersion) != nil else { throw ValidationError("--parquet-version must be 1 or 2") }
    }

    /// Applies the flags, and names this build as the files' writer.
    func apply(to properties: inout WriterProperties) {
        properties.compressionLevel = compressionLevel
        properties.formatVersion = ParquetFormatVersion(rawValue: parquetVersion) ?? .v1
        properties.createdBy = ACExport.createdBy
    }
}
