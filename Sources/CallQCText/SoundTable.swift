import CFoldData

/// The toneless pinyin of each Han character (`知` and `只` are both `zhi`), for matching
/// recognisers' homophones (不知到 for 不知道). Built from ICU's `Han-Latin; Latin-ASCII`
/// transliteration, one reading per character, once: the package carries it as generated
/// C data (`Sources/CFoldData/sound_data.c`) as it carries the fold table, and builds it
/// from ICU only when the data came from another ICU.
public struct SoundTable: Sendable {
    /// Version of the layout of the embedded data.
    public static let dataFormat: UInt32 = 1
    /// The characters covered: CJK Extension A and the Unified Ideographs of the BMP.
    public static let first: UInt32 = 0x3400
    public static let last: UInt32 = 0x9FFF

    /// The table for this process.
    public static let shared = SoundTable.embedded(forICU: ICU.version) ?? SoundTable(icu: ())

    /// Syllables by number; number 0 is "no reading".
    public let syllables: [String]
    /// Per code point from ``first``: the syllable's number.
    let ids: [UInt16]
    /// Where the table came from: `embedded (ICU 72.1)` or `built from ICU 72.1`.
    public let origin: String

    init(syllables: [String], ids: [UInt16], origin: String) {
        self.syllables = syllables
        self.ids = ids
        self.origin = origin
    }

    /// The number of the scalar's toneless syllable, 0 when it has none (not Han, or no reading).
    @inline(__always) public func syllable(_ scalar: UInt32) -> UInt16 {
        guard scalar >= SoundTable.first, scalar <= SoundTable.last else { return 0 }
        return ids[Int(scalar - SoundTable.first)]
    }

    /// The toneless pinyin of a text's Han characters, for people: `bu zhi dao`.
    public func pinyin(_ text: String) -> String {
        text.unicodeScalars.map { syllable($0.value) }.filter { $0 != 0 }.map { syllables[Int($0)] }.joined(separator: " ")
    }

    /// The carried table, when it has this layout and (if given) comes from that ICU.
    public static func embedded(forICU icuVersion: String? = nil) -> SoundTable? {
        guard cqc_sound_format() == dataFormat, cqc_sound_first() == first,
              Int(cqc_sound_count()) == Int(last - first) + 1, let idData = cqc_sound_ids(),
              let syllableData = cqc_sound_syllables(), let versionData = cqc_sound_icu_version() else { return nil }
        let version = String(cString: versionData)
        if let icuVersion, icuVersion != version { return nil }
        let ids = Array(UnsafeBufferPointer(start: idData, count: Int(cqc_sound_count())))
        let syllables = [""] + String(cString: syllableData).split(separator: " ").map(String.init)
        guard let top = ids.max(), Int(top) < syllables.count else { return nil }
        return SoundTable(syllables: syllables, ids: ids, origin: "embedded (ICU \(version))")
    }

    /// Builds the table from ICU (about a second: ICU's Han-Latin is slow; hence the carried data).
    public init(icu: ()) {
        let count = Int(SoundTable.last - SoundTable.first) + 1
        var ids = [UInt16](repeating: 0, count: count)
        var syllables = [""]
        var numbers: [String: UInt16] = [:]
        if let translit = Transliterator(id: "Han-Latin; Latin-ASCII") {
            _ = Unmanaged.passRetained(translit)
            // Batches of characters a line each: one transliterator call per batch.
            let batchSize = 2048
            var start = 0
            while start < count {
                let end = min(count, start + batchSize)
                var batch: [UInt16] = []
                batch.reserveCapacity((end - start) * 3)
                for i in start..<end {
                    batch.append(contentsOf: FoldTable.utf16(SoundTable.first + UInt32(i)))
                    batch.append(0x0A)
                }
                var lines: [String] = []
                if let out = translit.transliterate(batch) {
                    lines = String(decoding: out, as: UTF16.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                }
                if lines.count < end - start {
                    lines = (start..<end).map { i in
                        let units = FoldTable.utf16(SoundTable.first + UInt32(i))
                        return String(decoding: translit.transliterate(units) ?? units, as: UTF16.self)
                    }
                }
                for i in start..<end {
                    let s = lines[i - start].trimmingSpaces().lowercasedASCII()
                    guard !s.isEmpty, s.utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { continue }
                    if let n = numbers[s] { ids[i] = n; continue }
                    let n = UInt16(syllables.count)
                    numbers[s] = n
                    syllables.append(s)
                    ids[i] = n
                }
                start = end
            }
        }
        self.init(syllables: syllables, ids: ids, origin: "built from ICU \(ICU.version)")
    }

    /// Whether two tables give every character the same syllable.
    public func sameContent(as other: SoundTable) -> Bool { differences(from: other).isEmpty }

    /// Code points whose syllables differ (at most 20).
    public func differences(from other: SoundTable) -> [UInt32] {
        var out: [UInt32] = []
        for i in 0..<min(ids.count, other.ids.count) where syllables[Int(ids[i])] != other.syllables[Int(other.ids[i])] {
            out.append(SoundTable.first + UInt32(i))
            if out.count == 20 { break }
        }
        if ids.count != other.ids.count { out.append(0) }
        return out
    }

    /// The table as C source for `Sources/CFoldData/sound_data.c`.
    public func cSource(icuVersion: String) -> String {
        var s = """
        // Generated from ICU \(icuVersion) by SoundTable.cSource (see docs/text.md): do not edit.
        // The toneless pinyin of each Han character; EmbeddedSoundTableTests checks that it
        // equals what the system's ICU builds.
        #include "csound_data.h"

        uint32_t cqc_sound_format(void) { return \(SoundTable.dataFormat); }
        uint32_t cqc_sound_first(void) { return \(SoundTable.first); }
        uint32_t cqc_sound_count(void) { return \(ids.count); }
        const char *cqc_sound_icu_version(void) { return "\(icuVersion)"; }
        const char *cqc_sound_syllables(void) { return "\(syllables.dropFirst().joined(separator: " "))"; }

        static const uint16_t ids[\(ids.count)] = {

        """
        for (i, v) in ids.enumerated() {
            s += String(v)
            s += i % 32 == 31 ? ",\n" : ","
        }
        s += "};\nconst uint16_t *cqc_sound_ids(void) { return ids; }\n"
        return s
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }

    func lowercasedASCII() -> String {
        String(decoding: utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
