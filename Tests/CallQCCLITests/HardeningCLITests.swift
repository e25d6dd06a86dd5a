import Foundation
import XCTest

/// Issue 13 through the command line.
final class HardeningCLITests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-cli-harden-\(UUID().pathSafe)")
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
        let ambiguousCase = try CLI.run(["cases", "add", "E1", "--db", db])
        XCTAssertEqual(ambiguousCase.status, 1)
        XCTAssertTrue(ambiguousCase.stderr.contains("E1@2026-11-21"), ambiguousCase.stderr)
        XCTAssertEqual(try CLI.run(["cases", "add", "E1@2026-11-21", "--db", db]).status, 0)
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

extension HardeningCLITests {
    func testWalkingInputsReportsLinksUnreadableFoldersAndLargeFiles() throws {
        let root = dir.appendingPathComponent("calls")
        _ = try write("calls/a/1.txt", "# call: W1\n[00:00-00:03] 坐席: 您好，很高兴为您服务。\n[00:03-00:05] 客户: 我查话费。\n")
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("a/loop").path, withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("gone.txt").path, withDestinationPath: "missing.txt")
        let run = try CLI.run(["check", root.path, "--format", "jsonl", "--no-progress"])
        XCTAssertEqual(run.stdout.split(separator: "\n").count, 1, "one result, the loop not followed: \(run.stdout.prefix(500))")
        XCTAssertTrue(run.stderr.contains("a/loop") && run.stderr.contains("already walked"), run.stderr)
        XCTAssertTrue(run.stderr.contains("gone.txt") && run.stderr.contains("dangling"), run.stderr)
        XCTAssertEqual(run.status, 1, "warnings, and a dangling link is an input not read: exit 1")
        // An unreadable folder: as root, run callqc as nobody (root reads every folder).
        let asNobody = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
        XCTAssertTrue(getuid() != 0 || asNobody, "as root, the test needs setpriv (util-linux) to run callqc as nobody")
        if getuid() != 0 || asNobody {
            _ = try write("calls/locked/2.txt", "坐席: 您好\n")
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path)
            try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: root.appendingPathComponent("locked").path)
            defer { _ = try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.appendingPathComponent("locked").path) }
            let args = ["check", root.path, "--format", "jsonl", "--no-progress"]
            let locked: CLI.Run
            if asNobody {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
                process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", try CLI.binary().path] + args
                let out = Pipe(), err = Pipe()
                process.standardOutput = out
                process.standardError = err
                try process.run()
                let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                locked = CLI.Run(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
            } else {
                locked = try CLI.run(args)
            }
            XCTAssertEqual(locked.status, 1, locked.stderr)
            XCTAssertTrue(locked.stderr.contains("locked") && locked.stderr.contains("cannot read the folder"), locked.stderr)
        }
        let big = try write("big.txt", String(repeating: "坐席: 您好，很高兴为您服务。\n", count: 80_000))
        let refused = try CLI.run(["check", big, "--max-file-size", "1", "--no-progress"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("larger than the limit of 1 MB"), refused.stderr)
    }
}

