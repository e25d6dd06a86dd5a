import Foundation
import XCTest

/// Every command reads inputs through the loader `check` uses: a broken file is named with
/// its line and the reason, and the rest of the batch is still read.
final class OneRoadCLITests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-one-road-\(UUID().pathSafe)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // An Aliyun result cut off in its second line, as a failed download leaves it.
        try "{\"TaskId\": \"d429dd7dd75711e8\", \"StatusText\": \"SUCCESS\",\n \"Result\": {\"Sentences\": [{\"BeginTime\": 340, \"EndTime\": 2365, \"Text\": \"您好，很高兴为您服务"
            .write(to: dir.appendingPathComponent("broken.json"), atomically: true, encoding: .utf8)
        // GBK bytes in the third line of a plain transcript.
        var gbk = Array("[00:00.3-00:04.8] 坐席: 您好，很高兴为您服务。\n[00:05.0-00:07.0] 客户: 我想查一下话费。\n[00:08.0-00:09.0] 客户: ".utf8)
        gbk += [0xC4, 0xE3, 0xBA, 0xC3, 0x0A]
        try Data(gbk).write(to: dir.appendingPathComponent("gbk.txt"))
        try """
        # call: C20261201-0007
        [00:00.3-00:04.8] 坐席: 您好，很高兴为您服务，请问有什么可以帮您？
        [00:05.0-00:09.0] 客户: I'd like to check my bill, my number is 13812345678.
        [00:09.5-00:12.0] 坐席: 好的，我帮您查询一下，请稍等。
        [00:30.0-00:33.0] 坐席: 感谢您的来电，祝您生活愉快，再见。

        """.write(to: dir.appendingPathComponent("good.txt"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func assertNamesBrokenFiles(_ stderr: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(stderr.contains("callqc: error: \(path("broken.json")):2: invalid JSON at column"), stderr, file: file, line: line)
        XCTAssertTrue(stderr.contains("truncated?"), stderr, file: file, line: line)
        XCTAssertTrue(stderr.contains("callqc: error: \(path("gbk.txt")):3: invalid UTF-8"), stderr, file: file, line: line)
    }

    func testConvertNamesBrokenFilesAndGoesOn() throws {
        let r = try CLI.run(["convert", path("broken.json"), path("gbk.txt"), path("good.txt"), "--to", "jsonl"])
        XCTAssertEqual(r.status, 1)
        assertNamesBrokenFiles(r.stderr)
        XCTAssertTrue(r.stdout.contains("\"id\":\"C20261201-0007\""), r.stdout)
        XCTAssertTrue(r.stdout.contains("138****5678"), "masked by default")
    }

    func testRedactNamesBrokenFilesAndGoesOn() throws {
        let out = dir.appendingPathComponent("shared")
        let r = try CLI.run(["redact", path("broken.json"), path("gbk.txt"), path("good.txt"), "--output-dir", out.path])
        XCTAssertEqual(r.status, 1)
        assertNamesBrokenFiles(r.stderr)
        let copy = try String(contentsOf: out.appendingPathComponent("good.txt"), encoding: .utf8)
        XCTAssertTrue(copy.contains("my number is 138****5678."), copy)
        XCTAssertTrue(copy.contains("坐席: 您好，很高兴为您服务"), copy)
        XCTAssertTrue(r.stderr.contains("good.txt: 1 item of personal data masked"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("broken.json").path))
        // The format is decided as check decides it: a vendor's JSON keeps its structure.
        let aliyun = try CLI.run(["redact", "Tests/CallQCTests/Fixtures/aliyun/dual_channel.json"])
        XCTAssertEqual(aliyun.status, 0, aliyun.stderr)
        XCTAssertTrue(aliyun.stdout.contains("Sentences"), aliyun.stdout)
    }

    func testLintNamesBrokenFilesAndGoesOn() throws {
        let r = try CLI.run(["lint", path("broken.json"), path("gbk.txt"), path("good.txt")])
        XCTAssertEqual(r.status, 1)
        assertNamesBrokenFiles(r.stderr)
        XCTAssertTrue(r.stdout.contains("good.txt"), r.stdout)
        XCTAssertFalse(r.stdout.contains("broken.json"), "a broken transcript is reported, not linted as a draft")
        XCTAssertTrue(r.stdout.contains("(transcript"), r.stdout)
    }

    func testCheckNamesTheSameProblems() throws {
        let r = try CLI.run(["check", path("broken.json"), path("gbk.txt"), path("good.txt")])
        XCTAssertEqual(r.status, 1)
        assertNamesBrokenFiles(r.stderr)
        XCTAssertTrue(r.stdout.contains("C20261201-0007"))
    }

    /// Every --format, --to and --by is an enum ArgumentParser validates: an unknown value is its
    /// usage error (status 2, the values listed), never a message of the command's own.
    func testUnknownFormatToAndByAreArgumentParsersErrors() throws {
        let cases: [([String], String, String)] = [
            (["check", "samples", "--format", "yaml"], "--format", "'table', 'json', 'jsonl', 'csv' or 'markdown'"),
            (["convert", "samples/good-call-broadband.txt", "--to", "xml"], "--to", "'json', 'jsonl' or 'plain'"),
            (["eval", "eval/", "--by", "colour"], "--by", "category"),
            (["eval", "eval/", "--format", "csv"], "--format", "'table' and 'json'"),
            (["lint", "samples/drafts/survey-draft.draft", "--format", "html"], "--format", "'table' and 'json'"),
            (["report", "--db", path("qc.sqlite"), "--by", "week"], "--by", "'agent', 'day' or 'rule'"),
            (["report", "summary", "--db", path("qc.sqlite"), "--format", "pdf"], "--format", "'table', 'csv', 'json' or 'html'"),
            (["report", "calibration", "--db", path("qc.sqlite"), "--format", "html"], "--format", "'table', 'json' or 'csv'"),
            (["report", "calibration", "--db", path("qc.sqlite"), "--format", "csv", "--table", "agents"], "--table", "'rules', 'missed' or 'differences'"),
            (["sample", "--db", path("qc.sqlite"), "--date", "2026-11-21", "--format", "html"], "--format", "'table', 'csv' or 'json'"),
            (["cases", "export", "--db", path("qc.sqlite"), "--format", "docx"], "--format", "'md', 'html' or 'json'"),
            (["check", "samples", "--input-format", "docx"], "--input-format", "aws-call-analytics"),
            (["redact", "samples/good-call-broadband.txt", "--input-format", "docx"], "--input-format", "aws-call-analytics"),
            (["serve", "--lang", "fr"], "--lang", "'zh' and 'en'"),
            (["rules", "kinds", "--format", "yaml"], "--format", "'text', 'markdown' or 'json'"),
            (["users", "list", "--db", path("qc.sqlite"), "--format", "csv"], "--format", "'table' and 'json'"),
            (["audit", "--db", path("qc.sqlite"), "--format", "csv"], "--format", "'table' and 'json'"),
            (["appeals", "list", "--db", path("qc.sqlite"), "--format", "csv"], "--format", "'table' and 'json'"),
        ]
        for (args, option, values) in cases {
            let r = try CLI.run(args)
            XCTAssertEqual(r.status, 2, args.joined(separator: " "))
            XCTAssertTrue(r.stderr.contains("is invalid for '\(option) <"), "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(values), "\(args): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("Unknown"), "\(args): a message of the command's own: \(r.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("qc.sqlite")), "refused before anything is opened")
        // The help lists the values (its lines are wrapped: compare words).
        func words(_ text: String) -> String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        let help = try CLI.run(["check", "--help"])
        XCTAssertTrue(words(help.stdout).contains("(values: table, json, jsonl, csv, markdown; default: table)"), help.stdout)
        XCTAssertTrue(words(try CLI.run(["convert", "--help"]).stdout).contains("(values: json, jsonl, plain; default: jsonl)"))
        // And a valid one still works.
        let md = try CLI.run(["check", "samples/good-call-broadband.txt", "--format", "markdown"])
        XCTAssertEqual(md.status, 0, md.stderr)
    }

    /// The commands write through `Console` only: no `print(`, no standard stream written
    /// elsewhere, and no --format, --to or --by left a string.
    func testCommandsWriteThroughTheConsoleOnly() throws {
        let folder = CLITests.root.appendingPathComponent("Sources/callqc")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        XCTAssertTrue(files.contains("Console.swift"))
        let stray = try NSRegularExpression(pattern: #"(?<![A-Za-z_.])print\(|Swift\.print\(|FileHandle\.standard(Error|Output)|fputs\(|putchar\("#)
        let stringOption = try NSRegularExpression(pattern: #"var (format|by): String|var to: String\s*="#)
        for name in files {
            let lines = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8).components(separatedBy: "\n")
            for (i, line) in lines.enumerated() {
                let code = line.components(separatedBy: "//").first ?? line
                let range = NSRange(code.startIndex..., in: code)
                if name != "Console.swift", stray.firstMatch(in: code, range: range) != nil {
                    XCTFail("Sources/callqc/\(name):\(i + 1): write through Console, not \(line.trimmingCharacters(in: .whitespaces))")
                }
                if stringOption.firstMatch(in: code, range: range) != nil {
                    XCTFail("Sources/callqc/\(name):\(i + 1): --format, --to and --by take an enum ArgumentParser validates")
                }
            }
        }
    }

    /// Every command names itself (`commandName:`): without it ArgumentParser derives the name from the type
    /// through `String(describing:)`, which cost a third of a single check's start-up (docs/performance.md).
    func testEveryCommandDeclaresItsName() throws {
        let folder = CLITests.root.appendingPathComponent("Sources/callqc")
        var seen = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            var rest = text[...]
            while let open = rest.range(of: "CommandConfiguration(") {
                // The arguments up to the matching parenthesis.
                var depth = 1, end = open.upperBound
                while depth > 0, end < rest.endIndex {
                    if rest[end] == "(" { depth += 1 } else if rest[end] == ")" { depth -= 1 }
                    end = rest.index(after: end)
                }
                let line = text[..<open.lowerBound].filter { $0 == "\n" }.count + 1
                seen += 1
                XCTAssertTrue(rest[open.upperBound..<end].contains("commandName:"),
                              "Sources/callqc/\(name):\(line): give the command its name: CommandConfiguration(commandName: \"…\", …)")
                rest = rest[end...]
            }
        }
        XCTAssertGreaterThan(seen, 40)
    }
}
