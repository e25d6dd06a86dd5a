import Foundation
import XCTest
@testable import CallQC
@testable import CallQCStore

/// What only a server database has to prove: processes and writers at once, the advisory-locked
/// migration, URLs and their passwords. (Everything a store does is in the conformance suites,
/// which run on both backends: StoreTests, FloorStoreTests, CaseTests, StoreConformanceTests.)
final class PostgresStoreTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// A fresh PostgreSQL schema, or nil (and a failure in CI) without a server.
    func postgres() -> TestBackend? {
        StoreBackends.all(dir: dir).first { $0.kind == .postgres }
    }

    func samples() -> [CallResult] {
        let loader = TranscriptLoader()
        let (inputs, _) = loader.expand([Shipped.root.appendingPathComponent("samples").path])
        let checker = Checker(catalog: Shipped.catalog, scripts: ScriptTests.scripts)
        return inputs.flatMap { loader.load($0).calls }.map { checker.check($0) }
    }

    func testURLsAreReadAndTheirPasswordsNeverShown() throws {
        let l = try PostgresLocation(url: "postgres://qc:s3cr%40t@db.example:6432/qc_prod?schema=east&pool=8&sslmode=require", environment: [:])
        XCTAssertEqual(l.user, "qc")
        XCTAssertEqual(l.password, "s3cr@t")
        XCTAssertEqual(l.host, "db.example")
        XCTAssertEqual(l.port, 6432)
        XCTAssertEqual(l.database, "qc_prod")
        XCTAssertEqual(l.schema, "east")
        XCTAssertEqual(l.pool, 8)
        XCTAssertEqual(l.sslMode, "require")
        XCTAssertFalse(l.display.contains("s3cr"), l.display)
        XCTAssertEqual(l.display, "postgres://qc@db.example:6432/qc_prod?schema=east")
        XCTAssertFalse(PostgresLocation.redacted("postgres://qc:s3cret@h/db").contains("s3cret"))
        // The password may come from PGPASSWORD; loopback needs no TLS.
        let local = try PostgresLocation(url: "postgresql://qc@127.0.0.1/qc", environment: ["PGPASSWORD": "pw"])
        XCTAssertEqual(local.password, "pw")
        XCTAssertEqual(local.port, 5432)
        XCTAssertEqual(local.sslMode, "disable")
        XCTAssertEqual(try PostgresLocation(url: "postgres://qc@db.example/qc", environment: [:]).sslMode, "prefer")
        let socket = try PostgresLocation(url: "postgres://qc@/qc?host=/var/run/postgresql", environment: [:])
        XCTAssertEqual(socket.socketPath, "/var/run/postgresql/.s.PGSQL.5432")
        // Mistakes are named, with the fix.
        for (bad, words) in [("postgres://qc@h", "names no database"), ("postgres://qc@h/db?pool=0", "pool must be 1 to 64"),
                             ("postgres://qc@h/db?schema=a;drop", "letters, digits and _"), ("postgres://qc@h/db?sslmode=maybe", "sslmode"),
                             ("postgres://qc:pw@h/db?colour=red", "unknown option 'colour'")] {
            XCTAssertThrowsError(try PostgresLocation(url: bad, environment: [:]), bad) { error in
                XCTAssertTrue("\(error)".contains(words), "\(error)")
                XCTAssertFalse("\(error)".contains(":pw@"), "\(error)")
            }
        }
        XCTAssertTrue(SQLStore.isServerURL("postgres://h/db"))
        XCTAssertFalse(SQLStore.isServerURL("qc.sqlite"))
        XCTAssertFalse(SQLStore.isServerURL("/data/postgres/qc.sqlite"))
    }

    func testPlaceholdersOutsideQuotesAreNumbered() {
        XCTAssertEqual(PGConnection.numberPlaceholders("SELECT ? , '?' , \"a?\" FROM t WHERE x = ? AND y IN (?, ?)"),
                       "SELECT $1 , '?' , \"a?\" FROM t WHERE x = $2 AND y IN ($3, $4)")
        XCTAssertEqual(PGConnection.statements("CREATE TABLE a (x TEXT DEFAULT ';'); CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'no; never'; END $$;\n  ;"),
                       ["CREATE TABLE a (x TEXT DEFAULT ';')", "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'no; never'; END $$"])
    }

    func testAnUnreachableServerIsAClearError() {
        XCTAssertThrowsError(try SQLStore.open("postgres://qc:topsecret@127.0.0.1:1/qc")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("cannot connect to PostgreSQL at postgres://qc@127.0.0.1:1/qc"), text)
            XCTAssertFalse(text.contains("topsecret"), text)
        }
    }

    func testProcessesStartingAtOnceMigrateOnce() throws {
        guard let backend = postgres() else { return }
        defer { StoreBackends.drop(backend) }
        let failures = LockedList()
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            do {
                let store = try backend.open()
                (store.database as? PostgresDatabase)?.shutdown()
            } catch { failures.add("\(error)") }
        }
        XCTAssertEqual(failures.items, [])
        let store = try backend.open()
        XCTAssertEqual(try store.appliedMigrations(), ["v1", "v2-cases", "v3-review-misses", "v4-review-hash", "v5-purge-log", "v6-floor", "v7-case-sharing", "v8-self-checks"])
        let once = try store.database.read { db in try db.int("SELECT COUNT(*) FROM callqc_migrations") }
        XCTAssertEqual(once, 8, "each migration recorded once")
    }

    func testWritersAtOnceNeverDoubleAResult() throws {
        guard let backend = postgres() else { return }
        defer { StoreBackends.drop(backend) }
        let results = samples()
        let store = try backend.open()
        // Four writers save overlapping batches of the same calls, in different orders, at once.
        let failures = LockedList()
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            do {
                let mine = i % 2 == 0 ? results : results.reversed()
                for start in stride(from: 0, to: mine.count, by: 5) {
                    try store.save(Array(mine[start..<min(start + 5, mine.count)]))
                }
            } catch { failures.add("writer \(i): \(error)") }
        }
        XCTAssertEqual(failures.items, [])
        XCTAssertEqual(try store.resultCount(), results.count)
        XCTAssertEqual(try store.summaries(from: nil, to: nil).count, results.count)
        let findings = try store.database.read { db in try db.int("SELECT COUNT(*) FROM findings") }
        XCTAssertEqual(findings, results.reduce(0) { $0 + $1.findings.count }, "no result's findings doubled")
    }

    func testAFailedBatchLeavesNothingHalfWritten() throws {
        guard let backend = postgres() else { return }
        defer { StoreBackends.drop(backend) }
        let store = try backend.open()
        let results = samples()
        try store.save(Array(results.prefix(3)))
        try store.audit(AuditEntry(at: "2026-12-01T09:00:00Z", actor: "cli:root", action: .userAdded, target: "lihua", detail: "test"))
        // A batch whose last statement fails (the audit log refuses deletes) rolls back as a whole.
        XCTAssertThrowsError(try store.database.write { db in
            try db.execute("DELETE FROM results")
            try db.execute("DELETE FROM audit_log")
        }) { error in XCTAssertTrue("\(error)".contains("append-only"), "\(error)") }
        XCTAssertEqual(try store.resultCount(), 3)
        // A pooled connection that failed is not handed out again in a broken transaction.
        for _ in 0..<8 { XCTAssertEqual(try store.resultCount(), 3) }
    }

    func testTheSameCallsReadTheSameOnBothBackends() throws {
        let backends = StoreBackends.all(dir: dir)
        guard backends.count == 2 else { return }
        defer { backends.forEach(StoreBackends.drop) }
        let results = samples()
        var summaries: [[CallSummary]] = []
        var details: [String] = []
        for b in backends {
            let store = try b.open()
            try store.save(results)
            try store.record(Review(callID: "C20261120-0057", reviewedAt: "2026-11-21T09:00:00Z", reviewer: "lihua", score: 60,
                                    sectionScores: ["service": 20], confirmed: ["taboo"], rejected: ["pace.fast"],
                                    missed: [MissedFinding(rule: "taboo.dont-know", turn: 3)], note: "语气生硬"))
            summaries.append(try store.summaries(from: nil, to: nil))
            let d = try XCTUnwrap(try store.detail(callID: "C20261120-0057"))
            details.append(d.result.compact() + CallJSON.encode(d.call).compact())
            XCTAssertEqual(try store.reviews().first?.note, "语气生硬")
        }
        XCTAssertEqual(summaries[0], summaries[1], "summaries in the same order with the same values")
        XCTAssertEqual(details[0], details[1])
    }
}
