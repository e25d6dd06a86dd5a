import CallQCStore
import Foundation
import XCTest

/// The PostgreSQL the tests use, shared by every test target: the database at `CALLQC_TEST_POSTGRES`
/// (scripts/install-deps starts postgres://callqc:callqc@127.0.0.1:5432/callqc_test), each test in a fresh
/// schema that it drops afterwards. Under CI (`CI` set) a server that cannot be reached fails the test;
/// elsewhere the test skips, or leaves its PostgreSQL half out.
public enum TestPostgres {
    /// The test database's URL, without a schema.
    public static var base: String {
        ProcessInfo.processInfo.environment["CALLQC_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "postgres://callqc:callqc@127.0.0.1:5432/callqc_test"
    }

    /// Whether the tests run in CI, where nothing may skip.
    public static var inCI: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }

    /// Why the test database does not answer, or nil when it does (asked once per test process).
    public static let problem: String? = {
        do {
            let store = try SQLStore.open(base)
            _ = try store.appliedMigrations()
            (store.database as? PostgresDatabase)?.shutdown()
            return nil
        } catch {
            return "\(error)"
        }
    }()

    /// A new schema's URL in the test database, not yet created (the first store opened on it migrates it).
    public static func schemaURL() -> String {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        return base + (base.contains("?") ? "&" : "?") + "schema=\(name)"
    }

    /// A new schema's URL, migrated; nil without a server (and a failure in CI).
    public static func fresh(file: StaticString = #filePath, line: UInt = #line) -> String? {
        let url = schemaURL()
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
    public static func require(file: StaticString = #filePath, line: UInt = #line) throws -> String? {
        if let url = fresh(file: file, line: line) { return url }
        if inCI { return nil }
        throw XCTSkip("no PostgreSQL at \(PostgresLocation.redacted(base))")
    }

    /// Drops the schema a URL names (nothing for a file path or a URL without a schema).
    public static func drop(_ url: String) {
        guard SQLStore.isServerURL(url), var admin = try? PostgresLocation(url: url), let schema = admin.schema else { return }
        admin.schema = nil
        guard let db = try? PostgresDatabase(admin, migrate: false) else { return }
        _ = try? db.write { c in try c.execute("DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE") }
        db.shutdown()
    }
}
