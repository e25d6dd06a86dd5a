#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of one input, checked to be text callqc can read: not empty, not
/// binary, valid UTF-8 (a UTF-8 byte-order mark is dropped, UTF-16 with a
/// byte-order mark is converted), no line beyond the length limit.
public struct TextInput: Sendable {
    /// Where the input came from (a path, or `-`).
    public let source: String
    /// Valid UTF-8.
    public let bytes: [UInt8]

    /// Checks raw bytes; the problem names the source, the line and the reason.
    public static func validate(source: String, bytes raw: [UInt8], maxLineBytes: Int = 1 << 20) -> Result<TextInput, InputProblem> {
        var bytes = raw
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        else if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            guard let converted = TextInput.utf16ToUTF8(bytes) else {
                return .failure(InputProblem(source: source, message: "invalid UTF-16 text (byte-order mark found, but the text does not decode); save the file as UTF-8"))
            }
            bytes = converted
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return .failure(InputProblem(source: source, message: "empty file: there is nothing to read"))
        }
        // UTF-16 without a byte-order mark has NUL bytes (Latin text) or is not UTF-8 (CJK): asked
        // only when the text fails one of those tests below, not of every file.
        func bomless() -> Result<TextInput, InputProblem>? {
            TextInput.bomlessUTF16(bytes).map { order in
                .failure(InputProblem(source: source, message: "UTF-16 (\(order)) text without a byte-order mark: convert it to UTF-8: iconv -f UTF-16\(order == "little-endian" ? "LE" : "BE") -t UTF-8 FILE > FILE.utf8.txt"))
            }
        }
        // Line ends of old Mac files (CR alone): read as lines, byte for byte.
        if !bytes.contains(0x0A), bytes.contains(0x0D) {
            for i in bytes.indices where bytes[i] == 0x0D { bytes[i] = 0x0A }
        }
        // memchr: the generic firstIndex(of:) compares a byte at a time.
        let nulAt: Int? = bytes.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress, let hit = memchr(base, 0, p.count) else { return nil }
            return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
        }
        if let nul = nulAt {
            if let utf16 = bomless() { return utf16 }
            let line = bytes[..<nul].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            return .failure(InputProblem(source: source, line: line, message: "binary data (a NUL byte at byte \(nul)): this is not a text transcript (audio, a spreadsheet or a compressed file?)"))
        }
        let scan: InputProblem? = bytes.withUnsafeBufferPointer { p in
            var line = 1, lineStart = 0, i = 0
            let n = p.count
            while i < n {
                let b = p[i]
                if b == 0x0A {
                    if i - lineStart > maxLineBytes { return tooLong(source, line, i - lineStart, maxLineBytes) }
                    line += 1; i += 1; lineStart = i; continue
                }
                if b < 0x80 { i += 1; continue }
                // Fast path: a three-byte character outside the special cases (E0, ED) — all of
                // CJK and full-width punctuation.
                if b >= 0xE1, b <= 0xEF, b != 0xED, i + 2 < n, p[i + 1] & 0xC0 == 0x80, p[i + 2] & 0xC0 == 0x80 {
                    i += 3
                    continue
                }
                let length = TextInput.utf8SequenceLength(p, at: i)
                if length == 0 {
                    return InputProblem(source: source, line: line, message: "invalid UTF-8 at byte \(i) (0x\(String(b, radix: 16, uppercase: true))); if the file is GBK or GB18030, convert it: iconv -f GB18030 -t UTF-8 FILE > FILE.utf8.txt")
                }
                i += length
            }
            if n - lineStart > maxLineBytes { return tooLong(source, line, n - lineStart, maxLineBytes) }
            return nil
        }
        if let scan { return bomless() ?? .failure(scan) }
        // Many control characters in "text" mean a binary file that happens to have no NUL.
        var controls = 0
        for b in bytes.prefix(4096) where b < 0x20 && b != 0x0A && b != 0x0D && b != 0x09 && b != 0x0C { controls += 1 }
        if controls * 10 > min(bytes.count, 4096) {
            return .failure(InputProblem(source: source, message: "binary data (\(controls) control bytes in the first 4 KB): this is not a text transcript"))
        }
        return .success(TextInput(source: source, bytes: bytes))
    }

    /// "little-endian" or "big-endian" when the bytes read as UTF-16 text without a byte-order
    /// mark (every other byte zero in Latin text; CJK, punctuation and line ends as UTF-16 code
    /// units otherwise); nil for anything else.
    static func bomlessUTF16(_ bytes: [UInt8]) -> String? {
        let sample = bytes.prefix(8192)
        guard sample.count >= 4 else { return nil }
        let pairs = sample.count / 2
        func plausible(_ unit: UInt16) -> Bool {
            switch unit {
            case 0x09, 0x0A, 0x0D, 0x20...0x7E, 0xA0...0x24F, 0x2000...0x206F, 0x3000...0x303F, 0x3400...0x9FFF, 0xFF00...0xFFEF: return true
            default: return false
            }
        }
        for (name, little) in [("little-endian", true), ("big-endian", false)] {
            var good = 0, lineEnds = 0, zeros = 0
            for k in 0..<pairs {
                let a = UInt16(sample[sample.startIndex + 2 * k]), b = UInt16(sample[sample.startIndex + 2 * k + 1])
                let unit = little ? a | b << 8 : a << 8 | b
                if plausible(unit) { good += 1 }
                if unit == 0x0A { lineEnds += 1 }
                if (little ? b : a) == 0 { zeros += 1 }
            }
            // Mostly plausible units, line ends or zero high bytes, and not plain UTF-8 (which has no NUL).
            if good * 100 >= pairs * 95, lineEnds > 0 || zeros * 2 >= pairs,
               sample.contains(0) || String(validating: Array(sample), as: UTF8.self) == nil {
                return name
            }
        }
        return nil
    }

    static func tooLong(_ source: String, _ line: Int, _ length: Int, _ limit: Int) -> InputProblem {
        InputProblem(source: source, line: line, message: "line is \(length) bytes long, over the limit of \(limit) bytes: a transcript line is never that long (is this a transcript?)")
    }

    /// The lines, numbered from 1, without line terminators (LF or CRLF).
    public var lines: [(number: Int, bytes: ArraySlice<UInt8>)] {
        lineRanges.map { ($0.number, bytes[$0.range]) }
    }

    /// The lines as byte ranges of ``bytes``, numbered from 1, without LF or CRLF.
    public var lineRanges: [(number: Int, range: Range<Int>)] {
        var result: [(Int, Range<Int>)] = []
        var start = 0, number = 1
        let n = bytes.count
        bytes.withUnsafeBufferPointer { p in
            for i in 0..<n where p[i] == 0x0A {
                var end = i
                if end > start, p[end - 1] == 0x0D { end -= 1 }
                result.append((number, start..<end))
                number += 1
                start = i + 1
            }
        }
        if start < n {
            var end = n
            if bytes[end - 1] == 0x0D { end -= 1 }
            result.append((number, start..<end))
        }
        return result
    }

    /// The length of the valid UTF-8 sequence at `i`, or 0 when it is not valid.
    static func utf8SequenceLength(_ b: [UInt8], at i: Int) -> Int {
        b.withUnsafeBufferPointer { utf8SequenceLength($0, at: i) }
    }

    @inline(__always)
    static func utf8SequenceLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let b0 = b[i], n = b.count
        func cont(_ k: Int) -> Bool { i + k < n && b[i + k] & 0xC0 == 0x80 }
        switch b0 {
        case 0xC2...0xDF: return cont(1) ? 2 : 0
        case 0xE0: return cont(1) && b[i + 1] >= 0xA0 && cont(2) ? 3 : 0
        case 0xED: return cont(1) && b[i + 1] < 0xA0 && cont(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return cont(1) && cont(2) ? 3 : 0
        case 0xF0: return cont(1) && b[i + 1] >= 0x90 && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4: return cont(1) && b[i + 1] < 0x90 && cont(2) && cont(3) ? 4 : 0
        default: return 0
        }
    }

    static func utf16ToUTF8(_ bytes: [UInt8]) -> [UInt8]? {
        let little = bytes[0] == 0xFF
        var units: [UInt16] = []
        var i = 2
        while i + 1 < bytes.count {
            units.append(little ? UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8 : UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]))
            i += 2
        }
        if bytes.count % 2 != 0 { return nil }
        var out: [UInt8] = []
        var iterator = units.makeIterator()
        var decoder = UTF16()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s): out.append(contentsOf: Array(String(Character(s)).utf8))
            case .emptyInput: return out
            case .error: return nil
            }
        }
    }
}
