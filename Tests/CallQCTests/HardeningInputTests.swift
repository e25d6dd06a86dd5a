import XCTest
@testable import CallQC

/// Issue 13: walking input folders and reading files.
final class HardeningInputTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-walk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws {
        _ = try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.appendingPathComponent("calls/locked").path)
        try? FileManager.default.removeItem(at: dir)
    }

    func walk(_ root: URL) -> (files: [String], problems: [InputProblem]) {
        let source = WorkSource(inputs: [.directory(root.path)], format: nil)
        var files: [String] = [], problems: [InputProblem] = []
        var guardCount = 0
        while let item = source.nextItem() {
            guardCount += 1
            if guardCount > 1000 { XCTFail("the walk does not end"); break }
            if let p = item.problem { problems.append(p) } else { files.append(String(item.source.dropFirst(root.path.count + 1))) }
        }
        return (files, problems)
    }

    func testSymlinkLoopsAndDanglingLinksAreReportedAndTheWalkEnds() throws {
        let root = dir.appendingPathComponent("calls")
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("a/b"), withIntermediateDirectories: true)
        try "坐席: 您好\n".write(to: root.appendingPathComponent("a/b/1.txt"), atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("a/b/up").path, withDestinationPath: "../..")
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("gone.txt").path, withDestinationPath: "nowhere.txt")
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("self.txt").path, withDestinationPath: "self.txt")
        let (files, problems) = walk(root)
        XCTAssertEqual(files, ["a/b/1.txt"], "each file once")
        XCTAssertTrue(problems.allSatisfy { $0.severity == .warning }, "\(problems)")
        XCTAssertTrue(problems.contains { $0.source.hasSuffix("a/b/up") && $0.message.contains("already walked") }, "\(problems)")
        XCTAssertTrue(problems.contains { $0.source.hasSuffix("gone.txt") && $0.message.contains("dangling") }, "\(problems)")
        XCTAssertTrue(problems.contains { $0.source.hasSuffix("self.txt") && $0.message.contains("loop") }, "\(problems)")
        // Named on the command line: a loop is a loop, not "no such file".
        let (_, named) = TranscriptLoader().expand([root.appendingPathComponent("self.txt").path])
        XCTAssertTrue(named.first?.message.contains("loop") ?? false, "\(named)")
        let (_, dangling) = TranscriptLoader().expand([root.appendingPathComponent("gone.txt").path])
        XCTAssertTrue(dangling.first?.message.contains("dangling") ?? false, "\(dangling)")
    }

    // An unreadable folder is tested through the command (HardeningCLITests), which runs callqc
    // as nobody when the tests run as root (root reads every folder): it runs in CI, never skips.

    func testFilesAboveTheLimitAreRefusedBeforeReading() throws {
        let file = dir.appendingPathComponent("big.txt")
        try Data(repeating: 0x41, count: 3000).write(to: file)
        guard case .failure(let problem) = FileBytes.read(file.path, maxBytes: 2048) else { return XCTFail("read past the limit") }
        XCTAssertTrue(problem.message.contains("larger than the limit"), problem.message)
        XCTAssertTrue(problem.message.contains("--max-file-size"))
        guard case .success(let bytes) = FileBytes.read(file.path, maxBytes: 4096) else { return XCTFail() }
        XCTAssertEqual(bytes.count, 3000)
        // A sparse file of 3 GB is refused by its size, without reading it.
        let sparse = dir.appendingPathComponent("sparse.txt")
        FileManager.default.createFile(atPath: sparse.path, contents: nil)
        let handle = try FileHandle(forWritingTo: sparse)
        try handle.truncate(atOffset: 3 << 30)
        try handle.close()
        var loader = TranscriptLoader()
        loader.options.maxFileBytes = FileBytes.defaultLimit
        let outcome = loader.load(.file(sparse.path))
        XCTAssertTrue(outcome.errors.first?.message.contains("3072 MB") ?? false, "\(outcome.errors)")
        let item = WorkItem(source: sparse.path, bytes: [], firstLine: 1, format: nil, problem: nil, unread: true).loaded(maxBytes: FileBytes.defaultLimit)
        XCTAssertNotNil(item.problem)
        XCTAssertTrue(item.bytes.isEmpty)
    }
}

extension HardeningInputTests {
    /// A JSON Lines file of many calls is checked a few records at a time: a batch never holds
    /// more than the batch size of its records (with 256-line chunks and 8 items, it held 2,048).
    func testJSONLinesBatchesHoldFewCalls() throws {
        let file = dir.appendingPathComponent("day.jsonl")
        let line = CallJSON.encode(Call(id: "X", agent: "A1", date: "2026-11-21", turns: [
            Turn(role: .agent, speaker: "坐席", start: 0, end: 3, text: "您好。"),
        ])).compact()
        try String(repeating: line + "\n", count: 3000).write(to: file, atomically: true, encoding: .utf8)
        let runner = BatchRunner(loader: TranscriptLoader(), checker: Shipped.checker, batchSize: 8)
        var largest = 0, calls = 0
        runner.run(WorkSource(inputs: [.file(file.path)], format: nil)) { outcomes in
            let n = outcomes.reduce(0) { $0 + $1.results.count }
            largest = max(largest, n)
            calls += n
        }
        XCTAssertEqual(calls, 3000)
        XCTAssertLessThanOrEqual(largest, 8, "a batch holds at most batch-size records")
    }
}

