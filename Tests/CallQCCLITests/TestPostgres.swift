import CallQCStore
import Foundation
import XCTest

/// The PostgreSQL the CLI tests use: the database at `CALLQC_TEST_POSTGRES` (scripts/install-deps
/// starts postgres://callqc:callqc@127.0.0.1:5432/callqc_test), each test in a fresh schema that it
/// drops afterwards. Under CI (`CI` set) a server that cannot be reached fails the test.
enum TestPostgres {
    static var base: String {
        ProcessInfo.processInfo.environment["CALLQC_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "postgres://callqc:callqc@127.0.0.1:5432/callqc_test"
    }

    static var inCI: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }

    /// A new schema's URL, migrated; nil without a server (and a failure in CI).
    static func fresh(file: StaticString = #filePath, line: UInt = #line) -> String? {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let url = base + (base.contains("?") ? "&" : "?") + "schema=\(name)"
        do {
            let store = try SQLStore.open(url)
            (store.database as? PostgresDatabase)?.shutdown()
            return url
        } catch {
            if inCI { XCTFail("PostgreSQL at \(PostgresLocation.redacted(base)) is required in CI (scripts/install-deps starts it): \(error)", file: file, line: line) }
            return nil
        }
    }

    /// A new schema's URL, or a skip (a failure in CI) without a server.
    static func require(file: StaticString = #filePath, line: UInt = #line) throws -> String? {
        if let url = fresh(file: file, line: line) { return url }
        if inCI { return nil }
        throw XCTSkip("no PostgreSQL at \(PostgresLocation.redacted(base))")
    }

    /// Drops the schema a `fresh()` URL names (nothing for a file path).
    static func drop(_ url: String) {
        guard SQLStore.isServerURL(url), var admin = try? PostgresLocation(url: url), let schema = admin.schema else { return }
        admin.schema = nil
        guard let db = try? PostgresDatabase(admin, migrate: false) else { return }
        _ = try? db.write { c in try c.execute("DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE") }
        db.shutdown()
    }
}
