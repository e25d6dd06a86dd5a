import Foundation
import XCTest

/// Recall from reviewers on the command line: review --missed, report calibration, rules suggest-examples.
final class RecallCLITests: XCTestCase {
    var dir: URL!
    var db: String { dir.appendingPathComponent("qc.sqlite").path }

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-cli-recall-\(UUID().pathSafe)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // The rude call: 22 turns, taboo.dont-know found on turn 7.
        XCTAssertEqual(try CLI.run(["check", "samples/rude-agent.txt", "--db", db, "--format", "jsonl", "-o", "/dev/null", "--no-progress"]).status, 0)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testMissedTurnsFlowIntoCalibrationAndExamples() throws {
        let first = try CLI.run(["review", "C20261120-0057", "--db", db, "--score", "40", "--confirm", "taboo.refusal", "--reject", "taboo.dont-know"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let missed = try CLI.run(["review", "C20261120-0057", "--db", db, "--missed", "taboo.refusal@9", "--missed", "taboo.refusal@13", "--note", "推诿"])
        XCTAssertEqual(missed.status, 0, missed.stderr)
        XCTAssertEqual(missed.stdout, "recorded review of C20261120-0057: missed taboo.refusal@9, taboo.refusal@13\n")

        // Refused: the machine did find it there; a turn the call lacks; a rule the rule set lacks; not RULE@TURN.
        let found = try CLI.run(["review", "C20261120-0057", "--db", db, "--missed", "taboo.dont-know@7"])
        XCTAssertEqual(found.status, 1)
        XCTAssertTrue(found.stderr.contains("the machine found taboo.dont-know on turn 7; use --confirm taboo.dont-know"), found.stderr)
        let outside = try CLI.run(["review", "C20261120-0057", "--db", db, "--missed", "taboo.refusal@23"])
        XCTAssertEqual(outside.status, 1)
        XCTAssertTrue(outside.stderr.contains("has 22 turns"), outside.stderr)
        XCTAssertEqual(try CLI.run(["review", "C20261120-0057", "--db", db, "--missed", "no.such.rule@3"]).status, 1)
        XCTAssertEqual(try CLI.run(["review", "C20261120-0057", "--db", db, "--missed", "taboo.refusal"]).status, 2)

        let table = try CLI.run(["report", "calibration", "--db", db])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("RULE                      CONFIRMED  REJECTED  MISSED  PRECISION  RECALL"), table.stdout)
        // One call confirmed, two turns missed: recall 1 / 3.
        XCTAssertTrue(table.stdout.contains("taboo.refusal             1          0         2       100%       33%"), table.stdout)
        XCTAssertTrue(table.stdout.contains("taboo.dont-know           0          1         0       0%         -"), table.stdout)
        // The reviewer is the operating-system user: callqc review was given no --reviewer.
        XCTAssertTrue(table.stdout.contains("MISSED TURNS (2)\ntaboo.refusal  C20261120-0057 turn 9  (\(FloorCLITests.osUser))  推诿\n    明细你自己去营业厅打印。\n"), table.stdout)
        XCTAssertTrue(table.stdout.contains("MACHINE−HUMAN"), "the score differences are still there")

        let json = try CLI.run(["report", "calibration", "--db", db, "--format", "json"])
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let rules = try XCTUnwrap(object["rules"] as? [[String: Any]])
        let refusal = try XCTUnwrap(rules.first { $0["rule"] as? String == "taboo.refusal" })
        XCTAssertEqual(refusal["missed"] as? Int, 2)
        XCTAssertEqual(try XCTUnwrap(refusal["recall"] as? Double), 1.0 / 3.0, accuracy: 1e-9)
        XCTAssertEqual((object["missed"] as? [[String: Any]])?.map { $0["turn"] as? Int }, [9, 13])

        let yaml = try CLI.run(["rules", "suggest-examples", "--db", db])
        XCTAssertEqual(yaml.status, 0, yaml.stderr)
        XCTAssertTrue(yaml.stdout.contains("""
        taboo.dont-know:
          pass:
            - "不知道。系统上就这么显示的。"  # C20261120-0057 turn 7: finding rejected
        """), yaml.stdout)
        XCTAssertTrue(yaml.stdout.contains("""
        taboo.refusal:
          flag:
            - "明细你自己去营业厅打印。"  # C20261120-0057 turn 9: missed (推诿)
            - "退费不归我们这里管。"  # C20261120-0057 turn 13: missed (推诿)
        """), yaml.stdout)
    }

    func testSuggestedExamplesMaskPersonalData() throws {
        XCTAssertEqual(try CLI.run(["check", "samples/pii-readout.txt", "--db", db, "--format", "jsonl", "-o", "/dev/null", "--no-progress"]).status, 0)
        let show = try CLI.run(["check", "samples/pii-readout.txt", "--format", "json", "--no-redact"])
        let result = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [[String: Any]]).first
        let call = try XCTUnwrap(result?["call"] as? [String: Any])
        let id = try XCTUnwrap(call["id"] as? String)
        // Reject every personal-data finding: their turns become pass examples, masked.
        let findings = try XCTUnwrap(result?["findings"] as? [[String: Any]])
        let pii = Set(findings.compactMap { $0["rule"] as? String }.filter { $0.hasPrefix("pii.") })
        XCTAssertFalse(pii.isEmpty)
        let review = try CLI.run(["review", id, "--db", db] + pii.sorted().flatMap { ["--reject", $0] })
        XCTAssertEqual(review.status, 0, review.stderr)
        let yaml = try CLI.run(["rules", "suggest-examples", "--db", db])
        XCTAssertTrue(yaml.stdout.contains("pass:"), yaml.stdout)
        let values = ["13812345678", "11010519491231002X", "6222021234567890128", "zhang.san@example.com"]
        for v in values { XCTAssertFalse(yaml.stdout.contains(v), "\(v) survived: \(yaml.stdout)") }
        let open = try CLI.run(["rules", "suggest-examples", "--db", db, "--no-redact"])
        XCTAssertTrue(values.allSatisfy(open.stdout.contains), open.stdout)
    }
}
