import XCTest
@testable import CallQC

/// Issue 13: every check costs O(n) or O(n log n) in a call's turns.
final class HardeningCheckTests: XCTestCase {
    /// The pairs as the check defines them, by brute force.
    func reference(_ call: Call, by roles: [Role], of interrupted: [Role], threshold: Double) -> [(Int, Int)] {
        var pairs: [(Int, Int)] = []
        for i in call.turns.indices where roles.contains(call.turns[i].role) {
            guard let s = call.turns[i].start else { continue }
            for j in call.turns.indices where j != i && interrupted.contains(call.turns[j].role) {
                guard let us = call.turns[j].start, let ue = call.turns[j].end else { continue }
                if us < s && ue - s > threshold { pairs.append((i, j)); break }
            }
        }
        return pairs
    }

    func randomCall(_ n: Int, seed: UInt64) -> Call {
        var rng = SeededRandom(seed: seed)
        var turns: [Turn] = []
        for _ in 0..<n {
            let start = Double(rng.next() % 400) / 4, length = Double(rng.next() % 40) / 4
            let role: Role = rng.next() % 3 == 0 ? .other : (rng.next() % 2 == 0 ? .agent : .customer)
            let untimed = rng.next() % 17 == 0
            turns.append(Turn(role: role, speaker: role.rawValue, start: untimed ? nil : start, end: untimed ? nil : start + length, text: "嗯"))
        }
        return Call(id: "R", turns: turns)
    }

    func testInterruptionsMatchTheDefinition() {
        for seed in UInt64(1)...200 {
            let call = randomCall(Int(seed % 40) + 1, seed: seed)
            for (roles, interrupted, threshold) in [([Role.agent], [Role.customer], 0.5), ([.agent, .customer], [.customer, .other], 0), ([.agent], [.agent, .customer], 2.25)] {
                let fast = InterruptionCheck.interruptions(in: call, by: roles, of: interrupted, threshold: threshold)
                let slow = reference(call, by: roles, of: interrupted, threshold: threshold)
                XCTAssertEqual(fast.map { [$0.0, $0.1] }, slow.map { [$0.0, $0.1] }, "seed \(seed)")
            }
        }
    }

    /// Alternating agent and customer turns, none interrupting: the old check compared every pair.
    func steps(_ n: Int) -> Int {
        let turns = (0..<n).map { i in
            Turn(role: i % 2 == 0 ? .agent : .customer, speaker: "", start: Double(i), end: Double(i) + 0.9, text: "好")
        }
        var steps = 0
        _ = InterruptionCheck.interruptions(in: Call(id: "L", turns: turns), by: [.agent], of: [.customer], threshold: 0.5, steps: &steps)
        return steps
    }

    func testInterruptionWorkGrowsAsNLogN() {
        let small = steps(10_000), large = steps(80_000)
        XCTAssertLessThan(Double(large) / Double(small), 8 * 1.5, "80,000 turns cost about 8× (n log n) the work of 10,000: \(small) → \(large)")
    }

    func testExceptionsAreFoundPerTurn() {
        let hits = [PhraseHit(turn: 1, start: 2, end: 5, phrase: 0), PhraseHit(turn: 1, start: 6, end: 7, phrase: 0), PhraseHit(turn: 2, start: 0, end: 3, phrase: 0)]
        let spans = ExceptionSpans([PhraseHit(turn: 1, start: 0, end: 5, phrase: 0), PhraseHit(turn: 1, start: 1, end: 2, phrase: 0), PhraseHit(turn: 3, start: 0, end: 9, phrase: 0)])
        XCTAssertEqual(hits.map(spans.covers), [true, false, false])
    }

    /// The flat exception index says what a search of every exception says: covered when an exception of the
    /// same turn starts at or before the hit and ends at or after it (random turns, starts, lengths, ties, in any order).
    func testExceptionSpansAgreeWithSearchingEveryException() {
        var rng = SystemRandomNumberGenerator()
        func randomHit() -> PhraseHit {
            let start = Int.random(in: 0...30, using: &rng)
            return PhraseHit(turn: Int.random(in: 0...5, using: &rng), start: start, end: start + Int.random(in: 0...9, using: &rng), phrase: 0)
        }
        for _ in 0..<500 {
            let exceptions = (0..<Int.random(in: 0...12, using: &rng)).map { _ in randomHit() }
            let spans = ExceptionSpans(exceptions)
            for _ in 0..<20 {
                let hit = randomHit()
                let naive = exceptions.contains { $0.turn == hit.turn && $0.start <= hit.start && $0.end >= hit.end }
                XCTAssertEqual(spans.covers(hit), naive, "\(hit) in \(exceptions)")
            }
        }
    }

    /// A long call, full of phrases, exceptions and overlaps, goes through every check of the shipped rules.
    func testA150000TurnCallIsCheckedInBoundedTime() {
        var turns: [Turn] = []
        turns.reserveCapacity(150_000)
        for i in 0..<150_000 {
            let agent = i % 2 == 0
            turns.append(Turn(role: agent ? .agent : .customer, speaker: agent ? "坐席" : "客户", start: Double(i) * 0.5, end: Double(i) * 0.5 + 0.4,
                              text: agent ? (i % 6 == 0 ? "不知道，我也不知道" : "您好") : "嗯"))
        }
        let started = Date()
        let result = Shipped.checker.check(Call(id: "long", turns: turns))
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertFalse(result.findings.isEmpty)
        XCTAssertLessThan(elapsed, 120, "a debug build on a shared machine: generous, but far below the quadratic hours")
    }

    /// One long turn full of taboo phrases (a 2 MB request can be one line): each finding costs
    /// its own span, not the turn (20,000 hits took 100 s, quadratic, in a debug build).
    func testALongTurnWithManyHitsIsCheckedInBoundedTime() {
        let text = String(repeating: "不知道，", count: 20_000)
        let far = String(repeating: "好的，", count: 19_999) + "不知道"
        let call = Call(id: "long-turn", turns: [Turn(role: .agent, speaker: "坐席", start: 0, end: 10, text: text),
                                                 Turn(role: .customer, speaker: "客户", start: 10, end: 11, text: "嗯"),
                                                 Turn(role: .agent, speaker: "坐席", start: 11, end: 20, text: far)])
        let started = Date()
        let result = Shipped.checker.check(call)
        XCTAssertLessThan(Date().timeIntervalSince(started), 30)
        // All 20,000 hits are judged; a rule finds one fault per turn, at its first hit.
        let dontKnow = result.findings.filter { $0.rule == "taboo.dont-know" }
        XCTAssertEqual(dontKnow.map(\.turn), [1, 3])
        XCTAssertEqual(dontKnow.first?.span, 0..<3)
        // Spans still count Unicode scalars of the original text, far into a long turn.
        XCTAssertEqual(dontKnow.last?.span, (3 * 19_999)..<(3 * 19_999 + 3))
    }

    func testContainedForbiddenFindingsAreDroppedWithinATurn() {
        func f(_ turn: Int, _ span: Range<Int>) -> Finding {
            var x = Finding(rule: "r\(span)", kind: .forbidden, section: "s", severity: .error, message: "m")
            x.turn = turn
            x.span = span
            return x
        }
        let findings = [f(1, 0..<3), f(1, 0..<7), f(1, 0..<7), f(1, 2..<5), f(2, 1..<3), f(1, 6..<9)]
        let kept = Checker.dropContainedForbidden(findings).map { [$0.turn!, $0.span!.lowerBound, $0.span!.upperBound] }
        XCTAssertEqual(kept, [[1, 0, 7], [1, 0, 7], [2, 1, 3], [1, 6, 9]])
    }
}
