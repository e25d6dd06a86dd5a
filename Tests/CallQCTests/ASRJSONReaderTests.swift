import XCTest
@testable import CallQC

/// The readers of speech-recognition JSON, on real vendor files and hand-made edge cases.
final class ASRJSONReaderTests: XCTestCase {
    func read(_ text: String, _ source: String = "x.json", format: InputFormat? = nil, options: ReadOptions = ReadOptions()) -> ReadOutcome {
        TranscriptLoader(options: options, format: format).read(bytes: Array(text.utf8), source: source)
    }

    func onlyError(_ outcome: ReadOutcome, file: StaticString = #filePath, line: UInt = #line) -> String {
        XCTAssertEqual(outcome.calls.count, 0, file: file, line: line)
        XCTAssertEqual(outcome.errors.count, 1, "\(outcome.errors)", file: file, line: line)
        return outcome.errors.first?.message ?? ""
    }

    // MARK: Aliyun

    func testAliyunDualChannelCall() throws {
        let call = try Fixtures.call("aliyun/dual_channel.json")
        XCTAssertEqual(call.turns.count, 5)
        XCTAssertEqual(call.turns[0], Turn(role: .customer, speaker: "ch_0", start: 0.42, end: 1.26, text: "喂？",
                                           words: [Word(text: "喂", start: 0.42, end: 1.1)]))
        XCTAssertEqual(call.turns[1].speaker, "ch_1")
        XCTAssertEqual(call.turns[1].role, .agent, "the agent speaks second but uses the service phrases")
        XCTAssertEqual(call.turns[1].words.map(\.text), ["您好", "欢迎", "致电"])
        XCTAssertEqual(call.turns[4].text, "账号是手机号[PII]。", "redaction masks stay as text")
        XCTAssertEqual(call.turns[4].end, 21.48, "milliseconds become seconds")
        XCTAssertEqual(call.metadata["task_id"], "d429dd7dd75711e89305ab6170fe0001")
        XCTAssertEqual(call.metadata[SpeakerRoles.basisKey], "heuristic")
        XCTAssertEqual(call.metadata[SpeakerRoles.rolesKey], "ch_0=customer, ch_1=agent (guessed: ch_1 uses 7 service phrases (the first to use one), ch_0 uses 0)")
    }

    func testAliyunResultOnlyWithSpeakerIDsAndAnEmptySentence() throws {
        let outcome = Fixtures.read("aliyun/diarized_result_only.json")
        let call = try XCTUnwrap(outcome.calls.first)
        XCTAssertEqual(call.turns.map(\.speaker), ["spk_1", "spk_2", "spk_1"])
        XCTAssertEqual(call.turns.map(\.role), [.agent, .customer, .agent])
        XCTAssertEqual(call.turns[1].start, 5.3)
        XCTAssertTrue(outcome.warningText.contains("1 of the sentences have empty text"), outcome.warningText)
    }

    func testAliyunFailedJobAndUnfinishedJob() {
        let failed = onlyError(Fixtures.read("aliyun/failed.json"))
        XCTAssertTrue(failed.contains("FILE_DOWNLOAD_FAILED") && failed.contains("41050002") && failed.contains("failed"), failed)
        let running = onlyError(read("{\"TaskId\": \"t1\", \"StatusText\": \"RUNNING\", \"StatusCode\": 21050001}"))
        XCTAssertTrue(running.contains("not finished"), running)
        let silent = onlyError(read("{\"TaskId\": \"t1\", \"StatusText\": \"SUCCESS_WITH_NO_VALID_FRAGMENT\", \"StatusCode\": 21050003}"))
        XCTAssertTrue(silent.contains("no speech"), silent)
    }

    func testAliyunBrokenValues() {
        let m = onlyError(read("{\"Result\": {\"Sentences\": [{\"BeginTime\": \"soon\", \"EndTime\": 10, \"Text\": \"喂\", \"ChannelId\": 0}]}}"))
        XCTAssertTrue(m.contains("Sentences[0]") && m.contains("BeginTime"), m)
        let negative = onlyError(read("{\"Result\": {\"Sentences\": [{\"BeginTime\": -5, \"EndTime\": 10, \"Text\": \"喂\"}]}}"))
        XCTAssertTrue(negative.contains("not a time"), negative)
        let none = onlyError(read("{\"Result\": {\"Sentences\": []}}"))
        XCTAssertTrue(none.contains("no sentences"), none)
    }

