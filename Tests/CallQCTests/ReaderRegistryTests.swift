import Foundation
import XCTest
@testable import CallQC

/// Readers declare their format, extensions and detection in their own files; the
/// registry lists them, and detection, `--input-format` and the docs read it.
final class ReaderRegistryTests: XCTestCase {
    let registry = ReaderRegistry.standard

    /// Every vendor sample is detected through the registry, by extension and from content
    /// alone, and its JSON comes with the decision: parsed once, for the reader.
    func testVendorSamplesAreDetectedThroughTheRegistry() throws {
        let samples: [(String, InputFormat)] = [
            ("aliyun/dual_channel.json", .aliyun), ("aliyun/diarized_result_only.json", .aliyun), ("aliyun/failed.json", .aliyun),
            ("tencent/DescribeTaskStatus_success.json", .tencent), ("tencent/DescribeTaskStatus_failed.json", .tencent),
            ("aws_transcribe/03-speaker-identification.json", .awsTranscribe), ("aws_call_analytics/example-call.json", .awsCallAnalytics),
            ("handmade/contact_lens_chat.json", .awsCallAnalytics), ("aws_pca/testfile.json", .awsPCA),
            ("whisper/dosparlants.json", .whisper), ("azure/transcriptSample.json", .azure), ("azure/realtimeresult.json", .azure),
        ]
        for (name, format) in samples {
            let bytes = try Fixtures.bytes(name)
            for source in [name, "-"] {
                let decision = registry.decide(source: source, text: bytes)
                XCTAssertEqual(decision.format, format, "\(name) as \(source)")
                XCTAssertEqual(decision.shape, .jsonDocument, name)
                guard case .success = decision.document else { return XCTFail("\(name): the document is not handed over") }
            }
            XCTAssertEqual(registry.shape(source: name, bytes: bytes[...]), .jsonDocument)
        }
        for (name, format) in [("whisper/dosparlants.vtt", InputFormat.vtt), ("whisper/dosparlants.srt", .srt), ("zoom/zoom_txt_input_example.txt", .zoom)] {
            let bytes = try Fixtures.bytes(name)
            XCTAssertEqual(registry.decide(source: name, text: bytes).format, format, name)
            XCTAssertEqual(registry.decide(source: "-", text: bytes).format, format, "\(name) from standard input")
            XCTAssertNil(registry.decide(source: name, text: bytes).document, "text is not parsed as JSON")
        }
    }

    /// The declarations make one consistent list: unique names and extensions, one fallback per shape,
    /// and every JSON reader that is not a fallback says what it is recognised by.
    func testTheDeclarationsAreConsistent() {
        XCTAssertEqual(Set(registry.formats.map(\.rawValue)).count, registry.readers.count)
        let extensions = registry.readers.flatMap(\.extensions)
        XCTAssertEqual(Set(extensions).count, extensions.count, "an extension belongs to one reader")
        for shape in [InputShape.text, .jsonDocument, .jsonLines] {
            XCTAssertEqual(registry.readers.filter { $0.shape == shape && $0.isFallback }.count, 1, "one fallback for \(shape)")
        }
        for r in registry.readers where !r.isFallback {
            if case .extensionOnly = r.recognition, r.extensions.isEmpty { XCTFail("\(r.format): neither an extension nor a test of the content") }
            XCTAssertNotNil(r.recognisedBy, "\(r.format) says what it is recognised by")
        }
        XCTAssertEqual(InputFormat.allCases, registry.formats)
        XCTAssertEqual(InputFormat.transcriptExtensions, ["txt", "text", "json", "jsonl", "ndjson", "vtt", "srt"])
        XCTAssertNil(InputFormat(rawValue: "acme"), "a name no reader declares")
        XCTAssertEqual(InputFormat(rawValue: "aws-pca"), .awsPCA)
    }

