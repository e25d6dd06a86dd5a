/// How closely a phrase was said inside a longer text, tolerant of recognition
/// errors and paraphrase. Both sides are folded text, compared as Unicode scalars
/// (one Chinese character, one letter).
///
/// Two measures, the higher wins:
/// - **alignment**: the edit distance between the phrase and the best-aligned
///   stretch of the text (free start and end in the text), as `1 − distance / length`:
///   survives a few wrong, missing or extra characters (ASR garbles, `需要` → `须腰`);
/// - **bigram cover**: the share of the phrase's character pairs found within one
///   window of the text twice the phrase's length: survives reordering and
///   inserted words (`请问您现在方便吗` ~ `您现在说话方便吗`).
public enum TextSimilarity {
    /// A phrase found (approximately) in a text.
    public struct Match: Sendable, Hashable {
        /// 0…1; 1 is the phrase exactly.
        public var similarity: Double
        /// The scalar range of the text that matched best.
        public var range: Range<Int>

        public init(similarity: Double, range: Range<Int>) {
            self.similarity = similarity
            self.range = range
        }
    }

    /// The better of alignment and bigram cover.
    public static func match(_ phrase: [UInt32], in text: [UInt32]) -> Match {
        let a = alignment(phrase, in: text)
        let b = bigramCover(phrase, in: text)
        return b.similarity > a.similarity ? b : a
    }

    /// Semi-global edit distance: the phrase against the best stretch of the text.
    public static func alignment(_ phrase: [UInt32], in text: [UInt32]) -> Match {
        let m = phrase.count, n = text.count
        guard m > 0 else { return Match(similarity: 0, range: 0..<0) }
        guard n > 0 else { return Match(similarity: 0, range: 0..<0) }
        // previous/current rows of distances and of where each alignment started in the text
        var prev = [Int](repeating: 0, count: n + 1)
        var prevStart = Array(0...n)
        var cur = [Int](repeating: 0, count: n + 1)
        var curStart = [Int](repeating: 0, count: n + 1)
        for i in 1...m {
            cur[0] = i
            curStart[0] = 0
            for j in 1...n {
                let substitute = prev[j - 1] + (phrase[i - 1] == text[j - 1] ? 0 : 1)
                let delete = prev[j] + 1      // phrase character missing from the text
                let insert = cur[j - 1] + 1   // extra character in the text
                if substitute <= delete && substitute <= insert {
                    cur[j] = substitute; curStart[j] = prevStart[j - 1]
                } else if delete <= insert {
                    cur[j] = delete; curStart[j] = prevStart[j]
                } else {
                    cur[j] = insert; curStart[j] = curStart[j - 1]
                }
            }
            swap(&prev, &cur)
            swap(&prevStart, &curStart)
        }
        var best = 0
        for j in 1...n where prev[j] < prev[best] || best == 0 && prev[j] <= prev[0] { best = j }
        let distance = prev[best]
        let similarity = max(0, 1 - Double(distance) / Double(m))
        return Match(similarity: similarity, range: min(prevStart[best], best)..<best)
    }

    /// The share of the phrase's character pairs present in the best window of the text:
    /// one pass, sliding the window and counting each pair of the phrase it holds.
    public static func bigramCover(_ phrase: [UInt32], in text: [UInt32]) -> Match {
        guard phrase.count >= 2, text.count >= 2 else {
            if phrase.count == 1, let at = text.firstIndex(of: phrase[0]) { return Match(similarity: 1, range: at..<(at + 1)) }
            return Match(similarity: 0, range: 0..<0)
        }
        var wantedIndex: [UInt64: Int] = [:]
        for (a, b) in zip(phrase, phrase.dropFirst()) {
            let key = UInt64(a) << 32 | UInt64(b)
            if wantedIndex[key] == nil { wantedIndex[key] = wantedIndex.count }
        }
        // Which wanted pair starts at each position of the text (-1: none).
        let pairs = (0..<(text.count - 1)).map { k in wantedIndex[UInt64(text[k]) << 32 | UInt64(text[k + 1])] ?? -1 }
        if !pairs.contains(where: { $0 >= 0 }) { return Match(similarity: 0, range: 0..<0) }
        let width = min(text.count, max(phrase.count * 2, 4))
        let span = width - 1   // pairs in a window
        var counts = [Int](repeating: 0, count: wantedIndex.count)
        var distinct = 0
        var bestCover = 0, bestStart = 0
        for k in 0..<pairs.count {
            if pairs[k] >= 0 { if counts[pairs[k]] == 0 { distinct += 1 }; counts[pairs[k]] += 1 }
            let out = k - span
            if out >= 0, pairs[out] >= 0 { counts[pairs[out]] -= 1; if counts[pairs[out]] == 0 { distinct -= 1 } }
            if distinct > bestCover { bestCover = distinct; bestStart = max(0, k - span + 1) }
        }
        // The matched stretch: from the first to the last wanted pair in the best window.
        let windowEnd = min(pairs.count, bestStart + span)
        let first = (bestStart..<windowEnd).first { pairs[$0] >= 0 } ?? bestStart
        let last = (bestStart..<windowEnd).last { pairs[$0] >= 0 } ?? first
        // Pairs can be found without the phrase being said; weigh the cover down a little
        // so that an exact alignment always ranks above a scattered cover.
        return Match(similarity: Double(bestCover) / Double(wantedIndex.count) * 0.95, range: first..<(last + 2))
    }

