import Foundation
import XCTest
@testable import CallQC
import CallQCText

/// A small seeded generator, so that the random cut points are the same on every run.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}

final class LiveCallTests: XCTestCase {
    let checker = Checker(catalog: Shipped.catalog, scripts: ScriptTests.scripts)

    func sample(_ name: String) -> Call {
        TranscriptLoader().load(.file(Shipped.root.appendingPathComponent("samples/\(name)").path)).calls[0]
    }

    /// Every file in samples/ (the drafts too), each call.
    func allSampleCalls() throws -> [Call] {
        let dir = Shipped.root.appendingPathComponent("samples")
        var calls: [Call] = []
        let files = try XCTUnwrap(FileManager.default.subpathsOfDirectory(atPath: dir.path)).sorted()
        for f in files where !f.hasPrefix(".") {
            var isDir: ObjCBool = false
            let path = dir.appendingPathComponent(f).path
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else { continue }
            calls += TranscriptLoader().load(.file(path)).calls
        }
        XCTAssertGreaterThanOrEqual(calls.count, 20)
        return calls
    }

    /// The call as opened live: everything but its turns.
    func opened(_ call: Call) -> Call { var c = call; c.turns = []; return c }

    // MARK: - The final result is the batch result

    func testFinalResultEqualsBatchByteForByteOverEverySampleAndRandomCutPoints() throws {
        var rng = SplitMix(state: 19)
        var checkedCalls = 0, partialsSent = 0
        for call in try allSampleCalls() {
            let batch = ResultJSON.compact(checker.check(call))
            for _ in 0..<4 {
                var live = LiveCall(call: opened(call), checker: checker)
                var clock = 0.0
                for turn in call.turns {
                    // The turn in pieces: growing prefixes as partial text, sometimes a misheard
                    // taboo the recogniser later revises, then the final turn.
                    let scalars = Array(turn.text.unicodeScalars)
                    var cuts = (0..<Int.random(in: 0...3, using: &rng)).map { _ in Int.random(in: 0...scalars.count, using: &rng) }.sorted()
                    if Bool.random(using: &rng), !cuts.isEmpty { cuts[0] = scalars.count }
                    for cut in cuts {
                        var partial = turn
                        partial.text = String(String.UnicodeScalarView(scalars[0..<cut]))
                        if Int.random(in: 0..<5, using: &rng) == 0 { partial.text += turn.role == .agent ? "不知道，你自己去营业厅" : "我要投诉" }
                        _ = live.add(partial, final: false, at: clock)
                        partialsSent += 1
                        clock += Double.random(in: 0...2, using: &rng)
                        _ = live.tick(now: clock)
                    }
                    _ = live.add(turn, final: true, at: clock)
                    clock += Double.random(in: 0...8, using: &rng)
                    _ = live.tick(now: clock)
                }
                XCTAssertEqual(live.call, call, call.id)
                let final = ResultJSON.compact(live.finish())
                XCTAssertEqual(final, batch, "\(call.source ?? call.id): the live result differs from the batch result")
                checkedCalls += 1
            }
        }
        XCTAssertGreaterThan(checkedCalls, 80)
        XCTAssertGreaterThan(partialsSent, 500)
    }

    // MARK: - Alerts as the words are said

    /// The alert-worthy findings of a batch check of the call so far.
    func alertWorthy(_ call: Call) -> Set<String> {
        let kinds: Set<CheckKind> = [.forbidden, .curtRefusal, .interruption]
        return Set(checker.check(call).findings.filter { kinds.contains($0.kind) || ($0.kind == .cue && $0.role == .customer) || ($0.kind == .pii && $0.role == .agent) }
            .map { "\($0.rule)|\($0.turn ?? 0)|\($0.text ?? "")" })
    }

