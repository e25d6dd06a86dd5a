import XCTest
@testable import CallQC
import CallQCStore

/// Issue 13: nothing lost in the store (calls sharing an id, first use by several processes,
/// review scores within the scorecard).
final class HardeningStoreTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-harden-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// Two results of call `E1`, on two days from two files, the second one risky.
    func twoCallsNamedE1() -> [CallResult] {
        let checker = Checker(catalog: Shipped.catalog, scripts: ScriptTests.scripts)
        func call(_ date: String, _ source: String, _ agentText: String) -> CallResult {
            checker.check(Call(id: "E1", agent: "A1", date: date, source: source, turns: [
                Turn(role: .agent, speaker: "坐席", start: 0, end: 3, text: agentText),
                Turn(role: .customer, speaker: "客户", start: 3.5, end: 5, text: "我查话费。"),
            ]))
        }
        return [call("2026-11-20", "day1/E1.txt", "您好，很高兴为您服务。"), call("2026-11-21", "day2/E1.txt", "不知道，你自己去营业厅问。")]
    }

    func testCallsSharingAnIdAreBothKeptReportedAndQueued() throws {
        let results = twoCallsNamedE1()
        try StoreBackends.each(in: dir) { store, backend in
            try store.save([results[0]])
            let collisions = try store.collisions([results[1]])
            XCTAssertEqual(collisions.count, 1, "[\(backend)] the second E1 is announced")
            XCTAssertEqual(collisions.first?.source, "day2/E1.txt", "[\(backend)]")
            XCTAssertEqual(collisions.first?.otherSource, "day1/E1.txt", "[\(backend)]")
            XCTAssertTrue(collisions[0].message.contains("day1/E1.txt"), "[\(backend)]")
            XCTAssertEqual(try store.collisions([results[0]]), [], "[\(backend)] the same transcript again is no collision")
            try store.save([results[1]])
            let all = try store.summaries(from: nil, to: nil)
            XCTAssertEqual(all.count, 2, "[\(backend)] neither call hides the other")
            XCTAssertEqual(Set(all.map(\.key)), ["E1@2026-11-20", "E1@2026-11-21"], "[\(backend)]")
            XCTAssertEqual(try store.summaries(from: "2026-11-21", to: "2026-11-21").map(\.source), ["day2/E1.txt"], "[\(backend)]")
            // Addressing: the bare id is ambiguous, the keys and hashes are not.
            XCTAssertThrowsError(try store.detail(callID: "E1"), "[\(backend)]") { error in
                XCTAssertTrue("\(error)".contains("E1@2026-11-20"), "[\(backend)] \(error)")
            }
            XCTAssertEqual(try store.detail(callID: "E1@2026-11-21")?.summary.source, "day2/E1.txt", "[\(backend)]")
            XCTAssertEqual(try store.detail(callID: all[0].contentHash)?.summary.contentHash, all[0].contentHash, "[\(backend)]")
            XCTAssertEqual(try store.detail(callID: "E1@" + all[1].contentHash.prefix(8))?.summary.contentHash, all[1].contentHash, "[\(backend)]")
            // Reports count both; the queue draws both, and a review of one leaves the other.
            XCTAssertEqual(Report(all, by: .day).rows.count, 2, "[\(backend)]")
            let plan = SamplingPlan(perAgent: 2, riskShare: 0.5, seed: 1)
            XCTAssertEqual(plan.draw(all, reviewed: []).picks.count, 2, "[\(backend)]")
            let risky = try XCTUnwrap(all.min { ($0.score ?? 0) < ($1.score ?? 0) }, "[\(backend)]")
            try store.record(Review(callID: "E1", reviewedAt: "t", score: 10, contentHash: risky.contentHash))
            let reviewed = Set(try store.reviews().compactMap(\.contentHash))
            let after = plan.draw(all, reviewed: reviewed)
            XCTAssertEqual(after.picks.map(\.call.key), [all.first { $0.contentHash != risky.contentHash }!.key], "[\(backend)]")
            let calibration = Calibration(reviews: try store.reviews(), calls: all)
            XCTAssertEqual(calibration.total?.mean, (risky.score ?? 0) - 10, "[\(backend)]")
        }
    }

    /// SQLite only: processes racing to create the file (PostgreSQL's advisory-locked migration is
    /// PostgresStoreTests.testProcessesStartingAtOnceMigrateOnce).
    func testFirstUseBySeveralProcessesAtOnce() throws {
        for round in 0..<12 {
            let path = dir.appendingPathComponent("new-\(round).sqlite").path
            let failures = LockedList()
            DispatchQueue.concurrentPerform(iterations: 6) { _ in
                do { _ = try SQLStore(path: path) } catch { failures.add("\(error)") }
            }
            XCTAssertEqual(failures.items, [], "round \(round)")
            XCTAssertEqual(try SQLStore(path: path).appliedMigrations().last, "v8-self-checks")
        }
    }

    func testReviewScoresWithinTheScorecard() throws {
        let summary = CallSummary(twoCallsNamedE1()[0])
        for bad in [999_999, 1.7e308, -1, .infinity, .nan] {
            let problem = ReviewLimits.problem(score: bad, sections: [:], of: summary)
            XCTAssertNotNil(problem, "\(bad)")
            XCTAssertTrue(problem?.english.contains("maximum of 100") ?? false)
        }
        XCTAssertNil(ReviewLimits.problem(score: 100, sections: [:], of: summary))
        XCTAssertNil(ReviewLimits.problem(score: 0, sections: [:], of: summary))
        let section = try XCTUnwrap(summary.sections.first)
        XCTAssertNil(ReviewLimits.problem(score: nil, sections: [section.id: section.max], of: summary))
        XCTAssertNotNil(ReviewLimits.problem(score: nil, sections: [section.id: section.max + 1], of: summary))
        XCTAssertNotNil(ReviewLimits.problem(score: nil, sections: [section.id: 1.7e308], of: summary))
        XCTAssertNotNil(ReviewLimits.problem(score: nil, sections: ["no-such-section": 1], of: summary))
    }
}

