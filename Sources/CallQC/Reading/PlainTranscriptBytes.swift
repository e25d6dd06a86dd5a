import CallQCText

// The byte-level side of the plain reader (PlainTranscriptReader.swift): the labels of a
// call, and scanning a line's bytes character by character without making Strings.

/// The speaker labels of one call, found by their bytes, each with its role looked up once.
struct LabelCache {
    struct Entry {
        var bytes: [UInt8]
        var label: String
        var role: Role?
        var resolved = false
        /// Whether it labelled a turn already.
        var seen = false
        var warned = false
        /// Untimed lines it starts (a label on two of them is a speaker, even if unknown).
        var untimed = 0

        /// Whether a `label:` at the start of a line is this speaker, not text with a colon.
        var isSpeaker: Bool { role != nil || seen || untimed >= 2 || PlainTranscriptReader.looksLikeSpeakerID(label) }
    }
    var entries: [Entry] = []
    /// Entries by their bytes, once there are many (a file of thousands of distinct labels).
    private var index: [[UInt8]: Int] = [:]
    /// Whether some label holds characters with other canonically equivalent spellings
    /// (`é` and `e` + U+0301): then labels are also compared as strings, as Swift compares them.
    private var anyNotPlain = false

    private mutating func find(_ bytes: ArraySlice<UInt8>) -> Int {
        if entries.count > 16 {
            if let i = index[Array(bytes)] { return i }
        } else {
            for i in entries.indices where entries[i].bytes.elementsEqual(bytes) { return i }
        }
        let label = String(decoding: bytes, as: UTF8.self)
        let plain = LabelCache.isPlain(bytes)
        if anyNotPlain || !plain, let i = entries.firstIndex(where: { $0.label == label }) { return i }
        anyNotPlain = anyNotPlain || !plain
        entries.append(Entry(bytes: Array(bytes), label: label))
        if entries.count > 16 {
            if index.isEmpty { for (i, e) in entries.enumerated() { index[e.bytes] = i } } else { index[Array(bytes)] = entries.count - 1 }
        }
        return entries.count - 1
    }

    /// ASCII, Han and CJK punctuation (no kana, no combining marks): the only spelling of
    /// their characters, so equal characters mean equal bytes.
    static func isPlain<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8, C.Index == Int {
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b0 = bytes[i]
            if b0 < 0x80 { i += 1; continue }
            guard b0 >= 0xE3 && b0 <= 0xE9, i + 2 < bytes.endIndex else { return false }
            if b0 == 0xE3 {
                let b1 = bytes[i + 1], b2 = bytes[i + 2]
                // U+302A–U+302F (tone marks), U+3099–U+309A (kana voicing marks), and kana that
                // decompose (が = か + U+3099): U+3040–U+30FF is all checked as not plain.
                if b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAF { return false }
                if b1 >= 0x81 && b1 <= 0x83 { return false }
            }
            i += 3
        }
        return true
    }

    mutating func countUntimed(_ bytes: ArraySlice<UInt8>) { entries[find(bytes)].untimed += 1 }

    /// The entry of a label, its role resolved with `roleMap`.
    mutating func index(of bytes: ArraySlice<UInt8>, roleMap: RoleMap) -> Int {
        let i = find(bytes)
        if !entries[i].resolved {
            entries[i].role = roleMap.role(of: entries[i].label)
            entries[i].resolved = true
        }
        return i
    }

    /// After a `# speakers:` header the roles are looked up again.
    mutating func forgetRoles() {
        for i in entries.indices { entries[i].resolved = false }
    }
}

extension PlainTranscriptReader {
    /// `r` without white space (Unicode White_Space, the full-width space among it) at either end.
    static func trim(_ b: [UInt8], _ r: Range<Int>) -> Range<Int> {
        var lo = r.lowerBound, hi = r.upperBound
        while lo < hi {
            let (v, n) = UTF8Scalar.decode(b, at: lo)
            if !String.isSpace(v) { break }
            lo += n
        }
        while hi > lo {
            var j = hi - 1
            while j > lo, b[j] & 0xC0 == 0x80 { j -= 1 }
            if !String.isSpace(UTF8Scalar.decode(b, at: j).0) { break }
            hi = j
        }
        return lo..<hi
    }

