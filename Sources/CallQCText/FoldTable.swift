import CFoldData
import CICUShim

/// Per-character folding table for the Basic Multilingual Plane, from ICU:
/// NFKC_Casefold, then ICU's `Traditional-Simplified` transliterator, then
/// whitespace, punctuation and control characters dropped.
///
/// Building it from ICU takes about 700 million instructions (most of a
/// single-call `callqc check`), so the package carries it, generated from the
/// system's ICU, in the `CFoldData` target; a test checks that it still equals
/// what ICU builds (see docs/text.md for regenerating it). Folding a line with
/// the table is a lookup per character instead of a transliterator call per line.
public final class FoldTable: Sendable {
    /// The table for this process: the embedded one when it was generated from the ICU
    /// this process uses (clusters and characters outside the BMP are folded by that ICU, and
    /// both must agree), else built from ICU at start-up.
    public static let shared = FoldTable.embedded(forICU: ICU.version) ?? FoldTable(icu: ())

    /// Where the table came from: `embedded (ICU 72.1)` or `built from ICU 72.1`.
    public let origin: String

    /// Version of the layout of the embedded data (bump when the layout changes).
    public static let dataFormat: UInt32 = 1

    /// Characters where ICU's Traditional→Simplified differs from common usage
    /// (OpenCC): the override keeps the character as it is.
    public static let overrides: [UInt32: UInt32] = [
        0x8986: 0x8986, // 覆 stays 覆 (ICU: 复); 覆盖 is Simplified too
    ]

    static let dropped: UInt32 = 0xFFFF_FFFF
    static let multiFlag: UInt32 = 0x8000_0000
    /// Class bit: a Han character that Traditional→Simplified changes.
    static let traditionalBit: UInt16 = 0x4000

    /// Per BMP code point: the folded scalar, `dropped`, or `multiFlag | offset << 8 | length`.
    let map: [UInt32]
    /// UTF-8 bytes of multi-scalar foldings.
    let multi: [UInt8]
    /// Per BMP code point: ICU class bits (``CharacterClass``) plus `traditionalBit`.
    let classes: [UInt16]
    /// ASCII: folded byte, or 0xFF when dropped.
    let ascii: [UInt8]
    /// How many characters the Traditional→Simplified step changed.
    public let traditionalCount: Int

    init(map: [UInt32], multi: [UInt8], classes: [UInt16], traditionalCount: Int, origin: String) {
        var ascii = [UInt8](repeating: 0xFF, count: 128)
        for b in 0..<128 where map[b] != FoldTable.dropped && map[b] < 0x80 { ascii[b] = UInt8(map[b]) }
        self.map = map
        self.multi = multi
        self.classes = classes
        self.ascii = ascii
        self.traditionalCount = traditionalCount
        self.origin = origin
    }

    /// The table the package carries (``CFoldData``), nil when it has none of this format,
    /// or when `icuVersion` is given and the table was generated from another ICU.
    public static func embedded(forICU icuVersion: String? = nil) -> FoldTable? {
        if let icuVersion, let generated = cqc_fold_icu_version(), String(cString: generated) != icuVersion { return nil }
        guard cqc_fold_format() == dataFormat, cqc_fold_entries() == 0x10000,
              let mapData = cqc_fold_map(), let classData = cqc_fold_classes(), let multiData = cqc_fold_multi(),
              let versionData = cqc_fold_icu_version() else { return nil }
        // The map is stored as `value XOR code point` (unchanged is 0) with a sentinel for dropped.
        let map = (0..<0x10000).map { cp in mapData[cp] == FoldTable.dropped ? FoldTable.dropped : mapData[cp] ^ UInt32(cp) }
        let classes = Array(UnsafeBufferPointer(start: classData, count: 0x10000))
        let multi = Array(UnsafeBufferPointer(start: multiData, count: Int(cqc_fold_multi_count())))
        return FoldTable(map: map, multi: multi, classes: classes, traditionalCount: Int(cqc_fold_traditional_count()),
                         origin: "embedded (ICU \(String(cString: versionData)))")
    }