    /// The JSON-or-text guess: by the extension a reader declares, else by the first bytes.
    func testTheShapeGuess() {
        func shape(_ text: String, _ source: String = "-") -> InputShape { registry.shape(source: source, bytes: Array(text.utf8)[...]) }
        XCTAssertEqual(shape("[00:01.2-00:04.8] 坐席: 您好\n"), .text)
        XCTAssertEqual(shape("[Wang Fang] 11:02:09\n您好\n"), .text)
        XCTAssertEqual(shape("[\n  {\"turns\": []}]"), .jsonDocument)
        XCTAssertEqual(shape("{\"turns\": [{\"role\": \"agent\", \"text\": \"您好\"}]}\n{\"turns\": [{\"role\": \"agent\", \"text\": \"再见\"}]}\n"), .jsonLines)
        XCTAssertEqual(shape("{\"segments\": [{\"start\": 0, \"end\": 1, \"text\": \"Thank you for calling.\"}]}\n"), .jsonDocument)
        XCTAssertEqual(shape("{\n  \"Result\": {\"Sentences\": []}\n}\n"), .jsonDocument)
        XCTAssertEqual(shape("{\"turns\": []}", "calls/a.txt"), .text, "the extension decides")
        XCTAssertEqual(shape("坐席：您好", "calls/a.jsonl"), .jsonLines)
        XCTAssertEqual(shape("\u{FEFF}{\"Sentences\": []}"), .jsonDocument, "a byte-order mark before JSON")
    }

    /// Issue 17: JSON Lines whose first record is broken are still JSON Lines (each line is
    /// answered in place), and standard input is decided from its first lines, not from 64 KB.
    func testJSONLinesWithABrokenFirstRecordAndEarlyDecisions() {
        let call = "{\"id\": \"a\", \"turns\": [{\"role\": \"agent\", \"text\": \"您好\"}]}"
        func shape(_ text: String) -> InputShape { ReaderRegistry.contentShape(Array(text.utf8)[...]) }
        func early(_ text: String) -> InputShape? { ReaderRegistry.earlyShape(Array(text.utf8)[...], complete: false) }
        XCTAssertEqual(shape("not json\n\(call)\n\(call)\n"), .jsonLines)
        XCTAssertEqual(shape("{\"id\": \"x\", \"turns\": [\n\(call)\n\(call)\n"), .jsonLines, "a broken record, then records")
        XCTAssertEqual(shape("{broken\n\(call)\n"), .jsonLines, "one record after a broken one, and nothing more")
        XCTAssertEqual(shape("\(call)\n{broken\n"), .jsonLines, "a whole object cannot be followed in a JSON document")
        XCTAssertEqual(shape("\(call)\n"), .jsonDocument, "one object alone: the loader decides (a vendor's one-line JSON)")
        // An object written over lines, even one whose lines are objects, stays a document.
        XCTAssertEqual(shape("{\"id\": \"x\", \"turns\": [\n  {\"role\": \"agent\", \"text\": \"您好\"},\n  {\"role\": \"agent\", \"text\": \"再见\"}\n]}\n"), .jsonDocument)
        XCTAssertEqual(shape("{\"id\": \"x\", \"turns\": [\n  {\"role\": \"agent\", \"text\": \"您好\"}\n]}\n"), .jsonDocument)
        XCTAssertEqual(shape("# call: C1\n坐席：您好\n\(call)\n"), .text)
        XCTAssertEqual(shape("[00:01.2-00:04.8] 坐席: 您好\n\(call)\n\(call)\n"), .jsonLines, "a timed line, then only records: a stream")
        // Early: decided once the first lines tell, undecided before.
        XCTAssertEqual(early("\(call)\n\(call)"), .jsonLines)
        XCTAssertNil(early("\(call)\n"), "one line in: a document or the first record")
        XCTAssertNil(early("\(call)"))
        XCTAssertNil(early("not json\n\(call)\n"), "a second record decides")
        XCTAssertEqual(early("坐席：您好\n客户：喂\n"), .text)
        XCTAssertEqual(early("{\n  \"id\": \"x\",\n"), .jsonDocument)
        XCTAssertNil(early("   \n"))
    }