    /// Whether the bytes in `r` begin with the character `prefix`: its bytes, not followed by
    /// a combining mark or other extender (`#` + U+20E3 is the keycap `#⃣`, not `#`), as
    /// `String.hasPrefix` compares characters.
    @inline(__always)
    static func starts(_ b: [UInt8], _ r: Range<Int>, with prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard r.count >= n else { return false }
        let p = prefix.utf8Start
        for k in 0..<n where b[r.lowerBound + k] != p[k] { return false }
        return !extendsCharacter(b, at: r.lowerBound + n, before: r.upperBound)
    }

    /// Whether the scalar at `i` (if before `end`) belongs to the character before it:
    /// Grapheme_Extend (combining marks, variation selectors, U+20E3), ZWJ or a spacing mark.
    /// ASCII and Han never do, and are decided on their first byte.
    @inline(__always)
    static func extendsCharacter(_ b: [UInt8], at i: Int, before end: Int) -> Bool {
        guard i < end, b[i] >= 0xCC else { return false }
        if b[i] >= 0xE4 && b[i] <= 0xE9 { return false }   // U+4000–U+9FFF: Han
        let v = UTF8Scalar.decode(b, at: i).0
        if v == 0x200D { return true }
        guard let s = Unicode.Scalar(v) else { return false }
        return s.properties.isGraphemeExtend || s.properties.generalCategory == .spacingMark
    }

    /// Where the character `c` first occurs in `r` (a whole character, as `firstIndex(of:)` finds it).
    static func find(_ b: [UInt8], _ r: Range<Int>, _ c: Character) -> Int? {
        let needle = Array(String(c).utf8)
        var i = r.lowerBound
        while i + needle.count <= r.upperBound {
            if b[i] == needle[0], needle.count == 1 || b[i..<(i + needle.count)].elementsEqual(needle),
               !extendsCharacter(b, at: i + needle.count, before: r.upperBound) {
                return i
            }
            i += 1
        }
        return nil
    }

    /// ``timeRange(_:)`` on bytes: the common ASCII shape without making a string.
    static func timeRange(bytes: ArraySlice<UInt8>) -> TimeRange {
        if let dash = bytes.firstIndex(of: UInt8(ascii: "-")), dash > bytes.startIndex, dash + 1 < bytes.endIndex,
           bytes.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x3A || $0 == 0x2E || $0 == 0x2D }),
           bytes[(dash + 1)...].firstIndex(of: UInt8(ascii: "-")) == nil,
           let start = TranscriptTime.parse(bytes: bytes[..<dash]), let end = TranscriptTime.parse(bytes: bytes[(dash + 1)...]) {
            return .range(start, end)
        }
        return timeRange(Substring(String(decoding: bytes, as: UTF8.self)))
    }

    /// ``labelSplit(_:)`` on bytes: the label's range (trimmed) and where the text after the colon begins.
    static func labelSplit(_ b: [UInt8], _ r: Range<Int>) -> (label: Range<Int>, after: Int)? {
        var i = r.lowerBound, count = 0
        while i < r.upperBound {
            let (v, n) = UTF8Scalar.decode(b, at: i)
            if v == 0x3A || v == 0xFF1A {
                let label = trim(b, r.lowerBound..<i)
                guard !label.isEmpty, b[label].lazy.filter({ $0 & 0xC0 != 0x80 }).count <= maxLabelLength else { return nil }
                return (label, i + n)
            }
            count += 1
            if count > maxLabelLength + 8 || isLabelBreak(v) { return nil }
            i += n
        }
        return nil
    }

    /// ``labelBreaks`` as a switch.
    @inline(__always)
    static func isLabelBreak(_ v: UInt32) -> Bool {
        switch v {
        case 0x2C, 0x21, 0x3F, 0x3B, 0x22, 0x28, 0x29, // , ! ? ; " ( )
             0xFF0C, 0x3002, 0xFF01, 0xFF1F, 0xFF1B, 0x3001, 0x201C, 0x201D, 0xFF08, 0xFF09: return true
        default: return false
        }
    }
}
