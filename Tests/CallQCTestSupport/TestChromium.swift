import Foundation
import XCTest

/// Headless Chromium for the browser tests: where it is, and a guard that skips a test on a developer's machine
/// without it but fails it in CI (CI set), where scripts/install-deps installs Debian's chromium.
public enum TestChromium {
    public static let path = "/usr/bin/chromium"

    struct Missing: Error, CustomStringConvertible { let description: String }

    /// Returns when Chromium is there; else throws a skip, or in CI a failure.
    public static func require() throws {
        if FileManager.default.isExecutableFile(atPath: path) { return }
        if TestPostgres.inCI { throw Missing(description: "\(path) is missing in CI: scripts/install-deps installs Debian's chromium") }
        throw XCTSkip("\(path) is missing: scripts/install-deps installs Debian's chromium")
    }
}
