import Foundation
import XCTest

/// Runs the built `callqc` binary as a user would.
final class CLITests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func callqc(_ args: [String], stdin: String? = nil) throws -> CLI.Run { try CLI.run(args, stdin: stdin) }
    func testVersionAndHelp() throws {
        let v = try callqc(["--version"])
        XCTAssertEqual(v.status, 0)
        XCTAssertTrue(v.stdout.hasPrefix("callqc "), v.stdout)
        XCTAssertTrue(v.stdout.contains("ICU"))
        let h = try callqc(["--help"])
        XCTAssertEqual(h.status, 0)
        XCTAssertTrue(h.stdout.contains("check"))
    }

    func testCheckSamplesTable() throws {
        let r = try callqc(["check", "samples/"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("C20261120-0042"))
        XCTAssertTrue(r.stdout.contains("zh-Hant"))
        XCTAssertTrue(r.stdout.contains("no times"))
        XCTAssertTrue(r.stdout.contains("calls from"))
    }

    func testJSONLinesStreamCarriesErrorsAndExitIsOne() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-cli-\(UUID().pathSafe)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "[00:01-00:03] 坐席: 您好\n[00:05-00:04] 客户: 喂\n".write(to: dir.appendingPathComponent("bad.txt"), atomically: true, encoding: .utf8)
        try "[00:01-00:03] 坐席: 您好\n".write(to: dir.appendingPathComponent("good.txt"), atomically: true, encoding: .utf8)
        let r = try callqc(["check", dir.path, "--format", "jsonl"])
        XCTAssertEqual(r.status, 1)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[0].contains("\"schema\":\"callqc.error/1\""), lines[0])
        XCTAssertTrue(lines[0].contains("\"line\":2"))
        XCTAssertTrue(lines[1].contains("\"schema\":\"callqc.result/1\""))
        XCTAssertTrue(r.stderr.contains("bad.txt:2: end time"), r.stderr)
    }

    func testStandardInputJSONLines() throws {
        let line = "{\"id\":\"S1\",\"turns\":[{\"role\":\"agent\",\"text\":\"您好\",\"start\":0,\"end\":2}]}\n"
        let r = try callqc(["check", "-", "--format", "json"], stdin: line + line.replacingOccurrences(of: "S1", with: "S2"))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("["))
        XCTAssertTrue(r.stdout.contains("\"id\": \"S2\""))
    }

    func testVendorFilesAndSpeakerRoleFlags() throws {
        let azure = try callqc(["convert", "Tests/CallQCTests/Fixtures/azure/summarizationInputSample.json", "--to", "json"])
        XCTAssertEqual(azure.status, 0, azure.stderr)
        XCTAssertTrue(azure.stdout.contains("\"speaker_roles_basis\": \"heuristic\""), azure.stdout)
        XCTAssertTrue(azure.stderr.contains("speaker roles guessed"), azure.stderr)
        let vtt = "WEBVTT\n\n00:00.500 --> 00:03.000\n<v Li Lei>喂？</v>\n\n00:03.100 --> 00:06.000\n<v Wang Fang>您好，请问有什么可以帮您？</v>\n"
        let flagged = try callqc(["check", "-", "--input-format", "vtt", "--agent-speaker", "Li Lei", "--format", "json"], stdin: vtt)
        XCTAssertEqual(flagged.status, 0, flagged.stderr)
        XCTAssertTrue(flagged.stdout.contains("\"speaker_roles_basis\": \"flag\""), flagged.stdout)
        XCTAssertFalse(flagged.stderr.contains("guessed"), flagged.stderr)
        let failed = try callqc(["check", "Tests/CallQCTests/Fixtures/tencent/DescribeTaskStatus_failed.json"])
        XCTAssertEqual(failed.status, 1)
        XCTAssertTrue(failed.stderr.contains("Failed to download audio file!"), failed.stderr)
        XCTAssertEqual(try callqc(["check", "-", "--agent-channel", "-1"], stdin: vtt).status, 2)
    }

    func testUsageErrorsExitTwo() throws {
        XCTAssertEqual(try callqc(["check"]).status, 2)
        XCTAssertEqual(try callqc(["check", "samples", "--format", "yaml"]).status, 2)
        XCTAssertEqual(try callqc(["check", "samples", "--no-such-flag"]).status, 2)
        XCTAssertEqual(try callqc(["check", "samples", "--input-format", "docx"]).status, 2)
    }

    func testMissingPathIsReportedAndTheRestRead() throws {
        let r = try callqc(["check", "samples/good-call-broadband.txt", "no/such/file.txt"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("C20261120-0042"))
        XCTAssertTrue(r.stderr.contains("no/such/file.txt: no such file or directory"))
    }

    func testConvertRoundTrip() throws {
        let json = try callqc(["convert", "samples/traditional-chinese.txt", "--to", "json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let back = try callqc(["convert", "-", "--to", "plain"], stdin: json.stdout)
        XCTAssertEqual(back.status, 0, back.stderr)
        XCTAssertTrue(back.stdout.contains("# call: C20261121-0041"))
        let again = try callqc(["convert", "-", "--to", "json", "--input-format", "plain"], stdin: back.stdout)
        XCTAssertEqual(again.stdout.replacingOccurrences(of: "\"source\": \"-\"", with: ""),
                       json.stdout.replacingOccurrences(of: "\"source\": \"samples/traditional-chinese.txt\"", with: ""))
    }
}

/// Runs the built binary.
enum CLI {
    struct Run { var status: Int32; var stdout: String; var stderr: String }

    static func binary() throws -> URL {
        let bundle = Bundle(for: CLITests.self).bundleURL
        let candidates = [bundle.appendingPathComponent("callqc"), bundle.deletingLastPathComponent().appendingPathComponent("callqc")]
        return try XCTUnwrap(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }, "callqc binary next to \(bundle.path)")
    }

    static func run(_ args: [String], stdin: String? = nil, cwd: URL? = nil) throws -> Run {
        let binary = try binary()
        let process = Process()
        process.executableURL = binary
        process.arguments = args
        process.currentDirectoryURL = cwd ?? CLITests.root
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }
}

/// The rule-engine side of the command line.
final class CLIRuleTests: XCTestCase {

    func testCheckShowsScoresAndFindings() throws {
        let r = try CLI.run(["check", "samples/rude-agent.txt"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("taboo.dont-know"), r.stdout)
        XCTAssertTrue(r.stdout.contains("「不知道」"))
        XCTAssertTrue(r.stdout.contains("mean score"))
    }

    func testFailOn() throws {
        XCTAssertEqual(try CLI.run(["check", "samples/rude-agent.txt", "--fail-on", "error"]).status, 1)
        XCTAssertEqual(try CLI.run(["check", "samples/good-call-broadband.txt", "--fail-on", "warning"]).status, 0)
        XCTAssertEqual(try CLI.run(["check", "samples/good-call-broadband.txt", "--fail-on", "severe"]).status, 2)
    }

    func testCSVWithByteOrderMarkAndMarkdown() throws {
        let csv = try CLI.run(["check", "samples/", "--format", "csv", "--bom"])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        XCTAssertTrue(csv.stdout.hasPrefix("\u{FEFF}call,agent,date"))
        let samples = try FileManager.default.contentsOfDirectory(atPath: CLITests.root.appendingPathComponent("samples").path).filter { $0.hasSuffix(".txt") }
        XCTAssertEqual(csv.stdout.split(separator: "\r\n").count, samples.count + 1, "a header and a row per call")
        let md = try CLI.run(["check", "samples/traditional-chinese.txt", "--format", "markdown"])
        XCTAssertTrue(md.stdout.contains("| section | score | deductions |"))
    }

    func testJSONCarriesScorecard() throws {
        let r = try CLI.run(["check", "samples/missing-greeting.txt", "--format", "jsonl"])
        XCTAssertTrue(r.stdout.contains("\"ruleset\":{\"name\":\"zh-CN\""), r.stdout)
        XCTAssertTrue(r.stdout.contains("\"rule\":\"greeting\""))
    }

    func testRulesCommands() throws {
        let test = try CLI.run(["rules", "test"])
        XCTAssertEqual(test.status, 0, test.stdout)
        XCTAssertTrue(test.stdout.contains("zh-CN:") && test.stdout.contains("0 failed"))
        let list = try CLI.run(["rules", "list"])
        XCTAssertTrue(list.stdout.contains("taboo.refusal"))
        let phrases = try CLI.run(["rules", "phrases"])
        let lines = phrases.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains("这是规定就不行"), "phrases are printed folded")
        XCTAssertTrue(lines.contains("thatisnotmyproblem"), "contractions fold to their long forms")
        XCTAssertEqual(lines.count, Set(lines).count, "each phrase once")
    }

    func testBadRuleSetStopsTheRunWithFileAndLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-badrules-\(UUID().pathSafe)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("rules.yaml")
        try """
        name: mine
        version: "1"
        language: zh
        scoring:
          sections: [{id: politeness, title: 礼貌, points: 100}]
          grades: [{grade: A, min: 0}]
        rules:
          - id: taboo
            kind: forbidden
            message: 忌语
            section: politeness
            phrases: [找领导去]
            exampels: {flag: [找领导去]}
        """.write(to: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["check", "samples/good-call-broadband.txt", "--rules", file.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("rules.yaml:13:5: unknown key 'exampels'"), r.stderr)
        XCTAssertTrue(r.stderr.contains("did you mean 'examples'"), r.stderr)
        XCTAssertEqual(r.stdout, "", "nothing is checked with a broken rule set")
        // A user's own rule set runs its examples.
        let fixed = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "exampels", with: "examples")
        try fixed.write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try CLI.run(["rules", "test", file.path]).status, 0)
        let checked = try CLI.run(["check", "samples/rude-agent.txt", "--rules", file.path, "--format", "jsonl"])
        XCTAssertTrue(checked.stdout.contains("\"ruleset\":{\"name\":\"mine\""))
    }
}