    /// The C source of ``CFoldData`` for this table: what `Sources/CFoldData/fold_data.c` holds.
    public func cSource(icuVersion: String) -> String {
        var out = """
        // Generated from ICU \(icuVersion) by FoldTable.cSource (see docs/text.md): do not edit.
        // The per-character folding table of CallQCText; EmbeddedFoldTableTests checks that
        // it equals what the system's ICU builds.
        #include "cfold_data.h"
        #define D 4294967295u

        uint32_t cqc_fold_format(void) { return \(FoldTable.dataFormat); }
        uint32_t cqc_fold_entries(void) { return 65536; }
        uint32_t cqc_fold_traditional_count(void) { return \(traditionalCount); }
        const char *cqc_fold_icu_version(void) { return "\(icuVersion)"; }

        // Per code point: folded value XOR code point (0 = unchanged), D = dropped.
        static const uint32_t map[65536] = {

        """
        func rows<T>(_ values: [T], _ text: (Int, T) -> String) {
            for start in stride(from: 0, to: values.count, by: 32) {
                out += (start..<min(start + 32, values.count)).map { text($0, values[$0]) }.joined(separator: ",") + ",\n"
            }
        }
        rows(map) { cp, v in v == FoldTable.dropped ? "D" : String(v ^ UInt32(cp)) }
        out += "};\nconst uint32_t *cqc_fold_map(void) { return map; }\n\n"
        out += "// Per code point: class bits (CQC_*), 0x4000 for Han that Traditional-Simplified changes.\n"
        out += "static const uint16_t classes[65536] = {\n"
        rows(classes) { _, v in String(v) }
        out += "};\nconst uint16_t *cqc_fold_classes(void) { return classes; }\n\n"
        out += "// UTF-8 of foldings longer than one character.\nstatic const uint8_t multi[\(max(multi.count, 1))] = {\n"
        rows(multi.isEmpty ? [0] : multi) { _, v in String(v) }
        out += "};\nuint32_t cqc_fold_multi_count(void) { return \(multi.count); }\n"
        out += "const uint8_t *cqc_fold_multi(void) { return multi; }\n"
        return out
    }

    /// Builds the table from the system's ICU.
    public convenience init(icu: ()) {
        var map = [UInt32](repeating: FoldTable.dropped, count: 0x10000)
        var classes = [UInt16](repeating: UInt16(CharacterClass.control.rawValue), count: 0x10000)
        var folded = [[UInt32]](repeating: [], count: 0x10000)
        var hanQueue: [Int] = []
        var src = [UInt16](repeating: 0, count: 1)
        var dst = [UInt16](repeating: 0, count: 32)
        for cp in 0..<0x10000 where !(0xD800...0xDFFF).contains(cp) {
            let cls = ICU.characterClass(UInt32(cp))
            classes[cp] = UInt16(truncatingIfNeeded: cls.rawValue)
            if cls.isDropped { continue }
            src[0] = UInt16(cp)
            var status: Int32 = 0
            let n = src.withUnsafeBufferPointer { s in
                dst.withUnsafeMutableBufferPointer { d in
                    cqc_nfkc_casefold(s.baseAddress, 1, d.baseAddress, Int32(d.count), &status)
                }
            }
            guard status <= 0, n >= 0, Int(n) <= dst.count else { folded[cp] = [UInt32(cp)]; continue }
            let scalars = FoldTable.scalars(utf16: dst[0..<Int(n)])
            var kept: [UInt32] = []
            var hasHan = false
            for s in scalars {
                let c = ICU.characterClass(s)
                if c.isDropped { continue }
                if c.contains(.ideographic) { hasHan = true }
                kept.append(s)
            }
            folded[cp] = kept
            if hasHan { hanQueue.append(cp) }
        }

        // Traditional → Simplified for every character whose folding holds a Han
        // character, in one transliterator call over a newline-separated batch.
        var traditional = 0
        if let translit = Transliterator(id: "Traditional-Simplified") {
            // Kept for the life of the process: destroying ICU's rule-based transliterator
            // takes longer than building the whole table (about 8 ms of every start-up).
            _ = Unmanaged.passRetained(translit)
            var batch: [UInt16] = []
            batch.reserveCapacity(hanQueue.count * 3)
            for cp in hanQueue {
                for s in folded[cp] { batch.append(contentsOf: FoldTable.utf16(s)) }
                batch.append(0x0A)
            }
            var pieces: [[UInt32]] = []
            if let out = translit.transliterate(batch) {
                var current: [UInt16] = []
                for u in out {
                    if u == 0x0A { pieces.append(FoldTable.scalars(utf16: current[...])); current.removeAll(keepingCapacity: true) }
                    else { current.append(u) }
                }
            }
            if pieces.count != hanQueue.count {
                // The batch did not split cleanly: transliterate one by one.
                pieces = hanQueue.map { cp in
                    let units = folded[cp].flatMap(FoldTable.utf16)
                    return FoldTable.scalars(utf16: (translit.transliterate(units) ?? units)[...])
                }
            }
            for (i, cp) in hanQueue.enumerated() {
                var result = pieces[i]
                if let keep = FoldTable.overrides[UInt32(cp)] { result = [keep] }
                if result != folded[cp] {
                    folded[cp] = result
                    if classes[cp] & UInt16(CharacterClass.ideographic.rawValue) != 0 {
                        classes[cp] |= FoldTable.traditionalBit
                        traditional += 1
                    }
                }
            }
        }

        var multi: [UInt8] = []
        for cp in 0..<0x10000 {
            let f = folded[cp]
            if f.isEmpty { continue }
            if f.count == 1 { map[cp] = f[0]; continue }
            var bytes: [UInt8] = []
            for s in f { FoldTable.appendUTF8(s, to: &bytes) }
            if bytes.count > 255 { bytes = Array(bytes.prefix(255)) }
            map[cp] = FoldTable.multiFlag | UInt32(multi.count) << 8 | UInt32(bytes.count)
            multi.append(contentsOf: bytes)
        }
        self.init(map: map, multi: multi, classes: classes, traditionalCount: traditional, origin: "built from ICU \(ICU.version)")
    }

