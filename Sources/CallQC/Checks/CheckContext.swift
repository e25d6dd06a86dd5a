import CallQCText

/// A phrase found in a turn: which phrase of which list, and where in the folded text.
public struct PhraseHit: Sendable, Hashable {
    /// 0-based turn index.
    public var turn: Int
    public var start: Int
    public var end: Int
    /// Index of the phrase in its list.
    public var phrase: Int
    /// Found by sound (same toneless pinyin), not literally: see ``SoundMatcher``.
    public var sound: Bool = false

    /// Whether this hit lies within `other` (same turn).
    func isCovered(by other: PhraseHit) -> Bool {
        turn == other.turn && other.start <= start && other.end >= end
    }
}

/// One call prepared for the checks: folded turns, phrase hits from the single
/// automaton pass, and metrics.
public struct CheckContext: Sendable {
    public let call: Call
    public let folded: [FoldedText]
    public let profiles: [SpeechProfile]
    public let metrics: CallMetrics
    /// The call's script, matched; nil when the call follows none.
    public let script: ScriptResult?
    let ruleSet: RuleSet
    /// Hits by phrase-list number (``RuleSet/listNumbers``).
    private let hits: [[PhraseHit]]
    /// Per turn, its role as a bit (``bit(_:)``).
    let roleBits: [UInt8]
    /// Personal data of every kind, found once for the call (at the level of the call: numbers
    /// split across turns), when the rule set has personal-data rules; they filter by kind.
    let personalData: [[PIIMatch]]?
    /// For long turns: the scalar count before every 256th UTF-8 byte, so a finding's span costs
    /// at most 256 bytes of counting, not the whole turn (a long turn has many findings).
    let scalarMarks: [Int: [Int]]
    /// The phrase lists of a condition inside a composite rule are named `condition.list`:
    /// the composite sets this to `condition.` while its condition runs.
    var listPrefix = ""
    /// The findings of the rules that do not read others' findings, for those that do (composites).
    var earlierFindings: [Finding] = []

    init(call: Call, ruleSet: RuleSet, folder: TextFolder, counter: SpeechCounter, script: Script? = nil,
         measured: ([SpeechProfile], CallMetrics)? = nil) {
        self.call = call
        self.ruleSet = ruleSet
        self.roleBits = call.turns.withUnsafeBufferPointer { turns in turns.map { CheckContext.bit($0.role) } }
        let profiles = measured?.0 ?? call.turns.map { counter.profile($0.text) }
        self.profiles = profiles
        self.metrics = measured?.1 ?? CallMetrics.measure(call, profiles: profiles)
        let folded = call.turns.map { folder.fold($0.text) }
        self.folded = folded
        self.script = script.map { ScriptMatcher(script: $0).match(call, folded: folded) }
        // Every hit of the call into one array first, then each list's hits into an array of its exact size:
        // appending hit by hit to one array per list regrew each of them from empty (4 % of a call's work).
        var all: [(list: Int, hit: PhraseHit)] = []
        all.reserveCapacity(64)
        var scratch = SoundIndex.Scratch()
        for (t, f) in folded.enumerated() where !f.isEmpty {
            for m in ruleSet.matcher.matches(in: f.bytes) {
                for owner in ruleSet.owners[m.pattern] {
                    if (owner.latinStart || owner.latinEnd),
                       !CheckContext.onWordBoundaries(call.turns[t].text, f.originalUTF8Range(of: m.start..<m.end),
                                                      start: owner.latinStart, end: owner.latinEnd) {
                        continue
                    }
                    all.append((owner.list, PhraseHit(turn: t, start: m.start, end: m.end, phrase: owner.phrase)))
                }
            }
            if let sound = ruleSet.sound, profiles[t].han >= 3 {
                for (owner, range) in sound.hits(in: f, scratch: &scratch) {
                    all.append((owner.list, PhraseHit(turn: t, start: range.lowerBound, end: range.upperBound, phrase: owner.phrase, sound: true)))
                }
            }
        }
        var counts = [Int](repeating: 0, count: ruleSet.listNumbers.count)
        for entry in all { counts[entry.list] += 1 }
        var hits = [[PhraseHit]](repeating: [], count: counts.count)
        for (list, count) in counts.enumerated() where count > 0 { hits[list].reserveCapacity(count) }
        for entry in all { hits[entry.list].append(entry.hit) }     // in the order found: turn by turn
        self.hits = hits
        self.personalData = ruleSet.needsPersonalData
            ? PIIDetector().find(inTurns: Redactor.speakers(call)) : nil
        var marks: [Int: [Int]] = [:]
        for (t, turn) in call.turns.enumerated() where turn.text.utf8.count > 4096 {
            var text = turn.text
            marks[t] = text.withUTF8 { utf8 in
                var list = [0]
                list.reserveCapacity(utf8.count / 256 + 1)
                var count = 0
                for i in 0..<utf8.count {
                    if i > 0 && i % 256 == 0 { list.append(count) }
                    if utf8[i] & 0xC0 != 0x80 { count += 1 }
                }
                return list
            }
        }
        self.scalarMarks = marks
    }

