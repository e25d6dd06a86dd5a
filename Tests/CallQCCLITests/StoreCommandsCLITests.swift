import CallQCStore
import Foundation
import XCTest
import CallQCTestSupport

/// Every command that takes `--db`, run as a center would run a day, once on a SQLite file and
/// once on PostgreSQL: each says the same on both (times and the database's name aside).
final class StoreCommandsCLITests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-store-cmds-\(UUID().pathSafe)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// The day's commands; `DB` stands for the database.
    static let day: [(args: [String], stdin: String?)] = [
        (["check", "samples/", "--db", "DB", "--no-progress", "--format", "jsonl", "-o", "/dev/null"], nil),
        (["check", "samples/rude-agent.txt", "--db", "DB", "--no-progress", "--format", "jsonl", "-o", "/dev/null"], nil),
        (["sample", "--db", "DB", "--date", "2026-11-21", "--seed", "21"], nil),
        (["review", "C20261121-0053", "--db", "DB", "--score", "45", "--confirm", "taboo", "--reject", "politeness"], nil),
        (["review", "C20261120-0057", "--db", "DB", "--missed", "taboo.refusal@9", "--note", "推诿"], nil),
        (["sample", "--db", "DB", "--date", "2026-11-21", "--seed", "21"], nil),
        (["report", "calibration", "--db", "DB"], nil),
        (["rules", "suggest-examples", "--db", "DB"], nil),
        (["report", "--db", "DB", "--from", "2026-11-20", "--to", "2026-11-21"], nil),
        (["report", "--db", "DB", "--format", "csv"], nil),
        (["cases", "add", "C20261121-0022", "--db", "DB", "--title", "断网投诉的安抚与跟进"], nil),
        (["cases", "add", "C20261120-0057", "--db", "DB", "--turns", "6-12"], nil),
        (["cases", "list", "--db", "DB"], nil),
        (["cases", "search", "不知道", "--db", "DB"], nil),
        (["cases", "share", "1", "--db", "DB"], nil),
        (["cases", "suggest", "--db", "DB", "--from", "2026-11-20", "--to", "2026-11-21"], nil),
        (["users", "add", "chen", "--role", "admin", "--password-stdin", "--db", "DB"], "Admin-pass-2Vb!\n"),
        (["users", "add", "wang", "--role", "agent", "--agent-id", "A023", "--team", "north", "--password-stdin", "--db", "DB"], "Agent-pass-7Qx!\n"),
        (["users", "add", "zhao", "--role", "supervisor", "--team", "north", "--password-stdin", "--db", "DB"], "Super-pass-3Kd!\n"),
        (["users", "set-role", "zhao", "admin", "--db", "DB"], nil),
        (["users", "disable", "wang", "--db", "DB"], nil),
        (["users", "enable", "wang", "--db", "DB"], nil),
        (["users", "list", "--db", "DB"], nil),
        (["appeals", "add", "C20261120-0057", "--finding", "1", "--reason", "客户先挂断，不是推诿", "--agent", "wang", "--db", "DB"], nil),
        (["appeals", "add", "C20261120-0057", "--finding", "1", "--reason", "again", "--agent", "wang", "--db", "DB"], nil),
        (["appeals", "list", "--db", "DB"], nil),
        (["appeals", "decide", "1", "--accept", "--note", "录音核实", "--by", "zhao", "--db", "DB"], nil),
        (["report", "--db", "DB", "--from", "2026-11-20", "--to", "2026-11-20"], nil),
        (["audit", "--db", "DB"], nil),
        (["purge", "--db", "DB", "--before", "2026-11-21", "--keep-reviewed", "--dry-run"], nil),
        (["purge", "--db", "DB", "--before", "2026-11-21", "--keep-reviewed"], nil),
        (["report", "--db", "DB"], nil),
    ]

    /// What a run says, with times, the database's name and the OS user made alike.
    func normalized(_ text: String, db: String) -> String {
        var s = text.replacingOccurrences(of: db, with: "DB").replacingOccurrences(of: StoreCommandsCLITests.shown(db), with: "DB")
            .replacingOccurrences(of: "in qc.sqlite:", with: "in DB:")
        for pattern in [#"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"#, #"cli:[A-Za-z0-9_.-]+"#] {
            s = s.replacingOccurrences(of: pattern, with: "…", options: .regularExpression)
        }
        return s
    }

    static func shown(_ db: String) -> String { SQLStore.isServerURL(db) ? PostgresLocation.redacted(db) : db }

    func testEveryStoreCommandSaysTheSameOnBothBackends() throws {
        let sqlite = dir.appendingPathComponent("qc.sqlite").path
        guard let postgres = try TestPostgres.require() else { return }
        defer { TestPostgres.drop(postgres) }
        for (args, stdin) in StoreCommandsCLITests.day {
            var said: [String] = []
            for db in [sqlite, postgres] {
                let run = try CLI.run(args.map { $0 == "DB" ? db : $0 }, stdin: stdin)
                said.append("status \(run.status)\n\(normalized(run.stdout, db: db))\n--- stderr\n\(normalized(run.stderr, db: db))")
                XCTAssertFalse(run.stderr.contains("callqc:callqc@"), "the password is never shown: \(run.stderr)")
            }
            XCTAssertEqual(said[0], said[1], "callqc \(args.joined(separator: " ")) says something else on PostgreSQL")
            XCTAssertTrue(said[0].hasPrefix("status 0") || args.contains("again"), "\(args): \(said[0])")
        }
    }

    /// A call whose id (or agent, date, script) is absurdly long is refused on its own, on both
    /// backends alike (PostgreSQL's indexes would refuse the whole batch), and the rest is stored.
    func testOverlongNamesAreRefusedPerCallAndTheRestIsStored() throws {
        let long = String(repeating: "呼", count: 3000)
        let calls = [
            #"{"id":"L1","agent":"A023","turns":[{"role":"agent","text":"您好，请问有什么可以帮您？"}]}"#,
            #"{"id":"\#(long)","agent":"A023","turns":[{"role":"agent","text":"您好"}]}"#,
            #"{"id":"L3","agent":"\#(String(repeating: "x", count: 300))","turns":[{"role":"agent","text":"Hello, how can I help?"}]}"#,
            #"{"id":"L4","date":"2026-12-01","turns":[{"role":"agent","text":"您好，這裡是客服中心"}]}"#,
        ].joined(separator: "\n") + "\n"
        let stores = [dir.appendingPathComponent("long.sqlite").path] + (TestPostgres.fresh().map { [$0] } ?? [])
        defer { stores.forEach(TestPostgres.drop) }
        for db in stores {
            let run = try CLI.run(["check", "-", "--db", db, "--format", "jsonl", "--no-progress"], stdin: calls)
            XCTAssertEqual(run.status, 0, run.stderr)
            let lines = run.stdout.split(separator: "\n")
            XCTAssertEqual(lines.count, 4, "one line per input line, in place")
            XCTAssertTrue(lines[1].contains("callqc.error/1") && lines[1].contains("over the limit of 256"), String(lines[1].prefix(300)))
            XCTAssertTrue(lines[2].contains("callqc.error/1") && lines[2].contains("the agent"), String(lines[2].prefix(300)))
            XCTAssertLessThan(run.stderr.count, 2000, "the message quotes the start of the id, not all of it")
            let store = try SQLStore.open(db)
            XCTAssertEqual(try store.summaries(from: nil, to: nil).map(\.callID).sorted(), ["L1", "L4"], db)
            (store.database as? PostgresDatabase)?.shutdown()
        }
    }
}
