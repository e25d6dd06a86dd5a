import Foundation
import XCTest

/// `callqc live`: turns as JSON Lines on standard input, or a growing transcript (--follow).
final class LiveCLITests: XCTestCase {
    func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-live-\(UUID().pathSafe)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func objects(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], String($0)) }
    }

    func testJSONLinesInAlertsAtTheirTurnsThenTheFinalResults() throws {
        let input = """
        {"call":"C1","agent":"A023","role":"agent","start":0.3,"end":2.3,"text":"您好，请讲。"}
        {"call":"C2","role":"坐席","start":0,"end":3,"text":"Thank you for calling, how can I help you?"}
        {"call":"C1","role":"customer","start":2.6,"end":8,"text":"我想问一下我这个月话费怎么多了，我也不知道扣的是什么。"}
        {"call":"C1","role":"agent","start":8.5,"end":9.5,"text":"不知","final":false}
        {"call":"C1","role":"agent","start":8.5,"end":11,"text":"不知道。系统上就这么显示的。"}
        {"call":"C2","role":"customer","start":3.5,"end":7,"text":"I want to file a complaint about my bill."}
        {"call":"C1","role":"robot","text":"x"}
        this is not json
        {"call":"C2","event":"end"}
        {"call":"C1","role":"customer","start":12,"end":16,"text":"你叫什么名字？我要投诉你。"}

        """
        let r = try CLI.run(["live", "--format", "json"], stdin: input)
        XCTAssertEqual(r.status, 1, "bad lines make the exit status 1: \(r.stderr)")
        XCTAssertTrue(r.stderr.contains("-:7: 'role' is 'robot'"), r.stderr)
        XCTAssertTrue(r.stderr.contains("-:8: not JSON"), r.stderr)
        let out = try objects(r.stdout)
        let alerts = out.filter { $0["schema"] as? String == "callqc.alert/1" }
        let results = out.filter { $0["schema"] as? String == "callqc.result/1" }
        // The agent's 不知道 once (not the partial 不知, not the customer's 不知道 at turn 2), with the better phrasing.
        let taboo = alerts.filter { $0["kind"] as? String == "forbidden" }
        XCTAssertEqual(taboo.count, 1, "\(taboo)")
        XCTAssertEqual(taboo.first?["call"] as? String, "C1")
        XCTAssertEqual(taboo.first?["turn"] as? Int, 3)
        XCTAssertEqual(taboo.first?["rule"] as? String, "taboo.dont-know")
        XCTAssertNotNil(taboo.first?["suggestion"] as? String)
        XCTAssertTrue(alerts.contains { $0["kind"] as? String == "complaint" && $0["call"] as? String == "C2" }, "\(alerts)")
        XCTAssertTrue(alerts.contains { $0["kind"] as? String == "complaint" && $0["call"] as? String == "C1" && $0["text"] as? String == "投诉" })
        // C2 ended by its event, before C1's last turn; C1 at the end of the input.
        XCTAssertEqual(results.map { ($0["call"] as? [String: Any])?["id"] as? String }, ["C2", "C1"])
        let c2 = try XCTUnwrap(out.firstIndex { ($0["call"] as? [String: Any])?["id"] as? String == "C2" })
        let lastC1Alert = try XCTUnwrap(out.lastIndex { $0["call"] as? String == "C1" && $0["kind"] as? String == "complaint" })
        XCTAssertLessThan(c2, lastC1Alert)
        let c1 = try XCTUnwrap(results.last?["call"] as? [String: Any])
        XCTAssertEqual(c1["agent"] as? String, "A023")
        XCTAssertEqual((results.last?["metrics"] as? [String: Any])?["turns"] as? Int, 4, "the partial turn is not kept")
    }

    func testTextAlertsAreMaskedByDefault() throws {
        let input = """
        {"role":"agent","start":0,"end":2,"text":"您好，很高兴为您服务。"}
        {"role":"agent","start":2,"end":9,"text":"您登记的手机号是13912345678，对吗？"}

        """
        let masked = try CLI.run(["live"], stdin: input)
        XCTAssertEqual(masked.status, 0, masked.stderr)
        XCTAssertTrue(masked.stdout.contains("live  turn 2"), masked.stdout)
        XCTAssertTrue(masked.stdout.contains("personal-data"), masked.stdout)
        XCTAssertFalse(masked.stdout.contains("13912345678"), masked.stdout)
        XCTAssertTrue(masked.stdout.contains("1 call from 1 input"), "the final result as a table: \(masked.stdout)")
        let plain = try CLI.run(["live", "--no-redact"], stdin: input)
        XCTAssertTrue(plain.stdout.contains("13912345678"))
    }

    func testFollowAGrowingTranscriptGivesTheBatchResult() throws {
        let dir = try tempDir()
        let lines = try String(contentsOf: CLITests.root.appendingPathComponent("samples/rude-agent.txt"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let path = dir.appendingPathComponent("rude.txt")
        // The header and the first turns; the rest arrives while callqc follows, the last line in two writes.
        try (lines[0..<6].joined(separator: "\n") + "\n").write(to: path, atomically: false, encoding: .utf8)
        let process = Process()
        process.executableURL = try CLI.binary()
        process.arguments = ["live", "--follow", path.path, "--idle", "3", "--format", "json"]
        process.currentDirectoryURL = CLITests.root
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        Thread.sleep(forTimeInterval: 0.7)
        let handle = try FileHandle(forWritingTo: path)
        handle.seekToEndOfFile()
        let rest = lines[6...].joined(separator: "\n")
        let cut = rest.index(rest.endIndex, offsetBy: -8)
        handle.write(Data(rest[..<cut].utf8))
        Thread.sleep(forTimeInterval: 0.5)
        handle.write(Data(rest[cut...].utf8))
        try handle.close()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, stderr)
        let outLines = stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(outLines.contains { $0.contains("\"rule\":\"taboo.dont-know\"") && $0.contains("\"turn\":7") }, stdout)
        let batch = try CLI.run(["check", path.path, "--format", "jsonl"])
        XCTAssertEqual(outLines.last, batch.stdout.split(separator: "\n").map(String.init).last, "the final result is the batch result, byte for byte")
        XCTAssertEqual(outLines.filter { $0.contains("callqc.result/1") }.count, 1)
    }
}
