// swift-tools-version:6.2
import PackageDescription

/// Every target: a member of a module is visible only where that module is imported, and imports
/// are internal unless marked `package import`, so a layer cannot be skipped without the compiler
/// noticing. (CI also runs SwiftPM's explicit target-dependency import check: a target may import
/// only the targets it declares.)
let strictImports: [SwiftSetting] = [
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "clinicsync",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "clinicsync", targets: ["clinicsync"])
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // Layer 1: clock, changes, merge rules, domain types. Standard library only.
        .target(name: "ClinicSyncCore", swiftSettings: strictImports),
        // Layer 2: the SQLite store (GRDB): migrations, capture triggers, merge application.
        .target(
            name: "ClinicSyncStore",
            dependencies: [
                "ClinicSyncCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictImports
        ),
        // Layer 3: the peer protocol over HTTP (wire types, server routes, client, sync session).
        .target(
            name: "ClinicSyncSync",
            dependencies: [
                "ClinicSyncCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictImports
        ),
        // Layer 4: configuration, services, control socket.
        .target(
            name: "ClinicSyncDaemon",
            dependencies: [
                "ClinicSyncCore",
                "ClinicSyncStore",
                "ClinicSyncSync",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictImports
        ),
        // Layer 5: argument parsing and output formatting only.
        .executableTarget(
            name: "clinicsync",
            dependencies: [
                "ClinicSyncCore",
                "ClinicSyncDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictImports
        ),
        // Store throughput measurements; not part of the test suite (speed lives in benchmarks).
        .executableTarget(
            name: "clinicsync-benchmarks",
            dependencies: [
                "ClinicSyncCore",
                "ClinicSyncStore",
                // The chain crypto, to measure sealing and verification as the daemon does them.
                "ClinicSyncSync",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictImports
        ),
        // The one process harness the tests and the fault harness share: loopback ports, site
        // configuration files, `clinicsync serve` started, stopped and killed, `clinicsync` and
        // `sqlite3` runs whose JSON is decoded as the application layer's output models, fuzzing
        // peer-protocol bodies. Not in the product.
        .target(
            name: "ClinicSyncTestSupport",
            dependencies: [
                "ClinicSyncCore",
                "ClinicSyncDaemon",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strictImports
        ),
        // The fault-injection harness: real daemons behind fault proxies (run by a test; long mode by hand).
        .executableTarget(
            name: "clinicsync-chaos",
            dependencies: [
                // The application layer's output models, to read the CLI's JSON as the CLI writes it.
                "ClinicSyncCore",
                "ClinicSyncDaemon",
                "ClinicSyncTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictImports
        ),
        .testTarget(
            name: "ClinicSyncCoreTests",
            dependencies: [
                "ClinicSyncCore",
                // Real SHA-256 and P-256 for the origin-chain tests; the core itself takes them through protocols.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strictImports
        ),
        .testTarget(
            name: "ClinicSyncStoreTests",
            dependencies: [
                "ClinicSyncCore",
                "ClinicSyncStore",
                // The real chain crypto (SHA-256, P-256) the daemon gives the store.
                "ClinicSyncSync",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strictImports
        ),
        // The sync layer in process: the real peer API (HummingbirdTesting) over memory feeds.
        .testTarget(
            name: "ClinicSyncSyncTests",
            dependencies: [
                "ClinicSyncCore",
                "ClinicSyncSync",
                "ClinicSyncTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strictImports
        ),
        // The daemon in process: the scheduler's decisions, the coordinator, reload.
        .testTarget(
            name: "ClinicSyncDaemonTests",
            dependencies: [
                "ClinicSyncCore",
                "ClinicSyncDaemon",
                "ClinicSyncSync",
                "ClinicSyncTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictImports
        ),
        .testTarget(
            name: "ClinicSyncCLITests",
            dependencies: [
                "clinicsync",
                "clinicsync-chaos",
                "ClinicSyncCore",
                // The application layer's output models: the CLI's JSON is decoded as what it promises.
                "ClinicSyncDaemon",
                "ClinicSyncTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
                // The web console's HTTP tests: a client that does not follow redirects.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictImports
        ),
    ]
)
