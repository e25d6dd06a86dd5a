import CallQC
import CallQCStore
import Foundation
import XCTest
import CallQCTestSupport

/// `kill -9` in the middle of `callqc check --db`: every batch is one transaction, so what was
/// committed stays whole and nothing is half-written; a re-run completes the store without
/// doubling a result. On SQLite and on PostgreSQL.
final class StoreCrashCLITests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-crash-\(UUID().pathSafe)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// `count` calls as JSON Lines, Chinese and English, with findings (taboo phrases, a phone number) in some.
    func corpus(_ count: Int) throws -> URL {
        let zh = ["您好，这里是客服中心，请问有什么可以帮您？", "这个我不知道，你问别人吧。", "请您提供一下手机号码。",
                  "好的，我帮您查询一下，请稍等。", "感谢您的来电，祝您生活愉快，再见！"]
        let en = ["Thank you for calling, how can I help you?", "I don't know, that's not my job.", "Let me check that for you.",
                  "Is there anything else I can help with?", "Thanks for calling, goodbye!"]
        var text = ""
        for i in 0..<count {
            let lines = i % 3 == 2 ? en : zh
            var turns: [String] = []
            var t = 0.0
            for (k, line) in lines.enumerated() where !(k == 1 && i % 4 == 0) {
                let role = k % 2 == 0 ? "agent" : "customer"
                let said = k == 2 && i % 5 == 0 ? line + " 13812345678" : line
                let escaped = said.replacingOccurrences(of: "\"", with: "\\\"")
                turns.append("{\"role\":\"\(role)\",\"start\":\(t),\"end\":\(t + 3.5),\"text\":\"\(escaped)\"}")
                t += 4.2
            }
            text += "{\"id\":\"K\(i)\",\"agent\":\"A\(100 + i % 7)\",\"date\":\"2026-11-\(10 + i % 9)\",\"turns\":[\(turns.joined(separator: ","))]}\n"
        }
        let url = dir.appendingPathComponent("calls.jsonl")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// The store's counts, and the results whose stored findings or sections differ from their JSON.
    func audit(_ store: SQLStore) throws -> (calls: Int, results: Int, broken: [String]) {
        try store.database.read { db in
            let calls = try db.int("SELECT COUNT(*) FROM calls") ?? -1
            let results = try db.int("SELECT COUNT(*) FROM results") ?? -1
            var broken: [String] = []
            let findings = Dictionary(uniqueKeysWithValues: try db.rows("SELECT result_id, COUNT(*) AS n FROM findings GROUP BY result_id").map { row -> (Int, Int) in (row["result_id"], row["n"]) })
            for row in try db.rows("SELECT id, call_id, result_json FROM results") {
                let id: Int = row["id"]
                let json: String = row["result_json"]
                let expected = (try? JSONParser.parse(json))?["findings"]?.arrayValue?.count ?? -1
                if (findings[id] ?? 0) != expected { broken.append("\(row["call_id"] as String): \(findings[id] ?? 0) findings stored, \(expected) in its JSON") }
            }
            let orphans = try db.int("SELECT COUNT(*) FROM calls c WHERE NOT EXISTS (SELECT 1 FROM results r WHERE r.content_hash = c.content_hash)") ?? -1
            if orphans != 0 { broken.append("\(orphans) calls without a result") }
            return (calls, results, broken)
        }
    }

    func backends() -> [String] {
        [dir.appendingPathComponent("qc.sqlite").path] + (TestPostgres.fresh().map { [$0] } ?? [])
    }

    func testKillNineMidBatchLosesNothingCommittedAndLeavesNothingHalfWritten() throws {
        let calls = 1500, batch = 40
        let input = try corpus(calls)
        for db in backends() {
            defer { TestPostgres.drop(db) }
            let process = Process()
            process.executableURL = try CLI.binary()
            process.arguments = ["check", input.path, "--db", db, "--batch", String(batch), "--no-progress", "--format", "jsonl", "-o", "/dev/null"]
            process.currentDirectoryURL = CLITests.root
            process.standardError = FileHandle.nullDevice
            // The store exists before the run (its migration is not what is being killed).
            let store = try SQLStore.open(db)
            try process.run()
            let deadline = Date().addingTimeInterval(120)
            while Date() < deadline, process.isRunning, (try? audit(store).results) ?? 0 < batch * 2 { usleep(5_000) }
            XCTAssertTrue(process.isRunning, "[\(db.prefix(8))] the run ended before it could be killed: use more calls")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let after = try audit(store)
            XCTAssertGreaterThanOrEqual(after.results, batch * 2)
            XCTAssertLessThan(after.results, calls)
            // Batches are saved in input order, each in one transaction that inserts its calls in
            // content-hash order: whole batches leave exactly the first N calls; a half-written one would not.
            let stored = try store.database.read { db in Set(try db.rows("SELECT call_id FROM calls").map { row -> String in row["call_id"] }) }
            XCTAssertEqual(stored, Set((0..<after.results).map { "K\($0)" }), "[\(db.prefix(8))] whole batches only: \(after.results) results")
            XCTAssertEqual(after.calls, after.results)
            XCTAssertEqual(after.broken, [])
            // Run again: the store completes, and nothing is doubled.
            let again = try CLI.run(["check", input.path, "--db", db, "--no-progress", "--format", "jsonl", "-o", "/dev/null"])
            XCTAssertEqual(again.status, 0, again.stderr)
            let done = try audit(store)
            XCTAssertEqual(done.results, calls, "[\(db.prefix(8))]")
            XCTAssertEqual(done.calls, calls)
            XCTAssertEqual(done.broken, [])
            (store.database as? PostgresDatabase)?.shutdown()
        }
    }
}
