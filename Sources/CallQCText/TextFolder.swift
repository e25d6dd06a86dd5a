/// Folds text for matching (see ``FoldedText``), using the per-character
/// ``FoldTable`` and ICU's normaliser for the characters the table cannot
/// handle alone: combining sequences, conjoining Hangul jamo and characters
/// outside the Basic Multilingual Plane.
public struct TextFolder: Sendable {
    public let table: FoldTable

    public init(table: FoldTable = .shared) { self.table = table }

    /// Folds `text` and keeps the map back to it.
    public func fold(_ text: String) -> FoldedText {
        var text = text
        return text.withUTF8 { fold(utf8: $0) }
    }

    /// Folds `text` to a plain string (no offset map), as lexicon phrases are folded.
    public func foldedString(_ text: String) -> String { fold(text).string }

    /// Folds valid UTF-8 bytes.
    public func fold(utf8 input: UnsafeBufferPointer<UInt8>) -> FoldedText {
        let n = input.count
        // Most characters fold to no more bytes than they had (Han 3 → 3, full-width 3 → 1,
        // ASCII 1 → 1); the buffer grows for the few that fold longer.
        var out = FoldBuffer(capacity: n + 16)
        defer { out.release() }
        let joinerBit = UInt16(CharacterClass.joiner.rawValue)
        table.map.withUnsafeBufferPointer { map in
        table.classes.withUnsafeBufferPointer { classes in
        table.ascii.withUnsafeBufferPointer { ascii in
            @inline(__always) func classBits(_ s: UInt32) -> UInt16 {
                s < 0x10000 ? classes[Int(s)] : UInt16(truncatingIfNeeded: ICU.characterClass(s).rawValue)
            }
            var i = 0
            // The scalar at `i`, decoded once (the look-ahead for joiners decodes the next one).
            var (scalar, length) = i < n ? TextFolder.decode(input, at: 0) : (0, 0)
            while i < n {
                var end = i + length
                // A following combining mark or conjoining jamo joins this character into a cluster.
                var clusterEnd = end
                var next: (UInt32, Int) = (0, 0)
                while clusterEnd < n {
                    next = TextFolder.decode(input, at: clusterEnd)
                    if next.0 < 0x80 || classBits(next.0) & joinerBit == 0 { break }
                    clusterEnd += next.1
                }
                if clusterEnd > end || scalar >= 0x10000 || (scalar >= 0x80 && classBits(scalar) & joinerBit != 0) {
                    end = clusterEnd
                    for s in foldCluster(input, i..<end) { out.append(scalar: s, i, end) }
                    if end < n { next = TextFolder.decode(input, at: end) }
                } else if scalar < 0x80 {
                    let b = ascii[Int(scalar)]
                    if b != 0xFF { out.reserve(1); out.put(b, i, end) }
                    else if scalar == 0x27 { TextFolder.expandContraction(input, i, end, &out) }
                } else {
                    let m = map[Int(scalar)]
                    if m == FoldTable.dropped {
                        if scalar == 0x2019 { TextFolder.expandContraction(input, i, end, &out) }
                    } else if m & FoldTable.multiFlag == 0 {
                        out.append(scalar: m, i, end)
                    } else {
                        let offset = Int((m & ~FoldTable.multiFlag) >> 8), count = Int(m & 0xFF)
                        out.reserve(count)
                        for k in 0..<count { out.put(table.multi[offset + k], i, end) }
                    }
                }
                i = end
                (scalar, length) = next
            }
        }
        }
        }
        return out.folded()
    }

    /// The three growing outputs of ``fold(utf8:)``: folded bytes and, for each, the source
    /// range it came from. Raw memory: an `Array` append checks capacity and uniqueness
    /// three times per byte.
    struct FoldBuffer {
        var bytes: UnsafeMutablePointer<UInt8>
        var starts: UnsafeMutablePointer<Int32>
        var ends: UnsafeMutablePointer<Int32>
        var count = 0
        var capacity: Int

        init(capacity: Int) {
            self.capacity = max(capacity, 16)
            bytes = .allocate(capacity: self.capacity)
            starts = .allocate(capacity: self.capacity)
            ends = .allocate(capacity: self.capacity)
        }

        @inline(__always) mutating func reserve(_ k: Int) {
            if count + k <= capacity { return }
            let grown = max(capacity * 2, count + k)
            let b = UnsafeMutablePointer<UInt8>.allocate(capacity: grown), s = UnsafeMutablePointer<Int32>.allocate(capacity: grown),
                e = UnsafeMutablePointer<Int32>.allocate(capacity: grown)
            b.update(from: bytes, count: count); s.update(from: starts, count: count); e.update(from: ends, count: count)
            release()
            bytes = b; starts = s; ends = e
            capacity = grown
        }

        /// Appends one byte; room must have been reserved.
        @inline(__always) mutating func put(_ byte: UInt8, _ from: Int, _ to: Int) {
            bytes[count] = byte
            starts[count] = Int32(from)
            ends[count] = Int32(to)
            count += 1
        }

        /// Appends a scalar's UTF-8, each byte mapped to `from..<to`.
        @inline(__always) mutating func append(scalar: UInt32, _ from: Int, _ to: Int) {
            reserve(4)
            switch scalar {
            case 0..<0x80:
                put(UInt8(scalar), from, to)
            case 0x80..<0x800:
                put(UInt8(0xC0 | (scalar >> 6)), from, to)
                put(UInt8(0x80 | (scalar & 0x3F)), from, to)
            case 0x800..<0x10000:
                put(UInt8(0xE0 | (scalar >> 12)), from, to)
                put(UInt8(0x80 | ((scalar >> 6) & 0x3F)), from, to)
                put(UInt8(0x80 | (scalar & 0x3F)), from, to)
            default:
                put(UInt8(0xF0 | (scalar >> 18)), from, to)
                put(UInt8(0x80 | ((scalar >> 12) & 0x3F)), from, to)
                put(UInt8(0x80 | ((scalar >> 6) & 0x3F)), from, to)
                put(UInt8(0x80 | (scalar & 0x3F)), from, to)
            }
        }

