import CallQCText

/// The second, lower-confidence pass of matching: phrases compared by sound, as toneless
/// pinyin, to catch what speech recognisers write for them (不知到, 不只道 for 不知道;
/// 找邻导去 for 找领导去). One automaton over syllable numbers, built with the rule set.
///
/// Syllables are compared as input methods' fuzzy pinyin (模糊音) does, since recognisers
/// confuse the same pairs: -ng and -n (领 ling, 邻 lin), zh/ch/sh and z/c/s, n and l. And
/// 了 reads liao (办不了, 解决不了), the reading taboo phrases use, not ICU's le.
///
/// A sound match counts only when most of it is literal too: phrases of three Han
/// characters or more, at most one character that differs (two from six characters on),
/// and at least one that does (otherwise the literal pass has it). So 步行 never stands
/// for 不行 (two characters), and 布置到 not for 不知道 (nothing literal).
struct SoundIndex: Sendable {
    let table: SoundTable
    /// Per syllable number of the table, its fuzzy class (1-based).
    let classes: [UInt16]
    /// The class of 了 read liao.
    let liao: UInt16
    /// Over two bytes a syllable (see ``token(_:)``).
    let matcher: PhraseMatcher
    /// For each pattern, the phrases it stands for, and the folded scalars of each.
    let owners: [[PhraseOwner]]
    let scalars: [[UInt32]]

    /// Phrases of the lists that match by sound; nil when none can (no Han phrase of three characters).
    init?(phrases: [(owner: PhraseOwner, folded: [UInt8])], table: SoundTable = .shared) {
        var classNumbers: [String: UInt16] = [:]
        var classes = [UInt16](repeating: 0, count: table.syllables.count)
        for (i, syllable) in table.syllables.enumerated() where i > 0 {
            let key = SoundIndex.fuzzy(syllable)
            if classNumbers[key] == nil { classNumbers[key] = UInt16(classNumbers.count + 1) }
            classes[i] = classNumbers[key]!
        }
        let liao = classNumbers[SoundIndex.fuzzy("liao")] ?? 0
        self.classes = classes
        self.liao = liao
        self.table = table
        var index: [[UInt8]: Int] = [:]
        var patterns: [[UInt8]] = []
        var owners: [[PhraseOwner]] = []
        var scalars: [[UInt32]] = []
        for (owner, folded) in phrases {
            let s = String(decoding: folded, as: UTF8.self).unicodeScalars.map(\.value)
            guard s.count >= 3 else { continue }
            var pattern: [UInt8] = []
            for c in s {
                let id = SoundIndex.soundClass(c, table, classes, liao)
                guard id != 0 else { pattern = []; break }
                pattern += SoundIndex.token(id)
            }
            guard !pattern.isEmpty else { continue }
            // One pattern per (sound, spelling): phrases that sound alike but are spelt apart keep their own scalars.
            let key = pattern + [0xFF] + folded
            if let i = index[key] { owners[i].append(owner); continue }
            index[key] = patterns.count
            patterns.append(pattern)
            owners.append([owner])
            scalars.append(s)
        }
        if patterns.isEmpty { return nil }
        self.matcher = PhraseMatcher(patterns: patterns)
        self.owners = owners
        self.scalars = scalars
    }

    /// Fuzzy pinyin: the distinctions recognisers lose (and many speakers do not make).
    static func fuzzy(_ syllable: String) -> String {
        var s = syllable
        if s.hasSuffix("ng") { s.removeLast() }
        for (long, short) in [("zh", "z"), ("ch", "c"), ("sh", "s")] where s.hasPrefix(long) {
            s = short + s.dropFirst(2)
        }
        if s.hasPrefix("l") { s = "n" + s.dropFirst() }
        return s
    }

    /// The fuzzy class of a scalar's syllable, 0 for none.
    @inline(__always) static func soundClass(_ v: UInt32, _ table: SoundTable, _ classes: [UInt16], _ liao: UInt16) -> UInt16 {
        if v == 0x4E86 { return liao }   // 了
        return classes[Int(table.syllable(v))]
    }

    /// A syllable number as two bytes: high bit set on the first, clear on the second, so a
    /// pattern can only match at a syllable's start.
    @inline(__always) static func token(_ id: UInt16) -> [UInt8] { [0x80 | UInt8(id >> 7), UInt8(id & 0x7F)] }

    /// How many characters of an n-character phrase may differ from the text.
    @inline(__always) static func allowedDifferences(_ n: Int) -> Int { n >= 6 ? 2 : 1 }

    /// Buffers reused from turn to turn of a call.
    struct Scratch {
        var tokens: [UInt8] = []
        var starts: [Int32] = []
        var chars: [UInt32] = []
    }

    /// Sound hits in one folded turn: (owner, folded byte range).
    func hits(in folded: FoldedText, scratch: inout Scratch) -> [(PhraseOwner, Range<Int>)] {
        let bytes = folded.bytes
        // Syllable tokens, and for each character where it starts in the folded bytes.
        scratch.tokens.removeAll(keepingCapacity: true)
        scratch.starts.removeAll(keepingCapacity: true)
        scratch.chars.removeAll(keepingCapacity: true)
        var han = 0
        classes.withUnsafeBufferPointer { classes in
        bytes.withUnsafeBufferPointer { p in
            var i = 0
            while i < p.count {
                let (v, length) = UTF8Scalar.decode(p, at: i)
                let id: UInt16 = v == 0x4E86 ? liao : classes[Int(table.syllable(v))]
                if id != 0 { han += 1; scratch.tokens.append(0x80 | UInt8(id >> 7)); scratch.tokens.append(UInt8(id & 0x7F)) }
                else { scratch.tokens.append(0xFF); scratch.tokens.append(0x7F) }
                scratch.starts.append(Int32(i))
                scratch.chars.append(v)
                i += length
            }
        }
        }
        let starts = scratch.starts, chars = scratch.chars, tokens = scratch.tokens
        if han < 3 { return [] }
        var out: [(PhraseOwner, Range<Int>)] = []
        for m in matcher.matches(in: tokens) where m.start % 2 == 0 {
            let first = m.start / 2, n = (m.end - m.start) / 2
            let phrase = scalars[m.pattern]
            var differences = 0
            for k in 0..<n where chars[first + k] != phrase[k] { differences += 1 }
            guard differences >= 1, differences <= SoundIndex.allowedDifferences(n) else { continue }
            let end = first + n < starts.count ? Int(starts[first + n]) : bytes.count
            for owner in owners[m.pattern] { out.append((owner, Int(starts[first])..<end)) }
        }
        return out
    }
}
