// swift-tools-version:6.1
import PackageDescription

// Swift 6 language mode: strict concurrency checking is on for every target.

// The hot path (JSON → columns) mutates class state per value; runtime exclusivity checks cost time there.
// Release builds of the app's own modules drop them; debug builds (the tests) keep every check. The Parquet
// library product carries no unsafe flags, so other packages can depend on it.
let hotPathSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "ac-export",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ac-export", targets: ["ac-export"]),
        .library(name: "Parquet", targets: ["Parquet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-async-algorithms", from: "1.1.4"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // ZSTD and SNAPPY pages (`--compression`), from the system libraries as zlib is.
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CSnappy", pkgConfig: "snappy", providers: [.apt(["libsnappy-dev"])]),
        .target(name: "Parquet", dependencies: ["CZlib", "CZstd", "CSnappy"]),
        // glibc's allocator settings (`mallopt`), which the CLI tunes for a long batch job (docs/performance.md#memory).
        .systemLibrary(name: "CMalloc"),
        // JSON text without trees: the lexer, the page skimmer and the strict parser that the client, the
        // exporter and the fuzzer share.
        .target(name: "JSON", swiftSettings: hotPathSettings),
        // What every HTTP client of the project shares: the retry policy, and connection failures in the system's words.
        .target(
            name: "HTTPTransport",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The S3 client (Signature Version 4, objects, listings, multipart uploads): docs/object-storage.md.
        .target(
            name: "S3",
            dependencies: [
                "HTTPTransport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "ActiveCampaign",
            dependencies: [
                "JSON", "HTTPTransport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: hotPathSettings
        ),
        .target(
            name: "ActiveCampaignMock",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Export",
            dependencies: [
                "Parquet", "JSON", "ActiveCampaign", "S3",
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: hotPathSettings
        ),
        .executableTarget(
            name: "ac-export",
            dependencies: [
                "Parquet", "JSON", "ActiveCampaign", "ActiveCampaignMock", "Export", "S3", "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            plugins: ["BuildCommit"]
        ),
        // Writes the git commit of the build into the CLI (`--version`, the files' `created_by`).
        .plugin(name: "BuildCommit", capability: .buildTool()),
        // The fuzzer (README.md, section 'Reliability'): checks shared by its release executable (`make fuzz`) and the test suite.
        .target(
            name: "ExportFuzzing",
            dependencies: ["Parquet", "JSON", "ActiveCampaign", "ActiveCampaignMock", "Export", .product(name: "Logging", package: "swift-log")],
            path: "Fuzz/ExportFuzzing"
        ),
        .executableTarget(name: "ac-export-fuzz", dependencies: ["ExportFuzzing"], path: "Fuzz/ACExportFuzz"),
        .executableTarget(
            name: "ac-export-bench",
            dependencies: ["Parquet", "Export", "ActiveCampaignMock", "S3", "TestServers"],
            path: "Benchmarks/ACExportBench"
        ),
        .testTarget(name: "ParquetTests", dependencies: ["Parquet"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "ActiveCampaignTests", dependencies: ["JSON", "HTTPTransport", "ActiveCampaign", "ActiveCampaignMock"]),
        // Real servers the tests start on 127.0.0.1 (SeaweedFS's S3 gateway).
        .target(name: "TestServers", path: "Tests/TestServers"),
        .testTarget(name: "S3Tests", dependencies: ["S3", "TestServers"]),
        // The fuzzer's regression inputs are read from the source tree (FuzzTests), not bundled.
        .testTarget(
            name: "ExportTests", dependencies: ["Export", "Parquet", "JSON", "ActiveCampaign", "ActiveCampaignMock", "ExportFuzzing", "S3", "TestServers"],
            exclude: ["Fuzz/FuzzRegressions"]),
    ]
)
