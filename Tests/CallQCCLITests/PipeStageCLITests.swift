import Foundation
import XCTest

/// Issue 17: `callqc check - --format jsonl` as a pipe stage (docs/scale.md). One output line per
/// input line that is not blank, in input order, written batch by batch as the input comes;
/// a line that is not a call is a `callqc.error/1` line in its place; the exit status is
/// non-zero only for usage errors (and for `--fail-on`, when asked).
final class PipeStageCLITests: XCTestCase {
    // MARK: Calls of three kinds: Simplified and Traditional Chinese, English.

    static func json(_ value: Any) -> String {
        let data = try! JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// A call as one JSON line; `kind` 0 Simplified, 1 Traditional, 2 English.
    static func callLine(_ id: String, kind: Int, rude: Bool = false) -> String {
        let turns: [[String: Any]]
        switch kind {
        case 0:
            turns = [
                ["role": "agent", "speaker": "坐席", "start": 0.2, "end": 4.0, "text": "您好，很高兴为您服务，请问有什么可以帮您？"],
                ["role": "customer", "speaker": "客户", "start": 4.5, "end": 8.0, "text": "我想查一下这个月的话费，怎么扣了这么多？"],
                ["role": "agent", "speaker": "坐席", "start": 8.4, "end": 14.0, "text": rude ? "不知道，系统上就这么显示的。" : "好的，我帮您查询一下，本月套餐五十八元，另有流量包二十元。"],
                ["role": "customer", "speaker": "客户", "start": 14.3, "end": 16.0, "text": "哦，那好吧。"],
                ["role": "agent", "speaker": "坐席", "start": 16.2, "end": 20.0, "text": "请问还有其他可以帮您的吗？感谢您的来电，再见！"],
            ]
        case 1:
            turns = [
                ["role": "agent", "speaker": "客服", "start": 0.3, "end": 4.2, "text": "您好，很高興為您服務，請問有什麼可以幫您？"],
                ["role": "customer", "speaker": "客戶", "start": 4.6, "end": 8.1, "text": "我家寬帶從昨天開始就用不了了。"],
                ["role": "agent", "speaker": "客服", "start": 8.5, "end": 14.2, "text": rude ? "這是規定，就不行。" : "非常抱歉給您帶來不便，我已經為您登記，師傅會在二十四小時內聯繫您。"],
                ["role": "agent", "speaker": "客服", "start": 14.6, "end": 18.0, "text": "感謝您的來電，祝您生活愉快，再見。"],
            ]
        default:
            turns = [
                ["role": "agent", "speaker": "Agent", "start": 0.1, "end": 3.5, "text": "Thank you for calling Starlink Mobile, my name is Lisa, how can I help you today?"],
                ["role": "customer", "speaker": "Customer", "start": 3.9, "end": 7.0, "text": "Hi, my bill this month is much higher than usual."],
                ["role": "agent", "speaker": "Agent", "start": 7.3, "end": 12.0, "text": rude ? "I don't know, that's not my problem." : "I'm sorry about that, let me check the charges on your account for you."],
                ["role": "agent", "speaker": "Agent", "start": 12.4, "end": 15.0, "text": "Is there anything else I can help you with? Thank you for calling, goodbye."],
            ]
        }
        return json(["id": id, "agent": "A\(100 + kind)", "date": "2026-12-0\(1 + kind)", "turns": turns])
    }

    /// What an input line should give: a result for a call id, or an error naming its line.
    enum Expected: Equatable { case result(String), error(line: Int, says: String) }

    /// Input lines (bytes, each with its line end) and what each gives, blank lines giving nothing.
    static func mixedInput(calls: Int, lineEnd: String = "\n", huge: Bool = true) -> (bytes: Data, expected: [Expected]) {
        var data = Data()
        var expected: [Expected] = []
        var line = 0
        func add(_ bytes: Data, _ e: Expected?) {
            line += 1
            data.append(bytes)
            data.append(Data(lineEnd.utf8))
            if let e { expected.append(e) }
        }
        // A broken first record: the stream is still read as JSON Lines.
        add(Data("not json at all".utf8), .error(line: 1, says: "invalid JSON"))
        for i in 0..<calls {
            let id = String(format: "P%05d", i)
            add(Data(callLine(id, kind: i % 3, rude: i % 7 == 3).utf8), .result(id))
            switch i {
            case 10: add(Data("{\"id\": \"X1\", \"turns\": [{\"role\": \"agent\"".utf8), .error(line: line + 1, says: "invalid JSON"))
            case 20: add(Data("{\"caller\": \"13800000000\", \"duration\": 61}".utf8), .error(line: line + 1, says: "missing required field 'turns'"))
            case 30: add(Data("{\"id\": \"E1\", \"turns\": []}".utf8), .error(line: line + 1, says: "'turns' is empty"))
            case 40: add(Data("[{\"id\": \"A1\"}]".utf8), .error(line: line + 1, says: "must be a JSON object"))
            case 50: add(Data([0x7B, 0x22, 0x69, 0x64, 0x22, 0x3A, 0x22, 0xC4, 0xE3, 0xBA, 0xC3, 0x22, 0x7D]), .error(line: line + 1, says: "invalid UTF-8"))   // {"id":"你好"} in GBK
            case 60: add(Data(), nil); add(Data("   \t".utf8), nil)
            case 70 where huge: add(Data(("{\"id\": \"H1\", \"turns\": [{\"role\": \"agent\", \"text\": \"" + String(repeating: "您好", count: 400_000) + "\"}]}").utf8), .error(line: line + 1, says: "over the limit"))
            case 80: add(Data("{\"id\": \"T1\", \"turns\": [{\"role\": \"agent\", \"text\": \"您好\", \"start\": 5, \"end\": 2}]}".utf8), .error(line: line + 1, says: "is before 'start'"))
            default: break
            }
        }
        return (data, expected)
    }

    /// Checks `stdout` line by line against `expected`.
    func assertRecords(_ stdout: String, _ expected: [Expected], file: StaticString = #filePath, line: UInt = #line) throws {
        let lines = stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        XCTAssertEqual(lines.count, expected.count, "one output line per input line that is not blank", file: file, line: line)
        for (k, (out, want)) in zip(lines, expected).enumerated() {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any], out, file: file, line: line)
            switch want {
            case .result(let id):
                XCTAssertEqual(object["schema"] as? String, "callqc.result/1", "output line \(k + 1)", file: file, line: line)
                XCTAssertEqual((object["call"] as? [String: Any])?["id"] as? String, id, "output line \(k + 1)", file: file, line: line)
            case .error(let number, let says):
                XCTAssertEqual(object["schema"] as? String, "callqc.error/1", "output line \(k + 1): \(out.prefix(200))", file: file, line: line)
                XCTAssertEqual(object["source"] as? String, "-", file: file, line: line)
                XCTAssertEqual(object["line"] as? Int, number, "output line \(k + 1): \(out.prefix(300))", file: file, line: line)
                XCTAssertTrue((object["error"] as? String ?? "").contains(says), "output line \(k + 1) should say \(says): \(out.prefix(300))", file: file, line: line)
                XCTAssertEqual(Set(object.keys), ["schema", "source", "line", "error"], "the callqc.error/1 schema of docs/output.md", file: file, line: line)
            }
        }
    }

    // MARK: Tests

    func testOneLineInPlaceForEveryLineInInputOrderAcrossBatchesAndThreads() throws {
        let (input, expected) = Self.mixedInput(calls: 150)
        let small = try PipeRun.run(["check", "-", "--format", "jsonl", "--no-progress", "--batch", "7"], stdin: input)
        XCTAssertEqual(small.status, 0, "bad lines are records, not failures: \(small.stderr.prefix(2000))")
        try assertRecords(small.stdout, expected)
        XCTAssertTrue(small.stderr.contains("callqc: error: -:13: invalid JSON"), String(small.stderr.prefix(2000)))
        // Chinese, Simplified and Traditional, and English, each with its rule set.
        let tags = small.stdout.split(separator: "\n").compactMap { line -> String? in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return (o["call"] as? [String: Any])?["language_tag"] as? String
        }
        XCTAssertEqual(Set(tags), ["zh-Hans", "zh-Hant", "en"])
        XCTAssertTrue(small.stdout.contains("\"text\":\"這是規定，就不行\""), "Traditional evidence stays Traditional")

        // However the batches fall (one call at a time, or all in one), the output is the same, byte for byte.
        for batch in ["1", "1000"] {
            let other = try PipeRun.run(["check", "-", "--format", "jsonl", "--no-progress", "--batch", batch], stdin: input)
            XCTAssertEqual(other.status, 0)
            XCTAssertTrue(other.stdout == small.stdout, "--batch \(batch): the same output, byte for byte")
        }
        // CRLF line ends and a UTF-8 byte-order mark change nothing but the bytes read (the
        // over-long line left out: its error counts its bytes, CR included).
        let (lf, _) = Self.mixedInput(calls: 150, huge: false)
        let (crlf, _) = Self.mixedInput(calls: 150, lineEnd: "\r\n", huge: false)
        let unix = try PipeRun.run(["check", "-", "--format", "jsonl", "--no-progress", "--batch", "16"], stdin: lf)
        let windows = try PipeRun.run(["check", "-", "--format", "jsonl", "--no-progress", "--batch", "16"], stdin: Data([0xEF, 0xBB, 0xBF]) + crlf)
        XCTAssertEqual(windows.status, 0)
        XCTAssertEqual(unix.stdout.split(separator: "\n").count, 150 + 7)
        XCTAssertTrue(windows.stdout == unix.stdout, "CRLF and a byte-order mark: the same output")
    }

    func testResultsOfABatchComeOutBeforeTheInputEnds() throws {
        let stage = try PipeRun.Stage(["check", "-", "--format", "jsonl", "--no-progress", "--batch", "3"])
        defer { stage.stop() }
        var sent = 0
        func send(_ n: Int) {
            var text = ""
            for _ in 0..<n {
                text += Self.callLine(String(format: "F%03d", sent), kind: sent % 3) + "\n"
                sent += 1
            }
            stage.write(Data(text.utf8))
        }
        send(3)
        // Standard input stays open: the three results must come all the same.
        var lines = try stage.waitForLines(3, seconds: 60)
        XCTAssertEqual(lines.map { Self.id(of: $0) }, ["F000", "F001", "F002"])
        send(2)
        stage.write(Data("{broken\n".utf8))
        lines = try stage.waitForLines(6, seconds: 60)
        XCTAssertEqual(lines.suffix(3).map { Self.id(of: $0) }, ["F003", "F004", "error line 6"])
        send(1)
        let end = try stage.finish(seconds: 60)
        XCTAssertEqual(end.status, 0, end.stderr)
        XCTAssertEqual(end.lines.map { Self.id(of: $0) }, ["F000", "F001", "F002", "F003", "F004", "error line 6", "F005"])
    }

    static func id(of line: String) -> String {
        guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return "not JSON: \(line)" }
        if let call = o["call"] as? [String: Any] { return call["id"] as? String ?? "?" }
        return "error line \(o["line"] as? Int ?? -1)"
    }

    func testOnlyUsageErrorsAndFailOnExitNonZero() throws {
        let rude = Data((Self.callLine("R1", kind: 0, rude: true) + "\n").utf8)
        // An empty input: nothing to answer, said on standard error, status 0.
        let empty = try PipeRun.run(["check", "-", "--format", "jsonl"], stdin: Data())
        XCTAssertEqual(empty.status, 0, empty.stderr)
        XCTAssertEqual(empty.stdout, "")
        XCTAssertTrue(empty.stderr.contains("standard input is empty"), empty.stderr)
        let blank = try PipeRun.run(["check", "-", "--format", "jsonl", "--input-format", "jsonl"], stdin: Data("\n  \n".utf8))
        XCTAssertEqual(blank.status, 0, blank.stderr)
        XCTAssertEqual(blank.stdout, "")
        // Only bad lines: each answered, status 0.
        let bad = try PipeRun.run(["check", "-", "--format", "jsonl", "--input-format", "jsonl"], stdin: Data("{\n[]\n\"x\"\n".utf8))
        XCTAssertEqual(bad.status, 0, bad.stderr)
        XCTAssertEqual(bad.stdout.split(separator: "\n").map { Self.id(of: String($0)) }, ["error line 1", "error line 2", "error line 3"])
        // --fail-on is asked for: it still decides the status (docs/output.md).
        XCTAssertEqual(try PipeRun.run(["check", "-", "--format", "jsonl", "--fail-on", "error"], stdin: rude).status, 1)
        XCTAssertEqual(try PipeRun.run(["check", "-", "--format", "jsonl"], stdin: rude).status, 0)
        // Usage errors: a bad flag, a bad value, a rule set that cannot be read.
        let rules = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-pipe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: rules) }
        try "name: broken\nversion: 1\nlanguage: zh\nscoring: [\n".write(to: rules.appendingPathComponent("ruleset.yaml"), atomically: true, encoding: .utf8)
        for args in [["--no-such-flag"], ["--batch", "0"], ["--fail-on", "severe"], ["--rules", "/no/such/rules"], ["--rules", rules.path]] {
            let r = try PipeRun.run(["check", "-", "--format", "jsonl"] + args, stdin: rude)
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
            XCTAssertEqual(r.stdout, "", "\(args)")
        }
    }

    func testAnOverlongLineIsSkippedAsItComes() throws {
        // 40 MB without a line end, between two calls: one error in its place, the calls checked.
        var input = Data((Self.callLine("L1", kind: 0) + "\n").utf8)
        input.append(Data(repeating: UInt8(ascii: "x"), count: 40 << 20))
        input.append(Data(("\n" + Self.callLine("L2", kind: 2) + "\n").utf8))
        let r = try PipeRun.run(["check", "-", "--format", "jsonl", "--no-progress"], stdin: input)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.split(separator: "\n").map { Self.id(of: String($0)) }, ["L1", "error line 2", "L2"])
        XCTAssertTrue(r.stdout.contains("line is 41943040 bytes long, over the limit of 1048576 bytes"), String(r.stdout.prefix(3000)))
    }

    func testJSONLinesFileKeepsItsStatusAndTheRecordsTheirPlaces() throws {
        // A file is an input: a bad line in it is still an unreadable input (status 1), answered in place.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-pipe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("day.jsonl")
        let (input, expected) = Self.mixedInput(calls: 40)
        try input.write(to: file)
        let r = try PipeRun.run(["check", file.path, "--format", "jsonl", "--no-progress", "--batch", "5"], stdin: Data())
        XCTAssertEqual(r.status, 1)
        let lines = r.stdout.split(separator: "\n").map { Self.id(of: String($0)) }
        XCTAssertEqual(lines, expected.map { e -> String in
            switch e { case .result(let id): return id; case .error(let line, _): return "error line \(line)" }
        })
    }
}

