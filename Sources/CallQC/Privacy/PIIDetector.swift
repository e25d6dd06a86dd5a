import CallQCText
/// Kinds of personal data callqc finds in speech.
public enum PIIKind: String, Sendable, Hashable, CaseIterable {
    /// Mainland mobile numbers: 11 digits, 1[3-9]…
    case mobile
    /// Landlines with an area code: 0 + 2–3 digit area code + 7–8 digits.
    case landline
    /// 18-digit resident ID numbers whose check digit is right.
    case idNumber = "id-number"
    /// Bank card numbers: 16–19 digits passing the Luhn check.
    case bankCard = "bank-card"
    /// E-mail addresses.
    case email
    /// North American phone numbers (10 digits), as English calls say them.
    case phone

    /// What a reviewer reads.
    public var label: String {
        switch self {
        case .mobile: return "手机号 mobile number"
        case .landline: return "固定电话 landline"
        case .idNumber: return "身份证号 ID number"
        case .bankCard: return "银行卡号 bank card"
        case .email: return "邮箱 e-mail"
        case .phone: return "phone number"
        }
    }
}

/// A piece of personal data in a text.
public struct PIIMatch: Sendable, Hashable {
    public var kind: PIIKind
    /// Unicode scalar offsets in the text.
    public var span: Range<Int>
    /// The text as written.
    public var text: String
    /// The text masked (same length, so other offsets stay valid): `138****5678`.
    public var masked: String
}

/// Finds personal data in text: digits written as ASCII, full-width, Chinese numerals
/// the way recognisers write them (幺三八幺二三四五六七八), or English digit words
/// (five five five…), with spaces or hyphens between groups. Checksums keep random
/// digit runs out; prices, dates, package sizes and counts are never matched.
public struct PIIDetector: Sendable {
    public var kinds: Set<PIIKind>

    public init(kinds: Set<PIIKind> = Set(PIIKind.allCases)) { self.kinds = kinds }

    /// Every match, in order.
    public func find(in text: String) -> [PIIMatch] {
        // Most texts hold no run of ten digits, no run of ten digit words and no '@': one
        // pass over the scalars decides what to look for (see ``Gate``).
        let gate = Gate(text)
        if !gate.at && gate.longestDigitChain < 10 && gate.longestWordChain < 10 { return [] }
        let chars = Array(text.unicodeScalars)
        var found: [(PIIKind, [Int], Set<Int>)] = []   // kind, scalar positions of the match, positions to mask
        if gate.at { found += emails(chars) }
        if gate.longestDigitChain >= 10 { found += digitRuns(chars) }
        if gate.longestWordChain >= 10 { found += wordRuns(chars) }
        return found.filter { kinds.contains($0.0) }.sorted { $0.1.first! < $1.1.first! }.map { kind, positions, masked in
            let lo = positions.first!, hi = positions.last! + 1
            var piece = Array(chars[lo..<hi])
            for p in masked { piece[p - lo] = PIIDetector.mask(piece[p - lo]) }
            return PIIMatch(kind: kind, span: lo..<hi, text: String(String.UnicodeScalarView(chars[lo..<hi])),
                            masked: String(String.UnicodeScalarView(piece)))
        }
    }

    /// What one pass over a text tells: whether it may hold an e-mail address, and upper
    /// bounds of the longest digit run and digit-word run the detectors could find. Every
    /// kind of number needs ten digits at least (a 10-digit landline or NANP phone), so a
    /// text without a chain of ten is skipped. The bounds are loose on purpose (any digits,
    /// at most one separator between them; digit words and digits with only spaces, commas
    /// or hyphens between them, three words among them at least): a text the detectors
    /// would match always passes.
    struct Gate {
        var at = false
        var longestDigitChain = 0
        var longestWordChain = 0

        init(_ text: String) {
            var text = text
            self = text.withUTF8 { Gate(utf8: $0) }
        }

