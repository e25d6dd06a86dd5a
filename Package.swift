// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "callqc",
    products: [
        .executable(name: "callqc", targets: ["callqc"]),
        .library(name: "CallQC", targets: ["CallQC"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        // The system's ICU (libicu-dev), found through pkg-config.
        .systemLibrary(
            name: "CICU",
            pkgConfig: "icu-i18n",
            providers: [.apt(["libicu-dev", "pkg-config"])]
        ),
        // The only place that includes ICU headers: Foundation carries its own ICU,
        // and a Swift module cannot see both (see docs/architecture.md).
        .target(name: "CICUShim", dependencies: ["CICU"]),
        // Folding, offset maps, counting speech, script guesses.
        .target(name: "CallQCText", dependencies: ["CICUShim"]),
        // Transcript model, readers, rules and checks, scoring, renderers.
        .target(name: "CallQC", dependencies: ["CallQCText", .product(name: "Yams", package: "Yams")]),
        // The embedded results store: SQLite through GRDB, behind CallQC's ResultStore protocol.
        .target(name: "CallQCStore", dependencies: ["CallQC", .product(name: "GRDB", package: "GRDB.swift")]),
        .executableTarget(
            name: "callqc",
            dependencies: [
                "CallQC",
                "CallQCStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "CallQCTextTests", dependencies: ["CallQCText"]),
        // Fixtures/: real vendor outputs (each folder with its SOURCE.txt and licence) and hand-made edge cases.
        .testTarget(name: "CallQCTests", dependencies: ["CallQC", "CallQCText", "CallQCStore"], resources: [.copy("Fixtures")]),
        // Runs the built `callqc` binary: exit codes, output streams, the README's commands.
        .testTarget(name: "CallQCCLITests", dependencies: ["callqc"]),
    ]
)
