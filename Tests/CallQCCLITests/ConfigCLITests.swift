import CallQC
import Foundation
import XCTest

/// Issue 20, configuration: `.callqc.yml` found in the current folder or a parent, `--config`,
/// a flag over the file over the default, strict files, `callqc config`, secrets in the environment.
final class ConfigCLITests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    // MARK: Helpers

    /// A folder under the test's own, created.
    func folder(_ path: String) throws -> URL {
        let url = dir.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func write(_ text: String, _ path: String) throws {
        let url = dir.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// A call whose speakers are named, not labelled by role: only the labels say who is who.
    static let namedCall = "# call: T1\n[00:00-00:04] 小王: 您好，很高兴为您服务。\n[00:05-00:08] 老李: 我想问一下宽带。\n"

    /// The roles `convert` gives the call's speakers, in order of turns.
    func roles(_ run: CLI.Run) throws -> [String] {
        let call = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], run.stdout + run.stderr)
        return (call["turns"] as? [[String: Any]] ?? []).map { "\($0["speaker"] ?? "")=\($0["role"] ?? "")" }
    }

    /// The settings `callqc config --format json` shows, by key.
    func shown(_ run: CLI.Run) throws -> [String: [String: Any]] {
        XCTAssertEqual(run.status, 0, run.stderr)
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], run.stdout)
        var out: [String: [String: Any]] = [:]
        for s in doc["settings"] as? [[String: Any]] ?? [] { out[s["key"] as? String ?? ""] = s }
        out["(file)"] = doc["config_file"] as? [String: Any]
        return out
    }

    /// The rule ids of the findings of a one-call `check --format json`.
    func findings(_ run: CLI.Run) throws -> [String] {
        let results = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]], run.stdout + run.stderr)
        return results.flatMap { ($0["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String } }
    }

    // MARK: Discovery

    func testTheNearestFileInThisFolderOrAParentIsRead() throws {
        try write("# 本中心的坐席与客户称呼\nagent_labels: [小王]\ncustomer_labels: 老李\n", ".callqc.yml")
        let deep = try folder("team/north")
        try write(Self.namedCall, "team/north/call.txt")

        // From two folders below: the file at the top is found, and its labels decide the roles.
        let top = try ConfigRun.run(["convert", "call.txt", "--to", "json"], in: deep)
        XCTAssertEqual(top.status, 0, top.stderr)
        XCTAssertEqual(try roles(top), ["小王=agent", "老李=customer"])
        XCTAssertFalse(top.stdout.contains("heuristic"), "the roles come from the labels, not a guess: \(top.stdout)")
        let where1 = try shown(try ConfigRun.run(["config", "--format", "json"], in: deep))
        XCTAssertEqual(where1["(file)"]?["path"] as? String, dir.appendingPathComponent(".callqc.yml").path)
        XCTAssertEqual(where1["(file)"]?["origin"] as? String, "found")
        XCTAssertEqual(where1["agent_labels"]?["line"] as? Int, 2)

        // A nearer file wins whole: its keys only, nothing merged from the one above.
        try write("agent_labels: [老李]\n", "team/.callqc.yml")
        let near = try ConfigRun.run(["convert", "call.txt", "--to", "json"], in: deep)
        XCTAssertEqual(near.status, 0, near.stderr)
        XCTAssertEqual(try roles(near), ["小王=other", "老李=agent"])
        XCTAssertTrue(near.stderr.contains("unknown speaker label '小王'"), near.stderr)
        let where2 = try shown(try ConfigRun.run(["config", "--format", "json"], in: deep))
        XCTAssertEqual(where2["(file)"]?["path"] as? String, dir.appendingPathComponent("team/.callqc.yml").path)
        XCTAssertEqual(where2["customer_labels"]?["origin"] as? String, "default")

        // A folder named .callqc.yml is not a configuration file: discovery looks past it.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("team/.callqc.yml"))
        _ = try folder("team/north/.callqc.yml")
        XCTAssertEqual(try roles(try ConfigRun.run(["convert", "call.txt", "--to", "json"], in: deep)), ["小王=agent", "老李=customer"])
    }

    func testConfigFlagAndEnvironmentChooseTheFile() throws {
        try write("agent_labels: [小王]\ncustomer_labels: [老李]\n", ".callqc.yml")
        try write("agent_labels: [老李]\n", "elsewhere/other.yml")
        try write("customer_labels: [小王]\nagent_labels: [老李]\n", "elsewhere/env.yml")
        try write(Self.namedCall, "call.txt")
        let other = dir.appendingPathComponent("elsewhere/other.yml").path
        let env = dir.appendingPathComponent("elsewhere/env.yml").path

        // --config replaces the file found here.
        let flagged = try ConfigRun.run(["convert", "call.txt", "--to", "json", "--config", other], in: dir)
        XCTAssertEqual(try roles(flagged), ["小王=other", "老李=agent"])
        // CALLQC_CONFIG does too; --config beats it; --no-config reads none.
        XCTAssertEqual(try roles(try ConfigRun.run(["convert", "call.txt", "--to", "json"], in: dir, env: ["CALLQC_CONFIG": env])), ["小王=customer", "老李=agent"])
        XCTAssertEqual(try roles(try ConfigRun.run(["convert", "call.txt", "--to", "json", "--config", other], in: dir, env: ["CALLQC_CONFIG": env])), ["小王=other", "老李=agent"])
        let none = try ConfigRun.run(["convert", "call.txt", "--to", "json", "--no-config"], in: dir)
        XCTAssertTrue(none.stdout.contains("\"speaker_roles_basis\": \"heuristic\""), "no labels: the roles are guessed: \(none.stdout)")
        let shownEnv = try shown(try ConfigRun.run(["config", "--format", "json"], in: dir, env: ["CALLQC_CONFIG": env]))
        XCTAssertEqual(shownEnv["(file)"]?["from"] as? String, "env CALLQC_CONFIG")
        XCTAssertEqual(try shown(try ConfigRun.run(["config", "--format", "json", "--config", other], in: dir))["(file)"]?["from"] as? String, "flag --config")

        // A --config that is not there stops the run.
        let missing = try ConfigRun.run(["check", "call.txt", "--config", "no/such.yml"], in: dir)
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("no/such.yml: no such configuration file"), missing.stderr)
        XCTAssertEqual(missing.stdout, "")
        XCTAssertEqual(try ConfigRun.run(["check", "call.txt", "--config", other, "--no-config"], in: dir).status, 2)
    }

    // MARK: Precedence: flag, then file, then default

    func testAFlagBeatsTheFileAndTheFileBeatsTheDefault() throws {
        try write(Self.namedCall, "call.txt")
        let phoneCall = try String(contentsOf: CLITests.root.appendingPathComponent("samples/pii-readout.txt"), encoding: .utf8)
        try write(phoneCall, "pii-readout.txt")
        try write("您好，欢迎致电星联移动，很高兴为您服务。感谢您的来电，再见。\n", "draft.txt")
        try write("Thank you for calling, this is Anna, how can I help you today?\n", "draft-en.txt")
        _ = try folder("results")
        try write("""
        # 本中心的设置
        agent_labels: [小王]
        redact: false
        db: results/qc.sqlite
        speech_rate:
          characters: 60
          words: 100

        """, ".callqc.yml")
        let sub = try folder("sub")

        // Labels: the file's; --agent-label replaces the file's list; without the file, a guess.
        XCTAssertEqual(try roles(try ConfigRun.run(["convert", "../call.txt", "--to", "json"], in: sub)), ["小王=agent", "老李=other"])
        XCTAssertEqual(try roles(try ConfigRun.run(["convert", "../call.txt", "--to", "json", "--agent-label", "老李"], in: sub)), ["小王=other", "老李=agent"])

        // Redaction: the file says false; --redact masks again; the default masks.
        let unmasked = try ConfigRun.run(["check", "../pii-readout.txt", "--format", "json", "--db", "other.sqlite"], in: sub)
        XCTAssertEqual(unmasked.status, 0, unmasked.stderr)
        XCTAssertTrue(unmasked.stdout.contains("13812345678"), "redact: false in the file")
        let masked = try ConfigRun.run(["check", "../pii-readout.txt", "--format", "json", "--redact", "--db", "other.sqlite"], in: sub)
        XCTAssertFalse(masked.stdout.contains("13812345678"))
        XCTAssertTrue(masked.stdout.contains("138****5678"), masked.stdout)
        let byDefault = try ConfigRun.run(["check", "../pii-readout.txt", "--format", "json", "--no-config"], in: sub)
        XCTAssertFalse(byDefault.stdout.contains("13812345678"))

        // The store: --db wrote to sub/other.sqlite, not to the file's; without --db, the file's
        // db, relative to the file's folder wherever the command runs.
        XCTAssertTrue(FileManager.default.fileExists(atPath: sub.appendingPathComponent("other.sqlite").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("results/qc.sqlite").path))
        let stored = try ConfigRun.run(["check", "../pii-readout.txt"], in: sub)
        XCTAssertEqual(stored.status, 0, stored.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("results/qc.sqlite").path), stored.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sub.appendingPathComponent("results").path))
        XCTAssertTrue(stored.stderr.contains("stored in \(dir.appendingPathComponent("results/qc.sqlite").path)"), stored.stderr)
        // The commands that need a store find it there too; with none anywhere, a usage error.
        let queue = try ConfigRun.run(["sample", "--date", "2026-11-21", "--format", "json"], in: sub)
        XCTAssertEqual(queue.status, 0, queue.stderr)
        XCTAssertTrue(queue.stdout.contains("C20261121-0080"), queue.stdout)
        let noStore = try ConfigRun.run(["sample", "--date", "2026-11-21", "--no-config"], in: sub)
        XCTAssertEqual(noStore.status, 2)
        XCTAssertTrue(noStore.stderr.contains("no database: give --db FILE"), noStore.stderr)

        // The reading rate: the file's 60 characters, 100 words; --rate wins; 120 by default.
        func rate(_ args: [String]) throws -> Double? {
            let r = try ConfigRun.run(["lint", "--format", "json"] + args, in: sub)
            let reports = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]
            return reports?.first?["rate"] as? Double
        }
        XCTAssertEqual(try rate(["../draft.txt"]), 60)
        XCTAssertEqual(try rate(["../draft-en.txt"]), 100)
        XCTAssertEqual(try rate(["../draft.txt", "--rate", "200"]), 200)
        XCTAssertEqual(try rate(["../draft.txt", "--no-config"]), 120)

        // `callqc config` says the same, with where each came from.
        let s = try shown(try ConfigRun.run(["config", "--format", "json", "--no-redact", "--agent-label", "老李"], in: sub))
        XCTAssertEqual(s["redact"]?["value"] as? Bool, false)
        XCTAssertEqual(s["redact"]?["from"] as? String, "flag --no-redact")
        XCTAssertEqual(s["agent_labels"]?["value"] as? [String], ["老李"])
        XCTAssertEqual(s["agent_labels"]?["origin"] as? String, "flag")
        XCTAssertEqual(s["speech_rate.characters"]?["value"] as? Double, 60)
        XCTAssertEqual(s["speech_rate.characters"]?["line"] as? Int, 6)
        XCTAssertEqual(s["db"]?["value"] as? String, dir.appendingPathComponent("results/qc.sqlite").path)
        XCTAssertEqual(s["db"]?["line"] as? Int, 4)
        XCTAssertEqual(s["serve.port"]?["from"] as? String, "default")
    }

    func testTheRuleSetOfTheFileAndOfTheFlag() throws {
        // A center's rule set for every call, named in the file by a path relative to the file.
        let shipped = CLITests.root.appendingPathComponent("lexicons/zh-CN")
        let own = dir.appendingPathComponent("rules/center-zh")
        try FileManager.default.createDirectory(at: own.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: shipped, to: own)
        let ruleset = own.appendingPathComponent("ruleset.yaml")
        let text = try String(contentsOf: ruleset, encoding: .utf8).replacingOccurrences(of: "name: zh-CN", with: "name: 本中心")
        try text.write(to: ruleset, atomically: true, encoding: .utf8)
        try write("rules: rules/center-zh\n", ".callqc.yml")
        try write(try String(contentsOf: CLITests.root.appendingPathComponent("samples/rude-agent.txt"), encoding: .utf8), "calls/rude-agent.txt")
        let calls = try folder("calls")

        func ruleSet(_ args: [String]) throws -> String? {
            let r = try ConfigRun.run(["check", "rude-agent.txt", "--format", "jsonl"] + args, in: calls)
            XCTAssertEqual(r.status, 0, r.stderr)
            let line = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
            return (line?["ruleset"] as? [String: Any])?["name"] as? String
        }
        XCTAssertEqual(try ruleSet([]), "本中心")
        XCTAssertEqual(try ruleSet(["--rules", shipped.path]), "zh-CN")
        XCTAssertEqual(try ruleSet(["--no-config"]), "zh-CN")
        // The lexicons folder as --rules: each call's language picks its set, as by default.
        XCTAssertEqual(try ruleSet(["--rules", CLITests.root.appendingPathComponent("lexicons").path]), "zh-CN")
        let listed = try ConfigRun.run(["rules", "list"], in: calls)
        XCTAssertTrue(listed.stdout.hasPrefix("本中心 "), listed.stdout)
    }

    /// The workbench takes its port, language and reading rate from the file; a flag beats it.
    func testServeReadsTheFile() throws {
        try write("""
        speech_rate:
          characters: 60
        serve:
          port: 0          # any free port
          lang: en
          session_idle: 45

        """, ".callqc.yml")
        let draft = "您好，欢迎致电星联移动，很高兴为您服务。感谢您的来电，再见。\n"
        do {
            let server = try ServedWorkbench(args: [], in: dir)
            defer { server.stop() }
            XCTAssertTrue(try server.get("/self-check").contains("<html lang=\"en\">"))
            let lint = try server.post("/api/lint?as=draft", draft)
            XCTAssertTrue(lint.contains("\"rate\": 60,"), lint)
        }
        do {
            let server = try ServedWorkbench(args: ["--lang", "zh"], in: dir)
            defer { server.stop() }
            XCTAssertTrue(try server.get("/self-check").contains("<html lang=\"zh-CN\">"))
        }
        // The file's host is used, and refused without a token or accounts.
        try write("serve:\n  host: 0.0.0.0\n  port: 0\n", ".callqc.yml")
        let open = try ConfigRun.run(["serve"], in: dir)
        XCTAssertEqual(open.status, 2)
        XCTAssertTrue(open.stderr.contains("refusing to listen on 0.0.0.0"), open.stderr)
    }

    // MARK: Files with mistakes

    func testAFileWithAMistakeStopsTheRunNamingItsLine() throws {
        try write(Self.namedCall, "call.txt")
        let cases: [(file: String, line: Int, says: [String], hidden: String?)] = [
            ("agent_lables: [小王]\n", 1, ["unknown key 'agent_lables'", "did you mean 'agent_labels'?"], nil),
            ("# 工作台\nserve:\n  prot: 8081\n", 3, ["unknown key 'prot' in 'serve'", "did you mean 'port'?"], nil),
            ("redact: maybe\n", 1, ["'redact' must be true or false, found 'maybe'"], nil),
            ("serve:\n  port: 八千\n", 2, ["'port' must be a whole number, found '八千'"], nil),
            ("serve:\n  port: 70000\n", 2, ["'port' must be between 0 and 65535"], nil),
            ("serve:\n  session_idle: [30]\n", 2, ["'session_idle' must be a number"], nil),
            ("agent_labels: {小王: agent}\n", 1, ["'agent_labels' must be a list"], nil),
            ("speech_rate:\n  characters: 0\n", 2, ["'characters' must be above 0"], nil),
            ("speech_rate: 120\n", 1, ["'speech_rate' must be a mapping"], nil),
            ("serve:\n  lang: fr\n", 2, ["'lang' must be one of zh, en, found 'fr'"], nil),
            ("port: 8081\n", 1, ["unknown key 'port' at the top", "put it under 'serve:'"], nil),
            ("serve:\n  db: qc.sqlite\n", 2, ["unknown key 'db' in 'serve'", "write it at the top of the file"], nil),
            ("rules: a\nrules: b\n", 2, ["duplicate key 'rules'"], nil),
            ("- rules\n", 1, ["the configuration must be a mapping"], nil),
            ("rules: [callqc-rules\nredact: true\n", 2, ["invalid YAML"], nil),
            // Secrets: refused with the way to give them, and never echoed.
            ("serve:\n  host: 0.0.0.0\n  token: s3cret-in-file\n", 3, ["'token' is a secret and does not belong in a configuration file", "CALLQC_TOKEN", "token_file"], "s3cret-in-file"),
            ("password: hunter2-in-file\n", 1, ["'password' is a secret", "PGPASSWORD"], "hunter2-in-file"),
            ("db: postgres://qc:hunter2-in-url@db.example:5432/qc\n", 1, ["the database URL holds a password", "PGPASSWORD"], "hunter2-in-url"),
        ]
        for c in cases {
            try write(c.file, ".callqc.yml")
            let r = try ConfigRun.run(["check", "call.txt", "--db", "qc.sqlite"], in: dir)
            let path = dir.appendingPathComponent(".callqc.yml").path
            XCTAssertEqual(r.status, 2, "\(c.file): \(r.stderr)")
            XCTAssertEqual(r.stdout, "", c.file)
            XCTAssertTrue(r.stderr.hasPrefix("callqc: error: \(path):\(c.line):"), "\(c.file) → \(r.stderr)")
            for s in c.says { XCTAssertTrue(r.stderr.contains(s), "\(c.file) → \(r.stderr) lacks \(s)") }
            if let hidden = c.hidden { XCTAssertFalse(r.stderr.contains(hidden), "the secret is not repeated: \(r.stderr)") }
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("qc.sqlite").path), "stopped before the store was opened")
            // Every command that reads settings stops the same way.
            for args in [["config"], ["lint", "call.txt"], ["rules", "list"], ["sample", "--db", "qc.sqlite", "--date", "2026-11-21"]] {
                let other = try ConfigRun.run(args, in: dir)
                XCTAssertEqual(other.status, 2, "\(args) with \(c.file)")
                XCTAssertTrue(other.stderr.contains("\(path):\(c.line):"), "\(args) → \(other.stderr)")
            }
        }
        // A bad file is skipped with --no-config.
        XCTAssertEqual(try ConfigRun.run(["check", "call.txt", "--no-config"], in: dir).status, 0)
    }

    func testPathsThatMustExistAreCheckedWhereTheyAreUsed() throws {
        try write("audio_root: recordings\n", ".callqc.yml")
        let missing = try ConfigRun.run(["config"], in: dir)
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains(".callqc.yml:1: 'audio_root' \(dir.appendingPathComponent("recordings").path) is not a folder"), missing.stderr)
        XCTAssertEqual(try ConfigRun.run(["serve"], in: dir).status, 2, "serve checks it at start")
        _ = try folder("recordings")
        let s = try shown(try ConfigRun.run(["config", "--format", "json"], in: dir))
        XCTAssertEqual(s["audio_root"]?["value"] as? String, dir.appendingPathComponent("recordings").path)

        try write("serve:\n  token_file: no-such-token\n", ".callqc.yml")
        let token = try ConfigRun.run(["serve", "--port", "0"], in: dir)
        XCTAssertEqual(token.status, 2)
        XCTAssertTrue(token.stderr.contains(".callqc.yml:2: 'token_file' \(dir.appendingPathComponent("no-such-token").path): cannot read the file"), token.stderr)
    }

    /// `--audio-root` over `audio_root` over none: check links each call to CALL_ID.wav (…) under
    /// the root in effect; config shows it; only the JSON result gains `audio`, the table does not change.
    func testAudioRootFlagOverFileOverDefault() throws {
        try write("audio_root: recordings\n", ".callqc.yml")
        try write("# call: 回访-0042\n# agent: A017\n[00:00.3-00:04.8] 坐席: 您好，很高兴为您服务。\n[00:05.0-00:08.0] 客户: 我想问一下宽带。\n[00:08.5-00:10.0] 坐席: 感谢您的来电，再见。\n", "call.txt")
        try write("RIFF", "recordings/回访-0042.wav")
        try write("ID3", "other/回访-0042.mp3")
        let recordings = dir.appendingPathComponent("recordings").path, other = dir.appendingPathComponent("other").path
        func audio(_ args: [String]) throws -> String? {
            let r = try ConfigRun.run(["check", "call.txt", "--format", "jsonl", "--no-progress", "--no-redact"] + args, in: dir)
            XCTAssertEqual(r.status, 0, r.stderr)
            let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout)
            return (doc["call"] as? [String: Any])?["audio"] as? String
        }
        XCTAssertEqual(try audio([]), recordings + "/回访-0042.wav", "the file's audio_root")
        XCTAssertEqual(try audio(["--audio-root", "other"]), other + "/回访-0042.mp3", "the flag wins")
        XCTAssertEqual(try audio(["--audio-root", "other", "--audio-root", "recordings"]), other + "/回访-0042.mp3", "the roots in order")
        XCTAssertNil(try audio(["--no-config"]), "no root: no link, and no `audio` member")

        let table = try ConfigRun.run(["check", "call.txt", "--no-color", "--no-progress"], in: dir)
        let plain = try ConfigRun.run(["check", "call.txt", "--no-color", "--no-progress", "--no-config"], in: dir)
        XCTAssertEqual(table.stdout, plain.stdout, "the table does not show recordings")

        let bad = try ConfigRun.run(["check", "call.txt", "--audio-root", "no-such-folder"], in: dir)
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("--audio-root no-such-folder is not a folder"), bad.stderr)
        XCTAssertEqual(try ConfigRun.run(["serve", "--port", "0", "--audio-root", "no-such-folder"], in: dir).status, 2)

        var s = try shown(try ConfigRun.run(["config", "--format", "json"], in: dir))
        XCTAssertEqual(s["audio_root"]?["value"] as? String, recordings)
        XCTAssertEqual(s["audio_root"]?["origin"] as? String, "file")
        s = try shown(try ConfigRun.run(["config", "--format", "json", "--audio-root", "other", "--audio-root", "recordings"], in: dir))
        XCTAssertEqual(s["audio_root"]?["value"] as? [String], [other, recordings])
        XCTAssertEqual(s["audio_root"]?["origin"] as? String, "flag")
        let text = try ConfigRun.run(["config", "--audio-root", "other"], in: dir)
        XCTAssertTrue(text.stdout.contains(other), text.stdout)
        XCTAssertTrue(text.stdout.contains("flag --audio-root"), text.stdout)
    }

    // MARK: callqc config

    func testConfigShowsEachSettingAndWhereItCameFrom() throws {
        try write("t0ken-from-file\n", "secrets/token")
        try write("""
        # 本中心
        rules: center-rules
        db: data/qc.sqlite
        serve:
          port: 9100
          token_file: secrets/token
          public_url: https://qc.example.com/

        """, ".callqc.yml")
        let file = dir.appendingPathComponent(".callqc.yml").path

        let env = try ConfigRun.run(["config", "--format", "json", "--port", "9200"], in: dir, env: ["CALLQC_TOKEN": "env-t0ken-123"])
        let s = try shown(env)
        XCTAssertEqual(s["rules"]?["value"] as? String, dir.appendingPathComponent("center-rules").path)
        XCTAssertEqual(s["rules"]?["from"] as? String, "\(file):2")
        XCTAssertEqual(s["db"]?["from"] as? String, "\(file):3")
        XCTAssertEqual(s["serve.port"]?["value"] as? Int, 9200)
        XCTAssertEqual(s["serve.port"]?["from"] as? String, "flag --port")
        XCTAssertEqual(s["serve.public_url"]?["value"] as? [String], ["https://qc.example.com/"])
        XCTAssertEqual(s["serve.public_url"]?["line"] as? Int, 7)
        XCTAssertEqual(s["serve.host"]?["value"] as? String, "127.0.0.1")
        XCTAssertEqual(s["serve.host"]?["from"] as? String, "default")
        XCTAssertEqual(s["redact"]?["value"] as? Bool, true)
        XCTAssertEqual(s["serve.token"]?["value"] as? String, "set")
        XCTAssertEqual(s["serve.token"]?["from"] as? String, "env CALLQC_TOKEN")
        XCTAssertFalse(env.stdout.contains("env-t0ken-123") || env.stdout.contains("t0ken-from-file"), "secrets are shown as set or unset only")

        // Without the variable the token comes from the file the configuration names; the text form.
        let text = try ConfigRun.run(["config"], in: dir)
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.hasPrefix("configuration file: \(file) (found)\n"), text.stdout)
        let lines = text.stdout.split(separator: "\n").map(String.init)
        func line(_ key: String) -> String { lines.first { $0.hasPrefix(key + " ") } ?? "" }
        XCTAssertTrue(line("serve.token").hasSuffix("\(file):6"), line("serve.token"))
        XCTAssertTrue(line("serve.token").contains(" set "), line("serve.token"))
        XCTAssertTrue(line("serve.port").contains("9100"), line("serve.port"))
        XCTAssertTrue(line("serve.port").hasSuffix("\(file):5"), line("serve.port"))
        XCTAssertTrue(line("agent_labels").hasSuffix("default"), line("agent_labels"))
        XCTAssertFalse(text.stdout.contains("t0ken-from-file"))

        // A PostgreSQL store: the password is the environment's, shown as set or unset.
        try write("db: postgres://qc@db.example:5432/qc\n", ".callqc.yml")
        let pg = try shown(try ConfigRun.run(["config", "--format", "json"], in: dir, env: ["PGPASSWORD": "pg-pw-4567"]))
        XCTAssertEqual(pg["db"]?["value"] as? String, "postgres://qc@db.example:5432/qc")
        XCTAssertEqual(pg["db.password"]?["value"] as? String, "set")
        XCTAssertEqual(pg["db.password"]?["from"] as? String, "env PGPASSWORD")
        XCTAssertEqual(try shown(try ConfigRun.run(["config", "--format", "json"], in: dir))["db.password"]?["value"] as? String, "unset")

        // With no file: every setting at its default.
        let bare = try shown(try ConfigRun.run(["config", "--format", "json", "--no-config"], in: dir))
        XCTAssertEqual(bare["(file)"]?["path"] as? NSNull, NSNull())
        for (key, value) in bare where key != "(file)" && key != "lexicons" {
            XCTAssertEqual(value["origin"] as? String, "default", key)
        }
    }
}