        /// One pass over valid UTF-8, decoding scalars by hand (the scalar view's iterator
        /// costs several times more per character).
        init(utf8 p: UnsafeBufferPointer<UInt8>) {
            var digitChain = 0, gap = 0, gapIsSeparator = false
            var wordChain = 0, wordGapOK = true
            var packed: UInt64 = 0, letters = 0
            var longestDigitChain = 0, longestWordChain = 0, at = false
            var wordsInChain = 0
            // A token that can be a digit: a digit word (`isWord`) or an ASCII digit. Digits said
            // as words need three words at least in the run (``wordRuns(_:)``): a run of bare
            // digits is ``digitRuns(_:)``'s.
            @inline(__always) func endToken(_ isDigitToken: Bool, isWord: Bool) {
                if isDigitToken {
                    if wordGapOK && wordChain > 0 { wordChain += 1 } else { wordChain = 1; wordsInChain = 0 }
                    if isWord { wordsInChain += 1 }
                    if wordsInChain >= 3 { longestWordChain = max(longestWordChain, wordChain) }
                } else {
                    wordChain = 0
                    wordsInChain = 0
                }
                wordGapOK = true
            }
            var i = 0
            let n = p.count
            while i < n {
                let (v, length) = UTF8Scalar.decode(p, at: i)
                i += length
                if (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) {
                    if letters < 8 { packed = packed << 8 | UInt64(v | 0x20) }
                    letters += 1
                    gap += 1
                    if gap == 1 { gapIsSeparator = false }
                    continue
                }
                if letters > 0 {
                    let word = letters <= 5 && Gate.isDigitWord(packed)
                    endToken(word, isWord: word)
                    packed = 0; letters = 0
                }
                if (v >= 0x30 && v <= 0x39) || (v >= 0x3007 && PIIDetector.digit(Unicode.Scalar(v) ?? " ") != nil) {
                    digitChain = gap == 0 || (gap == 1 && gapIsSeparator) ? digitChain + 1 : 1
                    longestDigitChain = max(longestDigitChain, digitChain)
                    gap = 0
                    if v < 0x80 { endToken(true, isWord: false) } else { wordChain = 0; wordsInChain = 0 }
                    continue
                }
                gap += 1
                // The separators of ``PIIDetector/separators``: space - ， , 、
                if gap == 1 { gapIsSeparator = v == 0x20 || v == 0x2D || v == 0xFF0C || v == 0x2C || v == 0x3001 }
                if v == 0x40 { at = true }
                if v != 0x20 && v != 0x2C && v != 0x2D { wordGapOK = false }
            }
            if letters > 0 {
                let word = letters <= 5 && Gate.isDigitWord(packed)
                endToken(word, isWord: word)
            }
            self.at = at
            self.longestDigitChain = longestDigitChain
            self.longestWordChain = longestWordChain
        }

        /// `zero`, `oh`, `o`, `one` … `nine`, lower case, packed one letter a byte.
        static func isDigitWord(_ packed: UInt64) -> Bool { digitWordCodes.contains(packed) }

        static let digitWordCodes: [UInt64] = PIIDetector.digitWords.keys.map { word in
            word.utf8.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
    }

    /// The text with every match masked.
    public func redact(_ text: String) -> String {
        let matches = find(in: text)
        if matches.isEmpty { return text }
        var scalars = Array(text.unicodeScalars)
        for m in matches {
            let masked = Array(m.masked.unicodeScalars)
            if masked.count == m.span.count { scalars.replaceSubrange(m.span, with: masked) }
        }
        return String(String.UnicodeScalarView(scalars))
    }

    /// One character masked: a digit or a letter becomes `*` (a digit word becomes `*` letters).
    static func mask(_ c: Unicode.Scalar) -> Unicode.Scalar { c == " " || c == "-" ? c : "*" }

    // MARK: digits

    @inline(__always)
    static func digit(_ c: Unicode.Scalar) -> Int? {
        let v = c.value
        if v >= 0x30 && v <= 0x39 { return Int(v - 0x30) }
        if v < 0x3007 { return nil }
        if v >= 0xFF10 && v <= 0xFF19 { return Int(v - 0xFF10) }
        switch v {
        case 0x96F6, 0x3007, 0x6D1E: return 0          // 零 〇 洞
        case 0x4E00, 0x5E7A, 0x58F9: return 1          // 一 幺 壹
        case 0x4E8C, 0x4E24, 0x8D30: return 2          // 二 两 贰
        case 0x4E09, 0x53C1: return 3                  // 三 叁
        case 0x56DB, 0x8086: return 4                  // 四 肆
        case 0x4E94, 0x4F0D: return 5                  // 五 伍
        case 0x516D, 0x9646: return 6                  // 六 陆
        case 0x4E03, 0x67D2: return 7                  // 七 柒
        case 0x516B, 0x634C: return 8                  // 八 捌
        case 0x4E5D, 0x7396: return 9                  // 九 玖
        default: return nil
        }
    }

