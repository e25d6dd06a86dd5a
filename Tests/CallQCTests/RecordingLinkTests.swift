import Foundation
import XCTest
@testable import CallQC

/// A call's link to its recording: `# audio:` in the plain format, `"audio"` in callqc JSON,
/// the vendors' media fields, `--audio-root` (Chinese call ids too), and what the result keeps.
final class RecordingLinkTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-recording-\(UUID().letters)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("calls"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("recordings"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func read(_ text: String, name: String = "calls/call.txt", roots: [String] = []) -> ReadOutcome {
        var options = ReadOptions()
        options.audioRoots = roots
        // The transcript is a file, as `check` reads it: a relative link is relative to its folder.
        let url = dir.appendingPathComponent(name)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? Data(text.utf8).write(to: url)
        return TranscriptLoader(options: options).load(.file(url.path))
    }

    func testPastedTextOrStandardInputKeepsARelativeLinkAsWritten() throws {
        // Not a file: no folder to be relative to (the workbench resolves it under its roots). Bytes whose name happens
        // to be a file that exists (a request's ?source=notes.txt) are not that file: looking it up would tell a
        // client what the server's folder holds.
        let existing = dir.appendingPathComponent("notes.txt")
        try Data("笔记".utf8).write(to: existing)
        for source in ["-", "pasted text", dir.appendingPathComponent("calls/never-written.txt").path, existing.path] {
            let outcome = TranscriptLoader().read(bytes: Array("# audio: 回访-0042.wav\n坐席: 您好\n".utf8), source: source)
            XCTAssertEqual(outcome.calls.first?.audio, "回访-0042.wav", source)
        }
    }

    func touch(_ relative: String) throws -> String {
        let path = dir.appendingPathComponent(relative).path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data([0x52, 0x49, 0x46, 0x46])))
        return path
    }

    func testAudioHeaderIsRelativeToTheTranscriptsFolder() throws {
        let outcome = read("# call: 回访-0042\n# audio: ../recordings/回访-0042.wav\n[00:00.3-00:04.8] 坐席: 您好，很高兴为您服务。\n")
        XCTAssertEqual(outcome.errors, [])
        XCTAssertEqual(outcome.warnings, [])
        // `..` is taken out as written: the transcript's folder's sibling, an absolute path.
        XCTAssertEqual(outcome.calls.first?.audio, dir.appendingPathComponent("recordings/回访-0042.wav").standardized.path)
        XCTAssertFalse(outcome.calls.first?.audio?.contains("..") ?? true)
        XCTAssertNil(outcome.calls.first?.metadata["audio"], "the header is the recording, not metadata")
    }

    func testChineseAndTraditionalHeaderKeysAndAbsolutePaths() throws {
        let simplified = read("# 录音: /srv/录音/C0042.MP3\n坐席: 您好\n")
        XCTAssertEqual(simplified.calls.first?.audio, "/srv/录音/C0042.MP3", "an upper-case extension is a recording too")
        let traditional = read("# 錄音: /srv/錄音/客訴-0007.opus\n客服: 您好，請問有什麼可以幫您？\n")
        XCTAssertEqual(traditional.calls.first?.audio, "/srv/錄音/客訴-0007.opus")
        XCTAssertEqual(traditional.warnings, [])
    }

    func testEmptyOrNonAudioHeaderIsAWarningAndTheCallStillChecks() throws {
        let empty = read("# call: C1\n# audio:\n[00:00.0-00:02.0] Agent: Hello, thank you for calling.\n")
        XCTAssertEqual(empty.errors, [])
        XCTAssertEqual(empty.calls.count, 1, "the call is still read")
        XCTAssertNil(empty.calls.first?.audio)
        let warning = try XCTUnwrap(empty.warnings.first)
        XCTAssertEqual(warning.severity, .warning)
        XCTAssertEqual(warning.line, 2)
        XCTAssertTrue(warning.message.contains("empty recording in header '# audio:'"), warning.message)

        let text = read("# call: C2\n# 录音: 备注.txt\n坐席: 您好\n")
        XCTAssertEqual(text.errors, [])
        XCTAssertEqual(text.calls.count, 1)
        XCTAssertNil(text.calls.first?.audio)
        let w = try XCTUnwrap(text.warnings.first)
        XCTAssertEqual(w.line, 2)
        XCTAssertTrue(w.message.contains("'备注.txt' in header '# 录音:' is not a recording"), w.message)
        XCTAssertTrue(w.message.contains(".wav, .mp3, .m4a, .opus, .ogg"), w.message)
        // A file with no extension is no recording either; the header after a turn is a comment.
        XCTAssertEqual(read("# audio: recordings/C3\n坐席: 您好\n").warnings.count, 1)
        XCTAssertNil(read("坐席: 您好\n# audio: x.wav\n").calls.first?.audio, "a # line after the first turn is a comment")

        // The call checks: a result without a recording.
        let checked = Checker(catalog: try RuleCatalog.load(rules: nil, lexicons: RecordingLinkTests.lexicons)).check(try XCTUnwrap(text.calls.first))
        XCTAssertFalse(String(decoding: ResultJSON.compact(checked), as: UTF8.self).contains("\"audio\""))
    }

    static let lexicons = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("lexicons").path

    func testCallqcJSONAudioKeepsAURLWithoutItsQuery() throws {
        let json = """
        {"id": "C20261120-0042", "audio": "https://bucket.example/rec/C20261120-0042.wav?X-Amz-Signature=secret#t=3",
         "turns": [{"role": "agent", "start": 0, "end": 2, "text": "您好"}]}
        """
        let outcome = read(json, name: "calls/c.json")
        XCTAssertEqual(outcome.errors, [])
        XCTAssertEqual(outcome.calls.first?.audio, "https://bucket.example/rec/C20261120-0042.wav", "the signature is a secret: not kept")
        // JSON Lines, relative to the file's folder; a non-audio link is a warning and the call is read.
        let lines = "{\"id\": \"a\", \"audio\": \"a.m4a\", \"turns\": [{\"role\": \"agent\", \"text\": \"hi\"}]}\n{\"id\": \"b\", \"audio\": \"b.docx\", \"turns\": [{\"role\": \"agent\", \"text\": \"hi\"}]}\n"
        let jl = read(lines, name: "calls/day.jsonl")
        XCTAssertEqual(jl.calls.map(\.id), ["a", "b"])
        XCTAssertEqual(jl.calls[0].audio, dir.appendingPathComponent("calls/a.m4a").standardized.path)
        XCTAssertNil(jl.calls[1].audio)
        XCTAssertEqual(jl.warnings.count, 1)
        XCTAssertTrue(jl.warnings[0].message.contains("call b: the recording 'b.docx' is not a recording"), jl.warnings[0].message)
        // Not a string: an error, as for any field of the wrong type.
        XCTAssertEqual(read("{\"audio\": 5, \"turns\": [{\"role\": \"agent\", \"text\": \"hi\"}]}", name: "calls/n.json").errors.count, 1)
    }

    func testAudioRootFindsTheRecordingByCallIDInChineseToo() throws {
        let wav = try touch("recordings/回访-0042.wav")
        _ = try touch("recordings/回访-0042.mp3")
        let mp3Only = try touch("recordings/客訴-0007.mp3")
        let root = dir.appendingPathComponent("recordings").path
        let found = read("# call: 回访-0042\n坐席: 您好\n", roots: [root])
        XCTAssertEqual(found.calls.first?.audio, wav, ".wav comes before .mp3")
        XCTAssertEqual(read("# call: 客訴-0007\n客服: 您好\n", roots: ["/nonexistent-root", root]).calls.first?.audio, mp3Only, "the roots in order")
        XCTAssertNil(read("# call: 回访-0043\n坐席: 您好\n", roots: [root]).calls.first?.audio, "no file, no link")
        // A link the transcript gives wins over the root; a relative one is looked for under the root first.
        XCTAssertEqual(read("# call: 回访-0042\n# audio: /elsewhere/x.ogg\n坐席: 您好\n", roots: [root]).calls.first?.audio, "/elsewhere/x.ogg")
        XCTAssertEqual(read("# call: X\n# audio: 客訴-0007.mp3\n坐席: 您好\n", roots: [root]).calls.first?.audio, mp3Only)
        // A call id is never a path: `../secret` is not looked up even where `../secret.wav` exists.
        _ = try touch("secret.wav")
        XCTAssertNil(read("# call: ../secret\n坐席: 您好\n", roots: [root]).calls.first?.audio)
        // JSON and the roots: the call's own id.
        let json = read("[{\"id\": \"回访-0042\", \"turns\": [{\"role\": \"agent\", \"text\": \"您好\"}]}, {\"id\": \"C9\", \"turns\": [{\"role\": \"agent\", \"text\": \"hi\"}]}]", name: "calls/two.json", roots: [root])
        XCTAssertEqual(json.calls.map(\.audio), [wav, nil])
    }

    func testVendorsMediaFields() throws {
        let pca = try Fixtures.call("aws_pca/testfile.json")
        XCTAssertEqual(pca.audio, "s3://postcallanalytics-inputbucket-8saekjhaymfy/mp3/stereo_std_1.mp3.wav", "the media transcribed")
        let azure = try Fixtures.call("handmade/azure_iso_channels.json")
        XCTAssertEqual(azure.audio, "https://example.invalid/call-0042.wav")
        // Contact Lens names the recording it analysed; a plain Call Analytics output names none.
        let lens = """
        {"CustomerMetadata": {"ContactId": "c-1", "InputS3Uri": "s3://connect-bucket/recordings/2026/11/20/c-1.wav"},
         "Participants": [{"ParticipantId": "A1", "ParticipantRole": "AGENT"}],
         "Transcript": [{"ParticipantId": "A1", "Content": "Thank you for calling.", "BeginOffsetMillis": 0, "EndOffsetMillis": 1200}]}
        """
        let read = TranscriptLoader().read(bytes: Array(lens.utf8), source: "lens.json")
        XCTAssertEqual(read.errors, [])
        XCTAssertEqual(read.calls.first?.audio, "s3://connect-bucket/recordings/2026/11/20/c-1.wav")
        XCTAssertNil(try Fixtures.call("aws_call_analytics/example-call.json").audio)
        XCTAssertNil(try Fixtures.call("aws_transcribe/02-channel-identification.json").audio)
    }

    func testTheResultHasAudioOnlyForACallWithARecording() throws {
        let checker = Checker(catalog: try RuleCatalog.load(rules: nil, lexicons: RecordingLinkTests.lexicons))
        var call = try XCTUnwrap(read("# call: C20261120-0042\n[00:00.3-00:04.8] 坐席: 您好，很高兴为您服务。\n").calls.first)
        let without = String(decoding: ResultJSON.compact(checker.check(call)), as: UTF8.self)
        XCTAssertFalse(without.contains("audio"), without)
        let hash = ContentHash.of(call)
        call.audio = "/srv/recordings/13812345678.wav"
        let result = checker.check(call)
        let with = ResultJSON.encode(result)
        XCTAssertEqual(with["call"]?["audio"]?.stringValue, "/srv/recordings/13812345678.wav")
        // The same except for the one member at the end of `call`.
        XCTAssertEqual(String(decoding: ResultJSON.compact(result), as: UTF8.self),
                       without.replacingOccurrences(of: "\"metadata\":{}}", with: "\"metadata\":{},\"audio\":\"/srv/recordings/13812345678.wav\"}"))
        XCTAssertEqual(ContentHash.of(call), hash, "the recording is not the transcript: reviews of the call stay its")
        // A phone number in the path is masked as in the source.
        XCTAssertEqual(result.redacted().call.audio, "/srv/recordings/138****5678.wav")
        // And the canonical JSON carries it both ways.
        let back = try CallJSON.decode(CallJSON.encode(call), source: "x.json", index: nil, roleMap: .standard)
        XCTAssertEqual(back.audio, call.audio)
    }

    func testConvertKeepsTheLink() throws {
        let call = try XCTUnwrap(read("# call: 回访-0042\n# audio: /srv/录音/回访-0042.wav\n[00:00.3-00:04.8] 坐席: 您好\n").calls.first)
        let plain = PlainTranscriptWriter.write(call)
        XCTAssertTrue(plain.contains("# audio: /srv/录音/回访-0042.wav\n"), plain)
        XCTAssertEqual(read(plain).calls.first?.audio, "/srv/录音/回访-0042.wav")
        let json = CallJSON.encode(call).compact()
        XCTAssertEqual(read(json, name: "calls/c.json").calls.first?.audio, "/srv/录音/回访-0042.wav")
        // Without a link, neither form names one.
        let none = try XCTUnwrap(read("# call: C1\n坐席: 您好\n").calls.first)
        XCTAssertFalse(PlainTranscriptWriter.write(none).contains("audio"))
        XCTAssertFalse(CallJSON.encode(none).compact().contains("audio"))
    }

    func testWhatALinkMayBe() {
        XCTAssertNil(RecordingLink.problem("a.wav"))
        XCTAssertNil(RecordingLink.problem("s3://bucket/key"), "a URL without an extension may be a recording")
        XCTAssertNotNil(RecordingLink.problem("https://host/transcript.json"))
        XCTAssertNotNil(RecordingLink.problem("   "))
        XCTAssertNotNil(RecordingLink.problem("a\u{0}.wav"))
        XCTAssertNotNil(RecordingLink.problem("recordings.wav/"), "a folder")
        XCTAssertEqual(RecordingLink.contentType(of: "x/回访.M4A"), "audio/mp4")
        XCTAssertNil(RecordingLink.contentType(of: ".wav"), "a hidden file named .wav has no extension")
        XCTAssertTrue(RecordingLink.isURL("https://a/b.wav"))
        XCTAssertFalse(RecordingLink.isURL("C:/rec/a.wav"))
        XCTAssertFalse(RecordingLink.isURL("录音://a.wav"))
        // A user name and password in a URL are secrets, as a signed URL's query is.
        XCTAssertEqual(RecordingLink.reference("https://qcuser:S3cretPass@nas.example.com/rec/U1.wav?sig=abc#t=3"), "https://nas.example.com/rec/U1.wav")
        XCTAssertEqual(RecordingLink.reference("s3://bucket/录音/a@b.wav"), "s3://bucket/录音/a@b.wav", "an @ after the host is part of the path")
        XCTAssertEqual(RecordingLink.reference("ftp://u@host:21/a.wav"), "ftp://host:21/a.wav")
    }
}

extension UUID {
    /// The UUID with its digits as letters: digit runs in paths are masked as phone numbers.
    fileprivate var letters: String {
        String(uuidString.map { c -> Character in
            guard let d = c.wholeNumberValue, c.isASCII else { return c }
            return Character(UnicodeScalar(UInt8(ascii: "g") + UInt8(d)))
        })
    }
}
