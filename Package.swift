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
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.60.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        // The live stream in (`/api/live`, docs/live.md).
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        // Tests only: the WebSocket client (WSClient) that speaks the DevTools protocol to headless
        // Chromium in FloorBrowserTests (Foundation's URLSessionWebSocketTask has no WebSocket support on Linux).
        .package(url: "https://github.com/hummingbird-project/swift-websocket", from: "1.6.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
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
        // The folding table generated from ICU (C data: compiled in seconds, no start-up cost).
        .target(name: "CFoldData"),
        // Folding, offset maps, counting speech, script guesses.
        .target(name: "CallQCText", dependencies: ["CICUShim", "CFoldData"]),
        // Transcript model, readers, rules and checks, scoring, renderers.
        .target(name: "CallQC", dependencies: ["CallQCText", .product(name: "Yams", package: "Yams")]),
        // The results store behind CallQC's ResultStore and FloorStore protocols, on SQLite (GRDB, the
        // embedded default) or PostgreSQL (postgres-nio); password hashing (bcrypt) and secret digests
        // (SHA-256) for the CLI and the web.
        .target(name: "CallQCStore", dependencies: [
            "CallQC", .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The web workbench (callqc serve): pages (mustache templates, escaped by default) and JSON API
        // over Hummingbird; no printing, no exit.
        .target(name: "CallQCWeb", dependencies: [
            "CallQC", "CallQCStore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Mustache", package: "swift-mustache"),
        ]),
        .executableTarget(
            name: "callqc",
            dependencies: [
                "CallQC",
                "CallQCStore",
                "CallQCWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "CallQCTextTests", dependencies: ["CallQCText"]),
        // What several test targets share (Tests/CallQCTestSupport): the test PostgreSQL's fresh schemas, a chart's SVG data points.
        .target(name: "CallQCTestSupport", dependencies: ["CallQCStore"], path: "Tests/CallQCTestSupport"),
        // Fixtures/: real vendor outputs (each folder with its SOURCE.txt and licence) and hand-made edge cases.
        .testTarget(name: "CallQCTests", dependencies: ["CallQC", "CallQCText", "CallQCStore", "CallQCTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
                    resources: [.copy("Fixtures")]),
        // Runs the built `callqc` binary: exit codes, output streams, the README's commands.
        // Golden/ holds the golden-output hashes, read by path (GoldenOutputTests), not built.
        .testTarget(name: "CallQCCLITests", dependencies: ["callqc", "CallQC", "CallQCStore", "CallQCTestSupport"], exclude: ["Golden"]),
        // The workbench's handlers through HummingbirdTesting, and end-to-end runs in headless Chromium
        // (FloorBrowserTests drives it over the DevTools protocol with WSClient).
        .testTarget(name: "CallQCWebTests", dependencies: ["CallQCWeb", "CallQC", "CallQCStore", "callqc", "CallQCTestSupport",
                                                          .product(name: "HummingbirdTesting", package: "hummingbird"),
                                                          .product(name: "WSClient", package: "swift-websocket"),
                                                          .product(name: "Logging", package: "swift-log"),
                                                          .product(name: "Crypto", package: "swift-crypto"),
                                                          .product(name: "HummingbirdBcrypt", package: "hummingbird-auth")]),
    ]
)