    /// Whether a digit is written as a Chinese numeral (一, 幺…) rather than 0–9 or ０–９.
    static func isNumeral(_ c: Unicode.Scalar) -> Bool { !(c.isASCII || (c.value >= 0xFF10 && c.value <= 0xFF19)) }

    /// Separators read between digit groups: 138 1234 5678, 010-12345678, 138，1234，5678, 1 3 8…
    static let separators: Set<Unicode.Scalar> = [" ", "-", "，", ",", "、"]

    static func isASCIILetter(_ c: Unicode.Scalar) -> Bool { (c.value >= 0x41 && c.value <= 0x5A) || (c.value >= 0x61 && c.value <= 0x7A) }

    /// Digit groups (one way of writing digits, no break inside), chained across single
    /// separators; in each chain, the longest joins of consecutive groups that classify as
    /// personal data. Dates, prices and counts never classify.
    func digitRuns(_ chars: [Unicode.Scalar]) -> [(PIIKind, [Int], Set<Int>)] {
        // 1. Groups.
        var groups: [[Int]] = []
        var i = 0
        while i < chars.count {
            guard PIIDetector.digit(chars[i]) != nil else { i += 1; continue }
            let numeral = PIIDetector.isNumeral(chars[i])
            var g: [Int] = []
            while i < chars.count, PIIDetector.digit(chars[i]) != nil, PIIDetector.isNumeral(chars[i]) == numeral {
                g.append(i); i += 1
            }
            // The check character of an ID number.
            if !numeral, g.count == 17, i < chars.count, chars[i] == "X" || chars[i] == "x" { g.append(i); i += 1 }
            // A digit glued to a Latin letter is a code (A042, V12), not a number.
            let glued = g.first.map { $0 > 0 && PIIDetector.isASCIILetter(chars[$0 - 1]) } ?? false
            if !glued { groups.append(g) }
        }
        // 2. Chains of groups one separator apart.
        var chains: [[[Int]]] = []
        for g in groups {
            if let lastGroup = chains.last?.last, let end = lastGroup.last, let first = g.first,
               first == end + 2, PIIDetector.separators.contains(chars[end + 1]) {
                chains[chains.count - 1].append(g)
            } else {
                chains.append([g])
            }
        }
        // 3. The longest classified joins.
        var out: [(PIIKind, [Int], Set<Int>)] = []
        for chain in chains {
            var s = 0
            while s < chain.count {
                var best: (Int, PIIKind, Int, Int, [Int])?
                var positions: [Int] = []
                for e in s..<chain.count {
                    positions += chain[e]
                    if positions.count > 22 { break }
                    var digits = positions.map { PIIDetector.digit(chars[$0]) ?? 10 }
                    var drop = 0
                    // +86 / 0086 before a mobile number.
                    if digits.count == 13, digits.starts(with: [8, 6]) { drop = 2 }
                    if digits.count == 15, digits.starts(with: [0, 0, 8, 6]) { drop = 4 }
                    digits.removeFirst(drop)
                    if let (kind, head, tail) = PIIDetector.classify(digits) { best = (e, kind, head + drop, tail, positions) }
                }
                if let (e, kind, head, tail, positions) = best {
                    let masked = Set(positions.enumerated().filter { $0.offset >= head && $0.offset < positions.count - tail }.map(\.element))
                    out.append((kind, positions, masked))
                    s = e + 1
                } else {
                    s += 1
                }
            }
        }
        return out
    }

    /// The kind of a digit run and how many digits stay visible at each end.
    static func classify(_ d: [Int]) -> (PIIKind, Int, Int)? {
        let n = d.count
        if n == 11, d[0] == 1, (3...9).contains(d[1]) { return (.mobile, 3, 4) }
        if n == 18, validID(d) { return (.idNumber, 4, 4) }
        if (16...19).contains(n), luhn(d) { return (.bankCard, 4, 4) }
        if (10...12).contains(n), d[0] == 0, d[1] != 0 { return (.landline, d[1] == 1 || d[1] == 2 ? 3 : 4, 2) }
        if n == 10, (2...9).contains(d[0]), (2...9).contains(d[3]) { return (.phone, 3, 4) }
        return nil
    }

