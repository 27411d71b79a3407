// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

// Linux only: gatefs needs libfuse3, /proc and inotify, so no Apple
// platform is declared (there is nothing it could build for there).
let package = Package(
    name: "gatefs",
    products: [
        .executable(name: "gatefs", targets: ["gatefs"]),
        // For Benchmarks/Micro, a separate package that depends on this one by path.
        .library(name: "GatePolicy", targets: ["GatePolicy"]),
        .library(name: "GateConfig", targets: ["GateConfig"]),
        .library(name: "GateAuditFormat", targets: ["GateAuditFormat"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // C modules. Only FuseBridge imports CFuse; only GateSystem imports CGateSys.
        .systemLibrary(
            name: "CFuse", path: "Modules/CFuse", pkgConfig: "fuse3",
            providers: [.apt(["libfuse3-dev", "fuse3"])]),
        .systemLibrary(name: "CGateSys", path: "Modules/CGateSys"),

        // Policy: pure values and functions, no I/O.
        .target(name: "GatePolicy", swiftSettings: strict),

        // Vocabulary: the settings' names shared by the config, the CLI and the
        // layers that act on them (inode numbering, read logging), defined once.
        .target(name: "GateVocabulary", swiftSettings: strict),

        // Config: TOML and the shipped built-in secret list into a PolicySpec
        // (the file itself is read through GateSystem).
        .target(
            name: "GateConfig",
            dependencies: [
                "GatePolicy", "GateVocabulary", "GateSystem", .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: strict,
            plugins: ["EmbedSecretsPlugin"]),

        // The syscall funnel: typed fds, Errno, EINTR retry.
        .target(
            name: "GateSystem",
            dependencies: ["CGateSys", .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: strict),

        // Audit, in three parts. The format: pure values, no I/O: events and
        // their key names, the hand-written line encoder, the hash chain,
        // path escaping, time stamps.
        .target(
            name: "GateAuditFormat",
            dependencies: [
                "GateVocabulary",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict),
        // The daemon's side: the queue FUSE threads record into, the writer
        // thread, rotation, the log's file identities, the caller-process cache.
        .target(
            name: "GateAuditWriter",
            dependencies: [
                "GateAuditFormat", "GateVocabulary", "GateSystem", .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict),
        // Reading logs back: lines decoded with JSONDecoder, the follower, the
        // verifier, filters and totals.
        .target(
            name: "GateAuditReader",
            dependencies: [
                "GateAuditFormat", "GateVocabulary", "GateSystem", .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict),

        // Gate: the filesystem operations and the inode table, in Swift types.
        .target(
            name: "Gate",
            dependencies: ["GatePolicy", "GateVocabulary", "GateSystem", "GateAuditFormat", "GateAuditWriter"],
            swiftSettings: strict),

        // FUSE bridge: the only code that touches libfuse's C types.
        .target(name: "FuseBridge", dependencies: ["Gate", "CFuse", "GateSystem"], swiftSettings: strict),

        // CLI.
        .executableTarget(
            name: "gatefs",
            dependencies: [
                "GatePolicy", "GateVocabulary", "GateConfig", "GateSystem", "GateAuditFormat", "GateAuditWriter",
                "GateAuditReader", "Gate", "FuseBridge",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SystemPackage", package: "swift-system"),
                // Daemon diagnostics (`mount --debug`), kept apart from the audit log.
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),

        // Embeds config/secrets.toml into GateConfig at build time, so the
        // readable data file in config/ is the one source of the built-in list.
        .plugin(
            name: "EmbedSecretsPlugin", capability: .buildTool(),
            path: "Sources/EmbedSecretsPlugin"),

        .testTarget(name: "GatePolicyTests", dependencies: ["GatePolicy"], swiftSettings: strict),
        .testTarget(name: "GateConfigTests", dependencies: ["GateConfig", "GatePolicy", "GateVocabulary"], swiftSettings: strict),
        // Gate driven on a temporary directory, without FUSE or root.
        .testTarget(
            name: "GateTests",
            dependencies: [
                "Gate", "GatePolicy", "GateConfig", "GateAuditFormat", "GateAuditWriter", "GateAuditReader", "GateSystem",
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "FuseBridgeTests", dependencies: ["FuseBridge", "Gate", "GatePolicy", "CFuse"], swiftSettings: strict),
        .testTarget(
            name: "GateAuditTests",
            dependencies: [
                "GateAuditFormat", "GateAuditWriter", "GateAuditReader", "GateSystem", "GateVocabulary", "gatefs",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "MountTests", dependencies: ["gatefs", "GateSystem", "GateAuditReader"], swiftSettings: strict),
    ]
)