    /// The scalar offsets of a UTF-8 range of a turn's text.
    func scalarRange(turn: Int, utf8 range: Range<Int>) -> Range<Int> {
        guard let marks = scalarMarks[turn] else { return TextOffsets.scalarRange(utf8: range, in: call.turns[turn].text) }
        var text = call.turns[turn].text
        return text.withUTF8 { utf8 in
            func count(_ offset: Int) -> Int {
                let n = min(max(offset, 0), utf8.count)
                let mark = min(n / 256, marks.count - 1)
                var c = marks[mark]
                for i in (mark * 256)..<n where utf8[i] & 0xC0 != 0x80 { c += 1 }
                return c
            }
            let lower = count(range.lowerBound)
            return lower..<max(lower, count(range.upperBound))
        }
    }

    /// The hits of one phrase list of one rule, in turn order.
    func hits(rule: Int, list: String) -> [PhraseHit] {
        // A rule has a few lists: comparing their names beats hashing a (rule, name) key on every lookup.
        guard rule >= 0 && rule < ruleSet.listsByRule.count else { return [] }
        let name = listPrefix.isEmpty ? list : listPrefix + list
        for entry in ruleSet.listsByRule[rule] where entry.name == name { return hits[entry.number] }
        return []
    }

    /// 0-based indices of the turns spoken by `roles`.
    func turns(of roles: [Role]) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(call.turns.count)
        call.turns.withUnsafeBufferPointer { turns in
            for i in 0..<turns.count where roles.contains(turns[i].role) { result.append(i) }
        }
        return result
    }

    /// Roles as bits, for ``isInScope(_:_:)``.
    static func mask(_ roles: [Role]) -> UInt8 {
        roles.reduce(0) { $0 | CheckContext.bit($1) }
    }

    @inline(__always) static func bit(_ role: Role) -> UInt8 {
        switch role {
        case .agent: return 1
        case .customer: return 2
        case .other: return 4
        }
    }

    /// Whether turn `turn` is spoken by one of the roles of `mask` (no allocation, no hashing).
    @inline(__always) func isInScope(_ turn: Int, _ mask: UInt8) -> Bool {
        roleBits[turn] & mask != 0
    }

    /// A finding at a turn (and a span of its folded text), or about the whole call.
    func finding(_ header: RuleHeader, turn: Int?, folded range: Range<Int>? = nil, message: String? = nil,
                 detail: String? = nil, start: Double? = nil, end: Double? = nil, deducts: Bool = true, related: [Int] = []) -> Finding {
        var f = Finding(rule: header.id, kind: header.kind, section: header.section, severity: header.severity,
                        message: message ?? header.message, deducts: deducts)
        f.detail = detail
        f.relatedTurns = Set(related).subtracting(turn.map { [$0] } ?? []).sorted().map { $0 + 1 }
        if let turn {
            let t = call.turns[turn]
            f.turn = turn + 1
            f.role = t.role
            f.start = start ?? t.start
            f.end = end ?? t.end
            if let range {
                f.span = scalarRange(turn: turn, utf8: folded[turn].originalUTF8Range(of: range))
                f.text = folded[turn].originalText(of: range, in: t.text)
            }
        } else {
            f.start = start
            f.end = end
        }
        return f
    }

    /// Whether the original text around a match has no letter or digit directly
    /// before (after) it, where the phrase starts (ends) with one.
    static func onWordBoundaries(_ text: String, _ range: Range<Int>, start: Bool, end: Bool) -> Bool {
        // Only the characters next to the match are read: no copy of the turn per hit.
        var copy = text
        return copy.withUTF8 { utf8 in
            if start, range.lowerBound > 0, range.lowerBound <= utf8.count,
               let s = CheckContext.scalar(endingAt: range.lowerBound, utf8), CheckContext.isWordScalar(s) { return false }
            if end, range.upperBound < utf8.count, range.upperBound >= 0,
               let s = CheckContext.scalar(startingAt: range.upperBound, utf8), CheckContext.isWordScalar(s) { return false }
            return true
        }
    }

    /// The scalar whose UTF-8 bytes start at `i`.
    static func scalar(startingAt i: Int, _ utf8: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar? {
        guard i < utf8.count else { return nil }
        var j = i + 1
        while j < utf8.count, utf8[j] & 0xC0 == 0x80 { j += 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: utf8[i..<j]), as: UTF8.self).unicodeScalars.first
    }

    /// The scalar whose UTF-8 bytes end just before `i`.
    static func scalar(endingAt i: Int, _ utf8: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar? {
        guard i > 0 else { return nil }
        var k = i - 1
        while k > 0, utf8[k] & 0xC0 == 0x80 { k -= 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: utf8[k..<i]), as: UTF8.self).unicodeScalars.first
    }

    /// Letters and digits of alphabetic scripts; Han characters are not word characters
    /// here, so `VIP` matches in `VIP客户`.
    static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        if s.properties.isIdeographic { return false }
        return s.properties.isAlphabetic || s.properties.numericType != nil
    }

    /// Whether the original text around a match is a whole clause: between it and the
    /// turn's ends or punctuation there is only space, lead-ins before it (`那`, `这种`, `也是`)
    /// and particles after it (`的`, `哦`, `呢亲`), each given folded; any number of them in a row.
    /// Reads outwards from the match, at most ``clauseReach`` characters each way: no copy of
    /// the turn per hit, so a long turn full of hits stays linear.
    func isWholeClause(turn: Int, folded range: Range<Int>, leadIns: [[UInt8]] = [], particles: [[UInt8]] = []) -> Bool {
        var text = call.turns[turn].text
        let f = folded[turn]
        let r = f.originalUTF8Range(of: range)
        // Punctuation ends a clause; so does a space between Chinese characters, which
        // recognisers write for a pause (not a space between English words).
        let isPunctuation: (Unicode.Scalar) -> Bool = { s in
            switch s.properties.generalCategory {
            case .otherPunctuation, .openPunctuation, .closePunctuation, .dashPunctuation,
                 .initialPunctuation, .finalPunctuation, .connectorPunctuation: return true
            default: return false
            }
        }
        let isLatin: (Unicode.Scalar?) -> Bool = { s in s.map { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) } ?? false }
        let reach = CheckContext.clauseReach
        guard let (clauseStart, clauseEnd) = text.withUTF8({ utf8 -> (Int, Int)? in
            // The nearest non-space scalar before (after) a run of spaces starting at a byte offset.
            func before(_ i: Int) -> Unicode.Scalar? {
                var i = i
                while let s = CheckContext.scalar(endingAt: i, utf8) { if !s.properties.isWhitespace { return s }; i -= s.utf8.count }
                return nil
            }
            func after(_ j: Int) -> Unicode.Scalar? {
                var j = j
                while let s = CheckContext.scalar(startingAt: j, utf8) { if !s.properties.isWhitespace { return s }; j += s.utf8.count }
                return nil
            }
            var start = 0, steps = 0, i = min(r.lowerBound, utf8.count)
            while let s = CheckContext.scalar(endingAt: i, utf8) {
                if isPunctuation(s) || (s.properties.isWhitespace && !isLatin(before(i - s.utf8.count)) && !isLatin(after(i))) { start = i; break }
                steps += 1
                if steps > reach { return nil }
                i -= s.utf8.count
            }
            var end = utf8.count, j = max(0, r.upperBound)
            steps = 0
            while let s = CheckContext.scalar(startingAt: j, utf8) {
                if isPunctuation(s) || (s.properties.isWhitespace && !isLatin(before(j)) && !isLatin(after(j + s.utf8.count))) { end = j; break }
                steps += 1
                if steps > reach { return nil }
                j += s.utf8.count
            }
            return (start, end)
        }) else { return false }
        // The folded bytes of the clause before and after the match.
        var lo = range.lowerBound
        while lo > 0, Int(f.sourceStart[lo - 1]) >= clauseStart { lo -= 1 }
        var hi = range.upperBound
        while hi < f.bytes.count, Int(f.sourceStart[hi]) < clauseEnd { hi += 1 }
        return CheckContext.isConcatenation(f.bytes[lo..<range.lowerBound], of: leadIns)
            && CheckContext.isConcatenation(f.bytes[range.upperBound..<hi], of: particles)
    }

    /// How far (characters) a whole-clause test reads from a match for the clause's ends: lead-ins
    /// and particles are short, so a clause that goes on further is no clause of its own.
    static let clauseReach = 16

    /// The UTF-8 ranges of a turn inside quotation marks (“…”, 「…」, "…"): what the agent quotes.
    func quotedSpans(turn: Int) -> [Range<Int>] {
        var text = call.turns[turn].text
        return text.withUTF8 { utf8 in
            var spans: [Range<Int>] = []
            var openAt: Int?, straightAt: Int?
            var i = 0
            while i < utf8.count {
                let (v, n) = UTF8Scalar.decode(utf8, at: i)
                switch v {
                case 0x201C, 0x300C, 0x300E, 0x2018, 0x300A: if openAt == nil { openAt = i + n }       // “ 「 『 ‘ 《
                case 0x201D, 0x300D, 0x300F, 0x2019, 0x300B: if let o = openAt { spans.append(o..<i); openAt = nil }
                case 0x22:
                    if let o = straightAt { spans.append(o..<i); straightAt = nil } else { straightAt = i + 1 }
                default: break
                }
                i += n
            }
            return spans
        }
    }

    /// Whether `bytes` is empty or a run of the given pieces (`的哦` of `的`, `哦`).
    static func isConcatenation(_ bytes: ArraySlice<UInt8>, of pieces: [[UInt8]]) -> Bool {
        if bytes.isEmpty { return true }
        let b = Array(bytes)
        var reachable = [Bool](repeating: false, count: b.count + 1)
        reachable[0] = true
        for i in 0..<b.count where reachable[i] {
            for p in pieces where !p.isEmpty && i + p.count <= b.count && b[i..<(i + p.count)].elementsEqual(p) {
                reachable[i + p.count] = true
            }
        }
        return reachable[b.count]
    }

    /// `mm:ss.f` of a time, for details.
    static func time(_ seconds: Double?) -> String { seconds.map(TranscriptTime.format) ?? "?" }
}

/// Which phrase of which list of which rule a pattern of the automaton is.
struct PhraseOwner: Sendable, Hashable {
    struct List: Sendable, Hashable {
        var rule: Int
        var name: String
    }
    /// The list's number (``RuleSet/listNumbers``).
    var list: Int
    var phrase: Int
    /// The phrase begins (ends) with a Latin letter or digit: its match must begin (end) on a word boundary.
    var latinStart = false
    var latinEnd = false
}