    // MARK: Tencent

    func testTencentSuccessFromResultDetail() throws {
        let call = try Fixtures.call("tencent/DescribeTaskStatus_success.json")
        XCTAssertEqual(call.turns.count, 1)
        let turn = call.turns[0]
        XCTAssertEqual(turn.text, "腾讯云语音识别欢迎您。", "FinalSentence, not the spaced SliceSentence")
        XCTAssertEqual(turn.start, 0.02)
        XCTAssertEqual(turn.end, 2.38)
        XCTAssertEqual(turn.speaker, "spk_0")
        XCTAssertEqual(turn.words.map(\.text), ["腾讯云", "语音识别", "欢迎", "您"])
        XCTAssertEqual(turn.words[0].start, 0.14, "word offsets count from the sentence's start")
        XCTAssertEqual(turn.words[3].end, 2.27)
        XCTAssertEqual(call.metadata["task_id"], "9266418")
        XCTAssertEqual(turn.role, .other, "one speaker without service phrases stays undecided")
        XCTAssertTrue(call.metadata[SpeakerRoles.rolesKey]?.contains("undecided") ?? false)
    }

    func testTencentFailedTask() {
        let m = onlyError(Fixtures.read("tencent/DescribeTaskStatus_failed.json"))
        XCTAssertTrue(m.contains("Status 3") && m.contains("Failed to download audio file!"), m)
        let waiting = onlyError(read("{\"Response\": {\"Data\": {\"TaskId\": 1, \"Status\": 1, \"StatusStr\": \"doing\"}}}"))
        XCTAssertTrue(waiting.contains("not finished"), waiting)
        let api = onlyError(read("{\"Response\": {\"Error\": {\"Code\": \"AuthFailure.SignatureExpire\", \"Message\": \"signature expired\"}, \"RequestId\": \"r\"}}"))
        XCTAssertTrue(api.contains("AuthFailure.SignatureExpire") && api.contains("signature expired"), api)
    }

    func testTencentFallsBackToResultLines() throws {
        let call = try Fixtures.call("handmade/tencent_result_only.json")
        XCTAssertEqual(call.turns.map(\.speaker), ["spk_0", "spk_1", "spk_0"])
        XCTAssertEqual(call.turns.map(\.role), [.agent, .customer, .agent])
        XCTAssertEqual(call.turns[0].text, "您好，欢迎致电青山宽带。")
        XCTAssertEqual(call.turns[2].start, 62.5, "m:s.ms")
        XCTAssertEqual(call.turns[2].end, 65)
        let bad = onlyError(read("{\"Data\": {\"Status\": 2, \"Result\": \"[0:0.020;0:2.380]  您好\\n\"}}"))
        XCTAssertTrue(bad.contains("Result line 1"), bad)
    }

    func testTencentSpacedSliceSentenceIsJoinedWhenFinalSentenceIsMissing() throws {
        let outcome = read("{\"Data\": {\"Status\": 2, \"ResultDetail\": [{\"SliceSentence\": \"您好 请问 有 什么 可以 帮 您\", \"StartMs\": 0, \"EndMs\": 900, \"SpeakerId\": 0}]}}")
        XCTAssertEqual(outcome.calls.first?.turns.first?.text, "您好请问有什么可以帮您")
    }

    // MARK: Amazon Transcribe

    func testAWSTranscribeSpeakerSegments() throws {
        let call = try Fixtures.call("aws_transcribe/03-speaker-identification.json")
        XCTAssertEqual(call.turns.count, 24, "one turn per speaker segment")
        XCTAssertEqual(call.turns.reduce(0) { $0 + $1.words.count }, 354, "every pronunciation item is a word of a turn")
        let first = call.turns[0]
        XCTAssertEqual(first.speaker, "spk_0")
        XCTAssertEqual(first.start, 0.49, "seconds written as strings")
        XCTAssertEqual(first.end, 7.2)
        XCTAssertTrue(first.text.hasPrefix("She was gone out into the village on some errand when, as she"), first.text)
        XCTAssertTrue(first.text.hasSuffix("fell."), "punctuation attaches to the word before it")
        XCTAssertEqual(Set(call.turns.map(\.speaker)), ["spk_0", "spk_1", "spk_2"])
        XCTAssertEqual(call.turns.last?.end, 141.54)
        XCTAssertEqual(call.metadata["job_name"], "03-speaker-identification")
    }

