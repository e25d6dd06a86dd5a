import XCTest
@testable import CallQC
@testable import CallQCStore

/// The workbench's self-check history in the store (migration `v8-self-checks`), on both backends.
final class SelfCheckStoreTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-selfchecks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testSelfChecksAreKeptPerUserNewestFirstWithoutTheText() throws {
        try StoreBackends.each(in: dir) { store, backend in
            let wang = SelfCheckRecord(user: "wang", agentID: "A023", label: "投诉-13912345678.txt", kind: .transcript, checkedAt: "2026-11-20T09:00:00Z",
                                       score: 72.5, maxScore: 100, grade: "C", findings: 4, critical: 1, errors: 2, warnings: 1)
            let first = try store.addSelfCheck(wang)
            var later = wang
            later.label = "开场白草稿.txt"
            later.kind = .draft
            later.checkedAt = "2026-11-21T10:30:00Z"
            later.score = nil; later.maxScore = nil; later.grade = nil
            later.findings = 2; later.critical = 0; later.errors = 0; later.warnings = 2
            let second = try store.addSelfCheck(later)
            XCTAssertGreaterThan(second, first, "[\(backend)]")
            try store.addSelfCheck(SelfCheckRecord(user: "li", agentID: "A031", label: "english call.vtt", kind: .transcript, checkedAt: "2026-11-22T08:00:00Z",
                                                   score: 95, maxScore: 100, grade: "A", findings: 0, critical: 0, errors: 0, warnings: 0))

            // Another open (another process, as far as the database can tell) reads the same history.
            let reopened = try backend.open()
            let mine = try reopened.selfChecks(user: "wang")
            XCTAssertEqual(mine.map(\.id), [second, first], "[\(backend)] newest first")
            XCTAssertEqual(mine.map(\.kind), [.draft, .transcript], "[\(backend)]")
            XCTAssertEqual(mine[1].score, 72.5, "[\(backend)]")
            XCTAssertEqual(mine[1].grade, "C", "[\(backend)]")
            XCTAssertEqual([mine[1].findings, mine[1].critical, mine[1].errors, mine[1].warnings], [4, 1, 2, 1], "[\(backend)]")
            XCTAssertNil(mine[0].score, "[\(backend)] a draft has no score")
            // The label is masked in the store: a file named after a customer's number keeps no number.
            XCTAssertEqual(mine[1].label, Redactor().redact("投诉-13912345678.txt"), "[\(backend)]")
            XCTAssertFalse(mine[1].label.contains("13912345678"), "[\(backend)]")
            XCTAssertFalse(try backend.storedBytes().range(of: Data("13912345678".utf8)) != nil, "[\(backend)] the number is nowhere in the store")
            XCTAssertEqual(try reopened.selfChecks(agentID: "A031").map(\.user), ["li"], "[\(backend)]")
            XCTAssertEqual(try reopened.selfChecks(user: "wang", agentID: "A031"), [], "[\(backend)]")
            XCTAssertEqual(try reopened.selfChecks().count, 3, "[\(backend)]")
            XCTAssertEqual(try reopened.selfChecks(user: "wang", limit: 1).map(\.id), [second], "[\(backend)]")
            XCTAssertThrowsError(try store.addSelfCheck(SelfCheckRecord(user: "", agentID: nil, label: "x", kind: .draft, checkedAt: "", score: nil, maxScore: nil,
                                                                        grade: nil, findings: 0, critical: 0, errors: 0, warnings: 0)), "[\(backend)] a self-check names its user")
            (reopened.database as? PostgresDatabase)?.shutdown()
        }
    }
}
