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
        var out: [UInt8] = []
        var starts: [Int32] = []
        var ends: [Int32] = []
        out.reserveCapacity(n)
        starts.reserveCapacity(n)
        ends.reserveCapacity(n)
        let joinerBit = UInt16(CharacterClass.joiner.rawValue)

        var i = 0
        while i < n {
            let (scalar, length) = TextFolder.decode(input, at: i)
            var end = i + length
            // A following combining mark or conjoining jamo joins this character into a cluster.
            var clusterEnd = end
            while clusterEnd < n, input[clusterEnd] >= 0x80 {
                let (next, nextLength) = TextFolder.decode(input, at: clusterEnd)
                if table.classBits(next) & joinerBit == 0 { break }
                clusterEnd += nextLength
            }
            if clusterEnd > end || scalar >= 0x10000 || (scalar >= 0x80 && table.classBits(scalar) & joinerBit != 0) {
                end = clusterEnd
                for s in foldCluster(input, i..<end) { TextFolder.emit(s, i, end, &out, &starts, &ends) }
            } else if scalar < 0x80 {
                let b = table.ascii[Int(scalar)]
                if b != 0xFF { out.append(b); starts.append(Int32(i)); ends.append(Int32(end)) }
            } else {
                let m = table.map[Int(scalar)]
                if m == FoldTable.dropped {
                } else if m & FoldTable.multiFlag == 0 {
                    TextFolder.emit(m, i, end, &out, &starts, &ends)
                } else {
                    let offset = Int((m & ~FoldTable.multiFlag) >> 8), count = Int(m & 0xFF)
                    for k in 0..<count { out.append(table.multi[offset + k]); starts.append(Int32(i)); ends.append(Int32(end)) }
                }
            }
            i = end
        }
        return FoldedText(bytes: out, sourceStart: starts, sourceEnd: ends)
    }

    /// Appends a folded scalar, each of its bytes mapped to the source range `from..<to`.
    /// (A static function with `inout` arguments: a nested closure capturing the arrays
    /// would box them and check exclusive access on every append.)
    @inline(__always)
    static func emit(_ scalar: UInt32, _ from: Int, _ to: Int, _ out: inout [UInt8], _ starts: inout [Int32], _ ends: inout [Int32]) {
        let before = out.count
        FoldTable.appendUTF8(scalar, to: &out)
        for _ in before..<out.count { starts.append(Int32(from)); ends.append(Int32(to)) }
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

    /// Decodes the scalar at `i` of valid UTF-8; malformed bytes decode as U+FFFD, one byte long.
    @inline(__always)
    static func decode(_ p: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
        let b0 = UInt32(p[i])
        if b0 < 0x80 { return (b0, 1) }
        let n = p.count
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
