// swift-tools-version:6.1
// Microbenchmarks for issue 6: policy decisions and audit-line encoding.
// A package of its own so that gatefs itself does not depend on the
// benchmark package. Run it with `Benchmarks/run --micro`, or directly:
//   swift package --package-path Benchmarks/Micro benchmark
import PackageDescription

// Linux only, like gatefs itself (libfuse3, /proc, inotify): no Apple platform.
let package = Package(
    name: "gatefs-micro",
    dependencies: [
        // The gatefs package itself (its library products GatePolicy, GateConfig, GateAuditFormat).
        .package(name: "gatefs", path: "../.."),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
        // Only for the JSONEncoder comparison's hash chain (the root package already depends on it).
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .executableTarget(
            name: "GateMicro",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "GatePolicy", package: "gatefs"),
                .product(name: "GateConfig", package: "gatefs"),
                .product(name: "GateAuditFormat", package: "gatefs"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Benchmarks/GateMicro",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