    /// GB 11643 check digit of an 18-character resident ID (X given as 10).
    static func validID(_ d: [Int]) -> Bool {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        guard d.count == 18, d.prefix(17).allSatisfy({ $0 < 10 }) else { return false }
        let sum = zip(d.prefix(17), weights).reduce(0) { $0 + $1.0 * $1.1 }
        return d[17] == [1, 0, 10, 9, 8, 7, 6, 5, 4, 3, 2][sum % 11]
    }

    static func luhn(_ d: [Int]) -> Bool {
        guard d.allSatisfy({ $0 < 10 }) else { return false }
        var sum = 0
        for (i, v) in d.reversed().enumerated() {
            if i % 2 == 1 { let x = v * 2; sum += x > 9 ? x - 9 : x } else { sum += v }
        }
        return sum % 10 == 0
    }

    // MARK: English digit words

    static let digitWords: [String: Int] = [
        "zero": 0, "oh": 0, "o": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
        "six": 6, "seven": 7, "eight": 8, "nine": 9,
    ]

    /// "five five five one two three four five six seven": digits said as words.
    func wordRuns(_ chars: [Unicode.Scalar]) -> [(PIIKind, [Int], Set<Int>)] {
        // Words with their ranges.
        var words: [(String, Range<Int>)] = []
        var i = 0
        while i < chars.count {
            if PIIDetector.isASCIILetter(chars[i]) {
                var j = i
                while j < chars.count, PIIDetector.isASCIILetter(chars[j]) { j += 1 }
                words.append((String(String.UnicodeScalarView(chars[i..<j])).lowercased(), i..<j))
                i = j
            } else if PIIDetector.digit(chars[i]) != nil && chars[i].isASCII {
                words.append((String(chars[i]), i..<(i + 1)))
                i += 1
            } else {
                i += 1
            }
        }
        var out: [(PIIKind, [Int], Set<Int>)] = []
        var k = 0
        while k < words.count {
            var run: [(Int, Range<Int>)] = []
            var m = k
            while m < words.count, let v = PIIDetector.digitWords[words[m].0] ?? Int(words[m].0) {
                // Only spaces, commas or hyphens between the words.
                if let last = run.last, !chars[last.1.upperBound..<words[m].1.lowerBound].allSatisfy({ $0 == " " || $0 == "," || $0 == "-" }) { break }
                run.append((v, words[m].1))
                m += 1
            }
            let wordCount = run.filter { $0.1.count > 1 }.count
            if run.count >= 7, wordCount >= 3, let (kind, head, tail) = PIIDetector.classify(run.map(\.0)) {
                let positions = Array(run.first!.1.lowerBound..<run.last!.1.upperBound)
                var masked = Set<Int>()
                for (idx, w) in run.enumerated() where idx >= head && idx < run.count - tail { masked.formUnion(w.1) }
                out.append((kind, positions, masked))
                k = m
            } else {
                k = max(m, k + 1)
            }
        }
        return out
    }

    // MARK: e-mail

    func emails(_ chars: [Unicode.Scalar]) -> [(PIIKind, [Int], Set<Int>)] {
        var out: [(PIIKind, [Int], Set<Int>)] = []
        func alnum(_ c: Unicode.Scalar) -> Bool { PIIDetector.isASCIILetter(c) || (c.value >= 0x30 && c.value <= 0x39) }
        func local(_ c: Unicode.Scalar) -> Bool { alnum(c) || c == "." || c == "_" || c == "%" || c == "+" || c == "-" }
        for (i, c) in chars.enumerated() where c == "@" {
            var start = i
            while start > 0, local(chars[start - 1]) { start -= 1 }
            var end = i + 1
            while end < chars.count, alnum(chars[end]) || chars[end] == "." || chars[end] == "-" { end += 1 }
            while end > i + 1, chars[end - 1] == "." { end -= 1 }
            let domain = chars[(i + 1)..<end]
            guard start < i, domain.contains("."), domain.first != "." else { continue }
            out.append((.email, Array(start..<end), Set((start + 1)..<i)))
        }
        return out
    }
}
