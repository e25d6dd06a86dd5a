/// Times as transcripts write them: `ss(.f)`, `mm:ss(.f)`, `hh:mm:ss(.f)`, with
/// `.` or `,` before the fraction; minutes may pass 59 when hours are absent.
public enum TranscriptTime {
    /// Seconds, rounded to the millisecond; nil when `text` is not a time.
    public static func parse(_ text: Substring) -> Double? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        // The seconds part: digits, optionally a fraction.
        let secondsText = parts[parts.count - 1]
        var whole = Substring(secondsText), fraction: Substring = ""
        if let sep = secondsText.firstIndex(where: { $0 == "." || $0 == "," }) {
            whole = secondsText[..<sep]
            fraction = secondsText[secondsText.index(after: sep)...]
            guard !fraction.isEmpty, fraction.allSatisfy(\.isASCIIDigit) else { return nil }
        }
        guard !whole.isEmpty, whole.count <= 9, whole.allSatisfy(\.isASCIIDigit), let s = Int64(whole) else { return nil }
        var millis = s * 1000
        if !fraction.isEmpty {
            let digits = fraction.prefix(3)
            var f = Int64(digits) ?? 0
            for _ in digits.count..<3 { f *= 10 }
            if fraction.count > 3, let d = fraction.dropFirst(3).first, d >= "5" { f += 1 }
            millis += f
        }
        var higher: [Int64] = []
        for p in parts.dropLast() {
            guard p.count <= 6, p.allSatisfy(\.isASCIIDigit), let v = Int64(p) else { return nil }
            higher.append(v)
        }
        switch higher.count {
        case 0: break
        case 1: guard s < 60 else { return nil }; millis += higher[0] * 60_000
        default:
            guard s < 60, higher[1] < 60 else { return nil }
            millis += higher[0] * 3_600_000 + higher[1] * 60_000
        }
        return Double(millis) / 1000
    }

    /// The same over ASCII bytes (no allocation): the reader's fast path.
    public static func parse(bytes: ArraySlice<UInt8>) -> Double? {
        // At most two fields before the seconds (hours, minutes): two locals, no array.
        var field0: Int64 = 0, field1: Int64 = 0, fieldCount = 0
        var current: Int64 = 0, digits = 0, fraction: Int64 = 0, fractionDigits = 0, inFraction = false, roundUp = false
        for b in bytes {
            switch b {
            case 0x30...0x39:
                if inFraction {
                    if fractionDigits < 3 { fraction = fraction * 10 + Int64(b - 0x30); fractionDigits += 1 }
                    else if fractionDigits == 3 { roundUp = b >= 0x35; fractionDigits += 1 }
                } else {
                    guard digits < 9 else { return nil }
                    current = current * 10 + Int64(b - 0x30); digits += 1
                }
            case 0x3A:
                guard !inFraction, digits > 0, digits <= 6, fieldCount < 2 else { return nil }
                if fieldCount == 0 { field0 = current } else { field1 = current }
                fieldCount += 1
                current = 0; digits = 0
            case 0x2E, 0x2C:
                guard !inFraction, digits > 0 else { return nil }
                inFraction = true
            default:
                return nil
            }
        }
        guard digits > 0, !inFraction || fractionDigits > 0 else { return nil }
        for _ in min(fractionDigits, 3)..<3 { fraction *= 10 }
        var millis = current * 1000 + fraction + (roundUp ? 1 : 0)
        switch fieldCount {
        case 0: break
        case 1: guard current < 60 else { return nil }; millis += field0 * 60_000
        default:
            guard current < 60, field1 < 60 else { return nil }
            millis += field0 * 3_600_000 + field1 * 60_000
        }
        return Double(millis) / 1000
    }

    /// `mm:ss.fff`, or `hh:mm:ss.fff` from an hour on, trailing zeros trimmed (`00:04.8`).
    public static func format(_ seconds: Double) -> String {
        let millis = Int64((max(0, seconds) * 1000).rounded())
        let h = millis / 3_600_000, m = (millis / 60_000) % 60, s = (millis / 1000) % 60, f = millis % 1000
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var text = h > 0 ? "\(two(h)):\(two(m)):\(two(s))" : "\(two(m)):\(two(s))"
        if f > 0 {
            var frac = String(f)
            frac = String(repeating: "0", count: 3 - frac.count) + frac
            while frac.hasSuffix("0") { frac.removeLast() }
            text += "." + frac
        }
        return text
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