    /// A phrase prepared for ``couldReach(_:_:textCharacters:)``: its scalars and distinct pairs.
    public struct Prepared: Sendable {
        public let scalars: [UInt32]
        let pairs: [(UInt32, UInt32)]

        public init(_ scalars: [UInt32]) {
            self.scalars = scalars
            var seen = Set<UInt64>()
            var pairs: [(UInt32, UInt32)] = []
            for k in 0..<max(0, scalars.count - 1) where seen.insert(UInt64(scalars[k]) << 32 | UInt64(scalars[k + 1])).inserted {
                pairs.append((scalars[k], scalars[k + 1]))
            }
            self.pairs = pairs
        }
    }

    /// The characters of a text as a 256-bit Bloom filter: `contains` may say yes wrongly,
    /// never no wrongly, so a bound computed with it stays a bound.
    public struct CharacterFilter: Sendable {
        var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

        public init(_ scalars: [UInt32]) { for s in scalars { insert(s) } }

        @inline(__always) static func slot(_ s: UInt32) -> (Int, UInt64) {
            let h = (s &* 0x9E37_79B1) >> 24
            return (Int(h >> 6), 1 << UInt64(h & 63))
        }

        mutating func insert(_ s: UInt32) {
            let (word, bit) = CharacterFilter.slot(s)
            switch word {
            case 0: bits.0 |= bit
            case 1: bits.1 |= bit
            case 2: bits.2 |= bit
            default: bits.3 |= bit
            }
        }

        @inline(__always) public func contains(_ s: UInt32) -> Bool {
            let (word, bit) = CharacterFilter.slot(s)
            switch word {
            case 0: return bits.0 & bit != 0
            case 1: return bits.1 & bit != 0
            case 2: return bits.2 & bit != 0
            default: return bits.3 & bit != 0
            }
        }
    }

    /// ``couldReach(_:_:textCharacters:)`` with a Bloom filter of the text's characters.
    public static func couldReach(_ minimum: Double, _ phrase: Prepared, filter: CharacterFilter) -> Bool {
        couldReach(minimum, phrase) { filter.contains($0) }
    }

    /// ``couldReach(_:_:textCharacters:)`` for a prepared phrase: no allocation.
    public static func couldReach(_ minimum: Double, _ phrase: Prepared, textCharacters: Set<UInt32>) -> Bool {
        couldReach(minimum, phrase) { textCharacters.contains($0) }
    }

    @inline(__always)
    static func couldReach(_ minimum: Double, _ phrase: Prepared, present: (UInt32) -> Bool) -> Bool {
        let m = phrase.scalars.count
        guard m > 0 else { return false }
        var found = 0
        for s in phrase.scalars where present(s) { found += 1 }
        if Double(found) / Double(m) >= minimum { return true }
        guard !phrase.pairs.isEmpty else { return false }
        var possible = 0
        for (a, b) in phrase.pairs where present(a) && present(b) { possible += 1 }
        return Double(possible) / Double(phrase.pairs.count) * 0.95 >= minimum
    }

    /// Whether `phrase` could reach `minimum` against a text holding `textCharacters`:
    /// alignment is at most the share of the phrase's characters found in the text, and
    /// bigram cover at most the share of its pairs made of found characters. Both bounds
    /// are exact, so skipping below them changes no result.
    public static func couldReach(_ minimum: Double, _ phrase: [UInt32], textCharacters: Set<UInt32>) -> Bool {
        guard !phrase.isEmpty else { return false }
        let present = phrase.map { textCharacters.contains($0) }
        if Double(present.filter { $0 }.count) / Double(phrase.count) >= minimum { return true }
        guard phrase.count >= 2 else { return false }
        var pairs = Set<UInt64>(), possible = Set<UInt64>()
        for k in 0..<(phrase.count - 1) {
            let key = UInt64(phrase[k]) << 32 | UInt64(phrase[k + 1])
            pairs.insert(key)
            if present[k] && present[k + 1] { possible.insert(key) }
        }
        return Double(possible.count) / Double(pairs.count) * 0.95 >= minimum
    }
}

extension FoldedText {
    /// The folded text as Unicode scalar values.
    public var scalars: [UInt32] {
        // Decoded straight from the (valid) folded bytes: no String in between.
        bytes.withUnsafeBufferPointer { p in
            var out: [UInt32] = []
            out.reserveCapacity(p.count)
            var i = 0
            while i < p.count {
                let (s, n) = TextFolder.decode(p, at: i)
                out.append(s)
                i += n
            }
            return out
        }
    }

    /// The folded byte range of a scalar range of ``scalars``.
    public func byteRange(ofScalars range: Range<Int>) -> Range<Int> {
        var offsets: [Int] = []
        offsets.reserveCapacity(bytes.count + 1)
        for (i, b) in bytes.enumerated() where b & 0xC0 != 0x80 { offsets.append(i) }
        offsets.append(bytes.count)
        let lo = offsets[max(0, min(range.lowerBound, offsets.count - 1))]
        let hi = offsets[max(0, min(range.upperBound, offsets.count - 1))]
        return lo..<max(lo, hi)
    }
}
