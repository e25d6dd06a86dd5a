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
        var hits = [[PhraseHit]](repeating: [], count: ruleSet.listNumbers.count)
        var scratch = SoundIndex.Scratch()
        for (t, f) in folded.enumerated() where !f.isEmpty {
            for m in ruleSet.matcher.matches(in: f.bytes) {
                for owner in ruleSet.owners[m.pattern] {
                    if (owner.latinStart || owner.latinEnd),
                       !CheckContext.onWordBoundaries(call.turns[t].text, f.originalUTF8Range(of: m.start..<m.end),
                                                      start: owner.latinStart, end: owner.latinEnd) {
                        continue
                    }
                    hits[owner.list].append(PhraseHit(turn: t, start: m.start, end: m.end, phrase: owner.phrase))
                }
            }
            if let sound = ruleSet.sound, profiles[t].han >= 3 {
                for (owner, range) in sound.hits(in: f, scratch: &scratch) {
                    hits[owner.list].append(PhraseHit(turn: t, start: range.lowerBound, end: range.upperBound, phrase: owner.phrase, sound: true))
                }
            }
        }
        self.hits = hits
    }

    /// The hits of one phrase list of one rule, in turn order.
    func hits(rule: Int, list: String) -> [PhraseHit] {
        ruleSet.listNumbers[PhraseOwner.List(rule: rule, name: list)].map { hits[$0] } ?? []
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
                 detail: String? = nil, start: Double? = nil, end: Double? = nil, deducts: Bool = true) -> Finding {
        var f = Finding(rule: header.id, kind: header.kind, section: header.section, severity: header.severity,
                        message: message ?? header.message, deducts: deducts)
        f.detail = detail
        if let turn {
            let t = call.turns[turn]
            f.turn = turn + 1
            f.role = t.role
            f.start = start ?? t.start
            f.end = end ?? t.end
            if let range {
                f.span = folded[turn].originalScalarRange(of: range, in: t.text)
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
        let utf8 = Array(text.utf8)
        if start, range.lowerBound > 0 {
            var i = range.lowerBound - 1
            while i > 0, utf8[i] & 0xC0 == 0x80 { i -= 1 }
            if let s = String(decoding: utf8[i..<range.lowerBound], as: UTF8.self).unicodeScalars.first, CheckContext.isWordScalar(s) { return false }
        }
        if end, range.upperBound < utf8.count {
            var j = range.upperBound + 1
            while j < utf8.count, utf8[j] & 0xC0 == 0x80 { j += 1 }
            if let s = String(decoding: utf8[range.upperBound..<j], as: UTF8.self).unicodeScalars.first, CheckContext.isWordScalar(s) { return false }
        }
        return true
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
    func isWholeClause(turn: Int, folded range: Range<Int>, leadIns: [[UInt8]] = [], particles: [[UInt8]] = []) -> Bool {
        let text = call.turns[turn].text
        let f = folded[turn]
        let r = f.originalUTF8Range(of: range)
        let utf8 = Array(text.utf8)
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
        let scalars = Array(text.unicodeScalars)
        // Scalar positions of the match, and UTF-8 offsets of each scalar.
        var offsets: [Int] = []
        offsets.reserveCapacity(scalars.count + 1)
        var o = 0
        for sc in scalars { offsets.append(o); o += String(sc).utf8.count }
        offsets.append(o)
        let first = offsets.firstIndex { $0 >= r.lowerBound } ?? scalars.count
        let past = offsets.firstIndex { $0 >= r.upperBound } ?? scalars.count
        func isStop(_ k: Int) -> Bool {
            let sc = scalars[k]
            if isPunctuation(sc) { return true }
            guard sc.properties.isWhitespace else { return false }
            var a = k - 1
            while a >= 0, scalars[a].properties.isWhitespace { a -= 1 }
            var b = k + 1
            while b < scalars.count, scalars[b].properties.isWhitespace { b += 1 }
            return !isLatin(a >= 0 ? scalars[a] : nil) && !isLatin(b < scalars.count ? scalars[b] : nil)
        }
        var clauseStart = 0, clauseEnd = utf8.count
        var k = first - 1
        while k >= 0 { if isStop(k) { clauseStart = offsets[k + 1]; break }; k -= 1 }
        k = past
        while k < scalars.count { if isStop(k) { clauseEnd = offsets[k]; break }; k += 1 }
        // The folded bytes of the clause before and after the match.
        var lo = range.lowerBound
        while lo > 0, Int(f.sourceStart[lo - 1]) >= clauseStart { lo -= 1 }
        var hi = range.upperBound
        while hi < f.bytes.count, Int(f.sourceStart[hi]) < clauseEnd { hi += 1 }
        return CheckContext.isConcatenation(f.bytes[lo..<range.lowerBound], of: leadIns)
            && CheckContext.isConcatenation(f.bytes[range.upperBound..<hi], of: particles)
    }

    /// Whether a match stands inside quotation marks (`您说之前的客服说了“我解决不了”`): the
    /// agent is quoting someone, not saying it.
    func isQuoted(turn: Int, folded range: Range<Int>) -> Bool {
        let text = call.turns[turn].text
        let r = folded[turn].originalUTF8Range(of: range)
        let utf8 = Array(text.utf8)
        let opening: Set<Unicode.Scalar> = ["“", "「", "『", "‘", "《"], closing: Set<Unicode.Scalar> = ["”", "」", "』", "’", "》"]
        var open = false, straight = 0
        for s in String(decoding: utf8[..<r.lowerBound], as: UTF8.self).unicodeScalars {
            if opening.contains(s) { open = true } else if closing.contains(s) { open = false } else if s == "\"" { straight += 1 }
        }
        if open { return true }
        if straight % 2 == 1 { return String(decoding: utf8[r.upperBound...], as: UTF8.self).unicodeScalars.contains("\"") }
        return false
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