    /// A vendor format added by a test: its declaration is all the loader needs, and its reader
    /// gets the document that detection parsed — reading the bytes again would fail here.
    func testAReaderGetsTheParsedDocument() throws {
        let registry = ReaderRegistry([PlainTranscriptReader.declaration, CanonicalJSONReader.declaration,
                                       CanonicalJSONReader.linesDeclaration, AcmeReader.declaration])
        let loader = TranscriptLoader(registry: registry)
        let text = #"{"acme_call": "A-0042", "utterances": [{"who": "坐席", "said": "您好，很高兴为您服务。"}, {"who": "客户", "said": "I'd like to cancel my plan."}]}"#
        for source in ["acme-0042.json", "-", "acme-0042.asr"] {
            let outcome = loader.read(bytes: Array(text.utf8), source: source)
            XCTAssertEqual(outcome.errors, [], source)
            let call = try XCTUnwrap(outcome.calls.first, source)
            XCTAssertEqual(call.id, "A-0042")
            XCTAssertEqual(call.turns.map(\.text), ["您好，很高兴为您服务。", "I'd like to cancel my plan."])
            XCTAssertEqual(call.turns.map(\.role), [.agent, .customer])
        }
        // Forced by name, the document is parsed once too.
        var forced = loader
        forced.format = AcmeReader.format
        XCTAssertEqual(forced.read(bytes: Array(text.utf8), source: "call.txt").calls.count, 1)
        // Not the vendor's: callqc's own JSON reader says what is missing.
        let other = loader.read(bytes: Array(#"{"id": "C1", "text": "您好"}"#.utf8), source: "c1.json")
        XCTAssertTrue(other.errors.first?.message.contains("missing required field 'turns'") == true, "\(other.errors)")
    }

    /// A broken vendor file names the line and the reason, with the vendor's "truncated?" hint.
    func testABrokenVendorFileNamesLineAndReason() {
        let text = "{\"TaskId\": \"d429\", \"StatusText\": \"SUCCESS\",\n \"Result\": {\"Sentences\": [{\"BeginTime\": 340, \"Text\": \"您好"
        let outcome = TranscriptLoader(format: .aliyun).read(bytes: Array(text.utf8), source: "calls/0042.json")
        XCTAssertEqual(outcome.errors.count, 1)
        XCTAssertEqual(outcome.errors.first?.source, "calls/0042.json")
        XCTAssertEqual(outcome.errors.first?.line, 2)
        XCTAssertTrue(outcome.errors.first?.message.contains("is the Aliyun file truncated?") == true, "\(outcome.errors)")
    }

    /// One canonical object on one line, from content, is one line of JSON Lines (named after
    /// its line); the prepared input says what it is.
    func testPreparedInputs() throws {
        let loader = TranscriptLoader()
        let line = try loader.prepare(bytes: Array("\n{\"turns\": [{\"role\": \"agent\", \"text\": \"您好\"}]}\n".utf8), source: "-").get()
        XCTAssertEqual(line.format, .jsonl)
        XCTAssertEqual(loader.read(line).calls.first?.id, "\(PlainTranscriptReader.callID(fromSource: "-"))#2")
        XCTAssertTrue(line.looksLikeTranscript)
        let timed = try loader.prepare(bytes: Array("[00:00.3-00:04.8] 坐席: 您好\n".utf8), source: "a.txt").get()
        XCTAssertTrue(timed.looksLikeTranscript)
        let draft = try loader.prepare(bytes: Array("您好，很高兴为您服务。\n请问有什么可以帮您？\n".utf8), source: "draft.txt").get()
        XCTAssertEqual(draft.format, .plain)
        XCTAssertFalse(draft.looksLikeTranscript)
    }

    /// docs/formats.md holds the table of formats made from the registry.
    func testTheDocsListEveryReader() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/formats.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        XCTAssertTrue(text.contains(registry.markdownTable), "docs/formats.md differs from the registry; its table should read:\n\(registry.markdownTable)")
    }
}

/// A vendor's JSON, as a test declares it: `{"acme_call": …, "utterances": [{"who", "said"}]}`.
struct AcmeReader: TranscriptReader {
    static let format = InputFormat(declaring: "acme")
    static let declaration = ReaderDeclaration(
        format: format, summary: "Acme ASR", shape: .jsonDocument, extensions: ["asr"],
        recognition: .json { $0["utterances"] != nil }, recognisedBy: "`utterances`", reader: AcmeReader())

    func read(_ input: TextInput, options: ReadOptions) -> ReadOutcome {
        ReadOutcome(errors: [InputProblem(source: input.source, message: "the bytes were parsed again")])
    }

    func read(_ input: TextInput, document: Result<JSONValue, JSONSyntaxError>, options: ReadOptions) -> ReadOutcome {
        guard case .success(let value) = document, let items = value["utterances"]?.arrayValue else {
            return ReadOutcome(errors: [InputProblem(source: input.source, message: "not an Acme result")])
        }
        var call = Call(id: value["acme_call"]?.stringValue ?? "acme", source: input.source)
        for item in items {
            let who = item["who"]?.stringValue ?? ""
            call.turns.append(Turn(role: options.roleMap.role(of: who) ?? .other, speaker: who, start: nil, end: nil, text: item["said"]?.stringValue ?? ""))
        }
        return ReadOutcome(calls: [call])
    }
}