final class CLILintTests: XCTestCase {
    func testLintDraftsAndFailOn() throws {
        let r = try CLI.run(["lint", "samples/drafts/survey-draft.draft"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("reading time"))
        XCTAssertTrue(r.stdout.contains("→ 我帮您查询一下"), r.stdout)
        XCTAssertEqual(try CLI.run(["lint", "samples/drafts/survey-draft.draft", "--fail-on", "error"]).status, 1)
        let json = try CLI.run(["lint", "samples/drafts/sales-draft-en.draft", "--format", "json"])
        XCTAssertTrue(json.stdout.contains("\"schema\": \"callqc.lint/1\""))
        XCTAssertTrue(json.stdout.contains("Let me find out for you."))
    }

    func testLintScriptAndTranscriptAndBadInput() throws {
        XCTAssertEqual(try CLI.run(["lint", "lexicons/scripts/satisfaction-survey.yaml"]).status, 0)
        let call = try CLI.run(["lint", "samples/rude-agent.txt"])
        XCTAssertTrue(call.stdout.contains("(transcript, zh-Hans"), call.stdout)
        let missing = try CLI.run(["lint", "no/such/draft.txt", "samples/drafts/survey-draft.draft"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("no/such/draft.txt"))
        XCTAssertTrue(missing.stdout.contains("survey-draft.draft"), "the other input is still linted")
        XCTAssertEqual(try CLI.run(["lint", "samples/drafts/survey-draft.draft", "--as", "poem"]).status, 2)
    }

    func testCheckWithScriptShowsCoverage() throws {
        let r = try CLI.run(["check", "samples/survey-skipped-step.txt", "--format", "jsonl"])
        XCTAssertTrue(r.stdout.contains("\"script\":{\"id\":\"satisfaction-survey\""), r.stdout)
        XCTAssertTrue(r.stdout.contains("\"rule\":\"script.step\""))
        let forced = try CLI.run(["check", "samples/good-call-broadband.txt", "--script", "lexicons/scripts/broadband-upgrade.yaml", "--format", "jsonl"])
        XCTAssertTrue(forced.stdout.contains("\"id\":\"broadband-upgrade\""))
    }
}

/// The supervisor's day: check into the store, sample, review, report; and a run killed half-way.
final class CLIStoreTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-cli-store-\(UUID().pathSafe)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testSupervisorsDay() throws {
        let db = dir.appendingPathComponent("qc.sqlite").path
        XCTAssertEqual(try CLI.run(["check", "samples/", "--db", db, "--format", "jsonl"]).status, 0)
        let sample = try CLI.run(["sample", "--db", db, "--date", "2026-11-20", "--seed", "3"])
        XCTAssertEqual(sample.status, 0, sample.stderr)
        XCTAssertTrue(sample.stdout.contains("C20261120-0057"), "the rude call is a risk pick: \(sample.stdout)")
        XCTAssertTrue(sample.stdout.contains("risk: score 55"))
        XCTAssertEqual(try CLI.run(["sample", "--db", db, "--date", "2026-11-20", "--seed", "3"]).stdout, sample.stdout, "same seed, same queue")
        let review = try CLI.run(["review", "C20261120-0057", "--db", db, "--score", "40", "--confirm", "taboo", "--reject", "address", "--section", "politeness=0"])
        XCTAssertEqual(review.status, 0, review.stderr)
        XCTAssertTrue(review.stdout.contains("human 40, machine 55"))
        let after = try CLI.run(["sample", "--db", db, "--date", "2026-11-20", "--seed", "3", "--format", "json"])
        XCTAssertFalse(after.stdout.contains("\"call\": \"C20261120-0057\""), "a reviewed call is not drawn again")
        XCTAssertEqual(try CLI.run(["review", "NO-SUCH", "--db", db, "--score", "1"]).status, 1)
        let calibration = try CLI.run(["report", "calibration", "--db", db])
        XCTAssertTrue(calibration.stdout.contains("taboo") && calibration.stdout.contains("100%"), calibration.stdout)
        XCTAssertTrue(calibration.stdout.contains("address") && calibration.stdout.contains("0%"))
        let byAgent = try CLI.run(["report", "--db", db, "--by", "agent", "--from", "2026-11-20", "--to", "2026-11-20"])
        XCTAssertTrue(byAgent.stdout.contains("A023"), byAgent.stdout)
        XCTAssertFalse(byAgent.stdout.contains("A055"), "A055 called only on the 21st")
        let csv = try CLI.run(["report", "--db", db, "--by", "rule", "--format", "csv"])
        XCTAssertTrue(csv.stdout.hasPrefix("key,calls,calls_with_finding"))
        let html = dir.appendingPathComponent("report.html").path
        XCTAssertEqual(try CLI.run(["report", "--db", db, "--format", "html", "-o", html]).status, 0)
        let page = try String(contentsOfFile: html, encoding: .utf8)
        XCTAssertTrue(page.contains("质检报告") && page.contains("<svg"))
    }

    func testAKilledRunLeavesAConsistentDatabaseAndAReRunCompletesIt() throws {
        let db = dir.appendingPathComponent("qc.sqlite").path
        let jsonl = dir.appendingPathComponent("day.jsonl")
        var text = ""
        for i in 0..<6000 {
            text += "{\"id\":\"K\(i)\",\"agent\":\"A\(i % 7)\",\"date\":\"2026-11-21\",\"turns\":[{\"role\":\"agent\",\"start\":0,\"end\":4,\"text\":\"您好，欢迎致电，请问有什么可以帮您？\"},{\"role\":\"customer\",\"start\":4.5,\"end\":6,\"text\":\"我查一下话费，谢谢。\"},{\"role\":\"agent\",\"start\":6.5,\"end\":9,\"text\":\"好的，感谢您的来电，再见。\"}]}\n"
        }
        try text.write(to: jsonl, atomically: true, encoding: .utf8)
        let binary = try CLI.binary()
        let process = Process()
        process.executableURL = binary
        process.arguments = ["check", jsonl.path, "--db", db, "--format", "jsonl", "--batch", "2", "-o", "/dev/null"]
        process.currentDirectoryURL = CLITests.root
        try process.run()
        // Kill it once some results are in.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            if let size = try? FileManager.default.attributesOfItem(atPath: db)[.size] as? Int, size > 200_000 { break }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        // The database opens, passes its integrity check, and holds only whole results.
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", """
        import sqlite3,sys
        c=sqlite3.connect(sys.argv[1])
        print(c.execute('pragma integrity_check').fetchone()[0])
        n=c.execute('select count(*) from results').fetchone()[0]
        partial=c.execute('select count(*) from results r where (select count(*) from sections s where s.result_id=r.id)!=5').fetchone()[0]
        print(n, partial)
        """, db]
        let pipe = Pipe()
        check.standardOutput = pipe
        try check.run()
        check.waitUntilExit()
        let lines = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(lines.first, "ok")
        let counts = lines.last?.split(separator: " ").compactMap { Int($0) } ?? []
        XCTAssertEqual(counts.count, 2)
        XCTAssertLessThan(counts.first ?? 6000, 6000, "the run was killed before the end")
        XCTAssertEqual(counts.last, 0, "no result without its sections")
        // A re-run completes it, without duplicates.
        let rerun = try CLI.run(["check", jsonl.path, "--db", db, "--format", "jsonl", "-o", "/dev/null"])
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        let report = try CLI.run(["report", "--db", db, "--format", "json"])
        XCTAssertTrue(report.stdout.contains("\"calls\": 6000"), String(report.stdout.prefix(300)))
    }
}

final class CLIPrivacyTests: XCTestCase {
    func testEveryOutputIsRedactedUnlessOptedOut() throws {
        let secrets = ["13812345678", "11010519491231002X", "6222021234567890128", "幺三八幺二三四五六七八", "zhang.san"]
        var outputs: [String: String] = [:]
        for f in ["table", "json", "jsonl", "csv", "markdown"] {
            outputs[f] = try CLI.run(["check", "samples/pii-readout.txt", "--format", f]).stdout
        }
        outputs["convert"] = try CLI.run(["convert", "samples/pii-readout.txt", "--to", "json"]).stdout
        outputs["redact"] = try CLI.run(["redact", "samples/pii-readout.txt"]).stdout
        outputs["lint"] = try CLI.run(["lint", "samples/pii-readout.txt"]).stdout
        for (what, text) in outputs {
            XCTAssertFalse(text.isEmpty, what)
            for s in secrets { XCTAssertFalse(text.contains(s), "\(what) leaks \(s)") }
        }
        XCTAssertTrue(outputs["redact"]!.contains("138****5678"))
        let open = try CLI.run(["check", "samples/pii-readout.txt", "--format", "jsonl", "--no-redact"]).stdout
        XCTAssertTrue(open.contains("13812345678"), "--no-redact opts out")
    }
}

final class CLICaseTests: XCTestCase {
    func testTrainersPath() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-cli-cases-\(UUID().pathSafe)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("qc.sqlite").path
        XCTAssertEqual(try CLI.run(["check", "samples/", "--db", db, "--format", "jsonl"]).status, 0)
        XCTAssertTrue(try CLI.run(["cases", "suggest", "--db", db]).stdout.contains("客户投诉类"))
        let add = try CLI.run(["cases", "add", "C20261121-0080", "--db", db, "--title", "核对身份时不要念全号码"])
        XCTAssertEqual(add.status, 0, add.stderr)
        XCTAssertTrue(add.stdout.contains("added CASE-0001"))
        XCTAssertEqual(try CLI.run(["cases", "add", "C20261120-0057", "--db", db, "--category", "客户投诉类", "--turns", "6-12"]).status, 0)
        XCTAssertEqual(try CLI.run(["cases", "add", "C20261120-0057", "--db", db, "--category", "坏案例"]).status, 2)
        XCTAssertEqual(try CLI.run(["cases", "add", "NOPE", "--db", db]).status, 1)
        XCTAssertTrue(try CLI.run(["cases", "list", "--db", db, "--category", "客户投诉类"]).stdout.contains("CASE-0002"))
        XCTAssertTrue(try CLI.run(["cases", "search", "不知道", "--db", db]).stdout.contains("CASE-0002"))
        XCTAssertFalse(try CLI.run(["cases", "list", "--db", db, "--rule", "pii.agent"]).stdout.contains("CASE-0002"))
        let show = try CLI.run(["cases", "show", "CASE-0001", "--db", db])
        XCTAssertTrue(show.stdout.contains("138****5678") && !show.stdout.contains("13812345678"))
        let out = dir.appendingPathComponent("export").path
        XCTAssertEqual(try CLI.run(["cases", "export", "--db", db, "--format", "html", "--output", out]).status, 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        XCTAssertEqual(files, ["CASE-0001-业务咨询类.html", "CASE-0002-客户投诉类.html"])
        let page = try String(contentsOfFile: out + "/" + files[0], encoding: .utf8)
        XCTAssertFalse(page.contains("13812345678"))
    }
}

/// Regressions found in review.
final class CLIReviewFindingsTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-cli-rev-\(UUID().pathSafe)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testJSONLinesWithoutIdsKeepEveryCall() throws {
        let file = dir.appendingPathComponent("day.jsonl")
        let line = "{\"date\":\"2026-11-21\",\"agent\":\"A1\",\"turns\":[{\"role\":\"agent\",\"text\":\"您好\"}]}\n"
        try String(repeating: line, count: 300).write(to: file, atomically: true, encoding: .utf8)
        let db = dir.appendingPathComponent("j.sqlite").path
        XCTAssertEqual(try CLI.run(["check", file.path, "--db", db, "--format", "jsonl", "-o", "/dev/null"]).status, 0)
        let report = try CLI.run(["report", "--db", db, "--format", "json"])
        XCTAssertTrue(report.stdout.contains("\"calls\": 300"), String(report.stdout.prefix(200)))
    }

    func testLargeRecogniserJSONOnStandardInput() throws {
        var segments: [String] = []
        for i in 0..<1500 {
            segments.append("{\"id\": \(i), \"start\": \(Double(i) * 2), \"end\": \(Double(i) * 2 + 1.5), \"text\": \" Thank you for calling, segment \(i).\", \"speaker\": \"SPEAKER_0\(i % 2)\"}")
        }
        let json = "{\"text\": \"\", \"language\": \"en\", \"segments\": [\n" + segments.joined(separator: ",\n") + "\n]}\n"
        XCTAssertGreaterThan(json.utf8.count, 64 << 10)
        let r = try CLI.run(["check", "-", "--format", "jsonl", "-q"], stdin: json)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("\"turns\":1500"), String(r.stdout.prefix(300)))
    }

    func testFlagsThatCrashedNowExitTwo() throws {
        let db = dir.appendingPathComponent("q.sqlite").path
        XCTAssertEqual(try CLI.run(["check", "samples/", "--db", db, "-o", "/dev/null"]).status, 0)
        XCTAssertEqual(try CLI.run(["report", "--db", db, "--format", "html", "--max-calls=-1"]).status, 2)
        XCTAssertEqual(try CLI.run(["sample", "--db", db, "--date", "2026-11-21", "--per-agent", "9223372036854775807", "--risk-share", "1"]).status, 2)
        XCTAssertEqual(try CLI.run(["review", "C20261120-0057", "--db", db, "--section", "politeness=nan"]).status, 2)
        XCTAssertEqual(try CLI.run(["review", "C20261120-0057", "--db", db, "--score", "inf"]).status, 2)
    }

    func testReadOnlyCommandsDoNotCreateADatabase() throws {
        let db = dir.appendingPathComponent("typo.sqlite").path
        for args in [["report", "--db", db], ["sample", "--db", db, "--date", "2026-11-21"], ["cases", "list", "--db", db]] {
            let r = try CLI.run(args)
            XCTAssertEqual(r.status, 2, args.joined(separator: " "))
            XCTAssertTrue(r.stderr.contains("no such database"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: db))
    }

    func testEnglishAgentsGetAWordRateInReports() throws {
        let db = dir.appendingPathComponent("e.sqlite").path
        XCTAssertEqual(try CLI.run(["check", "samples/english-good-call.txt", "--db", db, "-o", "/dev/null"]).status, 0)
        XCTAssertTrue(try CLI.run(["report", "--db", db]).stdout.contains("w/m"))
    }

    func testLintEveryCallOfAFile() throws {
        let a = try CLI.run(["convert", "samples/rude-agent.txt", "samples/good-call-broadband.txt", "--to", "jsonl"]).stdout
        let file = dir.appendingPathComponent("two.jsonl")
        try a.write(to: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["lint", file.path])
        XCTAssertTrue(r.stdout.contains("(C20261120-0057)") && r.stdout.contains("(C20261120-0042)"), r.stdout)
    }

    func testHTMLReportMasksNumbersInNamesAndPaths() throws {
        let rec = dir.appendingPathComponent("13812345678_0930.txt")
        try "[00:00-00:03] 坐席: 您好，欢迎致电。\n[00:04-00:08] 客户: 我的号码是1 3 9 1 2 3 4 5 6 7 8\n".write(to: rec, atomically: true, encoding: .utf8)
        let db = dir.appendingPathComponent("h.sqlite").path
        XCTAssertEqual(try CLI.run(["check", rec.path, "--db", db, "-o", "/dev/null"]).status, 0)
        let html = dir.appendingPathComponent("r.html").path
        XCTAssertEqual(try CLI.run(["report", "--db", db, "--format", "html", "-o", html]).status, 0)
        let page = try String(contentsOfFile: html, encoding: .utf8)
        XCTAssertFalse(page.contains("13812345678"))
        XCTAssertFalse(page.contains("1 3 9 1 2 3 4 5 6 7 8"))
        XCTAssertTrue(page.contains("138****5678_0930"))
    }
}

final class CLIOutputTests: XCTestCase {
    /// Writing to a device opens it in place: `-o /dev/null` must not replace /dev/null with a file.
    func testOutputToDevNullLeavesTheDevice() throws {
        XCTAssertEqual(try CLI.run(["check", "samples/good-call-broadband.txt", "-o", "/dev/null"]).status, 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: "/dev/null")
        XCTAssertEqual(attributes[.type] as? FileAttributeType, .typeCharacterSpecial)
    }

    func testOutputToAnUnwritablePlaceIsAUsageError() throws {
        let r = try CLI.run(["check", "samples/good-call-broadband.txt", "-o", "/no/such/dir/out.txt"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("Cannot write to '/no/such/dir/out.txt'"), r.stderr)
    }
}

extension UUID {
    /// The UUID with its digits written as letters (0 → g … 9 → p): error messages mask digit runs
    /// that look like phone or card numbers, and a temporary folder's name must come out as it went in.
    var pathSafe: String {
        String(uuidString.map { c -> Character in
            guard let d = c.wholeNumberValue, c.isASCII else { return c }
            return Character(UnicodeScalar(UInt8(ascii: "g") + UInt8(d)))
        })
    }
}
