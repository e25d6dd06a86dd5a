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
    init?(phrases: [(owner: PhraseOwner, folded: [UInt8])], table: SoundTable = .shared, cache: RuleFileCache = .off) {
        let (classes, liao) = SoundIndex.fuzzyClasses(table.syllables)
        self.classes = classes
        self.liao = liao
        self.table = table
        var index: [FoldedKey: Int] = Dictionary(minimumCapacity: phrases.count)
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
            let key = FoldedKey(pattern + [0xFF] + folded)
            if let i = index[key] { owners[i].append(owner); continue }
            index[key] = patterns.count
            patterns.append(pattern)
            owners.append([owner])
            scalars.append(s)
        }
        if patterns.isEmpty { return nil }
        self.matcher = cache.matcher(patterns: patterns)
        self.owners = owners
        self.scalars = scalars
    }

    /// Per syllable number, its fuzzy class (1-based, numbered in syllable order; 0 for number 0),
    /// and the class of liao. Works on the syllables' bytes, with short keys packed into a
    /// `UInt64`; the same classes as ``fuzzy(_:)`` gives, a dozen times faster.
    static func fuzzyClasses(_ syllables: [String]) -> (classes: [UInt16], liao: UInt16) {
        var packed: [UInt64: UInt16] = Dictionary(minimumCapacity: syllables.count)
        var long: [String: UInt16] = [:]
        var count: UInt16 = 0
        func number(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt16 {
            var lo = 0, hi = bytes.count
            if hi - lo >= 2, bytes[hi - 2] == UInt8(ascii: "n"), bytes[hi - 1] == UInt8(ascii: "g") { hi -= 1 }
            var first: UInt8? = nil
            if hi - lo >= 2, bytes[1] == UInt8(ascii: "h"), [UInt8(ascii: "z"), UInt8(ascii: "c"), UInt8(ascii: "s")].contains(bytes[0]) {
                first = bytes[0]
                lo = 2
            } else if hi - lo >= 1, bytes[0] == UInt8(ascii: "l") {
                first = UInt8(ascii: "n")
                lo = 1
            }
            let length = hi - lo + (first == nil ? 0 : 1)
            if length <= 8, !bytes[lo..<hi].contains(0) {
                var key: UInt64 = 0, shift: UInt64 = 0
                if let first { key = UInt64(first); shift = 8 }
                for k in lo..<hi { key |= UInt64(bytes[k]) << shift; shift += 8 }
                if let n = packed[key] { return n }
                count += 1
                packed[key] = count
                return count
            }
            let key = (first.map { String(UnicodeScalar($0)) } ?? "") + String(decoding: UnsafeBufferPointer(rebasing: bytes[lo..<hi]), as: UTF8.self)
            if let n = long[key] { return n }
            count += 1
            long[key] = count
            return count
        }
        func lookUp(_ syllable: String) -> UInt16 {
            var s = syllable
            return s.withUTF8 { number($0) }
        }
        var classes = [UInt16](repeating: 0, count: syllables.count)
        for i in syllables.indices where i > 0 { classes[i] = lookUp(syllables[i]) }
        // liao's class, when some syllable has it (looking it up must not add a class).
        let before = count
        let liao = lookUp("liao")
        return (classes, liao > before ? 0 : liao)
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