        func folded() -> FoldedText {
            FoldedText(bytes: Array(UnsafeBufferPointer(start: bytes, count: count)),
                       sourceStart: Array(UnsafeBufferPointer(start: starts, count: count)),
                       sourceEnd: Array(UnsafeBufferPointer(start: ends, count: count)))
        }

        func release() {
            bytes.deallocate(); starts.deallocate(); ends.deallocate()
        }
    }

    /// English contractions fold as their long forms, so `there's nothing I can do` meets
    /// `there is nothing I can do`: at an apostrophe (' or ’) between letters, the letters
    /// the contraction left out are put in its place (`'s` → `is`, `'m` → `am`, `'re` → `are`,
    /// `'ll` → `will`, `'ve` → `have`, `'d` → `would`, `n't` → `not`, `can't` → `cannot`,
    /// `won't` → `will not`, `let's` → `let us`). Only whole suffixes count: `o'clock` is left alone.
    static func expandContraction(_ input: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int, _ out: inout FoldBuffer) {
        @inline(__always) func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
        guard i > 0, isLetter(input[i - 1]), out.count > 0, isLetter(out.bytes[out.count - 1]) else { return }
        var j = end
        var suffix: [UInt8] = []
        while j < input.count, isLetter(input[j]) {
            if suffix.count == 3 { return }
            suffix.append(input[j] | 0x20)
            j += 1
        }
        // The word before the apostrophe, as folded (lower case), when it is all letters.
        func wordEnds(with w: String) -> Bool {
            let bytes = Array(w.utf8)
            guard out.count >= bytes.count else { return false }
            for (k, b) in bytes.enumerated() where out.bytes[out.count - bytes.count + k] != b { return false }
            let before = out.count - bytes.count
            return before == 0 || !isLetter(out.bytes[before - 1]) || out.ends[before - 1] < out.starts[before]
        }
        var insert: String
        switch suffix {
        case [0x73]: insert = wordEnds(with: "let") ? "u" : "i"          // 's
        case [0x6D]: insert = "a"                                        // 'm
        case [0x72, 0x65]: insert = "a"                                  // 're
        case [0x6C, 0x6C]: insert = "wi"                                 // 'll
        case [0x76, 0x65]: insert = "ha"                                 // 've
        case [0x64]: insert = "woul"                                     // 'd
        case [0x74]:                                                     // n't
            guard out.bytes[out.count - 1] == 0x6E else { return }
            if wordEnds(with: "can") { insert = "no" }
            else if wordEnds(with: "won") {
                // won't → will not: "w" stays, "on" becomes "ill" + "n".
                let oFrom = out.starts[out.count - 2], oTo = out.ends[out.count - 2]
                let nFrom = out.starts[out.count - 1], nTo = out.ends[out.count - 1]
                out.count -= 2
                out.reserve(4)
                for b in "ill".utf8 { out.put(b, Int(oFrom), Int(oTo)) }
                out.put(0x6E, Int(nFrom), Int(nTo))
                insert = "o"
            } else { insert = "o" }
        default: return
        }
        out.reserve(insert.utf8.count)
        for b in insert.utf8 { out.put(b, i, end) }
    }

    /// A cluster folded through ICU's normaliser, then each result through the table
    /// (which adds Traditional→Simplified and drops punctuation and spaces).
    private func foldCluster(_ input: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [UInt32] {
        let text = String(decoding: UnsafeBufferPointer(rebasing: input[range]), as: UTF8.self)
        let units = Array(text.utf16)
        let normalized = ICU.nfkcCasefold(utf16: units) ?? units
        var result: [UInt32] = []
        for s in FoldTable.scalars(utf16: normalized[...]) {
            if s < 0x10000 { result.append(contentsOf: table.fold(scalar: s)) }
            else if !ICU.characterClass(s).isDropped { result.append(s) }
        }
        return result
    }

    /// Decodes the scalar at `i` (see ``UTF8Scalar/decode(_:at:)``).
    @inline(__always)
    static func decode(_ p: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) { UTF8Scalar.decode(p, at: i) }
}

/// Decoding one Unicode scalar from UTF-8 bytes by hand: the byte-level paths (folding,
/// counting, the plain reader, the personal-data gate) share it; the standard library's
/// scalar view costs several times more per character.
public enum UTF8Scalar {
    /// The scalar at `i` and its length in bytes; malformed or truncated bytes decode as
    /// U+FFFD, one byte long.
    @inlinable @inline(__always)
    public static func decode<C: RandomAccessCollection>(_ p: C, at i: Int) -> (UInt32, Int) where C.Element == UInt8, C.Index == Int {
        let b0 = UInt32(p[i])
        if b0 < 0x80 { return (b0, 1) }
        let n = p.endIndex
        if b0 & 0xE0 == 0xC0, i + 1 < n {
            return ((b0 & 0x1F) << 6 | UInt32(p[i + 1] & 0x3F), 2)
        }
        if b0 & 0xF0 == 0xE0, i + 2 < n {
            return ((b0 & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F), 3)
        }
        if b0 & 0xF8 == 0xF0, i + 3 < n {
            return ((b0 & 0x07) << 18 | UInt32(p[i + 1] & 0x3F) << 12 | UInt32(p[i + 2] & 0x3F) << 6 | UInt32(p[i + 3] & 0x3F), 4)
        }
        return (0xFFFD, 1)
    }
}