    /// Whether two tables fold and classify every BMP character the same way.
    public func sameContent(as other: FoldTable) -> Bool {
        map == other.map && multi == other.multi && classes == other.classes && traditionalCount == other.traditionalCount
    }

    /// Code points where two tables differ (for a test's message).
    public func differences(from other: FoldTable, limit: Int = 10) -> [UInt32] {
        var out: [UInt32] = []
        for cp in 0..<0x10000 where fold(scalar: UInt32(cp)) != other.fold(scalar: UInt32(cp)) || classes[cp] != other.classes[cp] {
            out.append(UInt32(cp))
            if out.count == limit { break }
        }
        return out
    }

    /// Class bits of any scalar (BMP from the table, others from ICU).
    @inline(__always)
    func classBits(_ scalar: UInt32) -> UInt16 {
        scalar < 0x10000 ? classes[Int(scalar)] : UInt16(truncatingIfNeeded: ICU.characterClass(scalar).rawValue)
    }

    /// Whether a scalar is a Han character that Traditional→Simplified changes.
    public func isTraditional(_ scalar: UInt32) -> Bool {
        scalar < 0x10000 && classes[Int(scalar)] & FoldTable.traditionalBit != 0
    }

    /// The folded form of one scalar as the table has it (empty when dropped).
    /// Scalars outside the BMP are folded with ICU's normaliser only.
    public func fold(scalar: UInt32) -> [UInt32] {
        if scalar >= 0x10000 {
            let units = FoldTable.utf16(scalar)
            let out = ICU.nfkcCasefold(utf16: units) ?? units
            return FoldTable.scalars(utf16: out[...]).filter { !ICU.characterClass($0).isDropped }
        }
        let m = map[Int(scalar)]
        if m == FoldTable.dropped { return [] }
        if m & FoldTable.multiFlag == 0 { return [m] }
        let offset = Int((m & ~FoldTable.multiFlag) >> 8), length = Int(m & 0xFF)
        return Array(String(decoding: multi[offset..<offset + length], as: UTF8.self).unicodeScalars.map(\.value))
    }

    static func utf16(_ scalar: UInt32) -> [UInt16] {
        guard let s = Unicode.Scalar(scalar) else { return [] }
        return Array(String(Character(s)).utf16)
    }

    static func scalars(utf16 units: ArraySlice<UInt16>) -> [UInt32] {
        var out: [UInt32] = []
        var iterator = units.makeIterator()
        var decoder = UTF16()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s): out.append(s.value)
            case .emptyInput: break loop
            case .error: out.append(0xFFFD)
            }
        }
        return out
    }

    @inline(__always)
    static func appendUTF8(_ scalar: UInt32, to bytes: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            bytes.append(UInt8(scalar))
        case 0x80..<0x800:
            bytes.append(UInt8(0xC0 | (scalar >> 6)))
            bytes.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            bytes.append(UInt8(0xE0 | (scalar >> 12)))
            bytes.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            bytes.append(UInt8(0xF0 | (scalar >> 18)))
            bytes.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            bytes.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }
}
