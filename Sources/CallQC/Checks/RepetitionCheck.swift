import CallQCText

/// The same sentence again and again: the scoped roles say near-identical sentences
/// `times` times within a window of turns. Sentences are split at 。！？；!?; and turn ends,
/// compared as folded characters by edit distance (`1 − distance / longer length` at least
/// `similarity`), so a recogniser's different character or two still counts. Sentences
/// shorter than `min_chars`, and those that are one of `exceptions` (好的, 请稍等) with fewer
/// than `min_chars` characters besides, are left out.
struct RepetitionCheck: CheckDefinition {
    static let kind = CheckKind.repetition
    static let summary = "Near-identical sentences said `times` times within `within` turns by the scoped roles (a script read again and again, a customer not listened to). Sentences shorter than `min_chars` and the `exceptions` (set phrases such as 请稍等) are left out. The finding is on the last repeat and points at the others."
    static let parameters: [CheckParameter] = [
        CheckParameter("times", "whole number", default: "3", "how many near-identical sentences make a finding"),
        CheckParameter("similarity", "0…1", default: "0.8", "how alike: 1 − edit distance / length of the longer"),
        CheckParameter("min_chars", "whole number", default: "6", "shorter sentences (countable characters) are left out"),
        .phrases("exceptions", "set phrases that may be repeated (请稍等, 好的, 还有什么可以帮您)"),
        CheckParameter("within", "{turns: N, seconds: S}", default: "{turns: 10}", "all repeats within N turns of the scoped roles (S seconds) of the first"),
    ]
    static let quotes = TranscriptQuotes.evidenceAndDetail
    static let examplesNeed = ExampleNeeds.conversation
    static let yamlExample = """
        - id: listening.repetition
          kind: repetition
          message: 机械重复同一句话
          section: listening
          deduction: 3
          times: 3
          similarity: 0.8
          min_chars: 6
          exceptions: [请您稍等, 还有什么可以帮您]
          examples:
            flag:
              - |
                坐席: 这个是系统规定的没办法。
                客户: 那我的钱怎么办？
                坐席: 这个是系统规定的没有办法。
                客户: 你听我说。
                坐席: 这个是系统规定的，没办法。
        """

    var times: Int
    var similarity: Double
    var minChars: Int
    var exceptions: [Phrase]
    var within: TurnWindow

    static func parse(_ fields: inout FieldReader, _ context: inout RuleParseContext) throws(RuleError) -> RepetitionCheck {
        let times = try fields.integer("times", min: 2) ?? 3
        let similarity = try fields.number("similarity", min: 0.5) ?? 0.8
        if similarity > 1 { throw fields.node.error("'similarity' is \(similarity), above 1", fix: "write a share such as 0.8") }
        return RepetitionCheck(times: times, similarity: similarity, minChars: try fields.integer("min_chars", min: 1) ?? 6,
                               exceptions: try context.phrases(&fields, key: "exceptions", required: false),
                               within: try TurnWindow.parse(&fields, defaultTurns: 10)!)
    }

    var phraseLists: [(name: String, phrases: [Phrase])] { [("exceptions", exceptions)] }

    /// A sentence: its turn, its folded byte range, its characters.
    struct Sentence {
        var turn: Int
        var folded: Range<Int>
        var scalars: [UInt32]
        /// The position of its turn among the scoped turns.
        var order: Int
        /// Characters counted in 32 buckets: half the buckets' difference is at most the edit
        /// distance, so most pairs are told apart without the distance.
        var buckets: SIMD32<UInt8>

        init(turn: Int, folded: Range<Int>, scalars: [UInt32], order: Int) {
            self.turn = turn
            self.folded = folded
            self.scalars = scalars
            self.order = order
            var b = SIMD32<UInt8>()
            for v in scalars { let k = Int((v &* 2654435761) >> 27) & 31; b[k] = b[k] &+ (b[k] == 255 ? 0 : 1) }
            self.buckets = b
        }

        /// A lower bound of the edit distance to another sentence.
        func distanceBound(_ other: Sentence) -> Int {
            let hi = pointwiseMax(buckets, other.buckets), lo = pointwiseMin(buckets, other.buckets)
            // Widened before the sum (32 × 255 fits 16 bits): vector operations, no per-lane loop.
            let total = Int(SIMD32<UInt16>(truncatingIfNeeded: hi &- lo).wrappedSum())
            return (total + 1) / 2
        }
    }

    /// Longer sentences are compared by their first characters only: repetition shows early.
    static let compareLength = 120
    /// How many later sentences one is compared with, at most: a long monologue stays linear.
    static let lookahead = 200

