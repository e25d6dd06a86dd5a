import Foundation
import GRDB
import XCTest
import CallQCTestSupport
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

    /// Everything the backend keeps of the store, as bytes to search for a secret: the SQLite file
    /// (free pages included), or every row of every table of the PostgreSQL schema as text.
    func storedBytes() throws -> Data {
        switch kind {
        case .sqlite:
            return try Data(contentsOf: URL(fileURLWithPath: location))
        case .postgres:
            let db = try PostgresDatabase(try PostgresLocation(url: location), migrate: false)
            defer { db.shutdown() }
            return try db.read { c in
                let tables: [String] = try c.rows("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name")
                    .map { $0["table_name"] }
                var out = Data()
                for table in tables {
                    for row in try c.rows("SELECT t::text AS line FROM \"\(table)\" t") { out.append(Data((row["line"] as String).utf8)); out.append(10) }
                }
                return out
            }
        }
    }

    /// Runs statements on a connection of its own, not the store's (another process, as far as
    /// the database can tell), in one transaction.
    func rawWrite(_ sql: String) throws {
        switch kind {
        case .sqlite:
            let other = try DatabaseQueue(path: location)
            try other.write { db in try db.execute(sql: sql) }
        case .postgres:
            let other = try PostgresDatabase(try PostgresLocation(url: location), migrate: false)
            defer { other.shutdown() }
            try other.write { db in try db.execute(sql) }
        }
    }
}

/// The backends the store conformance tests run on. PostgreSQL is the database at
/// `CALLQC_TEST_POSTGRES` (scripts/install-deps creates postgres://callqc:callqc@127.0.0.1:5432/callqc_test
/// and starts the cluster). Under CI (`CI` set) a PostgreSQL that cannot be reached fails the test;
/// elsewhere the PostgreSQL half is left out.
enum StoreBackends {
    /// SQLite always; PostgreSQL when it answers (required in CI).
    static func all(dir: URL, file: StaticString = #filePath, line: UInt = #line) -> [TestBackend] {
        var out = [TestBackend(kind: .sqlite, location: dir.appendingPathComponent("qc-\(UUID().uuidString).sqlite").path)]
        if let problem = TestPostgres.problem {
            if TestPostgres.inCI { XCTFail("PostgreSQL at \(PostgresLocation.redacted(TestPostgres.base)) is required in CI: \(problem) (scripts/install-deps starts it)", file: file, line: line) }
        } else {
            out.append(TestBackend(kind: .postgres, location: TestPostgres.schemaURL()))
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
        if backend.kind == .postgres { TestPostgres.drop(backend.location) }
    }
}
