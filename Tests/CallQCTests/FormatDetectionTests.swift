import XCTest
@testable import CallQC

/// Every format is found from its extension and content, and can be forced.
final class FormatDetectionTests: XCTestCase {
    func testRealFilesAreDetected() throws {
        let expected: [(String, InputFormat)] = [
            ("aliyun/dual_channel.json", .aliyun),
            ("aliyun/diarized_result_only.json", .aliyun),
            ("aliyun/failed.json", .aliyun),
            ("tencent/DescribeTaskStatus_success.json", .tencent),
            ("tencent/DescribeTaskStatus_failed.json", .tencent),
            ("aws_transcribe/03-speaker-identification.json", .awsTranscribe),
            ("aws_transcribe/02-channel-identification.json", .awsTranscribe),
            ("aws_call_analytics/example-call.json", .awsCallAnalytics),
            ("handmade/contact_lens_chat.json", .awsCallAnalytics),
            ("aws_pca/testfile.json", .awsPCA),
            ("whisper/dosparlants.json", .whisper),
            ("whisper/gossos_word_stamps.json", .whisper),
            ("azure/transcriptSample.json", .azure),
            ("azure/realtimeresult.json", .azure),
            ("whisper/dosparlants.vtt", .vtt),
            ("whisper/dosparlants.srt", .srt),
            ("zoom/zoom_txt_input_example.txt", .zoom),
        ]
        for (name, format) in expected {
            let bytes = try Fixtures.bytes(name)
            XCTAssertEqual(InputFormat.detect(path: name, bytes: bytes), format, name)
            // Standard input: content alone.
            XCTAssertEqual(InputFormat.detect(content: bytes), format, "\(name) from standard input")
        }
    }

    func testOwnFormatsStayOwn() {
        XCTAssertEqual(InputFormat.detect(path: "a.txt", bytes: Array("[00:01.2-00:04.8] 坐席: 您好\n".utf8)), .plain)
        XCTAssertEqual(InputFormat.detect(path: "a.txt", bytes: Array("[SPEAKER_01]: Hola\n".utf8)), .plain)
        XCTAssertEqual(InputFormat.detect(path: "a.json", bytes: Array("{\"turns\": [{\"role\": \"agent\", \"text\": \"a\"}]}".utf8)), .json)
        XCTAssertEqual(InputFormat.detect(content: Array("{\"turns\": [{\"role\": \"agent\", \"text\": \"a\"}]}\n".utf8)), .jsonl)
        XCTAssertEqual(InputFormat.detect(content: Array("{\"segments\": [{\"start\": 0, \"end\": 1, \"text\": \"hi\"}]}\n".utf8)), .whisper,
                       "a vendor's one-line output is not JSON Lines")
        XCTAssertEqual(InputFormat.detect(content: Array("WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n".utf8)), .vtt)
        XCTAssertEqual(InputFormat.detect(content: Array("1\r\n00:00:01,000 --> 00:00:02,000\r\nhi\r\n".utf8)), .srt)
        XCTAssertEqual(InputFormat.detect(content: Array("12:00 坐席: 您好\n".utf8)), .plain)
    }

    func testEveryFormatCanBeForcedByName() {
        for format in InputFormat.allCases {
            XCTAssertEqual(InputFormat(rawValue: format.rawValue), format)
        }
        XCTAssertEqual(InputFormat(rawValue: "aws-transcribe"), .awsTranscribe)
        XCTAssertEqual(InputFormat(rawValue: "aws-call-analytics"), .awsCallAnalytics)
    }

    func testDirectoryWalkPicksUpSubtitles() throws {
        let (inputs, problems) = TranscriptLoader().expand([Fixtures.path("whisper")])
        XCTAssertEqual(problems, [])
        let names = inputs.map { $0.description.split(separator: "/").last.map(String.init) ?? "" }
        XCTAssertTrue(names.contains("dosparlants.vtt") && names.contains("dosparlants.srt"), "\(names)")
    }

    func testConvertingEveryFixtureToCanonicalJSONReadsBack() throws {
        let names = ["aliyun/dual_channel.json", "tencent/DescribeTaskStatus_success.json", "aws_transcribe/03-speaker-identification.json",
                     "aws_call_analytics/example-call.json", "aws_pca/testfile.json", "whisper/dosparlants.json", "azure/transcriptSample.json",
                     "handmade/teams.vtt", "handmade/names.srt", "zoom/zoom_txt_input_example.txt"]
        for name in names {
            let call = try Fixtures.call(name)
            let text = CallJSON.encode(call).compact()
            let back = try XCTUnwrap(TranscriptLoader().read(bytes: Array(text.utf8), source: "back.jsonl").calls.first, name)
            XCTAssertEqual(back, call, name)
        }
    }
}