    func testAlertsTurnByTurnAreTheBatchFindingsOfTheCallSoFarOnceEach() {
        for name in ["rude-agent.txt", "english-rude-call.txt", "traditional-chinese.txt", "pii-readout.txt", "interruption.txt", "complaint-stonewalled.txt"] {
            let call = sample(name)
            var live = LiveCall(call: opened(call), checker: checker)
            var raised = Set<String>()
            var all: [LiveAlert] = []
            for (i, turn) in call.turns.enumerated() {
                let alerts = live.add(turn, at: Double(i))
                all += alerts
                for a in alerts where a.rule != nil && [.forbidden, .curtRefusal, .complaint, .personalData, .interruption].contains(a.kind) {
                    XCTAssertTrue(raised.insert("\(a.rule!)|\(a.turn ?? 0)|\(a.text ?? "")").inserted, "\(name): duplicate alert \(a)")
                }
                var prefix = call
                prefix.turns = Array(call.turns[0...i])
                XCTAssertEqual(raised, alertWorthy(prefix), "\(name) after turn \(i + 1)")
            }
            XCTAssertEqual(all.map(\.seq), Array(1...max(1, all.count)).prefix(all.count).map { $0 }, name)
            XCTAssertEqual(live.alerts, all)
        }
    }

    func testRudeAgentAlertsComeAtTheirTurnWithTheBetterPhrasing() throws {
        let call = sample("rude-agent.txt")
        var live = LiveCall(call: opened(call), checker: checker)
        var byTurn: [Int: [LiveAlert]] = [:]
        for (i, turn) in call.turns.enumerated() { byTurn[i + 1] = live.add(turn, at: turn.start ?? 0) }
        let dontKnow = try XCTUnwrap(byTurn[7]?.first { $0.rule == "taboo.dont-know" })
        XCTAssertEqual(dontKnow.kind, .forbidden)
        XCTAssertEqual(dontKnow.text, "不知道")
        XCTAssertEqual(dontKnow.suggestion, checker.check(call).findings.first { $0.rule == "taboo.dont-know" }?.suggestion)
        XCTAssertNotNil(dontKnow.suggestion)
        // The customer's 不知道 at turn 2 is not the agent's taboo.
        XCTAssertFalse(byTurn[2, default: []].contains { $0.kind == .forbidden })
        XCTAssertTrue(byTurn[20, default: []].contains { $0.kind == .complaint && $0.text == "投诉" })
    }

    // MARK: - Partial text

    func testPartialTextRaisesAlertsOnceButIsNeverKeptOrScored() throws {
        let call = sample("good-call-broadband.txt")
        var live = LiveCall(call: opened(call), checker: checker)
        for (i, turn) in call.turns.prefix(3).enumerated() { XCTAssertEqual(live.add(turn, at: Double(i)).filter { $0.kind == .forbidden }, []) }
        // The recogniser first hears a taboo, then revises it away.
        var misheard = Turn(role: .agent, speaker: "坐席", start: 30, end: 33, text: "不知道")
        let first = live.add(misheard, final: false, at: 10).filter { $0.kind == .forbidden }
        XCTAssertEqual(first.count, 1)
        XCTAssertTrue(first[0].partial)
        misheard.text = "不知道，系统上就这么显示"
        XCTAssertEqual(live.add(misheard, final: false, at: 10.5).filter { $0.kind == .forbidden }, [], "the same taboo on longer partial text is one alert")
        for turn in call.turns.dropFirst(3) { _ = live.add(turn, at: 11) }
        XCTAssertEqual(live.call.turns.count, call.turns.count)
        XCTAssertEqual(ResultJSON.compact(live.finish()), ResultJSON.compact(checker.check(call)))
        XCTAssertFalse(live.finish().findings.contains { $0.kind == .forbidden })
    }

