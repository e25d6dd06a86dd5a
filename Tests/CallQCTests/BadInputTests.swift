import XCTest
@testable import CallQC

/// Every kind of bad input gets a message naming the source, the line where
/// there is one, and the reason; nothing crashes.
final class BadInputTests: XCTestCase {
    let loader = TranscriptLoader()

    func problem(_ bytes: [UInt8], _ source: String = "bad.txt", file: StaticString = #filePath, line: UInt = #line) -> InputProblem? {
        let outcome = loader.read(bytes: bytes, source: source)
        XCTAssertTrue(outcome.calls.isEmpty, "expected no calls", file: file, line: line)
        XCTAssertEqual(outcome.errors.count, 1, "expected one error: \(outcome.errors)", file: file, line: line)
        return outcome.errors.first
    }

    func problem(_ text: String, _ source: String = "bad.txt", file: StaticString = #filePath, line: UInt = #line) -> InputProblem? {
        problem(Array(text.utf8), source, file: file, line: line)
    }

    func testInvalidUTF8NamesTheLineAndSuggestsConversion() {
        // 您好 in GBK is C4 FA BA C3: not UTF-8.
        let bytes = Array("坐席: 你好\n".utf8) + [0xC4, 0xFA, 0xBA, 0xC3] + Array("\n".utf8)
        let p = problem(bytes)
        XCTAssertEqual(p?.line, 2)
        XCTAssertEqual(p?.source, "bad.txt")
        XCTAssertTrue(p?.message.contains("invalid UTF-8") ?? false)
        XCTAssertTrue(p?.message.contains("GB18030") ?? false)
        // Overlong encodings and lone surrogates are not UTF-8 either.
        XCTAssertNotNil(problem([0xC0, 0xAF]))
        XCTAssertNotNil(problem(Array("坐席: ".utf8) + [0xED, 0xA0, 0x80]))
        XCTAssertNotNil(problem(Array("坐席: ".utf8) + [0xE4, 0xBD]), "a truncated sequence")
    }

    func testBinaryData() {
        let p = problem([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D], "audio.wav")
        XCTAssertTrue(p?.message.contains("binary") ?? false, p?.message ?? "")
        let controls = [UInt8]((0..<200).map { UInt8(1 + $0 % 8) })
        XCTAssertTrue(problem(controls)?.message.contains("binary") ?? false)
    }

    func testEmptyFile() {
        XCTAssertTrue(problem("")?.message.contains("empty") ?? false)
        XCTAssertTrue(problem(" \n\r\n\t ")?.message.contains("empty") ?? false)
        XCTAssertTrue(problem("", "x.json")?.message.contains("empty") ?? false)
    }

    func testFileWithNoTurns() {
        let p = problem("# call: C1\n# agent: A017\n# just a comment\n")
        XCTAssertTrue(p?.message.contains("no turns") ?? false, p?.message ?? "")
    }

    func testEndBeforeStart() {
        let p = problem("[00:01-00:03] 坐席: 您好\n[00:10.5-00:08] 客户: 喂\n")
        XCTAssertEqual(p?.line, 2)
        XCTAssertTrue(p?.message.contains("before start") ?? false, p?.message ?? "")
    }

    func testTimeThatIsNotATime() {
        let p = problem("[00:01-00:03] 坐席: 您好\n[00:75-00:80] 客户: 喂\n")
        XCTAssertEqual(p?.line, 2)
        XCTAssertTrue(p?.message.contains("not a time") ?? false, p?.message ?? "")
        XCTAssertEqual(problem("[1:2:3:4-00:05] 坐席: 您好\n")?.line, 1)
        XCTAssertEqual(problem("[00:01-00:03 坐席: 您好\n")?.line, 1, "unclosed bracket")
    }

    func testOverlongLine() {
        let long = "坐席: " + String(repeating: "好", count: 400_000)
        let p = problem("[00:01-00:03] 坐席: 您好\n" + long + "\n")
        XCTAssertEqual(p?.line, 2)
        XCTAssertTrue(p?.message.contains("over the limit") ?? false)
    }