final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ s: String) { lock.lock(); list.append(s); lock.unlock() }
    var items: [String] { lock.lock(); defer { lock.unlock() }; return list }
}

/// Issue 13: data at rest: the store's file mode and retention.
final class HardeningRetentionTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-purge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func result(_ id: String, _ date: String, _ marker: String) -> CallResult {
        Checker(catalog: Shipped.catalog, scripts: ScriptTests.scripts).check(Call(id: id, agent: "A1", date: date, source: "\(id).txt", turns: [
            Turn(role: .agent, speaker: "坐席", start: 0, end: 3, text: "您好，很高兴为您服务。\(marker)"),
            Turn(role: .customer, speaker: "客户", start: 3.5, end: 5, text: "我查话费。"),
        ]))
    }

    /// SQLite only: a server database has no file of the store's own.
    func testTheDatabaseIsCreatedReadableByItsOwnerOnly() throws {
        let old = umask(0o022)
        defer { umask(old) }
        let path = dir.appendingPathComponent("qc.sqlite").path
        let store = try SQLStore(path: path)
        try store.save([result("E1", "2026-11-20", "甲")])
        var info = stat()
        XCTAssertEqual(stat(path, &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o600)
    }

    func testPurgeDeletesOldCallsResultsAndReviewsAndKeepsReviewedOnAsk() throws {
        try StoreBackends.each(in: dir) { store, backend in
            try store.save([result("OLD1", "2026-10-01", "旧的甲号标记"), result("OLD2", "2026-10-02", "旧的乙号标记"), result("NEW1", "2026-11-21", "新的标记")])
            let summaries = try store.summaries(from: nil, to: nil)
            let old1 = try XCTUnwrap(summaries.first { $0.callID == "OLD1" }, "[\(backend)]")
            try store.record(Review(callID: "OLD1", reviewedAt: "2026-10-03T08:00:00Z", score: 80, contentHash: old1.contentHash))
            try store.record(Review(callID: "NEW1", reviewedAt: "2026-11-22T08:00:00Z", score: 90,
                                    contentHash: summaries.first { $0.callID == "NEW1" }!.contentHash))
            // A dry run changes nothing.
            let dry = try store.purge(before: "2026-11-01", keepReviewed: true, dryRun: true)
            XCTAssertEqual(dry.calls.map(\.id), ["OLD2"], "[\(backend)]")
            XCTAssertEqual(try store.summaries(from: nil, to: nil).count, 3, "[\(backend)]")
            // Keep reviewed: OLD2 goes, OLD1 stays with its review.
            let kept = try store.purge(before: "2026-11-01", keepReviewed: true)
            XCTAssertEqual(kept.calls.map(\.id), ["OLD2"], "[\(backend)]")
            XCTAssertEqual(kept.results, 1, "[\(backend)]")
            XCTAssertEqual(kept.keptReviewed, 1, "[\(backend)]")
            XCTAssertEqual(Set(try store.summaries(from: nil, to: nil).map(\.callID)), ["OLD1", "NEW1"], "[\(backend)]")
            XCTAssertEqual(try store.reviews().count, 2, "[\(backend)]")
            // The purged transcript is gone: from the SQLite file, free pages included (VACUUM); from
            // every table of the PostgreSQL schema (VACUUM FULL rewrites them).
            let bytes = try backend.storedBytes()
            XCTAssertNil(bytes.range(of: Data("旧的乙号标记".utf8)), "[\(backend)] the purged transcript is gone")
            XCTAssertNotNil(bytes.range(of: Data("旧的甲号标记".utf8)), "[\(backend)]")
            // Without: OLD1 and its review go too; NEW1 and its review stay.
            let all = try store.purge(before: "2026-11-01", keepReviewed: false)
            XCTAssertEqual(all.calls.map(\.id), ["OLD1"], "[\(backend)]")
            XCTAssertEqual(all.reviews, 1, "[\(backend)]")
            XCTAssertEqual(try store.summaries(from: nil, to: nil).map(\.callID), ["NEW1"], "[\(backend)]")
            XCTAssertEqual(try store.reviews().map(\.callID), ["NEW1"], "[\(backend)]")
            XCTAssertNil(try store.detail(callID: "OLD1"), "[\(backend)]")
            XCTAssertEqual(try store.purgeLog().map(\.calls), [1, 1], "[\(backend)] each purge is logged (the dry run is not)")
            XCTAssertNil(try backend.storedBytes().range(of: Data("旧的甲号标记".utf8)), "[\(backend)]")
        }
    }
}
