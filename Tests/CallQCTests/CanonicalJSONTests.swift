import XCTest
@testable import CallQC

final class CanonicalJSONTests: XCTestCase {
    let loader = TranscriptLoader()

    func sampleCall() -> Call {
        Call(id: "C20261120-0042", agent: "A017", date: "2026-11-20", language: "zh", script: "satisfaction-survey",
             source: "samples/x.txt", metadata: ["type": "外呼回访", "channel": "\"quoted\"\n"],
             turns: [
                Turn(role: .agent, speaker: "坐席", start: 0.3, end: 4.8, text: "您好，很高兴为您服务。"),
                Turn(role: .customer, speaker: "客户", start: 5.6, end: 20, text: "我想咨询一下\t宽带 \"续费\" 的事情\\"),
                Turn(role: .other, speaker: "SPEAKER_02", text: "😀 e\u{301}", words: [Word(text: "😀", start: 21, end: 21.5)]),
             ])
    }

    func testJSONRoundTrip() throws {
        let call = sampleCall()
        let json = CallJSON.encode(call).pretty()
        let outcome = TranscriptLoader(format: .json).read(bytes: Array(json.utf8), source: "samples/x.txt")
        XCTAssertEqual(outcome.errors, [])
        XCTAssertEqual(outcome.calls, [call])
        XCTAssertTrue(json.hasPrefix("{\n  \"schema\": \"callqc.call/1\""))
        XCTAssertTrue(json.contains("您好"), "non-ASCII text is written as is, not escaped")
    }

    func testJSONLinesRoundTripFromStandardInput() throws {
        var second = sampleCall()
        second.id = "C2"
        second.turns.removeLast()
        let jsonl = [sampleCall(), second].map { CallJSON.encode($0).compact() + "\n" }.joined()
        XCTAssertEqual(jsonl.split(separator: "\n").count, 2)
        let outcome = loader.read(bytes: Array(jsonl.utf8), source: "-")
        XCTAssertEqual(outcome.errors, [])
        XCTAssertEqual(outcome.calls.map(\.id), ["C20261120-0042", "C2"])
        XCTAssertEqual(outcome.calls.first, sampleCall())
    }

    func testPlainRoundTrip() throws {
        var call = sampleCall()
        call.turns[2].words = []
        call.metadata["channel"] = "phone"
        let text = PlainTranscriptWriter.write(call)
        let back = try XCTUnwrap(loader.read(bytes: Array(text.utf8), source: "samples/x.txt").calls.first)
        XCTAssertEqual(back, call, text)
    }

    func testPlainRoundTripOfEverySample() throws {
        let samples = try sampleFiles()
        XCTAssertGreaterThanOrEqual(samples.count, 8)
        for path in samples {
            let original = loader.load(.file(path))
            XCTAssertEqual(original.errors, [], path)
            let call = try XCTUnwrap(original.calls.first, path)
            for (format, text) in [(InputFormat.plain, PlainTranscriptWriter.write(call)), (.jsonl, CallJSON.encode(call).compact())] {
                let back = TranscriptLoader(format: format).read(bytes: Array(text.utf8), source: path)
                XCTAssertEqual(back.calls, [call], path)
            }
        }
    }

    func testIDFallbacksAndRoleFromSpeaker() throws {
        let text = "[{\"turns\": [{\"speaker\": \"客服\", \"text\": \"您好\"}]}, {\"id\": 42, \"agent\": 17, \"turns\": [{\"speaker\": \"Caller\", \"text\": \"hi\"}]}]"
        let outcome = loader.read(bytes: Array(text.utf8), source: "batch/day.json")
        XCTAssertEqual(outcome.calls.map(\.id), ["day#1", "42"])
        XCTAssertEqual(outcome.calls[1].agent, "17")
        XCTAssertEqual(outcome.calls[0].turns[0].role, .agent)
        XCTAssertEqual(outcome.calls[1].turns[0].role, .customer)
    }

    func testFormatDetection() {
        XCTAssertEqual(InputFormat.detect(content: Array("[00:01-00:02] 坐席: 您好".utf8)), .plain)
        XCTAssertEqual(InputFormat.detect(content: Array("[SPEAKER_00]: hi".utf8)), .plain)
        XCTAssertEqual(InputFormat.detect(content: Array("[\n  {\"turns\": []}]".utf8)), .json)
        XCTAssertEqual(InputFormat.detect(content: Array("{\"turns\": []}\n{\"turns\": []}\n".utf8)), .jsonl)
        XCTAssertEqual(InputFormat.detect(content: Array("{\n  \"turns\": []\n}".utf8)), .json)
        XCTAssertEqual(InputFormat.detect(content: Array("坐席：您好".utf8)), .plain)
        XCTAssertEqual(InputFormat.detect(path: "a/b.JSONL", bytes: []), .jsonl)
        XCTAssertEqual(InputFormat.detect(path: "a/b.txt", bytes: Array("{}".utf8)), .plain)
    }

    func testStringEscapingRoundTrips() throws {
        let samples = ["plain 您好", "quote \" and \\ backslash", "tab\tnew\nline\rcr", "\u{01}\u{1F} controls", "line\u{2028}para\u{2029}end", "😀 e\u{301}", ""]
        for s in samples {
            let text = JSONValue.string(s).compact()
            XCTAssertFalse(text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x2028 || $0.value == 0x2029 }, text)
            XCTAssertEqual(try JSONParser.parse(text), .string(s))
        }
        XCTAssertEqual(JSONValue.string("a\"b\u{2028}").compact(), "\"a\\\"b\\u2028\"")
    }

    func testJSONParserStrictness() {
        XCTAssertEqual(try JSONParser.parse("{\"a\": [1, 2.5e3, -0.5, true, null, \"\\u4f60\\ud83d\\ude00\"]}"),
                       .object([("a", .array([.number(1), .number(2500), .number(-0.5), .bool(true), .null, .string("你😀")]))]))
        for bad in ["{a: 1}", "[1,]", "01", "\"\n\"", "{\"a\" 1}", "[1] [2]", "tru", "1.", "-"] {
            XCTAssertThrowsError(try JSONParser.parse(bad), bad)
        }
    }

    func sampleFiles() throws -> [String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = root.appendingPathComponent("samples").path
        return try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".txt") }.sorted().map { dir + "/" + $0 }
    }
}