    func testAWSTranscribeChannels() throws {
        let call = try Fixtures.call("aws_transcribe/02-channel-identification.json")
        XCTAssertEqual(Set(call.turns.map(\.speaker)), ["ch_0", "ch_1"])
        XCTAssertEqual(call.turns.reduce(0) { $0 + $1.words.count }, 354)
        XCTAssertEqual(call.turns[0].speaker, "ch_1")
        XCTAssertEqual(call.turns[0].start, 0.49)
        let starts = call.turns.compactMap(\.start)
        XCTAssertEqual(starts, starts.sorted(), "the channels are merged in time order")
        let options = ReadOptions(agentChannels: [0])
        let flagged = try Fixtures.call("aws_transcribe/02-channel-identification.json", options: options)
        XCTAssertEqual(Set(flagged.turns.filter { $0.role == .agent }.map(\.speaker)), ["ch_0"])
        XCTAssertEqual(flagged.metadata[SpeakerRoles.basisKey], "flag")
        XCTAssertEqual(flagged.metadata[SpeakerRoles.rolesKey], "ch_1=customer, ch_0=agent (from --agent-channel 0)")
    }

    func testAWSTranscribeWithoutLabelsAndFailedJobs() throws {
        let json = """
        {"jobName": "j", "status": "COMPLETED", "results": {"transcripts": [{"transcript": "Hello. Yes."}], "items": [
          {"type": "pronunciation", "start_time": "0.1", "end_time": "0.5", "alternatives": [{"confidence": "0.9", "content": "Hello"}]},
          {"type": "punctuation", "alternatives": [{"confidence": "0.0", "content": "."}]},
          {"type": "pronunciation", "start_time": "0.7", "end_time": "0.9", "alternatives": [{"confidence": "0.9", "content": "Yes"}]},
          {"type": "punctuation", "alternatives": [{"confidence": "0.0", "content": "."}]}]}}
        """
        let outcome = read(json)
        let call = try XCTUnwrap(outcome.calls.first)
        XCTAssertEqual(call.turns.map(\.text), ["Hello.", "Yes."])
        XCTAssertEqual(call.turns.map(\.role), [.other, .other])
        XCTAssertTrue(outcome.warningText.contains("no speaker_labels"), outcome.warningText)

        let failed = onlyError(read("{\"jobName\": \"j\", \"status\": \"FAILED\", \"results\": {\"items\": []}}"))
        XCTAssertTrue(failed.contains("FAILED"), failed)
        let job = onlyError(read("{\"TranscriptionJob\": {\"TranscriptionJobName\": \"j\", \"TranscriptionJobStatus\": \"FAILED\", \"FailureReason\": \"Unsupported audio format\"}}"))
        XCTAssertTrue(job.contains("Unsupported audio format"), job)
        let badTime = onlyError(read("{\"results\": {\"items\": [{\"type\": \"pronunciation\", \"start_time\": \"zero\", \"alternatives\": [{\"content\": \"Hi\"}]}]}}"))
        XCTAssertTrue(badTime.contains("results.items[0]") && badTime.contains("start_time"), badTime)
    }

    func testAWSTranscribeAudioSegments() throws {
        let json = """
        {"status": "COMPLETED", "results": {"transcripts": [{"transcript": "Hi there. Hello."}],
          "items": [{"id": 0, "type": "pronunciation", "start_time": "0.1", "end_time": "0.3", "speaker_label": "spk_0", "alternatives": [{"content": "Hi"}]},
                    {"id": 1, "type": "pronunciation", "start_time": "0.3", "end_time": "0.6", "speaker_label": "spk_0", "alternatives": [{"content": "there"}]},
                    {"id": 2, "type": "punctuation", "alternatives": [{"content": "."}]},
                    {"id": 3, "type": "pronunciation", "start_time": "1.0", "end_time": "1.4", "speaker_label": "spk_1", "alternatives": [{"content": "Hello"}]}],
          "audio_segments": [{"id": 0, "transcript": "Hi there.", "start_time": "0.1", "end_time": "0.6", "speaker_label": "spk_0", "items": [0, 1, 2]},
                             {"id": 1, "transcript": "Hello.", "start_time": "1.0", "end_time": "1.4", "speaker_label": "spk_1", "items": [3]}]}}
        """
        let call = try XCTUnwrap(read(json).calls.first)
        XCTAssertEqual(call.turns.map(\.text), ["Hi there.", "Hello."])
        XCTAssertEqual(call.turns.map(\.speaker), ["spk_0", "spk_1"])
        XCTAssertEqual(call.turns[0].words.map(\.text), ["Hi", "there"])
    }