    func sentences(_ context: CheckContext, rule: Int, roles: [Role]) -> [Sentence] {
        // . ! ? ; newline, and 。！？；…: a switch, not a set, since it runs on every character.
        @inline(__always) func endsSentence(_ v: UInt32) -> Bool {
            switch v {
            case 0x2E, 0x21, 0x3F, 0x3B, 0x0A, 0x3002, 0xFF01, 0xFF1F, 0xFF1B, 0x2026: return true
            default: return false
            }
        }
        let set = exceptions.isEmpty ? [:] : Dictionary(grouping: context.hits(rule: rule, list: "exceptions"), by: \.turn)
        var out: [Sentence] = []
        for (order, t) in context.turns(of: roles).enumerated() {
            let f = context.folded[t]
            if f.isEmpty { continue }
            // Sentence ends in the original text, as UTF-8 offsets.
            var ends: [Int] = []
            var text = context.call.turns[t].text
            text.withUTF8 { utf8 in
                var i = 0
                while i < utf8.count {
                    let b = utf8[i]
                    if b < 0x80 {
                        if endsSentence(UInt32(b)) { ends.append(i) }
                        i += 1
                        continue
                    }
                    let (v, n) = UTF8Scalar.decode(utf8, at: i)
                    if endsSentence(v) { ends.append(i) }
                    i += n
                }
            }
            func add(_ range: Range<Int>) {
                if range.isEmpty { return }
                // Counted in full (scalars start at bytes that are not continuation bytes), and decoded, up to the
                // compared length, only for a sentence long enough to count.
                var count = 0
                for i in range where f.bytes[i] & 0xC0 != 0x80 { count += 1 }
                if count < minChars { return }
                var rest = count
                for h in set[t] ?? [] where h.start >= range.lowerBound && h.end <= range.upperBound {
                    rest -= f.bytes[h.start..<h.end].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
                }
                if rest < minChars && rest < count { return }
                var scalars: [UInt32] = []
                scalars.reserveCapacity(min(count, RepetitionCheck.compareLength))
                var i = range.lowerBound
                while i < range.upperBound, scalars.count < RepetitionCheck.compareLength {
                    let (v, n) = UTF8Scalar.decode(f.bytes, at: i)
                    scalars.append(v)
                    i += n
                }
                out.append(Sentence(turn: t, folded: range, scalars: scalars, order: order))
            }
            // Each folded byte belongs to the sentence after the ends before its source.
            var e = 0, current = 0, startByte = 0
            for k in 0..<f.bytes.count {
                let source = Int(f.sourceStart[k])
                while e < ends.count, ends[e] < source { e += 1 }
                if k == 0 { current = e } else if e != current { add(startByte..<k); startByte = k; current = e }
            }
            add(startByte..<f.bytes.count)
        }
        return out
    }

    /// Whether two sentences may reach `least` similarity, by length and character buckets: cheap.
    static func couldBeAlike(_ a: Sentence, _ b: Sentence, least: Double) -> Bool {
        let longer = max(a.scalars.count, b.scalars.count)
        let budget = Int((1 - least) * Double(longer) + 1e-9)
        return abs(a.scalars.count - b.scalars.count) <= budget && a.distanceBound(b) <= budget
    }

    /// `1 − edit distance / longer length`, or 0 when it cannot reach `least` (banded).
    static func similarity(_ a: [UInt32], _ b: [UInt32], least: Double) -> Double {
        let longer = max(a.count, b.count)
        if longer == 0 { return 1 }
        let budget = Int((1 - least) * Double(longer) + 1e-9)     // 0.8 of 20 allows 4 edits, not 3.9999
        if abs(a.count - b.count) > budget { return 0 }
        if a.isEmpty || b.isEmpty { return 0 }
        if a == b { return 1 }      // a sentence said again word for word: the common case, no table needed
        // Only the band |i − j| ≤ budget of the table: a cell outside it is at least budget + 1 (the distance is
        // at least the difference of the lengths), so `big` stands for all of them and every distance within the
        // budget comes out exact; one beyond it comes out beyond it.
        let n = a.count, m = b.count, big = budget + 1
        var row = [Int](repeating: big, count: m + 1)
        for j in 0...min(m, budget) { row[j] = j }
        for i in 1...n {
            let lo = max(1, i - budget), hi = min(m, i + budget)
            if lo > hi { return 0 }
            var prev = row[lo - 1]
            row[lo - 1] = lo == 1 ? min(i, big) : big
            var best = row[lo - 1]
            let ai = a[i - 1]
            for j in lo...hi {
                let cur = row[j]
                row[j] = min(cur + 1, row[j - 1] + 1, prev + (ai == b[j - 1] ? 0 : 1))
                prev = cur
                best = min(best, row[j])
            }
            if best > budget { return 0 }
        }
        let d = row[m]
        return d > budget ? 0 : 1 - Double(d) / Double(longer)
    }

    func evaluate(_ context: CheckContext, rule: Int, header: RuleHeader) -> [Finding] {
        let list = sentences(context, rule: rule, roles: header.roles)
        guard list.count >= times else { return [] }
        var used = [Bool](repeating: false, count: list.count)
        var findings: [Finding] = []
        for i in list.indices where !used[i] {
            var members = [i]
            var j = i + 1
            while j < list.count, j - i <= RepetitionCheck.lookahead {
                if let n = within.turns, list[j].order - list[i].order >= n { break }
                if let s = within.seconds, let gap = context.seconds(from: list[i].turn, to: list[j].turn), gap > s { break }
                if !used[j], RepetitionCheck.couldBeAlike(list[i], list[j], least: similarity),
                   RepetitionCheck.similarity(list[i].scalars, list[j].scalars, least: similarity) >= similarity { members.append(j) }
                j += 1
            }
            guard members.count >= times else { continue }
            for m in members { used[m] = true }
            let last = list[members[members.count - 1]]
            let turns = members.map { list[$0].turn }
            findings.append(context.finding(header, turn: last.turn, folded: last.folded,
                                            detail: "said \(members.count) times: turns \(turns.map { String($0 + 1) }.joined(separator: ", "))",
                                            related: turns))
        }
        return findings
    }
}

extension CheckKind {
    public static let repetition = CheckKind(name: "repetition")
}
