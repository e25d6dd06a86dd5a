import XCTest
@testable import CallQC

/// Who is the agent: flags, then the file, then the heuristic; recorded in metadata.
final class SpeakerRolesTests: XCTestCase {
    func read(_ text: String, _ source: String = "x.txt", options: ReadOptions = ReadOptions()) -> ReadOutcome {
        TranscriptLoader(options: options).read(bytes: Array(text.utf8), source: source)
    }

    let diarised = "SPEAKER_00: 喂？\nSPEAKER_01: 您好，欢迎致电青山宽带，请问有什么可以帮您？\nSPEAKER_00: 宽带坏了。\nSPEAKER_01: 好的，我为您查询。\n"

    func testHeuristicOnThePlainFormatAndItsRecord() throws {
        let outcome = read(diarised)
        let call = try XCTUnwrap(outcome.calls.first)
        XCTAssertEqual(call.turns.map(\.role), [.customer, .agent, .customer, .agent])
        XCTAssertEqual(call.metadata[SpeakerRoles.basisKey], "heuristic")
        XCTAssertEqual(call.metadata[SpeakerRoles.rolesKey],
                       "SPEAKER_00=customer, SPEAKER_01=agent (guessed: SPEAKER_01 uses 5 service phrases (the first to use one), SPEAKER_00 uses 0)")
        XCTAssertFalse(outcome.warningText.contains("unknown speaker label"), "decided labels lose their warning")
        XCTAssertTrue(outcome.warningText.contains("speaker roles guessed"), outcome.warningText)
        // The decision survives conversion: written as canonical JSON and read back, nothing is guessed again.
        let json = CallJSON.encode(call).compact()
        let back = read(json, "x.json")
        XCTAssertEqual(back.calls.first?.turns.map(\.role), call.turns.map(\.role))
        XCTAssertEqual(back.calls.first?.metadata[SpeakerRoles.rolesKey], call.metadata[SpeakerRoles.rolesKey])
        XCTAssertFalse(back.warningText.contains("guessed"))
    }

    func testFlagsComeFirst() throws {
        let bySpeaker = try XCTUnwrap(read(diarised, options: ReadOptions(agentSpeakers: ["SPEAKER_00"])).calls.first)
        XCTAssertEqual(bySpeaker.turns.map(\.role), [.agent, .customer, .agent, .customer])
        XCTAssertEqual(bySpeaker.metadata[SpeakerRoles.basisKey], "flag")
        XCTAssertEqual(bySpeaker.metadata[SpeakerRoles.rolesKey], "SPEAKER_00=agent, SPEAKER_01=customer (from --agent-speaker SPEAKER_00)")
        let byNumber = try XCTUnwrap(read(diarised, options: ReadOptions(agentSpeakers: ["0"])).calls.first)
        XCTAssertEqual(byNumber.turns[0].role, .agent, "a bare number matches SPEAKER_00")
        // Flags override labels the standard map knows.
        let known = try XCTUnwrap(read("坐席: 您好\n客户: 喂\n", options: ReadOptions(agentSpeakers: ["客户"])).calls.first)
        XCTAssertEqual(known.turns.map(\.role), [.customer, .agent])
    }

    func testAFlagThatMatchesNothingIsReportedAndIgnored() throws {
        let outcome = read(diarised, options: ReadOptions(agentSpeakers: ["spk_7"], agentChannels: [3]))
        let call = try XCTUnwrap(outcome.calls.first)
        XCTAssertEqual(call.metadata[SpeakerRoles.basisKey], "heuristic")
        XCTAssertTrue(outcome.warningText.contains("--agent-speaker spk_7, --agent-channel 3 matches no speaker"), outcome.warningText)
    }

    func testKnownLabelsAreNotGuessed() throws {
        let outcome = read("坐席: 您好\n客户: 喂\n")
        let call = try XCTUnwrap(outcome.calls.first)
        XCTAssertEqual(call.turns.map(\.role), [.agent, .customer])
        XCTAssertNil(call.metadata[SpeakerRoles.basisKey], "labels the file already decides need no record")
        XCTAssertEqual(outcome.warnings, [])
    }

    func testTiesAndSilence() throws {
        // Both use one service phrase: the first to use one is the agent.
        let tie = try XCTUnwrap(read("spk_0: 喂\nspk_1: 您好\nspk_0: 请问在吗\n").calls.first)
        XCTAssertEqual(tie.turns.map(\.role), [.customer, .agent, .customer])
        XCTAssertTrue(tie.metadata[SpeakerRoles.rolesKey]?.contains("tied") ?? false, tie.metadata[SpeakerRoles.rolesKey] ?? "")
        // Nobody uses one: the first speaker, and the record says so.
        let none = try XCTUnwrap(read("spk_0: 喂\nspk_1: 嗯\n").calls.first)
        XCTAssertEqual(none.turns.map(\.role), [.agent, .customer])
        XCTAssertTrue(none.metadata[SpeakerRoles.rolesKey]?.contains("no speaker uses a service phrase") ?? false)
        // English phrases are folded: case and punctuation do not matter.
        let english = try XCTUnwrap(read("spk_0: Hello?\nspk_1: THANK YOU for calling! How may I help?\n").calls.first)
        XCTAssertEqual(english.turns.map(\.role), [.customer, .agent])
        // Traditional Chinese folds to Simplified before comparing.
        let traditional = try XCTUnwrap(read("spk_0: 喂\nspk_1: 您好，歡迎致電，很高興為您服務\n").calls.first)
        XCTAssertEqual(traditional.turns.map(\.role), [.customer, .agent])
    }

    func testLabelMatching() {
        XCTAssertTrue(SpeakerRoles.matches(label: "spk_1", speakerFlag: "1"))
        XCTAssertTrue(SpeakerRoles.matches(label: "SPEAKER_01", speakerFlag: "1"))
        XCTAssertTrue(SpeakerRoles.matches(label: "Speaker 1", speakerFlag: "1"))
        XCTAssertTrue(SpeakerRoles.matches(label: "Guest-1", speakerFlag: "1"))
        XCTAssertTrue(SpeakerRoles.matches(label: "Wang Fang", speakerFlag: "wang fang"))
        XCTAssertFalse(SpeakerRoles.matches(label: "ch_1", speakerFlag: "1"), "a speaker flag is not a channel")
        XCTAssertFalse(SpeakerRoles.matches(label: "spk_10", speakerFlag: "1"))
        XCTAssertTrue(SpeakerRoles.matches(label: "ch_0", channel: 0))
        XCTAssertTrue(SpeakerRoles.matches(label: "Channel 1", channel: 1))
        XCTAssertFalse(SpeakerRoles.matches(label: "spk_0", channel: 0))
        XCTAssertFalse(SpeakerRoles.matches(label: "ch_99999999999999999999", channel: 0))
    }
}

extension ReadOutcome {
    /// The messages of warnings, for `contains` checks.
    var warningText: String { warnings.map(\.message).joined(separator: "\n") }
}