    // MARK: Call Analytics, Contact Lens, PCA

    func testCallAnalyticsRolesFromTheFile() throws {
        let call = try Fixtures.call("aws_call_analytics/example-call.json")
        XCTAssertEqual(call.turns.count, 37)
        XCTAssertEqual(call.turns[0].role, .agent)
        XCTAssertEqual(call.turns[0].speaker, "AGENT")
        XCTAssertEqual(call.turns[0].start, 0.04, "BeginOffsetMillis")
        XCTAssertEqual(call.turns[0].end, 5.05)
        XCTAssertTrue(call.turns[0].text.hasPrefix("Thank you for calling Anchor Credit Union"))
        XCTAssertEqual(call.turns[0].words.first, Word(text: "Thank", start: 0.04, end: 0.33))
        XCTAssertEqual(call.turns[1].role, .customer)
        XCTAssertEqual(call.turns.last?.text, "Bye.")
        XCTAssertEqual(call.turns.last?.end, 182.89)
        XCTAssertTrue(call.turns.contains { $0.text.contains("[PII]") }, "redaction masks stay as text")
        XCTAssertEqual(call.language, "en-US")
        XCTAssertEqual(call.metadata[SpeakerRoles.basisKey], "file")
        XCTAssertEqual(call.metadata[SpeakerRoles.rolesKey], "AGENT=agent, CUSTOMER=customer (from ParticipantRole in the file)")
    }

    func testContactLensChatWithParticipantIDsAndAbsoluteTimes() throws {
        let call = try Fixtures.call("handmade/contact_lens_chat.json")
        XCTAssertEqual(call.turns.map(\.role), [.customer, .agent, .customer], "the join event is skipped")
        XCTAssertEqual(call.turns.map(\.start), [0, 17.75, 58.5])
        XCTAssertEqual(call.turns.map(\.end), [nil, nil, nil])
        XCTAssertEqual(call.metadata["start_time"], "2026-11-20T08:15:02.500Z")
        XCTAssertEqual(call.metadata["contact_id"], "5f2a0c1e-0000-4000-8000-000000000042")
        let m = onlyError(read("{\"Participants\": [], \"Transcript\": [{\"ParticipantRole\": \"AGENT\", \"Content\": \"Hi\", \"AbsoluteTime\": \"yesterday\"}]}"))
        XCTAssertTrue(m.contains("AbsoluteTime"), m)
        let failed = onlyError(read("{\"JobStatus\": \"FAILED\", \"Transcript\": []}"))
        XCTAssertTrue(failed.contains("FAILED"), failed)
    }

    func testPCASegmentsWithRolesFromSpeakerLabels() throws {
        let call = try Fixtures.call("aws_pca/testfile.json")
        XCTAssertEqual(call.turns.count, 12)
        XCTAssertEqual(call.turns[1], Turn(role: .customer, speaker: "spk_1", start: 0.64, end: 3.7,
                                           text: "Thank you for calling Networks abc technical Support.", words: call.turns[1].words))
        XCTAssertEqual(call.turns[0].role, .agent, "the file says spk_0 is the Agent, and the file wins over the heuristic")
        XCTAssertNil(call.agent, "\"None\" is no agent")
        XCTAssertEqual(call.date, "2021-11-25")
        XCTAssertEqual(call.metadata[SpeakerRoles.basisKey], "file")
        // A flag overrides the file.
        let flagged = try Fixtures.call("aws_pca/testfile.json", options: ReadOptions(agentSpeakers: ["spk_1"]))
        XCTAssertEqual(flagged.turns[1].role, .agent)
        XCTAssertEqual(flagged.metadata[SpeakerRoles.basisKey], "flag")
    }

    // MARK: Whisper

