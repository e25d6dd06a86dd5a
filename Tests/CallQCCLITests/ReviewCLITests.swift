import Foundation
import XCTest

/// Gaps found in review, through the command line.
final class ReviewCLITests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-cli-review-\(UUID().pathSafe)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func write(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Two calls E1 on two days, one reviewed with a missed turn: calibration and suggested
    /// examples quote the reviewed transcript's turn instead of failing on the shared id.
    func testCalibrationAndSuggestionsWithTwoCallsSharingAnId() throws {
        let db = dir.appendingPathComponent("qc.sqlite").path
        let a = try write("day1/E1.txt", "# call: E1\n# agent: A1\n# date: 2026-11-20\n[00:00-00:03] 坐席: 您好，很高兴为您服务。\n[00:03-00:05] 客户: 我查话费。\n")
        let b = try write("day2/E1.txt", "# call: E1\n# agent: A1\n# date: 2026-11-21\n[00:00-00:03] 坐席: 这事我管不着，别问我。\n[00:03-00:05] 客户: 我查话费。\n")
        XCTAssertEqual(try CLI.run(["check", a, b, "--db", db]).status, 0)
        XCTAssertEqual(try CLI.run(["review", "E1@2026-11-21", "--db", db, "--score", "60", "--missed", "taboo.attitude@1"]).status, 0)
        let calibration = try CLI.run(["report", "calibration", "--db", db])
        XCTAssertEqual(calibration.status, 0, calibration.stderr)
        XCTAssertTrue(calibration.stdout.contains("这事我管不着"), calibration.stdout)
        let json = try CLI.run(["report", "calibration", "--db", db, "--format", "json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let examples = try CLI.run(["rules", "suggest-examples", "--db", db])
        XCTAssertEqual(examples.status, 0, examples.stderr)
        XCTAssertTrue(examples.stdout.contains("这事我管不着"), examples.stdout)
    }

    /// eval measures the rules without the match by sound, as check --no-sound runs them.
    func testEvalWithoutSound() throws {
        let labels = try write("l.jsonl", #"{"id":"s1","text":"不知到。","role":"agent","expect":["taboo.dont-know"],"lang":"zh-Hans"}"# + "\n")
        let with = try CLI.run(["eval", labels, "--format", "json"])
        XCTAssertEqual(with.status, 0, with.stderr)
        XCTAssertFalse(with.stdout.contains("\"s1\""), "found by sound: no miss listed")
        let without = try CLI.run(["eval", labels, "--no-sound", "--format", "json"])
        XCTAssertEqual(without.status, 0, without.stderr)
        XCTAssertTrue(without.stdout.contains("\"s1\""), "a miss without the match by sound: \(without.stdout.prefix(800))")
    }

    /// purge --before compares dates as text: a day that is no day (2026-13-45, a swapped
    /// 2026-15-12) would delete every call of the year, so it is refused.
    func testPurgeRefusesADayThatIsNoDay() throws {
        let db = dir.appendingPathComponent("qc.sqlite").path
        let a = try write("P1.txt", "# call: P1\n# date: 2026-11-20\n[00:00-00:03] 坐席: 您好，很高兴为您服务。\n[00:03-00:05] 客户: 我查话费。\n")
        XCTAssertEqual(try CLI.run(["check", a, "--db", db]).status, 0)
        for bad in ["2026-13-45", "2026-15-12", "2026-02-30", "2026-00-10", "２０２６-11-21"] {
            let run = try CLI.run(["purge", "--db", db, "--before", bad])
            XCTAssertEqual(run.status, 2, bad)
            XCTAssertFalse(run.stdout.contains("deleted call"), run.stdout)
        }
        XCTAssertEqual(try CLI.run(["sample", "--db", db, "--date", "2026-02-29"]).status, 2, "2026 is no leap year")
        XCTAssertEqual(try CLI.run(["purge", "--db", db, "--before", "2024-02-29", "--dry-run"]).status, 0)
        XCTAssertTrue(try CLI.run(["sample", "--db", db, "--date", "2026-11-20"]).stdout.contains("P1"), "nothing was purged")
    }

    /// An id, agent, note or turn holding escape sequences does not reach the terminal from
    /// sample's notes, review's answer or the calibration report.
    func testEscapeSequencesDoNotReachTheTerminalFromQueueReviewAndCalibration() throws {
        let db = dir.appendingPathComponent("qc.sqlite").path
        let calls = try write("esc.jsonl", #"{"id":"E\u001b[2J","agent":"A\u001b[31m","date":"2026-11-21","turns":[{"role":"agent","text":"不知道\u001b]0;x\u0007"},{"role":"customer","text":"嗯"}]}"# + "\n")
        XCTAssertEqual(try CLI.run(["check", calls, "--db", db]).status, 0)
        let queue = try CLI.run(["sample", "--db", db, "--date", "2026-11-21"])
        let review = try CLI.run(["review", "E\u{1B}[2J", "--db", db, "--score", "50", "--missed", "taboo.refusal@1", "--note", "n\u{1B}[2J"])
        XCTAssertEqual(review.status, 0, review.stderr)
        let calibration = try CLI.run(["report", "calibration", "--db", db])
        for (name, out) in [("sample", queue.stdout), ("review", review.stdout), ("calibration", calibration.stdout)] {
            XCTAssertFalse(out.utf8.contains(0x1B), "\(name): \(out.debugDescription)")
        }
        XCTAssertTrue(calibration.stdout.contains("A\\e[31m"), calibration.stdout)
        // The suggested examples, to paste into a rule file: no control characters either.
        let examples = try CLI.run(["rules", "suggest-examples", "--db", db])
        XCTAssertEqual(examples.status, 0, examples.stderr)
        XCTAssertTrue(examples.stdout.contains("taboo.refusal"), examples.stdout)
        XCTAssertFalse(examples.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, examples.stdout.debugDescription)
    }

    /// A call named after the caller's number: the queue masks it in every format and names it
    /// by its content hash, which review accepts.
    func testTheQueueMasksACallNamedByANumber() throws {
        let db = dir.appendingPathComponent("qc.sqlite").path
        let a = try write("rec.txt", "# call: 13812345678\n# agent: A1\n# date: 2026-11-21\n[00:00-00:03] 坐席: 不知道。\n[00:03-00:05] 客户: 我查话费。\n")
        XCTAssertEqual(try CLI.run(["check", a, "--db", db]).status, 0)
        var hash = ""
        for format in ["table", "csv", "json"] {
            let run = try CLI.run(["sample", "--db", db, "--date", "2026-11-21", "--format", format])
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertFalse(run.stdout.contains("13812345678"), "\(format): \(run.stdout)")
            XCTAssertTrue(run.stdout.contains("138****5678@") || run.stdout.contains("138****5678"), run.stdout)
            if format == "json", let r = run.stdout.range(of: #""content_hash": ""#) { hash = String(run.stdout[r.upperBound...].prefix(32)) }
        }
        XCTAssertEqual(hash.count, 32)
        XCTAssertTrue(try CLI.run(["sample", "--db", db, "--date", "2026-11-21"]).stdout.contains("callqc review \(hash)"))
        XCTAssertEqual(try CLI.run(["review", hash, "--db", db, "--score", "40"]).status, 0)
        // review's answer and its messages mask the id too.
        let byID = try CLI.run(["review", "13812345678", "--db", db, "--score", "41"])
        XCTAssertEqual(byID.status, 0, byID.stderr)
        XCTAssertFalse(byID.stdout.contains("13812345678"), byID.stdout)
        let badTurn = try CLI.run(["review", "13812345678", "--db", db, "--missed", "taboo.refusal@9"])
        XCTAssertEqual(badTurn.status, 1)
        XCTAssertTrue(badTurn.stderr.contains("138****5678"), badTurn.stderr)
        XCTAssertTrue(try CLI.run(["sample", "--db", db, "--date", "2026-11-21", "--no-redact"]).stdout.contains("(no calls") == false)
    }

    /// lint: a typed draft is never matched by sound; a call is, unless --no-sound.
    func testLintAndTheMatchBySound() throws {
        let draft = try write("draft.txt", "您好，很高兴为您服务\n不只道路要修，线路也要查\n")
        XCTAssertFalse(try CLI.run(["lint", draft]).stdout.contains("音近"))
        let call = try write("call.txt", "[00:00-00:03] 坐席: 您好，很高兴为您服务\n[00:03-00:05] 客户: 我查话费\n[00:05-00:07] 坐席: 不知到\n")
        XCTAssertTrue(try CLI.run(["lint", call]).stdout.contains("音近"))
        let literal = try CLI.run(["lint", call, "--no-sound"])
        XCTAssertEqual(literal.status, 0, literal.stderr)
        XCTAssertFalse(literal.stdout.contains("音近"), literal.stdout)
    }

    /// redact reads WebVTT voice tags (<v 客户>) as speakers: a number split across two cues is
    /// masked in both, as check and convert mask it.
    func testRedactReadsWebVTTVoices() throws {
        let vtt = try write("s.vtt", "WEBVTT\n\n00:00.000 --> 00:03.000\n<v 客户>我的手机号是138\n\n00:03.000 --> 00:05.000\n<v 客户>1234 5678\n\n00:05.000 --> 00:07.000\n<v.loud 坐席>好的\n")
        let run = try CLI.run(["redact", vtt])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertFalse(run.stdout.contains("1234"), run.stdout)
        XCTAssertTrue(run.stdout.contains("<v 客户>**** 5678"), run.stdout)
        XCTAssertTrue(run.stdout.contains("<v.loud 坐席>好的"), run.stdout)
    }

    /// redact reads a Zoom transcript's `[Name] HH:MM:SS` heads as its speakers: a number split
    /// across two entries is masked as check and convert mask it (138 **** 5678), not 12** ****.
    func testRedactReadsZoomHeads() throws {
        let zoom = try write("z.txt", "[坐席] 00:00:01\n您好，请问您的手机号\n[客户] 00:00:03\n我的手机号是138\n[客户] 00:00:05\n1234 5678\n[坐席] 00:00:08\n好的\n")
        let run = try CLI.run(["redact", zoom])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("\n**** 5678\n"), run.stdout)
        XCTAssertTrue(run.stdout.contains("[客户] 00:00:05\n"), run.stdout)
        let converted = try CLI.run(["convert", zoom, "--to", "plain"])
        XCTAssertTrue(converted.stdout.contains("**** 5678"), converted.stdout)
    }

    /// In a plain transcript a line without a label continues the turn before it: redact reads it
    /// so, and masks a number wrapped over lines (it left 138 / 1234 5678 whole).
    func testRedactReadsContinuationLines() throws {
        let one = try write("c1.txt", "坐席: 您好，请问您的手机号\n客户: 我的手机号是138\n1234 5678\n坐席: 好的\n")
        let run = try CLI.run(["redact", one])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertFalse(run.stdout.contains("1234"), run.stdout)
        XCTAssertTrue(run.stdout.contains("客户: 我的手机号是138\n**** 5678\n"), run.stdout)
        let three = try write("c2.txt", "坐席: 您好\n客户: 我的手机号是138\n1234\n5678\n坐席: 好的\n")
        let split = try CLI.run(["redact", three])
        XCTAssertFalse(split.stdout.contains("1234"), split.stdout)
        XCTAssertTrue(split.stdout.contains("\n5678\n"), split.stdout)
    }
}
