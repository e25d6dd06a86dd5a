import Foundation
import XCTest
@testable import CallQCStore

/// One backend a store test runs on: SQLite in a temporary file, or PostgreSQL in a fresh schema
/// of the test database (dropped afterwards).
struct TestBackend: CustomStringConvertible {
    let kind: SQLBackendKind
    /// A file path, or a `postgres://` URL naming the schema.
    let location: String

    /// Opens the store (again: a second open sees what the first wrote).
    func open() throws -> SQLStore { try SQLStore.open(location) }

    var description: String { kind.rawValue }
}

/// The backends the store conformance tests run on. PostgreSQL is the database at
/// `CALLQC_TEST_POSTGRES` (scripts/install-deps creates postgres://callqc:callqc@127.0.0.1:5432/callqc_test
/// and starts the cluster). Under CI (`CI` set) a PostgreSQL that cannot be reached fails the test;
/// elsewhere the PostgreSQL half is left out.
enum StoreBackends {
    static var postgresURL: String {
        ProcessInfo.processInfo.environment["CALLQC_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "postgres://callqc:callqc@127.0.0.1:5432/callqc_test"
    }

    static var inCI: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }

    /// Whether the test database answers (asked once per test process).
    static let postgresProblem: String? = {
        do {
            let store = try SQLStore.open(postgresURL)
            _ = try store.appliedMigrations()
            (store.database as? PostgresDatabase)?.shutdown()
            return nil
        } catch {
            return "\(error)"
        }
    }()

    /// A new, empty schema's URL in the test database.
    static func freshPostgresURL() -> String {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        return postgresURL + (postgresURL.contains("?") ? "&" : "?") + "schema=\(name)"
    }

    /// SQLite always; PostgreSQL when it answers (required in CI).
    static func all(dir: URL, file: StaticString = #filePath, line: UInt = #line) -> [TestBackend] {
        var out = [TestBackend(kind: .sqlite, location: dir.appendingPathComponent("qc-\(UUID().uuidString).sqlite").path)]
        if let problem = postgresProblem {
            if inCI { XCTFail("PostgreSQL at \(PostgresLocation.redacted(postgresURL)) is required in CI: \(problem) (scripts/install-deps starts it)", file: file, line: line) }
        } else {
            out.append(TestBackend(kind: .postgres, location: freshPostgresURL()))
        }
        return out
    }

    /// Runs `body` once per backend, each on a new store; PostgreSQL schemas are dropped afterwards.
    static func each(in dir: URL, file: StaticString = #filePath, line: UInt = #line,
                     _ body: (SQLStore, TestBackend) throws -> Void) throws {
        for backend in all(dir: dir, file: file, line: line) {
            let store = try backend.open()
            defer { drop(backend) }
            do {
                try body(store, backend)
            } catch {
                XCTFail("[\(backend)] \(error)", file: file, line: line)
            }
        }
    }

    /// Drops a PostgreSQL backend's schema (nothing for SQLite: the folder goes).
    static func drop(_ backend: TestBackend) {
        guard backend.kind == .postgres, let location = try? PostgresLocation(url: backend.location), let schema = location.schema else { return }
        var admin = location
        admin.schema = nil
        guard let db = try? PostgresDatabase(admin, migrate: false) else { return }
        _ = try? db.write { c in try c.execute("DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE") }
        db.shutdown()
    }
}