    func testWhisperDiarisedSegments() throws {
        let call = try Fixtures.call("whisper/dosparlants.json")
        XCTAssertEqual(call.turns.count, 14)
        XCTAssertEqual(call.turns[0], Turn(role: .agent, speaker: "SPEAKER_01", start: 0, end: 2, text: "Hola, bon dia, com et dius?"))
        XCTAssertEqual(call.turns[1].role, .customer)
        XCTAssertEqual(call.turns[3].speaker, "SPEAKER_00")
        XCTAssertEqual(call.turns[4].speaker, "SPEAKER_00", "consecutive segments of one speaker stay separate turns")
        XCTAssertEqual(call.language, "ca")
        XCTAssertEqual(call.metadata[SpeakerRoles.rolesKey], "SPEAKER_01=agent, SPEAKER_00=customer (guessed: no speaker uses a service phrase; SPEAKER_01 speaks first)")
    }

    func testWhisperWordStampsWithoutSpeakers() throws {
        let outcome = Fixtures.read("whisper/gossos_word_stamps.json")
        let call = try XCTUnwrap(outcome.calls.first)
        XCTAssertEqual(call.turns.count, 2)
        XCTAssertEqual(call.turns.reduce(0) { $0 + $1.words.count }, 65)
        XCTAssertEqual(call.turns[0].words[0], Word(text: "Igual", start: 1.18, end: 1.98), "leading space trimmed, times to the millisecond")
        XCTAssertTrue(call.turns[0].text.hasPrefix("Igual que"))
        XCTAssertEqual(call.turns.map(\.role), [.other, .other])
        XCTAssertTrue(outcome.warningText.contains("no 'speaker'"), outcome.warningText)
    }

    func testWhisperXWordsEmptySegmentsAndPII() throws {
        let outcome = Fixtures.read("handmade/whisperx.json")
        let call = try XCTUnwrap(outcome.calls.first)
        XCTAssertEqual(call.turns.count, 3, "the blank segment is skipped")
        XCTAssertTrue(outcome.warningText.contains("segments[1]"), outcome.warningText)
        XCTAssertEqual(call.turns[0].text, "Thank you for calling Green Hill Broadband, how may I help you?")
        XCTAssertEqual(call.turns[0].words.count, 5)
        XCTAssertNil(call.turns[0].words[4].start, "a WhisperX word without times keeps none")
        XCTAssertEqual(call.turns.map(\.role), [.agent, .customer, .agent])
        XCTAssertEqual(call.turns[1].text, "Hi, my name is [PII] and my internet is down.")
        let metrics = CallMetrics.measure(call)
        XCTAssertGreaterThan(metrics.agentCharacters, 0)
    }

    // MARK: Azure

    func testAzureBatchTicks() throws {
        let call = try Fixtures.call("azure/transcriptSample.json")
        XCTAssertEqual(call.turns.count, 3)
        XCTAssertEqual(call.turns[0].text, "Run Alabama drivers license.")
        XCTAssertEqual(call.turns[0].start, 0.04, "offsetInTicks: 100 ns")
        XCTAssertEqual(call.turns[0].end, 2.22)
        XCTAssertEqual(call.turns[0].words.first, Word(text: "run", start: 0.04, end: 0.52))
        XCTAssertEqual(call.turns[1].speaker, "spk_2")
        XCTAssertEqual(call.metadata["audio_duration"], "00:07.48", "the sample's durationTicks")
    }

    func testAzureCustomerServiceCallRoles() throws {
        let call = try Fixtures.call("azure/summarizationInputSample.json")
        XCTAssertEqual(call.turns.map(\.speaker), ["spk_1", "spk_2", "spk_1", "spk_2"])
        XCTAssertEqual(call.turns.map(\.role), [.customer, .agent, .customer, .agent], "speaker 2 asks how can I help")
        XCTAssertEqual(call.turns[3].start, 8.98)
        XCTAssertEqual(call.metadata[SpeakerRoles.basisKey], "heuristic")
        let flagged = try Fixtures.call("azure/summarizationInputSample.json", options: ReadOptions(agentSpeakers: ["1"]))
        XCTAssertEqual(flagged.turns.map(\.role), [.agent, .customer, .agent, .customer], "--agent-speaker 1 matches spk_1")
    }

    func testAzureRealtimeList() throws {
        let call = try Fixtures.call("azure/realtimeresult.json")
        XCTAssertEqual(call.turns.map(\.text), ["Hello.", "Hello hello."])
        XCTAssertEqual(call.turns.map(\.speaker), ["spk_0", "spk_1"])
        XCTAssertEqual(call.turns[0].start, 0.09)
        XCTAssertEqual(call.turns[0].end, 0.65)
    }