    func testInvalidJSONNamesLineAndColumn() {
        let p = problem("{\n  \"id\": \"C1\",\n  \"turns\": [\n    {\"role\": \"agent\" \"text\": \"您好\"}\n  ]\n}\n", "call.json")
        XCTAssertEqual(p?.line, 4)
        XCTAssertTrue(p?.message.contains("invalid JSON") ?? false, p?.message ?? "")
        XCTAssertTrue(problem("{\"turns\": [", "t.json")?.message.contains("end of input") ?? false)
    }

    func testJSONLackingRequiredFields() {
        XCTAssertTrue(problem("{\"id\": \"C1\"}", "c.json")?.message.contains("'turns'") ?? false)
        XCTAssertTrue(problem("{\"turns\": [{\"role\": \"agent\"}]}", "c.json")?.message.contains("turn 1: missing required field 'text'") ?? false)
        XCTAssertTrue(problem("{\"turns\": [{\"text\": \"hi\"}]}", "c.json")?.message.contains("'role' or 'speaker'") ?? false)
        XCTAssertTrue(problem("{\"turns\": [{\"role\": \"boss\", \"text\": \"hi\"}]}", "c.json")?.message.contains("'role'") ?? false)
        XCTAssertTrue(problem("{\"turns\": \"hello\"}", "c.json")?.message.contains("must be an array") ?? false)
        XCTAssertTrue(problem("{\"turns\": [{\"role\": \"agent\", \"text\": \"hi\", \"start\": 5, \"end\": 2}]}", "c.json")?.message.contains("before 'start'") ?? false)
        XCTAssertTrue(problem("{\"turns\": [{\"role\": \"agent\", \"text\": \"hi\", \"start\": \"0:05\"}]}", "c.json")?.message.contains("must be a number") ?? false)
        XCTAssertTrue(problem("[]", "c.json")?.message.contains("empty array") ?? false)
        XCTAssertTrue(problem("42", "c.json")?.message.contains("JSON object") ?? false)
    }

    func testJSONLinesKeepGoodLinesAndNameBadOnes() {
        let text = """
        {"id": "C1", "turns": [{"role": "agent", "text": "您好"}]}
        {"id": "C2", "turns": [{"role": "agent", "text": 
        {"id": "C3", "turns": [{"role": "customer", "text": "喂"}]}

        {"id": "C4"}
        """
        let outcome = loader.read(bytes: Array(text.utf8), source: "day.jsonl")
        XCTAssertEqual(outcome.calls.map(\.id), ["C1", "C3"])
        XCTAssertEqual(outcome.errors.map(\.line), [2, 5])
        XCTAssertTrue(outcome.errors[1].message.contains("'turns'"))
    }

    func testJSONArrayKeepsGoodCalls() {
        let text = """
        [{"id": "C1", "turns": [{"role": "agent", "text": "您好"}]},
         {"id": "C2", "turns": [{"text": "no role"}]}]
        """
        let outcome = loader.read(bytes: Array(text.utf8), source: "two.json")
        XCTAssertEqual(outcome.calls.map(\.id), ["C1"])
        XCTAssertEqual(outcome.errors.count, 1)
        XCTAssertTrue(outcome.errors[0].message.hasPrefix("call 2 of 2: turn 1"), outcome.errors[0].message)
    }

    func testJSONLinesInAJSONFileGetsAHint() {
        let text = "{\"turns\": [{\"role\": \"agent\", \"text\": \"a\"}]}\n{\"turns\": [{\"role\": \"agent\", \"text\": \"b\"}]}\n"
        let p = problem(text, "day.json")
        XCTAssertTrue(p?.message.contains("JSON Lines") ?? false, p?.message ?? "")
    }

    func testDeepNestingIsRefusedNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        XCTAssertTrue(problem(deep, "deep.json")?.message.contains("nesting") ?? false)
    }

    func testMissingFileAndDirectoryWalk() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-walk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "坐席: 您好\n".write(to: dir.appendingPathComponent("b.txt"), atomically: true, encoding: .utf8)
        try "坐席: 您好\n".write(to: dir.appendingPathComponent("sub/a.txt"), atomically: true, encoding: .utf8)
        try "not a transcript".write(to: dir.appendingPathComponent("notes.md"), atomically: true, encoding: .utf8)
        try "坐席: 您好\n".write(to: dir.appendingPathComponent(".hidden.txt"), atomically: true, encoding: .utf8)
        let (inputs, problems) = loader.expand([dir.path, dir.path + "/missing.txt"])
        XCTAssertEqual(inputs.map { String($0.description.dropFirst(dir.path.count + 1)) }, ["b.txt", "sub/a.txt"])
        XCTAssertEqual(problems.count, 1)
        XCTAssertTrue(problems[0].description.hasSuffix("missing.txt: no such file or directory"))
    }

    func testGlobsAndFileLists() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-glob-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("d1"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["d1/a.txt", "d1/b.txt", "c.txt"] {
            try "坐席: 您好\n".write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let (globbed, none) = loader.expand([dir.path + "/d*/*.txt"])
        XCTAssertEqual(globbed.map { String($0.description.suffix(8)) }, ["d1/a.txt", "d1/b.txt"])
        XCTAssertEqual(none, [])
        let list = dir.appendingPathComponent("list.txt")
        try "# today\n\(dir.path)/c.txt\n\n\(dir.path)/missing.txt\n".write(to: list, atomically: true, encoding: .utf8)
        let (listed, problems) = loader.expand(["@" + list.path])
        XCTAssertEqual(listed.count, 1)
        XCTAssertEqual(problems.map(\.message), ["no such file or directory"])
        // The same list saved on Windows: one path a line, not one path with CRs in it.
        try "# today\r\n\(dir.path)/c.txt\r\n\r\n\(dir.path)/d1/a.txt\r\n".write(to: list, atomically: true, encoding: .utf8)
        let (crlf, crlfProblems) = loader.expand(["@" + list.path])
        XCTAssertEqual(crlf.count, 2)
        XCTAssertTrue(crlf.first?.description.hasSuffix("/c.txt") ?? false, "\(crlf)")
        XCTAssertTrue(crlf.last?.description.hasSuffix("/d1/a.txt") ?? false, "\(crlf)")
        XCTAssertEqual(crlfProblems.count, 0)
        XCTAssertEqual(loader.expand([dir.path + "/zz*.txt"]).problems.first?.message, "no file matches this pattern")
    }

    /// Random and truncated bytes through every reader: errors are fine, crashes are not.
    func testRandomAndTruncatedBytesNeverCrash() {
        var rng = SplitMix64(seed: 20261129)
        let seeds: [String] = [
            "# call: C1\n[00:00.3-00:04.8] 坐席: 您好，很高兴为您服务。\n[00:05.6-00:20.0] 客户：我想咨询一下宽带。\n",
            "{\"schema\": \"callqc.call/1\", \"id\": \"C1\", \"turns\": [{\"role\": \"agent\", \"speaker\": \"坐席\", \"start\": 0.3, \"end\": 4.8, \"text\": \"您好\\u4f60\"}]}\n",
            "[{\"id\": 1, \"turns\": [{\"speaker\": \"客户\", \"text\": \"喂\", \"words\": [{\"text\": \"喂\", \"start\": 1}]}]}]",
            // The vendors' formats.
            #"{"StatusText": "SUCCESS", "Result": {"Sentences": [{"BeginTime": 340, "EndTime": 2365, "Text": "您好", "ChannelId": 0, "SpeakerId": "1"}], "Words": [{"Word": "您好", "BeginTime": 340, "EndTime": 800, "ChannelId": 0}]}}"#,
            #"{"Response": {"Data": {"Status": 2, "Result": "[0:0.020,0:2.380,1]  您好\n", "ResultDetail": [{"FinalSentence": "您好", "StartMs": 20, "EndMs": 2380, "SpeakerId": 0, "Words": [{"Word": "您好", "OffsetStartMs": 1, "OffsetEndMs": 9}]}]}}}"#,
            #"{"status": "COMPLETED", "results": {"speaker_labels": {"segments": [{"speaker_label": "spk_0", "start_time": "0.1", "end_time": "0.5", "items": [{"start_time": "0.1"}]}]}, "items": [{"type": "pronunciation", "start_time": "0.1", "end_time": "0.5", "alternatives": [{"content": "Hi"}]}, {"type": "punctuation", "alternatives": [{"content": "."}]}]}}"#,
            #"{"JobStatus": "COMPLETED", "Participants": [{"ParticipantId": "a", "ParticipantRole": "AGENT"}], "Transcript": [{"ParticipantId": "a", "Content": "Hi", "BeginOffsetMillis": 40, "EndOffsetMillis": 90, "AbsoluteTime": "2026-11-20T08:15:02.5Z"}]}"#,
            #"{"ConversationAnalytics": {"SpeakerLabels": [{"Speaker": "spk_0", "DisplayText": "Agent"}]}, "SpeechSegments": [{"SegmentStartTime": 0.6, "SegmentEndTime": 3.7, "SegmentSpeaker": "spk_0", "DisplayText": "Hi", "WordConfidence": [{"Text": "Hi", "StartTime": 0.6, "EndTime": 1}]}]}"#,
            #"{"language": "en", "segments": [{"start": 0.0, "end": 2.0, "text": " Hello", "speaker": "SPEAKER_01", "words": [{"word": " Hello", "start": 0, "end": 1.5}]}]}"#,
            #"{"durationTicks": 74800000, "recognizedPhrases": [{"recognitionStatus": "Success", "channel": 0, "speaker": 1, "offset": "PT0.04S", "durationInTicks": 21800000.0, "nBest": [{"display": "Hi.", "words": [{"word": "hi", "offsetInTicks": 400000}]}]}]}"#,
            "WEBVTT\r\n\r\nNOTE x\r\n\r\n1\r\n0:0:1.510 --> 0:0:4.200 align:start\r\n<v Wang Fang>您好&amp;</v>\r\n\r\n00:05.000 --> 00:06.000\r\n[SPEAKER_01]: 喂\r\n",
            "1\n00:00:00,250 --> 00:00:03,100\nAgent: Hi {\\an8}<i>there</i>\n\n2\n00:00:03,400 --> 00:00:06,000\nMaria: Hello\n",
            "[Johnny Doe] 11:02:09\nHow you doing?\n\n[Janet Dough] 11:02:11\nHey.\n",
        ]
        var runs = 0
        for seed in seeds {
            let bytes = Array(seed.utf8)
            for cut in 0...bytes.count {
                for format in InputFormat.allCases {
                    _ = TranscriptLoader(format: format).read(bytes: Array(bytes[0..<cut]), source: "cut")
                    runs += 1
                }
            }
            for _ in 0..<300 {
                var mutated = bytes
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    let at = Int(rng.next() % UInt64(mutated.count))
                    switch rng.next() % 3 {
                    case 0: mutated[at] = UInt8(truncatingIfNeeded: rng.next())
                    case 1: mutated.remove(at: at)
                    default: mutated.insert(Array("[]{}:：\"\\,-0\n".utf8)[Int(rng.next() % 14)], at: at)
                    }
                    if mutated.isEmpty { break }
                }
                for format in InputFormat.allCases + [nil] {
                    let outcome = TranscriptLoader(format: format).read(bytes: mutated, source: "fuzz")
                    for call in outcome.calls { _ = CallMetrics.measure(call) }
                    runs += 1
                }
            }
        }
        for _ in 0..<300 {
            let random = (0..<Int(rng.next() % 300)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            for format in InputFormat.allCases + [nil] {
                _ = TranscriptLoader(format: format).read(bytes: random, source: "random")
                runs += 1
            }
        }
        XCTAssertGreaterThan(runs, 4000)
    }
}

/// A small deterministic random generator, so fuzz runs repeat exactly.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