extension HardeningCLITests {
    func testHostileIdsAndFileNamesDoNotReachTheTerminal() throws {
        let name = "x\u{1B}[2J\u{1B}]0;pwned\u{07}.txt"
        let path = try write(name, "# call: C\u{1B}[31mRED\n[00:00-00:03] 坐席: 不知道\u{1B}[2J\n[00:03-00:05] 客户: 嗯\n")
        let bad = try write("bad\u{1B}[2J.txt", "[00:00-00:03] 坐席: 您好\n[00:0x-00:05] 客户: \u{1B}]0;t\u{07}\n")
        let run = try CLI.run(["check", path, bad, "--no-progress", "--no-color"])
        XCTAssertTrue(run.stderr.contains("bad\\e[2J.txt"), run.stderr)
        XCTAssertFalse(run.stdout.utf8.contains(0x1B), run.stdout)
        XCTAssertFalse(run.stderr.utf8.contains(0x1B), run.stderr)
        XCTAssertTrue(run.stdout.contains("\\e[2J"), run.stdout)
        let db = dir.appendingPathComponent("hostile.sqlite").path
        let agentFile = try write("agent.txt", "# call: 13812345678\n# agent: A\u{1B}[2J\n# date: 2026-11-21\n[00:00-00:03] 坐席: 不知道\n[00:03-00:05] 客户: 嗯\n")
        XCTAssertEqual(try CLI.run(["check", agentFile, "--db", db, "--no-progress"]).status, 0)
        let report = try CLI.run(["report", "--db", db, "--by", "agent"])
        XCTAssertFalse(report.stdout.utf8.contains(0x1B), report.stdout)
        XCTAssertEqual(try CLI.run(["cases", "add", "13812345678", "--db", db]).status, 0)
        let list = try CLI.run(["cases", "list", "--db", db])
        XCTAssertFalse(list.stdout.contains("13812345678"), list.stdout)
        XCTAssertFalse(list.stdout.utf8.contains(0x1B), list.stdout)
        let json = try write("n.json", #"{"id":"N\u0000UL","turns":[{"role":"agent","speaker":"坐席","start":0,"end":1,"text":"您好\u0000，请讲"}]}"#)
        let out = dir.appendingPathComponent("out")
        XCTAssertEqual(try CLI.run(["convert", json, "--to", "plain", "--output-dir", out.path]).status, 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path)
        XCTAssertEqual(files.count, 1)
        XCTAssertFalse(files[0].unicodeScalars.contains { $0.value < 0x20 }, files[0])
        let bytes = try Data(contentsOf: out.appendingPathComponent(files[0]))
        XCTAssertFalse(bytes.contains(0), "no NUL written")
    }
}

extension HardeningCLITests {
    func mode(_ path: String) -> mode_t {
        var info = stat()
        XCTAssertEqual(stat(path, &info), 0, path)
        return info.st_mode & 0o777
    }

    func testStoreAndExportsAreOwnerOnlyAndPurgeLogsWhatItDeleted() throws {
        let db = dir.appendingPathComponent("qc.sqlite").path
        let out = dir.appendingPathComponent("results.json").path
        XCTAssertEqual(try CLI.run(["check", "samples/", "--db", db, "--format", "json", "-o", out, "--no-progress"]).status, 0)
        XCTAssertEqual(mode(db), 0o600)
        XCTAssertEqual(mode(out), 0o600)
        let html = dir.appendingPathComponent("report.html").path
        XCTAssertEqual(try CLI.run(["report", "--db", db, "--format", "html", "-o", html]).status, 0)
        XCTAssertEqual(mode(html), 0o600)
        let converted = dir.appendingPathComponent("converted")
        XCTAssertEqual(try CLI.run(["convert", "samples/rude-agent.txt", "--to", "json", "--output-dir", converted.path]).status, 0)
        for f in try FileManager.default.contentsOfDirectory(atPath: converted.path) { XCTAssertEqual(mode(converted.appendingPathComponent(f).path), 0o600) }
        // Retention.
        XCTAssertEqual(try CLI.run(["review", "C20261120-0057", "--db", db, "--score", "50"]).status, 0)
        let purge = try CLI.run(["purge", "--db", db, "--before", "2026-11-21", "--keep-reviewed"])
        XCTAssertEqual(purge.status, 0, purge.stderr)
        XCTAssertTrue(purge.stdout.contains("deleted call"), purge.stdout)
        XCTAssertTrue(purge.stdout.contains("kept 1 reviewed call"), purge.stdout)
        XCTAssertFalse(purge.stdout.contains("C20261120-0057"), "the reviewed call is kept")
        let left = try CLI.run(["report", "--db", db, "--by", "day", "--format", "csv"])
        XCTAssertFalse(left.stdout.split(separator: "\n").dropFirst().contains { $0.hasPrefix("2026-11-19") }, left.stdout)
        XCTAssertEqual(try CLI.run(["purge", "--db", db, "--before", "yesterday"]).status, 2)
    }

    func testMessagesMaskPersonalData() throws {
        let path = try write("13812345678.txt", "[00:00-00:03] 坐席: 您好\n[13912345678-00:05] 客户: 我的号码\n")
        let run = try CLI.run(["check", path, "--format", "jsonl", "--no-progress"])
        XCTAssertEqual(run.status, 1)
        for number in ["13812345678", "13912345678"] {
            XCTAssertFalse(run.stderr.contains(number), run.stderr)
            XCTAssertFalse(run.stdout.contains(number), "the callqc.error/1 record: \(run.stdout)")
        }
        XCTAssertTrue(run.stderr.contains("138****5678"), run.stderr)
        let open = try CLI.run(["check", path, "--format", "jsonl", "--no-progress", "--no-redact"])
        XCTAssertTrue(open.stderr.contains("13912345678"), "--no-redact shows it")
    }
}