    func testAzureISODurationsChannelsAndNoMatch() throws {
        let call = try Fixtures.call("handmade/azure_iso_channels.json")
        XCTAssertEqual(call.turns.map(\.speaker), ["ch_0", "ch_1", "ch_0"], "NoMatch skipped, phrases in time order")
        XCTAssertEqual(call.turns.map(\.start), [0.5, 3.2, 61.25])
        XCTAssertEqual(call.turns[2].end, 65.25)
        XCTAssertEqual(call.turns.map(\.role), [.agent, .customer, .agent])
        XCTAssertEqual(call.metadata["audio_duration"], "01:05.5")
        let m = onlyError(read("{\"recognizedPhrases\": [{\"recognitionStatus\": \"Success\", \"offset\": \"3 seconds\", \"nBest\": [{\"display\": \"Hi\"}]}]}"))
        XCTAssertTrue(m.contains("ISO-8601"), m)
        let noSpeech = onlyError(read("{\"recognizedPhrases\": [{\"recognitionStatus\": \"InitialSilenceTimeout\", \"offsetInTicks\": 0}]}"))
        XCTAssertTrue(noSpeech.contains("no speech"), noSpeech)
    }

    func testISOTimes() {
        XCTAssertEqual(VendorJSON.isoDuration("PT1.41S"), 1.41)
        XCTAssertEqual(VendorJSON.isoDuration("PT1H2M3.5S"), 3723.5)
        XCTAssertNil(VendorJSON.isoDuration("PT"))
        XCTAssertNil(VendorJSON.isoDuration("1.41"))
        XCTAssertNil(VendorJSON.isoDuration("PT1.4.1S"))
        XCTAssertEqual(VendorJSON.isoDateTime("1970-01-02T00:00:01Z"), 86_401)
        XCTAssertEqual(VendorJSON.isoDateTime("2026-11-20T16:15:02.5+08:00"), VendorJSON.isoDateTime("2026-11-20T08:15:02.500Z"))
        XCTAssertNil(VendorJSON.isoDateTime("2026-13-20T08:15:02Z"))
        XCTAssertNil(VendorJSON.isoDateTime("20"))
    }

    func testOneLineJSONOverAMegabyteIsRead() throws {
        let segment = #"{"start": 1.0, "end": 2.0, "text": " Thank you for calling, how can I help you today? I am here to help.", "speaker": "SPEAKER_00"}"#
        let json = #"{"segments": ["# + Array(repeating: segment, count: 12_000).joined(separator: ", ") + "]}"
        XCTAssertGreaterThan(json.utf8.count, 1 << 20)
        let outcome = read(json, "long.json")
        XCTAssertEqual(outcome.errors, [])
        XCTAssertEqual(outcome.calls.first?.turns.count, 12_000)
        let stdin = read(json, "-")
        XCTAssertEqual(stdin.calls.first?.turns.count, 12_000)
        XCTAssertEqual(read("坐席: " + String(repeating: "好", count: 400_000), "long.txt").errors.first?.message.contains("over the limit"), true,
                       "line-based text keeps its limit")
    }

    // MARK: Broken input, whatever the vendor

    func testInvalidAndTruncatedVendorJSON() throws {
        let full = try Fixtures.bytes("aws_call_analytics/example-call.json")
        let truncated = Array(full.prefix(full.count / 2))
        let outcome = TranscriptLoader(format: .awsCallAnalytics).read(bytes: truncated, source: "cut.json")
        XCTAssertEqual(outcome.calls.count, 0)
        XCTAssertTrue(outcome.errors.first?.message.contains("truncated") ?? false, "\(outcome.errors)")
        XCTAssertNotNil(outcome.errors.first?.line)
        for format in [InputFormat.aliyun, .tencent, .awsTranscribe, .awsCallAnalytics, .awsPCA, .whisper, .azure] {
            let m = onlyError(read("{\"segments\": [ {\"start\": 1,, }", format: format))
            XCTAssertTrue(m.contains("invalid JSON"), "\(format): \(m)")
            let wrong = onlyError(read("{\"turns\": []}", format: format))
            XCTAssertTrue(wrong.hasPrefix("not a") || wrong.contains("no '"), "\(format): \(wrong)")
            let array = onlyError(read("[1, 2]", format: format))
            XCTAssertFalse(array.isEmpty)
        }
    }
}