/// Runs the built binary with bytes on standard input, reading its output while it writes
/// (a large input and output would fill both pipes otherwise).
enum PipeRun {
    struct Run { var status: Int32; var stdout: String; var stderr: String }

    static func run(_ args: [String], stdin: Data) throws -> Run {
        let process = Process()
        process.executableURL = try CLI.binary()
        process.arguments = args
        process.currentDirectoryURL = CLITests.root
        let out = Foundation.Pipe(), err = Foundation.Pipe(), input = Foundation.Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        let group = DispatchGroup()
        let collected = Collected()
        DispatchQueue.global().async(group: group) {
            // The process may exit (a usage error) before reading: a closed pipe is not a failure here.
            signal(SIGPIPE, SIG_IGN)
            try? input.fileHandleForWriting.write(contentsOf: stdin)
            try? input.fileHandleForWriting.close()
        }
        DispatchQueue.global().async(group: group) { collected.err = err.fileHandleForReading.readDataToEndOfFile() }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: collected.err, as: UTF8.self))
    }

    final class Collected: @unchecked Sendable {
        var err = Data()
    }

    /// A running `callqc` whose standard input stays open until `finish`.
    final class Stage: @unchecked Sendable {
        let process = Process()
        let input = Foundation.Pipe(), output = Foundation.Pipe(), errors = Foundation.Pipe()
        private let lock = NSCondition()
        private var received = Data()
        private var closed = false
        private var errorText = Data()

        init(_ args: [String]) throws {
            process.executableURL = try CLI.binary()
            process.arguments = args
            process.currentDirectoryURL = CLITests.root
            process.standardInput = input
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            Thread.detachNewThread { [self] in
                while true {
                    let chunk = output.fileHandleForReading.availableData
                    lock.lock()
                    if chunk.isEmpty { closed = true } else { received.append(chunk) }
                    lock.broadcast()
                    lock.unlock()
                    if chunk.isEmpty { break }
                }
            }
            Thread.detachNewThread { [self] in
                let all = errors.fileHandleForReading.readDataToEndOfFile()
                lock.lock(); errorText = all; lock.unlock()
            }
        }

        func write(_ data: Data) { input.fileHandleForWriting.write(data) }

        private var lines: [String] {
            String(decoding: received, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        }

        /// The complete output lines once there are `count`; fails after `seconds`.
        func waitForLines(_ count: Int, seconds: Double) throws -> [String] {
            let deadline = Date().addingTimeInterval(seconds)
            lock.lock()
            defer { lock.unlock() }
            while lines.count < count {
                if closed || !lock.wait(until: deadline) {
                    throw StageError.timedOut("\(lines.count) of \(count) lines after \(seconds) s (closed: \(closed)): the results of a batch were not written while standard input stayed open")
                }
            }
            return lines
        }

        func finish(seconds: Double) throws -> (status: Int32, lines: [String], stderr: String) {
            try input.fileHandleForWriting.close()
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning, Date() < deadline { usleep(20_000) }
            guard !process.isRunning else { throw StageError.timedOut("callqc did not end after its input closed") }
            usleep(50_000)
            lock.lock()
            defer { lock.unlock() }
            return (process.terminationStatus, lines, String(decoding: errorText, as: UTF8.self))
        }

        func stop() { if process.isRunning { process.terminate() } }
    }

    enum StageError: Error, CustomStringConvertible {
        case timedOut(String)
        var description: String { switch self { case .timedOut(let s): return s } }
    }
}
