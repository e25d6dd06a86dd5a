import XCTest
@testable import CallQCText

/// The automaton's construction and its binary form: whatever way the tables are built or kept,
/// they are those of the original construction (child lists, per-state output arrays), so every
/// text gets exactly the same matches in the same order.
final class PhraseMatcherConstructionTests: XCTestCase {
    /// The original construction, kept here as the reference: a trie of child lists searched
    /// linearly, failure links breadth-first, and per state its own patterns then its failure
    /// state's (merged lists).
    struct Reference {
        var byteClass = [UInt16](repeating: 0, count: 256)
        var classes = 1
        var next: [Int32] = []
        var outputStart: [Int32] = []
        var outputs: [Int32] = []

        init(_ patterns: [[UInt8]]) {
            for p in patterns { for b in p where byteClass[Int(b)] == 0 { byteClass[Int(b)] = UInt16(classes); classes += 1 } }
            var children: [[(UInt16, Int32)]] = [[]]
            var terminal: [[Int32]] = [[]]
            for (id, p) in patterns.enumerated() where !p.isEmpty {
                var state = 0
                for b in p {
                    let c = byteClass[Int(b)]
                    if let child = children[state].first(where: { $0.0 == c })?.1 {
                        state = Int(child)
                    } else {
                        children.append([])
                        terminal.append([])
                        children[state].append((c, Int32(children.count - 1)))
                        state = children.count - 1
                    }
                }
                terminal[state].append(Int32(id))
            }
            let n = children.count
            next = [Int32](repeating: 0, count: n * classes)
            var fail = [Int32](repeating: 0, count: n)
            var order: [Int] = []
            for (c, child) in children[0] {
                next[Int(c)] = child
                order.append(Int(child))
            }
            var head = 0
            while head < order.count {
                let s = order[head]
                head += 1
                let f = Int(fail[s])
                for c in 0..<classes { next[s * classes + c] = next[f * classes + c] }
                for (c, child) in children[s] {
                    fail[Int(child)] = next[f * classes + Int(c)]
                    next[s * classes + Int(c)] = child
                    order.append(Int(child))
                }
            }
            var merged = [[Int32]](repeating: [], count: n)
            merged[0] = terminal[0]
            for s in order { merged[s] = terminal[s] + merged[Int(fail[s])] }
            outputStart = [Int32](repeating: 0, count: n + 1)
            for s in 0..<n {
                outputStart[s] = Int32(outputs.count)
                outputs.append(contentsOf: merged[s])
            }
            outputStart[n] = Int32(outputs.count)
        }

        /// Matches in the reference order: by end position, then the end state's output order.
        func matches(in bytes: [UInt8], patterns: [[UInt8]]) -> [PhraseMatch] {
            var found: [PhraseMatch] = []
            var state = 0
            for (i, b) in bytes.enumerated() {
                state = Int(next[state * classes + Int(byteClass[Int(b)])])
                for k in Int(outputStart[state])..<Int(outputStart[state + 1]) {
                    let p = Int(outputs[k])
                    found.append(PhraseMatch(pattern: p, start: i + 1 - patterns[p].count, end: i + 1))
                }
            }
            return found
        }
    }

    struct Random {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
    }

    /// Random pattern sets: Chinese (Simplified and Traditional), Latin, overlapping (built from
    /// a small alphabet and from one another), duplicates and the empty pattern.
    func randomPatterns(_ rng: inout Random) -> [[UInt8]] {
        let alphabets: [[String]] = [["不", "知", "道", "行", "您", "好", "了", "們", "們", "請"],
                                     ["a", "b", "c", "he", "she", "his", "hers", " "],
                                     ["不", "a", "知", "道", "b", "é", "你"]]
        let alphabet = alphabets[rng.next(alphabets.count)]
        var patterns: [[UInt8]] = []
        for _ in 0..<(1 + rng.next(40)) {
            switch rng.next(10) {
            case 0 where !patterns.isEmpty: patterns.append(patterns[rng.next(patterns.count)])                   // duplicate
            case 1 where !patterns.isEmpty: let p = patterns[rng.next(patterns.count)]; patterns.append(Array(p.dropFirst(rng.next(p.count + 1))))  // a suffix
            case 2: patterns.append([])
            default: patterns.append(Array((0..<(1 + rng.next(6))).map { _ in alphabet[rng.next(alphabet.count)] }.joined().utf8))
            }
        }
        return patterns
    }

    func naive(_ patterns: [[UInt8]], _ text: [UInt8]) -> [PhraseMatch] {
        var found: [PhraseMatch] = []
        if text.isEmpty { return [] }
        for end in 1...text.count {
            for (id, p) in patterns.enumerated() where !p.isEmpty && p.count <= end && Array(text[(end - p.count)..<end]) == p {
                found.append(PhraseMatch(pattern: id, start: end - p.count, end: end))
            }
        }
        return found
    }

    func text(_ patterns: [[UInt8]], _ rng: inout Random) -> [UInt8] {
        var text: [UInt8] = []
        for _ in 0..<rng.next(60) {
            if !patterns.isEmpty, rng.next(3) == 0 { text += patterns[rng.next(patterns.count)] } else { text += Array(["不", "道", "a", "h", "e", "你好", "s"][rng.next(7)].utf8) }
        }
        return text
    }

