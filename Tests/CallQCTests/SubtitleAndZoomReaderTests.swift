import XCTest
@testable import CallQC

/// WebVTT, SRT and Zoom text: real files and hand-made edge cases.
final class SubtitleAndZoomReaderTests: XCTestCase {
    func read(_ text: String, _ source: String, options: ReadOptions = ReadOptions()) -> ReadOutcome {
        TranscriptLoader(options: options).read(bytes: Array(text.utf8), source: source)
    }

    func testWhisperVTTAndSRTAgreeWithItsJSON() throws {
        let json = try Fixtures.call("whisper/dosparlants.json")
        for name in ["whisper/dosparlants.vtt", "whisper/dosparlants.srt"] {
            let call = try Fixtures.call(name)
            XCTAssertEqual(call.turns.count, 14, name)
            XCTAssertEqual(call.turns.map(\.speaker), json.turns.map(\.speaker), name)
            XCTAssertEqual(call.turns.map(\.text), json.turns.map(\.text), name)
            XCTAssertEqual(call.turns.map(\.start), json.turns.map(\.start), name)
            XCTAssertEqual(call.turns.map(\.end), json.turns.map(\.end), name)
            XCTAssertEqual(call.turns.map(\.role), json.turns.map(\.role), name)
        }
    }

    func testTeamsVTT() throws {
        let outcome = Fixtures.read("handmade/teams.vtt")
        XCTAssertEqual(outcome.errors, [])
        let call = try XCTUnwrap(outcome.calls.first)
        XCTAssertEqual(call.language, "zh-CN")
        XCTAssertEqual(call.turns.map(\.speaker), ["Wang Fang", "Li Lei", "Wang Fang", "Li Lei", "Wang Fang"])
        XCTAssertEqual(call.turns[0].start, 1.51, "unpadded Teams time 0:0:1.510")
        XCTAssertEqual(call.turns[0].end, 4.2, "cue settings after the end time are ignored")
        XCTAssertEqual(call.turns[0].text, "您好，很高兴为您服务。")
        XCTAssertEqual(call.turns[1].text, "我想查一下话费 & 流量。", "entities decoded")
        XCTAssertEqual(call.turns[2].text, "好的，请稍等。", "two lines of one voice make one turn")
        XCTAssertEqual(call.turns[3].text, "嗯。", "another voice in the same cue is its own turn")
        XCTAssertEqual(call.turns[3].start, 7.1)
        XCTAssertEqual(call.turns[4].start, 62, "mm:ss.mmm")
        XCTAssertEqual(call.turns[4].text, "还有其他可以帮您的吗？", "formatting tags removed")
        XCTAssertTrue(outcome.warningText.contains("empty text"), outcome.warningText)
        XCTAssertEqual(call.turns.map(\.role), [.agent, .customer, .agent, .customer, .agent])
        XCTAssertFalse(call.turns.contains { $0.text.contains("NOTE") || $0.text.contains("cue {") })
    }

    func testSRTWithNamesCRLFAndContinuedSpeaker() throws {
        let outcome = Fixtures.read("handmade/names.srt")
        let call = try XCTUnwrap(outcome.calls.first)
        XCTAssertEqual(call.turns.map(\.speaker), ["Agent Smith", "Maria", "Maria", "Agent Smith", "Maria"])
        XCTAssertEqual(call.turns[0].start, 0.25)
        XCTAssertEqual(call.turns[0].end, 3.1)
        XCTAssertEqual(call.turns[1].text, "Hi, my card was charged twice.")
        XCTAssertEqual(call.turns[2].text, "The same amount both times.", "an unlabelled cue continues the speaker; {\\an8} removed")
        XCTAssertEqual(call.turns[0].role, .agent, "a known label")
        XCTAssertEqual(call.turns[1].role, .other, "no heuristic once a role is known")
        XCTAssertTrue(outcome.warningText.contains("'Maria' has no known role"), outcome.warningText)
        let mapped = try Fixtures.call("handmade/names.srt", options: ReadOptions(agentSpeakers: ["Agent Smith"]))
        XCTAssertEqual(mapped.turns.map(\.role), [.agent, .customer, .customer, .agent, .customer])
    }

    func testVTTWithoutCuesAndBrokenTimes() {
        let empty = Fixtures.read("handmade/no_cues.vtt")
        XCTAssertEqual(empty.calls.count, 0)
        XCTAssertTrue(empty.errors.first?.message.contains("no cues found") ?? false, "\(empty.errors)")

        let noHeader = read("just some text\n", "x.vtt")
        XCTAssertTrue(noHeader.errors.first?.message.contains("WEBVTT") ?? false, "\(noHeader.errors)")

        let bad = read("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhi\n\n00:00:61.000 --> 00:01:02.000\nthere\n", "bad.vtt")
        XCTAssertEqual(bad.calls.count, 0)
        XCTAssertEqual(bad.errors.first?.line, 6)
        XCTAssertTrue(bad.errors.first?.message.contains("not a time") ?? false)

        let backwards = read("1\n00:00:05,000 --> 00:00:02,000\nSPEAKER_00: hi\n", "b.srt")
        XCTAssertEqual(backwards.calls.first?.turns.first?.end, nil, "an end before the start is dropped")
        XCTAssertTrue(backwards.warningText.contains("before start"), backwards.warningText)

        let emptyCues = read("WEBVTT\n\n00:01.000 --> 00:02.000\n<v A></v>\n", "e.vtt")
        XCTAssertTrue(emptyCues.errors.first?.message.contains("empty text") ?? false, "\(emptyCues.errors)")
    }

    func testZoomTranscript() throws {
        let call = try Fixtures.call("zoom/zoom_txt_input_example.txt")
        XCTAssertEqual(call.turns.count, 12)
        XCTAssertEqual(call.turns[0].speaker, "Johnny Doe")
        XCTAssertEqual(call.turns[0].text, "How you doing?")
        XCTAssertEqual(call.turns[0].start, 0)
        XCTAssertNil(call.turns[0].end, "Zoom gives start times only")
        XCTAssertEqual(call.turns[2].start, 2, "11:02:11 is two seconds after 11:02:09")
        XCTAssertEqual(call.turns.last?.start, 35)
        XCTAssertEqual(call.metadata["start_clock"], "11:02:09")
        XCTAssertEqual(call.turns[0].role, .agent)
    }

    func testZoomEdgeCases() throws {
        let midnight = try XCTUnwrap(read("[A] 23:59:58\nhello\nsecond line\n\n[B] 00:00:03\nhi\n", "z.txt").calls.first)
        XCTAssertEqual(midnight.turns.map(\.start), [0, 5], "the clock passes midnight")
        XCTAssertEqual(midnight.turns[0].text, "hello second line")
        let early = TranscriptLoader(format: .zoom).read(bytes: Array("hello\n[A] 10:00:00\nhi\n".utf8), source: "z.txt")
        XCTAssertEqual(early.errors.first?.line, 1)
        let plain = TranscriptLoader(format: .zoom).read(bytes: Array("坐席: 您好\n".utf8), source: "z.txt")
        XCTAssertTrue(plain.errors.first?.message.contains("starts with a speaker and a time") ?? false, "\(plain.errors)")
        let silent = TranscriptLoader(format: .zoom).read(bytes: Array("[A] 10:00:00\n\n[B] 10:00:02\n".utf8), source: "z.txt")
        XCTAssertTrue(silent.errors.first?.message.contains("have empty text") ?? false, "\(silent.errors)")
    }
}