    func testATabooSeenInPartialTextIsNotAlertedAgainWhenTheTurnIsFinal() {
        var live = LiveCall(call: Call(id: "p1"), checker: checker)
        _ = live.add(Turn(role: .agent, speaker: "坐席", start: 0, end: 2, text: "您好，请讲。"), at: 0)
        _ = live.add(Turn(role: .customer, speaker: "客户", start: 2.5, end: 5, text: "我的话费怎么多了？"), at: 5)
        let partial = live.add(Turn(role: .agent, speaker: "坐席", start: 6, end: 7, text: "不知道"), final: false, at: 7)
        // The customer's turn lands first; the agent's final turn is then turn 4, not 3.
        _ = live.add(Turn(role: .customer, speaker: "客户", start: 6.5, end: 7, text: "喂？"), at: 7.5)
        let final = live.add(Turn(role: .agent, speaker: "坐席", start: 6, end: 9, text: "不知道，你问别人吧。"), at: 9)
        XCTAssertEqual(partial.filter { $0.kind == .forbidden }.count, 1)
        XCTAssertEqual(final.filter { $0.kind == .forbidden && $0.text == "不知道" }.count, 0, "\(final)")
        // A second, different taboo in the final text is new.
        XCTAssertEqual(live.alerts.filter { $0.kind == .forbidden && $0.text == "不知道" }.count, 1)
    }

    // MARK: - Timers

    func testSilenceIsATimerFromTheLastThingHeard() {
        var live = LiveCall(call: Call(id: "s1"), checker: checker, at: 100)
        XCTAssertEqual(live.tick(now: 130).filter { $0.kind == .silence }, [], "no silence alert before anyone spoke")
        _ = live.add(Turn(role: .agent, speaker: "坐席", start: 0, end: 3, text: "您好，欢迎致电，很高兴为您服务。"), at: 103)
        _ = live.add(Turn(role: .customer, speaker: "客户", start: 3.5, end: 6, text: "我想查一下话费。"), at: 106)
        let threshold = live.silenceThreshold()
        XCTAssertEqual(live.tick(now: 106 + threshold - 0.1), [])
        let quiet = live.tick(now: 106 + threshold + 0.5)
        XCTAssertEqual(quiet.map(\.kind), [.silence])
        XCTAssertEqual(quiet[0].at ?? 0, 6 + threshold + 0.5, accuracy: 0.01)
        XCTAssertEqual(live.tick(now: 200), [], "one alert per silence")
        _ = live.add(Turn(role: .agent, speaker: "坐席", start: 100, end: 102, text: "好的，请问您的号码是？"), at: 202)
        XCTAssertEqual(live.tick(now: 202 + threshold + 1).map(\.kind), [.silence], "a new silence after the next turn")
    }

    func testAnAnnouncedHoldWaitsForMaxHold() {
        var live = LiveCall(call: Call(id: "s2"), checker: checker)
        _ = live.add(Turn(role: .agent, speaker: "坐席", start: 0, end: 3, text: "您好，很高兴为您服务。"), at: 3)
        _ = live.add(Turn(role: .agent, speaker: "坐席", start: 3, end: 6, text: "请您稍等，我帮您查一下。"), at: 6)
        let held = live.silenceThreshold()
        XCTAssertGreaterThan(held, 10)
        XCTAssertEqual(live.tick(now: 6 + 10), [])
        XCTAssertEqual(live.tick(now: 6 + held + 1).map(\.kind), [.silence])
    }

    func testNoGreetingAfterTheFirstSeconds() {
        var rude = LiveCall(call: Call(id: "g1"), checker: checker, at: 0)
        _ = rude.add(Turn(role: .agent, speaker: "坐席", start: 0.3, end: 2.2, text: "喂，什么事？"), at: 2.2)
        XCTAssertEqual(rude.tick(now: 5), [], "not before the deadline")
        let late = rude.tick(now: 16).filter { $0.kind == .noGreeting }
        XCTAssertEqual(late.count, 1)
        XCTAssertNotNil(late[0].suggestion)
        XCTAssertEqual(rude.tick(now: 30).filter { $0.kind == .noGreeting }, [])

        var polite = LiveCall(call: Call(id: "g2"), checker: checker, at: 0)
        _ = polite.add(Turn(role: .agent, speaker: "坐席", start: 0.3, end: 2.2, text: "您好，歡迎致電，很高興為您服務。"), at: 2.2)
        XCTAssertEqual(polite.tick(now: 40).filter { $0.kind == .noGreeting }, [])
    }

    // MARK: - Script and closing

