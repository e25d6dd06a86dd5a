import Foundation
import XCTest

/// `callqc eval` as a user runs it: the table, JSON, thresholds, bad lines, masking.
final class EvalCLITests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-eval-cli-\(UUID().pathSafe)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try """
        {"id":"z1","text":"我不知道。","expect":["taboo.dont-know"],"lang":"zh-Hans","category":"listed"}
        {"id":"z2","text":"好的，我帮您查询一下。","expect":[],"lang":"zh-Hans","before":[{"role":"agent","text":"我不知道。"}],"category":"context"}
        {"id":"z3","text":"您的手机号是13812345678，对吧？","expect":[],"lang":"zh-Hans","category":"pii-decoy"}
        {"id":"e1","text":"I don't know.","expect":["taboo.dont-know"],"lang":"en"}
        {"id":"e2","text":"Let me check that for you.","expect":["taboo.dont-know"],"lang":"en"}
        """.write(to: dir.appendingPathComponent("a.jsonl"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testTableListsMissesAndFalseAlarmsMasked() throws {
        let r = try CLI.run(["eval", dir.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("5 labelled turns from 1 file"), r.stdout)
        XCTAssertTrue(r.stdout.contains("GROUP (turns)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("MISSES (1)\ne2"), r.stdout)
        XCTAssertTrue(r.stdout.contains("FALSE ALARMS (1)\nz3"), r.stdout)
        XCTAssertFalse(r.stdout.contains("13812345678"), "personal data is masked")
        XCTAssertTrue(r.stdout.contains("138****5678"), r.stdout)
        let open = try CLI.run(["eval", dir.path, "--no-redact"])
        XCTAssertTrue(open.stdout.contains("13812345678"))
    }

    func testJSONCountsAndLanguagePicksTheRuleSet() throws {
        let r = try CLI.run(["eval", dir.appendingPathComponent("a.jsonl").path, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["schema"] as? String, "callqc.eval/1")
        let rules = try XCTUnwrap(json["rules"] as? [[String: Any]])
        let dontKnow = try XCTUnwrap(rules.first { $0["rule"] as? String == "taboo.dont-know" })
        // z1 and e1 found (the Chinese and the English rule set), e2 missed; z2's context turn does not count.
        XCTAssertEqual(dontKnow["tp"] as? Int, 2)
        XCTAssertEqual(dontKnow["fp"] as? Int, 0)
        XCTAssertEqual(dontKnow["fn"] as? Int, 1)
        let misses = try XCTUnwrap(json["misses"] as? [[String: Any]])
        XCTAssertEqual(misses.map { $0["id"] as? String }, ["e2"])
    }

    func testThresholdsAndBadLinesExitOne() throws {
        let ok = try CLI.run(["eval", dir.path, "--group", "pii", "--min-recall", "0.9", "-o", "/dev/null"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let low = try CLI.run(["eval", dir.path, "--group", "taboo+curt", "--min-recall", "90%", "-o", "/dev/null"])
        XCTAssertEqual(low.status, 1)
        XCTAssertTrue(low.stderr.contains("taboo+curt: recall 66.7% is below 90.0%"), low.stderr)
        let unknown = try CLI.run(["eval", dir.path, "--group", "nope", "--min-recall", "0.5", "-o", "/dev/null"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertEqual(try CLI.run(["eval", dir.path, "--min-recall", "150%"]).status, 2)
        XCTAssertEqual(try CLI.run(["eval"]).status, 2)

        try "{\"text\":\"好的\"}\n".write(to: dir.appendingPathComponent("b.jsonl"), atomically: true, encoding: .utf8)
        let bad = try CLI.run(["eval", dir.path])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("b.jsonl:1: 'expect' is missing"), bad.stderr)
        XCTAssertTrue(bad.stdout.hasPrefix("5 labelled turns from 2 files"), bad.stdout)
    }
}

/// The shipped lexicons against the shipped labelled sets (eval/): the targets, kept.
/// The development set is what the lexicons were tuned on; the held-out set was written blind.
final class ShippedEvalTests: XCTestCase {
    func testTabooAndCurtRefusalsMeetTheTargetsOnBothSets() throws {
        for set in ["eval/dev", "eval/heldout"] {
            let r = try CLI.run(["eval", set, "--group", "taboo+curt", "--min-precision", "0.95", "--min-recall", "0.85", "-o", "/dev/null", "--quiet"])
            XCTAssertEqual(r.status, 0, "\(set): \(r.stderr)")
        }
    }

    func testPersonalDataMeetsTheTargets() throws {
        let r = try CLI.run(["eval", "eval/dev/pii.jsonl", "--group", "pii", "--min-precision", "0.95", "--min-recall", "0.98", "-o", "/dev/null", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
    }
}
