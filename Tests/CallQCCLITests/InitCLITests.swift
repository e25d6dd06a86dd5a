import CallQC
import Foundation
import XCTest

/// Issue 20: `callqc init` gives a center its own tested rule set, which the commands then use.
final class InitCLITests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-init-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func path(_ p: String) -> String { dir.appendingPathComponent(p).path }

    func read(_ p: String) throws -> String { try String(contentsOfFile: path(p), encoding: .utf8) }

    /// The rule ids found in a one-call `check --format json`.
    func findings(_ run: CLI.Run) throws -> [String] {
        XCTAssertEqual(run.status, 0, run.stderr)
        let results = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]], run.stdout + run.stderr)
        return results.flatMap { ($0["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String } }
    }

    func testInitGivesACenterItsOwnTestedRuleSetThatTheCommandsUse() throws {
        let initRun = try ConfigRun.run(["init"], in: dir)
        XCTAssertEqual(initRun.status, 0, initRun.stderr)
        XCTAssertTrue(initRun.stdout.contains("tested the copy: zh-CN"), initRun.stdout)
        XCTAssertFalse(initRun.stdout.contains("FAIL"), initRun.stdout)
        for file in ["callqc-rules/zh-CN/ruleset.yaml", "callqc-rules/zh-CN/phrases/closings.txt", "callqc-rules/en/ruleset.yaml",
                     "callqc-rules/scripts/satisfaction-survey.yaml", "callqc-rules/README.md", ".callqc.yml"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: path(file)), file)
        }
        // The copies are the shipped files, editable by their owner.
        let shippedClosings = try String(contentsOf: CLITests.root.appendingPathComponent("lexicons/zh-CN/phrases/closings.txt"), encoding: .utf8)
        XCTAssertEqual(try read("callqc-rules/zh-CN/phrases/closings.txt"), shippedClosings)
        XCTAssertTrue(FileManager.default.isWritableFile(atPath: path("callqc-rules/zh-CN/phrases/closings.txt")))

        // The README tells trainers, in Chinese and English, how to edit, test and version the set.
        let readme = try read("callqc-rules/README.md")
        for words in ["修改短语表", "Editing phrase lists", "加例句", "Adding examples", "callqc rules test", "callqc rules test callqc-rules/zh-CN",
                      "version:", "ruleset.yaml", "git add callqc-rules .callqc.yml", "版本"] {
            XCTAssertTrue(readme.contains(words), "README lacks \(words)")
        }

        // .callqc.yml names the copy; every other key is there, commented out at its default.
        let config = try read(".callqc.yml")
        XCTAssertTrue(config.contains("\nrules: callqc-rules\n"), config)
        XCTAssertFalse(config.lowercased().contains("token:") || config.lowercased().contains("password:"), "no secret keys, even commented out")
        let uncommented = config.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let l = String(line)
            guard l.hasPrefix("# "), l.dropFirst(2).drop(while: { $0 == " " }).range(of: #"^[a-z_]+:( |$)"#, options: .regularExpression) != nil else { return l }
            return String(l.dropFirst(2))
        }.joined(separator: "\n")
        let every = try CallQCConfig.parse(uncommented, file: path(".callqc.yml"))
        XCTAssertEqual(every.rules?.value, path("callqc-rules"))
        XCTAssertEqual(every.agentLabels?.value, [])
        XCTAssertEqual(every.charactersPerMinute?.value, 120)
        XCTAssertEqual(every.wordsPerMinute?.value, 150)
        XCTAssertEqual(every.redact?.value, true)
        XCTAssertNotNil(every.db)
        XCTAssertNotNil(every.audioRoot)
        XCTAssertEqual(every.serve.host?.value, "127.0.0.1")
        XCTAssertEqual(every.serve.port?.value, 8080)
        XCTAssertEqual(every.serve.behindTLS?.value, false)
        XCTAssertEqual(every.serve.sessionIdle?.value, 30)
        XCTAssertEqual(every.serve.appealDays?.value, 7)
        XCTAssertEqual(every.serve.publicURLs?.value, [])
        XCTAssertEqual(every.serve.lang?.value, "zh")
        XCTAssertNotNil(every.serve.tokenFile)

        // callqc rules test, from the folder or below it, tests the copy: both sets and the scripts.
        let below = dir.appendingPathComponent("calls/2026-11-21")
        try FileManager.default.createDirectory(at: below, withIntermediateDirectories: true)
        let tested = try ConfigRun.run(["rules", "test"], in: below)
        XCTAssertEqual(tested.status, 0, tested.stdout + tested.stderr)
        for line in ["zh-CN: ", "en: ", "script satisfaction-survey: "] { XCTAssertTrue(tested.stdout.contains(line), tested.stdout) }
        XCTAssertFalse(tested.stdout.contains("FAIL"))
        for args in [["rules", "test", "callqc-rules/zh-CN"], ["rules", "test", "--rules", "callqc-rules/zh-CN"]] {
            let one = try ConfigRun.run(args, in: dir)
            XCTAssertEqual(one.status, 0, one.stdout + one.stderr)
            XCTAssertTrue(one.stdout.hasPrefix("zh-CN: "), one.stdout)
        }
        let shown = try ConfigRun.run(["config"], in: below)
        XCTAssertTrue(shown.stdout.contains("\(path("callqc-rules")) (rule sets by language)"), shown.stdout)
        XCTAssertTrue(shown.stdout.contains("\(path(".callqc.yml")):"), shown.stdout)

        // callqc check uses the copy: a closing the center no longer accepts becomes a finding.
        let call = try String(contentsOf: CLITests.root.appendingPathComponent("samples/good-call-broadband.txt"), encoding: .utf8)
        try call.write(to: below.appendingPathComponent("good-call-broadband.txt"), atomically: true, encoding: .utf8)
        let check = ["check", "good-call-broadband.txt", "--format", "json"]
        XCTAssertFalse(try findings(try ConfigRun.run(check, in: below)).contains("closing"), "感谢您的来电…再见 is a closing")
        try "# 本中心只认这一句结束语\n后会有期\n".write(toFile: path("callqc-rules/zh-CN/phrases/closings.txt"), atomically: true, encoding: .utf8)
        let edited = try ConfigRun.run(check, in: below)
        XCTAssertTrue(try findings(edited).contains("closing"), edited.stdout)
        XCTAssertFalse(try findings(try ConfigRun.run(check + ["--no-config"], in: below)).contains("closing"), "the shipped rules are unchanged")
        XCTAssertFalse(try findings(try ConfigRun.run(check + ["--rules", CLITests.root.appendingPathComponent("lexicons/zh-CN").path], in: below)).contains("closing"),
                       "--rules beats the file")
        // And its tests now say which examples the change broke.
        let broken = try ConfigRun.run(["rules", "test"], in: below)
        XCTAssertEqual(broken.status, 1, broken.stdout)
        XCTAssertTrue(broken.stdout.contains("greeting-closing.yaml:45: rule 'closing' should pass this example but flagged it"), broken.stdout)
    }

    func testInitRefusesToOverwriteWithoutForce() throws {
        XCTAssertEqual(try ConfigRun.run(["init"], in: dir).status, 0)
        let closings = "callqc-rules/zh-CN/phrases/closings.txt"
        try "后会有期\n".write(toFile: path(closings), atomically: true, encoding: .utf8)
        try "# 本中心自己加的短语表\n请稍候\n".write(toFile: path("callqc-rules/zh-CN/phrases/center-own.txt"), atomically: true, encoding: .utf8)

        let again = try ConfigRun.run(["init"], in: dir)
        XCTAssertEqual(again.status, 2)
        XCTAssertTrue(again.stderr.contains("callqc-rules and ./.callqc.yml already exist"), again.stderr)
        XCTAssertTrue(again.stderr.contains("--force"), again.stderr)
        XCTAssertEqual(again.stdout, "")
        XCTAssertEqual(try read(closings), "后会有期\n", "nothing was touched")

        // Only the configuration there: it alone is named.
        let other = dir.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try "redact: true\n".write(to: other.appendingPathComponent(".callqc.yml"), atomically: true, encoding: .utf8)
        let configOnly = try ConfigRun.run(["init"], in: other)
        XCTAssertEqual(configOnly.status, 2)
        XCTAssertTrue(configOnly.stderr.contains("./.callqc.yml already exists"), configOnly.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: other.appendingPathComponent("callqc-rules").path))

        // --force restores the copied files and keeps the center's own.
        let forced = try ConfigRun.run(["init", "--force"], in: dir)
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertEqual(try read(closings), try String(contentsOf: CLITests.root.appendingPathComponent("lexicons/zh-CN/phrases/closings.txt"), encoding: .utf8))
        XCTAssertTrue(try read("callqc-rules/zh-CN/phrases/center-own.txt").contains("请稍候"))
    }

    func testInitInAnotherFolder() throws {
        let center = dir.appendingPathComponent("星联客服中心")
        let run = try ConfigRun.run(["init", center.path], in: dir)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: center.appendingPathComponent("callqc-rules/zh-CN/ruleset.yaml").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: center.appendingPathComponent(".callqc.yml").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path(".callqc.yml")), "the current folder is left alone")
        // Used from inside that folder: the rules path is relative to the file.
        let shown = try ConfigRun.run(["config", "--format", "json"], in: center)
        XCTAssertTrue(shown.stdout.contains("\"value\" : \"\(center.appendingPathComponent("callqc-rules").path)\"")
                      || shown.stdout.contains("\"value\": \"\(center.appendingPathComponent("callqc-rules").path)\""), shown.stdout)
    }
}
