// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Retort",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "retort", targets: ["retort"]),
        .executable(name: "retort-fuzz", targets: ["RetortFuzz"]),
        .library(name: "RetortKit", targets: ["RetortKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(
            name: "CPgQuery",
            providers: [.apt(["libpg-query-dev"])]
        ),
        // One system call Swift's Glibc module does not expose (renameat2), for out/'s swap.
        .target(name: "CRetortSystem"),
        .target(
            name: "RetortSQL",
            dependencies: ["CPgQuery"],
            swiftSettings: strict
        ),
        .target(
            name: "RetortModel",
            dependencies: ["RetortSQL"],
            swiftSettings: strict
        ),
        .target(
            name: "RetortReading",
            dependencies: [
                "CLibXML2",
                "RetortModel",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "RetortGraph",
            dependencies: ["RetortModel"],
            swiftSettings: strict
        ),
        .target(
            name: "RetortState",
            dependencies: ["RetortModel"],
            swiftSettings: strict
        ),
        .target(
            name: "RetortCompiler",
            dependencies: ["RetortReading", "RetortGraph", "RetortState"],
            swiftSettings: strict
        ),
        .target(
            name: "RetortRendering",
            dependencies: ["RetortState"],
            swiftSettings: strict
        ),
        .target(
            name: "RetortDiff",
            dependencies: ["RetortRendering"],
            swiftSettings: strict
        ),
        .target(
            name: "RetortScripts",
            dependencies: [
                "CRetortSystem",
                "RetortCompiler",
                "RetortRendering",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "RetortLint",
            dependencies: ["RetortScripts"],
            swiftSettings: strict
        ),
        .target(
            name: "RetortKit",
            dependencies: ["RetortLint", "RetortDiff"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "retort",
            dependencies: [
                "RetortKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // The coverage-guided fuzz target (`make fuzz`): a whole project per input through
        // the whole pipeline. Built with -sanitize=fuzzer,address and -DFUZZING it runs
        // libFuzzer's driver; built plainly it packs seeds and replays inputs.
        .systemLibrary(name: "CFuzzing"),
        .executableTarget(
            name: "RetortFuzz",
            dependencies: ["CFuzzing", "RetortKit"],
            swiftSettings: strict
        ),
        // Helpers the test targets share: temporary projects, the throwaway PostgreSQL
        // server, history generators. A library of its own so each stage's tests can use it.
        .target(
            name: "RetortTestSupport",
            dependencies: ["RetortKit"],
            path: "Tests/RetortTestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "RetortSQLTests",
            dependencies: ["RetortSQL"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RetortReadingTests",
            dependencies: ["RetortReading", "RetortTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RetortGraphTests",
            dependencies: ["RetortGraph", "RetortTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RetortStateTests",
            dependencies: ["RetortState", "RetortReading", "RetortTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RetortCompilerTests",
            dependencies: ["RetortCompiler", "RetortTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RetortDiffTests",
            dependencies: ["RetortDiff", "RetortTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RetortRenderingTests",
            dependencies: ["RetortRendering"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RetortScriptsTests",
            dependencies: ["RetortScripts", "RetortTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RetortLintTests",
            dependencies: ["RetortLint", "RetortTestSupport"],
            swiftSettings: strict
        ),
        // End to end: the command line, the server round trips, generated histories, fuzzing.
        .testTarget(
            name: "RetortKitTests",
            dependencies: ["RetortKit", "RetortTestSupport"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
