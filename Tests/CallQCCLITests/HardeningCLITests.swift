import Foundation
import XCTest

/// Issue 13 through the command line.
final class HardeningCLITests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-cli-harden-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func write(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func testSameIdOnTwoDaysIsKeptWarnedAndReviewable() throws {
        let db = dir.appendingPathComponent("qc.sqlite").path
        let a = try write("day1/E1.txt", "# call: E1\n# agent: A1\n# date: 2026-11-20\n[00:00-00:03] 坐席: 您好，很高兴为您服务。\n[00:03-00:05] 客户: 我查话费。\n")
        let b = try write("day2/E1.txt", "# call: E1\n# agent: A1\n# date: 2026-11-21\n[00:00-00:03] 坐席: 不知道，你自己去营业厅问。\n[00:03-00:05] 客户: 我查话费。\n")
        XCTAssertEqual(try CLI.run(["check", a, "--db", db]).status, 0)
        let second = try CLI.run(["check", b, "--db", db])
        XCTAssertTrue(second.stderr.contains("warning") && second.stderr.contains("day1/E1.txt") && second.stderr.contains("day2/E1.txt"), second.stderr)
        let report = try CLI.run(["report", "--db", db, "--by", "day", "--format", "csv"])
        XCTAssertTrue(report.stdout.contains("2026-11-20") && report.stdout.contains("2026-11-21"), report.stdout)
        let queue = try CLI.run(["sample", "--db", db, "--date", "2026-11-21"])
        XCTAssertTrue(queue.stdout.contains("E1@2026-11-21"), queue.stdout)
        let ambiguous = try CLI.run(["review", "E1", "--db", db, "--score", "50"])
        XCTAssertEqual(ambiguous.status, 1)
        XCTAssertTrue(ambiguous.stderr.contains("E1@2026-11-20"), ambiguous.stderr)
        XCTAssertEqual(try CLI.run(["review", "E1@2026-11-21", "--db", db, "--score", "50"]).status, 0)
        XCTAssertFalse(try CLI.run(["sample", "--db", db, "--date", "2026-11-21"]).stdout.contains("E1@"), "the reviewed call is not drawn again")
        XCTAssertTrue(try CLI.run(["sample", "--db", db, "--date", "2026-11-20"]).stdout.contains("E1@2026-11-20"), "the other E1 still is")
    }

    func testReviewScoresAboveTheMaximumAreRefused() throws {
        let db = dir.appendingPathComponent("qc.sqlite").path
        XCTAssertEqual(try CLI.run(["check", "samples/rude-agent.txt", "--db", db]).status, 0)
        for score in ["999999", "1.7e308"] {
            let run = try CLI.run(["review", "C20261120-0057", "--db", db, "--score", score])
            XCTAssertEqual(run.status, 2, score)
            XCTAssertTrue(run.stderr.contains("maximum of 100"), run.stderr)
        }
        XCTAssertEqual(try CLI.run(["review", "C20261120-0057", "--db", db, "--section", "politeness=1.7e308"]).status, 2)
        XCTAssertEqual(try CLI.run(["review", "C20261120-0057", "--db", db, "--score", "100"]).status, 0)
    }
}