/// Runs the built `callqc` in a folder, with the caller's environment less callqc's own variables.
enum ConfigRun {
    static func environment(_ extra: [String: String]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { !["CALLQC_CONFIG", "CALLQC_TOKEN", "PGPASSWORD"].contains($0.key) }
        for (k, v) in extra { env[k] = v }
        return env
    }

    static func run(_ args: [String], in folder: URL, env: [String: String] = [:], stdin: String? = nil) throws -> CLI.Run {
        let process = Process()
        process.executableURL = try CLI.binary()
        process.arguments = args
        process.currentDirectoryURL = folder
        process.environment = environment(env)
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Both pipes are read while the process runs, so a full pipe cannot stall it.
        let errors = Received()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errors.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return CLI.Run(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: errors.data, as: UTF8.self))
    }
}

/// Standard error's bytes, handed from the reading thread (the group's wait orders the two).
final class Received: @unchecked Sendable { var data = Data() }

/// `callqc serve` started in a folder (its .callqc.yml decides the port), and plain HTTP to it.
final class ServedWorkbench {
    let process = Process()
    var port: UInt16 = 0

    init(args: [String], in folder: URL) throws {
        process.executableURL = try CLI.binary()
        process.arguments = ["serve"] + args
        process.currentDirectoryURL = folder
        process.environment = ConfigRun.environment([:])
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var seen = ""
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            if let r = seen.range(of: "http://127.0.0.1:"), let end = seen[r.upperBound...].firstIndex(of: "/"), let p = UInt16(seen[r.upperBound..<end]) {
                port = p
                return
            }
        }
        stop()
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "callqc serve did not start: \(seen)"])
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    func get(_ path: String) throws -> String { try exchange("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n") }

    func post(_ path: String, _ body: String) throws -> String {
        try exchange("POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
    }

    /// Sends a request and reads the answer until the server closes the connection.
    private func exchange(_ request: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0 else { throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "cannot connect to port \(port)"]) }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = Array(request.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            data += buffer[0..<n]
        }
        return String(decoding: data, as: UTF8.self)
    }
}
