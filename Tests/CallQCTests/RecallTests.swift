import XCTest
@testable import CallQC
import CallQCStore

/// What reviewers say the machine missed: stored, counted into recall, proposed as examples.
final class RecallTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-recall-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testMissedFindingsRoundTripThroughTheStore() throws {
        try StoreBackends.each(in: dir) { store, backend in
            let plain = Review(callID: "C1", reviewedAt: "2026-12-01T08:00:00Z", score: 80, confirmed: ["taboo"])
            let misses = Review(callID: "C1", reviewedAt: "2026-12-01T09:00:00Z", reviewer: "王组长",
                                missed: [MissedFinding(rule: "taboo.dont-know", turn: 3, note: "不清楚 = 不知道"), MissedFinding(rule: "pii.agent", turn: 12)],
                                note: "复听")
            try store.record(plain)
            try store.record(misses)
            XCTAssertEqual(try store.reviews(), [plain, misses], "[\(backend)]")
            XCTAssertEqual(try backend.open().reviews()[1].missed.map(\.description), ["taboo.dont-know@3", "pii.agent@12"], "[\(backend)]")
            // A miss on turn 0 is refused by the database itself (turns count from 1), and the review with it.
            XCTAssertThrowsError(try store.record(Review(callID: "C1", reviewedAt: "2026-12-01T10:00:00Z", missed: [MissedFinding(rule: "taboo", turn: 0)])), "[\(backend)]")
            XCTAssertEqual(try store.reviews().count, 2, "[\(backend)] nothing of the refused review is kept")
        }
    }

    func testParsingRuleAtTurn() {
        XCTAssertEqual(MissedFinding(parsing: "taboo.dont-know@3"), MissedFinding(rule: "taboo.dont-know", turn: 3))
        XCTAssertEqual(MissedFinding(parsing: " refusal.curt @ 12 ", note: "n"), MissedFinding(rule: "refusal.curt", turn: 12, note: "n"))
        XCTAssertNil(MissedFinding(parsing: "taboo@0"))
        XCTAssertNil(MissedFinding(parsing: "taboo@-1"))
        XCTAssertNil(MissedFinding(parsing: "@3"))
        XCTAssertNil(MissedFinding(parsing: "taboo 3"))
        XCTAssertNil(MissedFinding(parsing: "two words@3"))
        XCTAssertNil(MissedFinding(parsing: "taboo@three"))
    }

    static func summary(_ id: String) -> CallSummary {
        CallSummary(callID: id, agent: "A", date: "2026-12-01", source: nil, contentHash: id, ruleSet: "zh-CN", ruleSetVersion: "1",
                    score: 90, maxScore: 100, grade: nil, veto: false, vetoRules: [], agentCharsPerMinute: nil, agentWordsPerMinute: nil,
                    duration: nil, findings: [], sections: [])
    }

    func testRecallCountsConfirmedAgainstMissedAcrossACallsReviews() throws {
        let dk = "taboo.dont-know", ref = "taboo.refusal"
        let reviews = [
            Review(callID: "c1", reviewedAt: "t1", score: 70, confirmed: [dk], missed: [MissedFinding(rule: dk, turn: 3), MissedFinding(rule: dk, turn: 5)]),
            Review(callID: "c2", reviewedAt: "t2", confirmed: [dk], rejected: [ref]),
            // A review that only marks misses keeps the verdicts before it; the same turn again is one miss, with the newer note.
            Review(callID: "c1", reviewedAt: "t3", reviewer: "李", missed: [MissedFinding(rule: dk, turn: 5, note: "x"), MissedFinding(rule: ref, turn: 2)]),
            // A later verdict on a rule replaces the earlier one.
            Review(callID: "c2", reviewedAt: "t4", confirmed: [ref]),
            Review(callID: "c3", reviewedAt: "t5", missed: [MissedFinding(rule: dk, turn: 1)]),
        ]
        let c = Calibration(reviews: reviews, calls: [Self.summary("c1"), Self.summary("c2")])
        let dkRow = try XCTUnwrap(c.rules.first { $0.rule == dk })
        XCTAssertEqual([dkRow.confirmed, dkRow.rejected, dkRow.missed], [2, 0, 3])
        XCTAssertEqual(dkRow.precision, 1)
        XCTAssertEqual(try XCTUnwrap(dkRow.recall), 0.4, accuracy: 1e-9)
        let refRow = try XCTUnwrap(c.rules.first { $0.rule == ref })
        XCTAssertEqual([refRow.confirmed, refRow.rejected, refRow.missed], [1, 0, 1])
        XCTAssertEqual(try XCTUnwrap(refRow.recall), 0.5, accuracy: 1e-9)
        XCTAssertEqual(c.rules.map(\.rule), [dk, ref], "lowest recall first among equal precision")
        XCTAssertEqual(c.missed.map { "\($0.rule) \($0.callID) \($0.turn)" }, ["\(dk) c1 3", "\(dk) c1 5", "\(dk) c3 1", "\(ref) c1 2"])
        XCTAssertEqual(c.missed[1].note, "x")
        XCTAssertEqual(c.missed[1].reviewer, "李")
        XCTAssertEqual(c.total?.mean, 20, "the score of c1's first review still counts")
        XCTAssertEqual(c.unmatched, ["c3"])
        // No judgement, no figure.
        XCTAssertNil(Calibration.RulePrecision(rule: "x", confirmed: 0, rejected: 0, missed: 0).recall)
        XCTAssertEqual(Calibration.RulePrecision(rule: "x", confirmed: 0, rejected: 0, missed: 2).recall, 0)
    }

    func stored() -> StoredResult {
        let call = Call(id: "C-13812345678", turns: [
            Turn(role: .agent, speaker: "坐席", text: "不知道您方便吗？"),
            Turn(role: .agent, speaker: "坐席", text: "不行的哦。"),
            Turn(role: .customer, speaker: "客户", text: "我的手机号13812345678。"),
            Turn(role: .agent, speaker: "坐席", text: "这个我也不清楚。"),
            Turn(role: .agent, speaker: "坐席", text: "您好，不知道是哪个程序卡顿呢？"),
        ])
        let result = JSONValue.object([("findings", .array([
            .object([("rule", .string("dk")), ("kind", .string("forbidden")), ("turn", .number(1))]),
            .object([("rule", .string("dk")), ("kind", .string("forbidden")), ("turn", .number(5))]),
            .object([("rule", .string("closing")), ("kind", .string("required")), ("turn", .null)]),
        ]))])
        return StoredResult(summary: Self.summary(call.id), result: result, call: call, checkedAt: "t0")
    }

    func testSuggestedExamplesAreGroupedMaskedAndPasteable() throws {
        let id = "C-13812345678"
        let reviews = [
            Review(callID: id, reviewedAt: "t1", rejected: ["dk"],
                   missed: [MissedFinding(rule: "dk", turn: 4, note: "不清楚 = 不知道"), MissedFinding(rule: "pii.customer", turn: 3, note: "号码 13912345678"),
                            MissedFinding(rule: "dk", turn: 3)]),
            Review(callID: "gone", reviewedAt: "t2", missed: [MissedFinding(rule: "dk", turn: 1)]),
        ]
        let s = try ExampleSuggestions(reviews: reviews, stored: { $0 == id ? self.stored() : nil })
        XCTAssertEqual(s.rules.map(\.rule), ["dk", "pii.customer"])
        XCTAssertEqual(s.rules[0].flag.map(\.turn), [3, 4])
        XCTAssertEqual(s.rules[0].pass.map(\.turn), [1, 5], "the turns of the rejected rule's findings")
        XCTAssertEqual(s.unmatched, ["gone"])
        let yaml = s.yaml(roles: ["dk": .agent, "pii.customer": .customer], redactor: Redactor(), source: "qc.sqlite")
        XCTAssertFalse(yaml.contains("13812345678"), yaml)
        XCTAssertFalse(yaml.contains("13912345678"), "notes are masked too")
        XCTAssertTrue(yaml.contains("pii.customer:\n  flag:\n    - \"我的手机号138****5678。\"  # C-138****5678 turn 3: missed (号码 139****5678)"), yaml)
        XCTAssertTrue(yaml.contains("    - \"这个我也不清楚。\"  # C-138****5678 turn 4: missed (不清楚 = 不知道)"), yaml)
        XCTAssertTrue(yaml.contains("    - |\n      客户: 我的手机号138****5678。\n"), "a customer's turn for an agent rule is a one-turn transcript: \(yaml)")

        // Pasted under a rule's examples, the suggestions load and run as that rule's examples.
        let section = try XCTUnwrap(yaml.components(separatedBy: "\ndk:\n").last?.components(separatedBy: "\n\n").first)
        let pasted = section.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try EvaluationTests.ruleSet.write(to: dir.appendingPathComponent("ruleset.yaml"), atomically: true, encoding: .utf8)
        try """
        rules:
          - id: dk
            kind: forbidden
            message: 不知道
            section: politeness
            deduction: 10
            phrases: [不知道]
            exceptions: [不知道您, 不知道是]
            examples:
        \(pasted)
        """.write(to: dir.appendingPathComponent("rules/a.yaml"), atomically: true, encoding: .utf8)
        let set = try RuleSetLoader().load(dir.path)
        XCTAssertEqual(set.rules[0].examples.map(\.mustFlag), [true, true, false, false], pasted)
        // The pass examples pass (exceptions); the flag examples are what the rule does not see yet.
        let failures = Checker(catalog: RuleCatalog(ruleSets: [set], fixed: true)).testExamples(of: set)
        XCTAssertEqual(failures.map(\.example.mustFlag), [true, true], "both missed turns are still missed: \(failures)")
    }
}