    func testConstructionGivesTheReferenceTablesAndMatchOrder() {
        var rng = Random(state: 2026)
        for round in 0..<300 {
            let patterns = randomPatterns(&rng)
            let m = PhraseMatcher(patterns: patterns)
            let reference = Reference(patterns)
            XCTAssertEqual(m.byteClass, reference.byteClass, "round \(round)")
            XCTAssertEqual(m.classCount, reference.classes, "round \(round)")
            XCTAssertEqual(m.next, reference.next, "round \(round)")
            XCTAssertEqual(m.outputStart, reference.outputStart, "round \(round)")
            XCTAssertEqual(m.outputs, reference.outputs, "round \(round)")
            for _ in 0..<5 {
                let t = text(patterns, &rng)
                let found = m.matches(in: t)
                XCTAssertEqual(found, reference.matches(in: t, patterns: patterns), "round \(round): same matches in the same order")
                let expected = naive(patterns, t)
                XCTAssertEqual(Set(found), Set(expected))
                XCTAssertEqual(found.count, expected.count)
                XCTAssertEqual(found.map(\.end), expected.map(\.end), "ordered by end position")
                XCTAssertEqual(m.countMatches(in: t), expected.count)
            }
        }
    }

    /// Within one end position: the state's own patterns (in pattern order), then its failure chain's.
    func testOrderWithinOneEndPosition() {
        let folder = TextFolder()
        let phrases = ["道", "知道", "不知道", "不知道", "您不知道", "知道"]
        let patterns = phrases.map { Array(folder.foldedString($0).utf8) }
        let m = PhraseMatcher(patterns: patterns)
        let found = m.matches(in: Array(folder.foldedString("您不知道").utf8))
        XCTAssertEqual(found.map(\.pattern), [4, 2, 3, 1, 5, 0])
        XCTAssertEqual(found.map(\.end), Array(repeating: 12, count: 6))
        XCTAssertEqual(found.map(\.start), [0, 3, 3, 6, 6, 9])
    }

    func testBinaryFormRoundTripsExactly() {
        var rng = Random(state: 7)
        for round in 0..<100 {
            let patterns = randomPatterns(&rng)
            let m = PhraseMatcher(patterns: patterns)
            let data = m.binaryForm()
            XCTAssertEqual(data.prefix(PhraseMatcher.binaryMagic.count), PhraseMatcher.binaryMagic[...])
            guard let back = data.withUnsafeBytes({ PhraseMatcher(binaryForm: $0, patterns: patterns) }) else {
                XCTFail("round \(round): not read back"); continue
            }
            XCTAssertEqual(back.patterns, patterns)
            XCTAssertEqual(back.byteClass, m.byteClass)
            XCTAssertEqual(back.classCount, m.classCount)
            XCTAssertEqual(back.next, m.next)
            XCTAssertEqual(back.outputStart, m.outputStart)
            XCTAssertEqual(back.outputs, m.outputs)
            let t = text(patterns, &rng)
            XCTAssertEqual(back.matches(in: t), m.matches(in: t))
        }
    }

    func testDamagedOrForeignBinaryFormsAreRefused() {
        let folder = TextFolder()
        let patterns = ["不知道", "找领导去", "不行", "hers", "she"].map { Array(folder.foldedString($0).utf8) }
        let data = PhraseMatcher(patterns: patterns).binaryForm()
        func read(_ bytes: [UInt8], _ p: [[UInt8]] = patterns) -> PhraseMatcher? { bytes.withUnsafeBytes { PhraseMatcher(binaryForm: $0, patterns: p) } }
        XCTAssertNotNil(read(data))
        XCTAssertNil(read([]))
        XCTAssertNil(read(Array("not an automaton 不是".utf8)))
        for cut in [1, 10, PhraseMatcher.binaryMagic.count + 10, data.count / 2, data.count - 1] { XCTAssertNil(read(Array(data.prefix(cut))), "cut at \(cut)") }
        XCTAssertNil(read(data + [0]), "trailing byte")
        var version = data
        version[PhraseMatcher.binaryMagic.count - 2] = UInt8(ascii: "9")   // callqc-automaton/9
        XCTAssertNil(read(version), "another layout version")
        // One flipped bit anywhere after the header: the checksum or a range check refuses it.
        for at in stride(from: PhraseMatcher.binaryMagic.count, to: data.count, by: max(1, data.count / 97)) {
            var flipped = data
            flipped[at] ^= 0x10
            XCTAssertNil(read(flipped), "bit flipped at \(at)")
        }
        // Another pattern list (one phrase edited, or one more) is not this automaton.
        var edited = patterns
        edited[1] = Array(folder.foldedString("找领导来").utf8)
        XCTAssertNil(read(data, edited))
        XCTAssertNil(read(data, patterns + [Array("x".utf8)]))
    }

    func testRangeCheck() {
        func check(_ values: [Int32], _ limit: UInt32) -> Bool { values.withUnsafeBytes { PhraseMatcher.allBelow(limit, $0) } }
        XCTAssertTrue(check([], 1))
        XCTAssertTrue(check([0, 1, 2, 3, 4, 5, 6], 7))
        for bad: Int32 in [7, 8, -1, Int32.min, Int32.max] {
            for position in 0..<7 {
                var values: [Int32] = [0, 1, 2, 3, 4, 5, 6]
                values[position] = bad
                XCTAssertFalse(check(values, 7), "\(bad) at \(position)")
            }
        }
    }
}
