/// Masks personal data in text meant for sharing: mobile numbers (138****5678),
/// 18-digit resident ID numbers with a valid checksum (4308**********1234), bank
/// card numbers that pass the Luhn check, other long digit runs (landlines,
/// account numbers), and e-mail addresses. Digits may be ASCII, full-width, or
/// Chinese numerals as speech recognisers write them (幺三八…). Short numbers
/// (prices, dates, counts) are left alone.
public struct Redactor: Sendable {
    public init() {}

    /// Digit values of characters that can spell a number.
    static func digit(_ c: Character) -> Int? {
        switch c {
        case "0"..."9": return Int(String(c))
        case "０"..."９": return Int(c.unicodeScalars.first!.value - 0xFF10)
        case "零", "〇", "洞": return 0
        case "一", "幺", "壹": return 1
        case "二", "两", "贰": return 2
        case "三", "叁": return 3
        case "四", "肆": return 4
        case "五", "伍": return 5
        case "六", "陆": return 6
        case "七", "柒": return 7
        case "八", "捌": return 8
        case "九", "玖": return 9
        default: return nil
        }
    }

    /// The text with personal data masked.
    public func redact(_ text: String) -> String {
        var chars = Array(text)
        maskEmails(&chars)
        var i = 0
        while i < chars.count {
            guard Redactor.digit(chars[i]) != nil || chars[i] == "X" || chars[i] == "x" else { i += 1; continue }
            // A run of digit characters, allowing a space or hyphen between groups of three
            // or more digits (138 1234 5678, 010-12345678), but not inside dates (2026-11-21).
            var positions: [Int] = []
            var j = i
            var group = 0
            while j < chars.count {
                if Redactor.digit(chars[j]) != nil || ((chars[j] == "X" || chars[j] == "x") && positions.count == 17) {
                    positions.append(j)
                    group += 1
                    j += 1
                } else if (chars[j] == " " || chars[j] == "-"), group >= 3, Redactor.groupLength(chars, from: j + 1) >= 3 {
                    group = 0
                    j += 1
                } else {
                    break
                }
            }
            if positions.isEmpty { i += 1; continue }
            let digits = positions.map { Redactor.digit(chars[$0]) ?? 10 }
            // Chinese numerals spell amounts too (三十元), but those never run to seven digits.
            if let mask = Redactor.mask(digits) {
                for (k, p) in positions.enumerated() where !mask[k] { chars[p] = "*" }
            }
            i = j
        }
        return String(chars)
    }

    static func groupLength(_ chars: [Character], from start: Int) -> Int {
        var k = start
        while k < chars.count, digit(chars[k]) != nil { k += 1 }
        return k - start
    }

    /// Which digits stay visible: nil leaves the run alone.
    static func mask(_ d: [Int]) -> [Bool]? {
        let n = d.count
        func keep(_ head: Int, _ tail: Int) -> [Bool] { (0..<n).map { $0 < head || $0 >= n - tail } }
        if n == 11, d[0] == 1, (3...9).contains(d[1]) { return keep(3, 4) }            // mobile
        if n == 18, validID(d) { return keep(4, 4) }                                  // resident ID
        if (16...19).contains(n), luhn(d) { return keep(4, 4) }                       // bank card
        if n >= 7 { return keep(2, 2) }                                               // landline, account: keep little
        return nil
    }

    /// GB 11643 checksum of an 18-character resident ID (the last may be X, given as 10).
    static func validID(_ d: [Int]) -> Bool {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        guard d.count == 18, d.prefix(17).allSatisfy({ $0 < 10 }) else { return false }
        let sum = zip(d.prefix(17), weights).reduce(0) { $0 + $1.0 * $1.1 }
        let check = [1, 0, 10, 9, 8, 7, 6, 5, 4, 3, 2][sum % 11]
        return d[17] == check
    }

    static func luhn(_ d: [Int]) -> Bool {
        guard d.allSatisfy({ $0 < 10 }) else { return false }
        var sum = 0
        for (i, v) in d.reversed().enumerated() {
            if i % 2 == 1 { let x = v * 2; sum += x > 9 ? x - 9 : x } else { sum += v }
        }
        return sum % 10 == 0
    }

    /// name@example.com → n***@example.com
    func maskEmails(_ chars: inout [Character]) {
        var i = 0
        while i < chars.count {
            guard chars[i] == "@" else { i += 1; continue }
            var start = i
            while start > 0, Redactor.emailChar(chars[start - 1]) { start -= 1 }
            var end = i + 1
            while end < chars.count, Redactor.emailChar(chars[end]) || chars[end] == "." { end += 1 }
            let domain = chars[(i + 1)..<end]
            if start < i, domain.contains("."), domain.first != "." {
                for k in (start + 1)..<i { chars[k] = "*" }
            }
            i = end
        }
    }

    static func emailChar(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || "._%+-".contains(c))
    }
}
