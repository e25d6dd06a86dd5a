import XCTest
@testable import CallQCText

final class PhraseMatcherTests: XCTestCase {
    func testFindsAllOverlappingPhrases() {
        let folder = TextFolder()
        let phrases = ["不行", "行不行", "不知道", "您不知道", "he", "she", "hers", "his"]
        let m = PhraseMatcher(patterns: phrases.map { Array(folder.foldedString($0).utf8) })
        let text = Array(folder.foldedString("您不知道也没关系，不管行不行，我们先试试").utf8)
        let found = Set(m.matches(in: text).map { phrases[$0.pattern] })
        XCTAssertEqual(found, ["不知道", "您不知道", "不行", "行不行"])
        let english = m.matches(in: Array("ushers".utf8)).map { phrases[$0.pattern] }
        XCTAssertEqual(Set(english), ["she", "he", "hers"])
    }

    /// The automaton agrees with a naive search on random text over a small alphabet.
    func testAgreesWithNaiveSearch() {
        var rng = UInt64(42)
        func rand(_ n: Int) -> Int { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return Int((rng >> 33) % UInt64(n)) }
        let alphabet = Array("好不行知道您".utf8)
        for _ in 0..<50 {
            let patterns: [[UInt8]] = (0..<(1 + rand(12))).map { _ in (0..<(1 + rand(7))).map { _ in alphabet[rand(alphabet.count)] } }
            let text: [UInt8] = (0..<rand(300)).map { _ in alphabet[rand(alphabet.count)] }
            let m = PhraseMatcher(patterns: patterns)
            var naive: [PhraseMatch] = []
            if !text.isEmpty {
                for end in 1...text.count {
                    for (id, p) in patterns.enumerated() where p.count <= end && Array(text[(end - p.count)..<end]) == p {
                        naive.append(PhraseMatch(pattern: id, start: end - p.count, end: end))
                    }
                }
            }
            XCTAssertEqual(Set(m.matches(in: text)), Set(naive))
            XCTAssertEqual(m.matches(in: text).count, naive.count)
            XCTAssertEqual(m.countMatches(in: text), naive.count)
        }
    }

    func testEmptyAndNoPatterns() {
        XCTAssertEqual(PhraseMatcher(patterns: []).matches(in: Array("abc".utf8)), [])
        XCTAssertEqual(PhraseMatcher(patterns: [[]]).matches(in: Array("abc".utf8)), [])
        XCTAssertEqual(PhraseMatcher(patterns: [Array("a".utf8)]).matches(in: []), [])
    }
}