    func testScriptStepsTickOffAndTheMissingOnesAreNamedWhenTheCustomerCloses() throws {
        let call = sample("survey-skipped-step.txt")
        var live = LiveCall(call: opened(call), checker: checker)
        XCTAssertEqual(live.checklist.map(\.id).count, ScriptTests.scripts.script(for: call)?.steps.count)
        XCTAssertTrue(live.checklist.allSatisfy { !$0.said })
        var all: [LiveAlert] = []
        for (i, turn) in call.turns.enumerated() { all += live.add(turn, at: Double(i)) }
        let ticked = all.filter { $0.kind == .stepSaid }.flatMap(\.steps)
        XCTAssertTrue(ticked.contains("identify"))
        XCTAssertFalse(ticked.contains("consent"))
        XCTAssertEqual(Set(ticked), Set(live.checklist.filter(\.said).map(\.id)))
        let missing = try XCTUnwrap(all.first { $0.kind == .stepsMissing })
        XCTAssertEqual(Set(missing.steps), ["consent", "q3-badge"])
        XCTAssertEqual(missing.turn, call.turns.count, "at the customer's 再见")
        let reminder = try XCTUnwrap(all.first { $0.kind == .closingReminder })
        XCTAssertNotNil(reminder.suggestion)
        XCTAssertEqual(all.filter { $0.kind == .closingReminder }.count, 1)
    }

    func testGoodbyeIsMatchedOnWordsAndInTraditionalChinese() {
        let live = LiveCall(call: Call(id: "b"), checker: checker)
        XCTAssertTrue(live.saysGoodbye("好的，再見。"))
        XCTAssertTrue(live.saysGoodbye("OK, bye!"))
        XCTAssertTrue(live.saysGoodbye("That's all, thanks."))
        XCTAssertFalse(live.saysGoodbye("Maybe tomorrow then."))
        XCTAssertFalse(live.saysGoodbye("I'll stand by the decision."))
        XCTAssertFalse(live.saysGoodbye("我再想想。"))
    }

    func testPaceAlertsOverTheAgentsLastTurnsOncePerStreak() {
        var live = LiveCall(call: Call(id: "f1"), checker: checker)
        let fast = "您好欢迎致电星联移动很高兴为您服务请问有什么可以帮到您"
        var alerts: [LiveAlert] = []
        alerts += live.add(Turn(role: .agent, speaker: "坐席", start: 0, end: 5, text: fast), at: 5)
        alerts += live.add(Turn(role: .agent, speaker: "坐席", start: 5, end: 10, text: fast), at: 10)
        XCTAssertEqual(alerts.filter { $0.kind == .pace }.count, 1, "\(alerts)")
        // Slow turns bring the last three down, then a fast streak alerts again.
        for k in 0..<3 { _ = live.add(Turn(role: .agent, speaker: "坐席", start: 20 + Double(k) * 30, end: 50 + Double(k) * 30, text: "好的。"), at: 50) }
        var again: [LiveAlert] = []
        for k in 0..<3 { again += live.add(Turn(role: .agent, speaker: "坐席", start: 200 + Double(k) * 5, end: 205 + Double(k) * 5, text: fast), at: 60) }
        XCTAssertEqual(again.filter { $0.kind == .pace }.count, 1)
    }

    func testAlertJSONAndRedaction() throws {
        var live = LiveCall(call: Call(id: "j1"), checker: checker)
        _ = live.add(Turn(role: .agent, speaker: "坐席", start: 0, end: 2, text: "您好。"), at: 0)
        let alerts = live.add(Turn(role: .agent, speaker: "坐席", start: 2, end: 8, text: "您的手机号是13912345678，身份证号110101199003071234，对吧？"), at: 8)
        let pii = try XCTUnwrap(alerts.first { $0.kind == .personalData })
        let masked = pii.redacted()
        XCTAssertFalse((masked.text ?? "").contains("13912345678"))
        let json = try JSONParser.parse(masked.json)
        XCTAssertEqual(json["schema"]?.stringValue, "callqc.alert/1")
        XCTAssertEqual(json["kind"]?.stringValue, "personal-data")
        XCTAssertEqual(json["call"]?.stringValue, "j1")
        XCTAssertFalse(String(decoding: masked.json, as: UTF8.self).contains("13912345678"))
    }
}