/// Issue 13: silent skips and unclear messages of the readers.
final class HardeningReaderTests: XCTestCase {
    func read(_ text: String, _ source: String = "t.txt") -> ReadOutcome {
        TranscriptLoader().read(bytes: Array(text.utf8), source: source)
    }

    func testGarbageTimesAreErrorsNotSpeakers() {
        for (line, says) in [("[nan-inf] 坐席: 您好", "'nan' and 'inf'"), ("[0,1e308] 坐席: 您好", "exponent"), ("[inf] 坐席: 您好", "'nan' and 'inf'")] {
            let o = read("[00:00-00:01] 客户: 喂\n" + line + "\n")
            XCTAssertEqual(o.errors.first?.line, 2, line)
            XCTAssertTrue(o.errors.first?.message.contains(says) ?? false, "\(o.errors)")
            XCTAssertFalse(o.warnings.contains { $0.message.contains("speaker") }, "not a speaker label: \(o.warnings)")
        }
        // Bracketed speakers stay speakers.
        XCTAssertEqual(read("[SPEAKER_01]: 您好\n[张三] 嗯\n").errors, [])
    }

    func testANegativeTimeIsNamed() {
        let o = read("[-00:05.0-00:02] 坐席: 您好\n")
        XCTAssertTrue(o.errors.first?.message.contains("'-00:05.0' is a negative time") ?? false, "\(o.errors)")
        XCTAssertTrue(read("[00:01--00:05] 坐席: 您好\n").errors.first?.message.contains("'-00:05' is a negative time") ?? false)
    }

    func testAnImpossibleZoomClockIsAnError() {
        for text in ["[Wang Fang] 11:02:09\n您好\n\n[Li Lei] 25:61:61\n我想查话费。\n", "[Li Lei] 25:61:61\n我想查话费。\n"] {
            let o = read(text)
            XCTAssertTrue(o.errors.first?.message.contains("'25:61:61' is not a clock time") ?? false, "\(o.errors) \(o.calls.map(\.turns))")
            XCTAssertNotNil(o.errors.first?.line)
        }
    }

    func testUTF16WithoutAByteOrderMarkGetsTheIconvFix() {
        let text = "坐席：您好，请讲。\n客户: I want to check my bill.\n"
        let le = text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let be = text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        for (bytes, flag) in [(le, "UTF-16LE"), (be, "UTF-16BE")] {
            let o = TranscriptLoader().read(bytes: bytes, source: "t.txt")
            XCTAssertTrue(o.errors.first?.message.contains("iconv -f \(flag) -t UTF-8") ?? false, "\(o.errors)")
        }
        let chinese = "坐席：您好，请讲。\n客户：我查话费。\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        XCTAssertTrue(TranscriptLoader().read(bytes: chinese, source: "t.txt").errors.first?.message.contains("UTF-16LE") ?? false)
    }

    func testCROnlyLineEndsAreRead() {
        let o = read("[00:00-00:02] 坐席: 您好，很高兴为您服务\r[00:02-00:03] 客户: 嗯\r")
        XCTAssertEqual(o.errors, [])
        XCTAssertEqual(o.calls.first?.turns.count, 2)
    }

    func testTruncatedJSONSaysSo() {
        XCTAssertTrue(read("{\"id\":\"x\",\"turns\":[{\"role\":\"agent\",\"text\":\"您好", "t.json").errors.first?.message.contains("truncated?") ?? false)
        XCTAssertTrue(read("{\"id\":\"x\",\"turns\":[", "t.json").errors.first?.message.contains("truncated?") ?? false)
        let lines = read("{\"id\":\"x\",\"turns\":[{\"role\":\"agent\",\"text\":\"您好\"}]}\n{\"id\":\"y\",\"tu", "t.jsonl")
        XCTAssertEqual(lines.calls.count, 1)
        XCTAssertEqual(lines.errors.first?.line, 2)
        XCTAssertTrue(lines.errors.first?.message.contains("truncated?") ?? false, "\(lines.errors)")
    }
}

extension HardeningReaderTests {
    /// JSON has no lines to limit: a turn of megabytes is refused after reading, before the checks
    /// (a 100 MB string took 3.5 GB to check); the other calls of the file are kept.
    func testAHugeTurnIsRefusedAndTheOtherCallsKept() {
        let huge = String(repeating: "您好", count: 400_000)
        let json = "[{\"id\":\"big\",\"turns\":[{\"role\":\"agent\",\"text\":\"\(huge)\"}]},{\"id\":\"ok\",\"turns\":[{\"role\":\"agent\",\"text\":\"您好\"}]}]"
        let o = read(json, "t.json")
        XCTAssertEqual(o.calls.map(\.id), ["ok"])
        XCTAssertTrue(o.errors.first?.message.contains("call big: turn 1 holds 2 MB of text, over the limit of 1 MB") ?? false, "\(o.errors)")
    }
}
