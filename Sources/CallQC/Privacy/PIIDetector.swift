import CallQCText
/// Kinds of personal data callqc finds in speech.
public enum PIIKind: String, Sendable, Hashable, CaseIterable {
    /// Mainland mobile numbers: 11 digits, 1[3-9]…
    case mobile
    /// Landlines with an area code: 0 + 2–3 digit area code + 7–8 digits.
    case landline
    /// 18-digit resident ID numbers whose check digit is right (or any, after 身份证 / 证件号).
    case idNumber = "id-number"
    /// Bank card numbers: 16–19 digits passing the Luhn check (or any, after 卡号 / 银行卡).
    case bankCard = "bank-card"
    /// E-mail addresses, written (`@`, `＠`) or spoken (`at … dot com`, `艾特…点com`).
    case email
    /// North American phone numbers (10 digits), as English calls say them.
    case phone
    /// QQ numbers (5–11 digits after QQ / 扣扣).
    case qq
    /// WeChat ids (letters, digits, `_`, `-`, 6–20 characters after 微信号).
    case wechat
    /// Account numbers (after 账号 / 账户 / account number).
    case account
    /// Passwords (after 密码 / password).
    case password

    /// What a reviewer reads.
    public var label: String {
        switch self {
        case .mobile: return "手机号 mobile number"
        case .landline: return "固定电话 landline"
        case .idNumber: return "身份证号 ID number"
        case .bankCard: return "银行卡号 bank card"
        case .email: return "邮箱 e-mail"
        case .phone: return "phone number"
        case .qq: return "QQ号 QQ number"
        case .wechat: return "微信号 WeChat id"
        case .account: return "账号 account number"
        case .password: return "密码 password"
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
    /// The context word that made it personal data where its pattern or checksum alone would
    /// not (身份证, 卡号, QQ, 微信号, 密码…); nil when the pattern says so.
    public var context: String? = nil
    /// An ID or card number whose checksum failed, counted because of its context.
    public var checksumFailed: Bool = false
    /// For a number split across turns (``PIIDetector/find(inTurns:)``): the index of the turn
    /// that holds the other part.
    public var otherTurn: Int? = nil

    /// Why it counts, beyond its kind: "checksum failed; masked by its context", "masked by its
    /// context (微信号)"; nil for a match by pattern and checksum.
    public var note: String? {
        if checksumFailed { return "checksum failed; masked by its context" }
        if let c = context, kind != .idNumber && kind != .bankCard { return "masked by its context (\(c))" }
        if let c = context { return "no checksum to check; masked by its context (\(c))" }
        return nil
    }
}

/// Finds personal data in text: digits written as ASCII, full-width, Chinese numerals
/// the way recognisers write them (幺三八幺二三四五六七八), both mixed (13八1234五678), or
/// English digit words (five five five…), with spaces, hyphens, dots, slashes or parentheses
/// between groups. Checksums keep random digit runs out; the words before a number raise
/// it (身份证, 卡号, QQ, 微信号, 密码…) or lower it (订单, 快递, 客服热线, 比如, prices);
/// dates, public service numbers and amounts are never matched. See docs/privacy.md.
public struct PIIDetector: Sendable {
    public var kinds: Set<PIIKind>

    public init(kinds: Set<PIIKind> = Set(PIIKind.allCases)) { self.kinds = kinds }

    /// Every match, in order.
    public func find(in text: String) -> [PIIMatch] {
        // Most texts hold no run of ten digits, no run of ten digit words, no '@', no spoken
        // "at … dot" and no context word: one pass over the scalars decides (see ``Gate``).
        find(in: text, gate: Gate(text))
    }

    func find(in text: String, gate: Gate) -> [PIIMatch] {
        if !gate.mayHold { return [] }
        let chars = Array(text.unicodeScalars)
        return matches(scan(chars, latin: !gate.han), chars)
    }

    /// The text with every match masked.
    public func redact(_ text: String) -> String {
        PIIDetector.apply(find(in: text), to: text)
    }

    /// A text with the given matches (of this text) masked.
    public static func apply(_ matches: [PIIMatch], to text: String) -> String {
        if matches.isEmpty { return text }
        var scalars = Array(text.unicodeScalars)
        for m in matches {
            let masked = Array(m.masked.unicodeScalars)
            if masked.count == m.span.count, m.span.upperBound <= scalars.count { scalars.replaceSubrange(m.span, with: masked) }
        }
        return String(String.UnicodeScalarView(scalars))
    }

    /// A finding's evidence masked on its own: what ``redact(_:)`` masks, and, where that finds
    /// nothing (a part of a number split across turns, a number raised by a context word that
    /// the evidence does not quote), every digit but the last two.
    public func maskEvidence(_ text: String) -> String {
        let r = redact(text)
        if r != text { return r }
        let chars = Array(text.unicodeScalars)
        let digits = chars.indices.filter { PIIDetector.digit(chars[$0]) != nil || PIIDetector.isASCIILetter(chars[$0]) }
        if digits.count < 3 { return text }
        var out = chars
        for p in digits.dropLast(2) { out[p] = "*" }
        return String(String.UnicodeScalarView(out))
    }

    /// A found piece: the kind, the scalar positions it covers (in order), those to mask.
    struct Hit {
        var kind: PIIKind
        var positions: [Int]
        var masked: Set<Int>
        var context: String? = nil
        var checksumFailed = false
        var first: Int { positions.first! }
        var last: Int { positions.last! }
    }

    func matches(_ hits: [Hit], _ chars: [Unicode.Scalar]) -> [PIIMatch] {
        hits.map { h in
            let lo = h.first, hi = h.last + 1
            var piece = Array(chars[lo..<hi])
            for p in h.masked where p >= lo && p < hi { piece[p - lo] = PIIDetector.mask(piece[p - lo]) }
            return PIIMatch(kind: h.kind, span: lo..<hi, text: String(String.UnicodeScalarView(chars[lo..<hi])),
                            masked: String(String.UnicodeScalarView(piece)), context: h.context, checksumFailed: h.checksumFailed)
        }
    }

    /// All detectors over the scalars, overlaps resolved (the earlier, then the longer, wins).
    /// `latin`: the text holds no Han characters (North American numbers are looked for).
    func scan(_ chars: [Unicode.Scalar], latin: Bool) -> [Hit] {
        // An address given as an example (比如, 例如, for example) is no one's.
        var found = emails(chars).filter { !PIIContext.before(chars, $0.first).example }
        found += digitRuns(chars, latin: latin)
        found += wordRuns(chars)
        found += contextTokens(chars)
        found += areaCodes(chars)
        found.sort { $0.first != $1.first ? $0.first < $1.first : $0.last > $1.last }
        var out: [Hit] = []
        for h in found where kinds.contains(h.kind) {
            if let prev = out.last, h.first <= prev.last { continue }
            out.append(h)
        }
        return out
    }

    /// What one pass over a text tells: whether it may hold an e-mail address (written or
    /// spoken), a context word (身份证, 卡号, 账号, 密码, QQ, 扣扣, 微信…), Han characters, and
    /// upper bounds of the longest digit run and digit-word run the detectors could find.
    /// Every kind of number without a context word needs ten digits at least (a 10-digit
    /// landline or NANP phone), so a text without a chain of ten, an '@' or a context word is
    /// skipped. The bounds are loose on purpose (any digits, at most two separators between
    /// them; digit words and digits with only spaces, commas or hyphens between them, three
    /// words among them at least): a text the detectors would match always passes.
    struct Gate {
        var at = false
        var longestDigitChain = 0
        var longestWordChain = 0
        /// "at" and "dot", or 艾特 and 点, "dot" or ".": a spoken e-mail address may be there.
        var spoken = false
        /// A character or word of a context that raises a number (证 卡 账 帐 密 扣 微, qq, password…).
        var context = false
        var han = false

        /// 微 (微信), 密 (密码), wechat, password: an id or a password of letters may follow.
        var tokenContext = false
        /// The longest run of ASCII letters, digits, '_' and '-'.
        var longestTokenRun = 0

        /// Whether the detectors may find anything: ten digits, an '@', a spoken address, or a
        /// context word with four digits (a QQ number, a password) or a token of letters and digits.
        var mayHold: Bool {
            at || spoken || longestDigitChain >= 10 || longestWordChain >= 10
                || (context && longestDigitChain >= 4) || (tokenContext && longestTokenRun >= 4)
        }

        init(_ text: String) {
            var text = text
            self = text.withUTF8 { Gate(utf8: $0) }
        }

        /// One pass over valid UTF-8, decoding scalars by hand (the scalar view's iterator
        /// costs several times more per character).
        init(utf8 p: UnsafeBufferPointer<UInt8>) {
            var digitChain = 0, gap = 0, gapAllSeparators = true, gapMarks = 0
            var wordChain = 0, wordGapOK = true
            var packed: UInt64 = 0, letters = 0
            var longestDigitChain = 0, longestWordChain = 0, at = false
            var wordsInChain = 0
            var atWord = false, dotWord = false, aiTe = false, dian = false, period = false, context = false, han = false, tokenContext = false, tokenRun = 0, longestTokenRun = 0
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
            @inline(__always) func endLetters() {
                let word = letters <= 5 && Gate.isDigitWord(packed)
                endToken(word, isWord: word)
                if letters == 2 && packed == 0x6174 { atWord = true }               // at
                else if letters == 3 && packed == 0x646F74 { dotWord = true }       // dot
                else if letters == 2 && packed == 0x7171 { context = true }         // qq
                else if letters >= 6 && letters <= 8 && Gate.contextWords.contains(packed) {
                    context = true
                    if packed != Gate.accountCode { tokenContext = true }
                }
                packed = 0; letters = 0
            }
            var i = 0
            let n = p.count
            while i < n {
                let (v, length) = UTF8Scalar.decode(p, at: i)
                i += length
                // Runs of letters, digits (numerals too), '_', '-' and a password's symbols: a WeChat id or a password.
                if (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39) || v == 0x5F || v == 0x2D
                    || v == 0x40 || v == 0x23 || v == 0x24 || v == 0x25 || v == 0x26 || v == 0x2A || v == 0x21 || v == 0x2E || v == 0x2B || v == 0x3D
                    || (v >= 0x3007 && PIIDetector.digit(Unicode.Scalar(v) ?? " ") != nil) {
                    tokenRun += 1
                    if tokenRun > longestTokenRun { longestTokenRun = tokenRun }
                } else {
                    tokenRun = 0
                }
                if (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) {
                    if letters < 8 { packed = packed << 8 | UInt64(v | 0x20) }
                    letters += 1
                    gap += 1
                    gapAllSeparators = false
                    continue
                }
                if letters > 0 { endLetters() }
                if (v >= 0x30 && v <= 0x39) || (v >= 0x3007 && PIIDetector.digit(Unicode.Scalar(v) ?? " ") != nil) {
                    digitChain = gap == 0 || (gapAllSeparators && (gap <= 2 || (gap == 3 && gapMarks <= 1))) ? digitChain + 1 : 1
                    longestDigitChain = max(longestDigitChain, digitChain)
                    gap = 0
                    gapAllSeparators = true
                    gapMarks = 0
                    if v < 0x80 { endToken(true, isWord: false) } else { wordChain = 0; wordsInChain = 0 }
                    continue
                }
                gap += 1
                // The separators of ``PIIDetector/isSeparator(_:)``.
                if !PIIDetector.isSeparator(v) { gapAllSeparators = false }
                if v != 0x20 && v != 0x3000 && v != 0xA0 { gapMarks += 1 }
                if v == 0x40 || v == 0xFF20 { at = true }
                if v == 0x2E || v == 0xFF0E { period = true }
                if v >= 0x4E00 && v <= 0x9FFF {
                    han = true
                    switch v {
                    case 0x8BC1, 0x8B49, 0x5361, 0x8D26, 0x8CEC, 0x5E10, 0x6263, 0x533A, 0x5340: context = true   // 证 證 卡 账 賬 帐 扣 区 區
                    case 0x5BC6, 0x5FAE: context = true; tokenContext = true       // 密 微
                    case 0x827E: aiTe = true                                                    // 艾(特)
                    case 0x70B9: dian = true                                                    // 点
                    default: break
                    }
                }
                if v != 0x20 && v != 0x2C && v != 0x2D { wordGapOK = false }
            }
            if letters > 0 { endLetters() }
            self.at = at
            self.longestDigitChain = longestDigitChain
            self.longestWordChain = longestWordChain
            self.spoken = (atWord && dotWord) || (aiTe && (dian || dotWord || period))
            self.context = context
            self.han = han
            self.tokenContext = tokenContext
            self.longestTokenRun = longestTokenRun
        }

        /// `zero`, `oh`, `o`, `one` … `nine`, lower case, packed one letter a byte.
        static func isDigitWord(_ packed: UInt64) -> Bool { digitWordCodes.contains(packed) }

        static let digitWordCodes: [UInt64] = PIIDetector.digitWords.keys.map(pack)

        /// password, passcode, account, wechat (six to eight letters, packed).
        static let contextWords: [UInt64] = ["password", "passcode", "account", "wechat"].map(pack)

        static let accountCode = pack("account")

        static func pack(_ word: String) -> UInt64 { word.utf8.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
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

    /// Separators read between digit groups (one or two of them): 138 1234 5678, 010-12345678,
    /// 138，1234，5678, 138　1234, 138－1234, 138.1234, 138/1234, (0755) 8888, （010）1234…
    @inline(__always)
    static func isSeparator(_ v: UInt32) -> Bool {
        switch v {
        case 0x20, 0x2D, 0x2C, 0x2E, 0x2F, 0x28, 0x29, 0xFF0C, 0x3001, 0x3000, 0xFF0D, 0xFF08, 0xFF09, 0x2010, 0x2011, 0x2013, 0x2014, 0xA0: return true
        default: return false
        }
    }

    /// Whether the Latin letters right before `start` form a word (two letters at least, in
    /// lower case but perhaps the first: is, tel, Mobile) rather than a code (A, SF, JDVA, gZ).
    static func followsWord(_ chars: [Unicode.Scalar], _ start: Int) -> Bool {
        var p = start - 1
        var count = 0
        while p >= 0, isASCIILetter(chars[p]) {
            let upper = chars[p].value <= 0x5A
            if upper && p > 0 && isASCIILetter(chars[p - 1]) { return false }
            count += 1
            p -= 1
        }
        return count >= 2
    }

    static func isASCIILetter(_ c: Unicode.Scalar) -> Bool { (c.value >= 0x41 && c.value <= 0x5A) || (c.value >= 0x61 && c.value <= 0x7A) }
    static func isASCIIDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }

    /// A run of digits written one way (ASCII and full-width, or Chinese numerals).
    struct Group {
        var positions: [Int]
        var numeral: Bool
        /// The separator scalars between this group and the one before it in its chain (empty:
        /// adjacent, the writing changes, as in 13八1234).
        var gapBefore: [Unicode.Scalar] = []
        var value: [Int] = []
        var date = false
    }

    /// Digit groups (one way of writing digits, no break inside), chained across one or two
    /// separators or a change of writing; dates and public service numbers taken out; in each
    /// chain, the longest joins of consecutive groups that classify as personal data, unless
    /// the words around lower them; a chain after a context word (身份证, 卡号, QQ…) that
    /// classifies as nothing is raised.
    func digitRuns(_ chars: [Unicode.Scalar], latin: Bool) -> [Hit] {
        // 1. Groups, chained.
        var chains: [[Group]] = []
        var i = 0
        var lastEnd = -10
        while i < chars.count {
            guard PIIDetector.digit(chars[i]) != nil else { i += 1; continue }
            let numeral = PIIDetector.isNumeral(chars[i])
            var g = Group(positions: [], numeral: numeral)
            while i < chars.count, let d = PIIDetector.digit(chars[i]), PIIDetector.isNumeral(chars[i]) == numeral {
                g.positions.append(i); g.value.append(d); i += 1
            }
            // The check character of an ID number: X after the 17th digit.
            if !numeral, i < chars.count, chars[i] == "X" || chars[i] == "x", i + 1 >= chars.count || !PIIDetector.isASCIILetter(chars[i + 1]),
               g.positions.count == 17 || chainDigits(chains, lastEnd: lastEnd, start: g.positions[0], chars) + g.positions.count == 17 {
                g.positions.append(i); g.value.append(10); i += 1
            }
            // A digit glued to a Latin letter is a code (A042, V12, SF1402…), not a number;
            // glued to a word in lower case it is one (my number is13812345678, tel138…).
            let first = g.positions[0]
            if first > 0 && PIIDetector.isASCIILetter(chars[first - 1]) && !numeral && !PIIDetector.followsWord(chars, first) {
                lastEnd = -10
                continue
            }
            if lastEnd >= 0, PIIDetector.joins(chars, lastEnd, first), !chains.isEmpty {
                g.gapBefore = Array(chars[(lastEnd + 1)..<first])
                chains[chains.count - 1].append(g)
            } else {
                chains.append([g])
            }
            lastEnd = g.positions.last!
        }
        var out: [Hit] = []
        for chain in chains {
            for piece in PIIDetector.removeDatesAndPublic(chain) {
                out += classifyChain(piece, chars, latin: latin)
            }
        }
        return out
    }

    /// Digits so far in the chain that a group starting at `start` would join.
    private func chainDigits(_ chains: [[Group]], lastEnd: Int, start: Int, _ chars: [Unicode.Scalar]) -> Int {
        guard lastEnd >= 0, let chain = chains.last else { return 0 }
        guard PIIDetector.joins(chars, lastEnd, start) else { return 0 }
        return chain.reduce(0) { $0 + $1.positions.count }
    }

    /// Whether digits at `end` and `start` belong to one number: adjacent, or one or two
    /// separators between them, or three with one mark among spaces (`0 2 1 - 6 4 5`).
    static func joins(_ chars: [Unicode.Scalar], _ end: Int, _ start: Int) -> Bool {
        let gap = start - end - 1
        if gap == 0 { return true }
        guard gap <= 3, chars[(end + 1)..<start].allSatisfy({ isSeparator($0.value) }) else { return false }
        return gap <= 2 || chars[(end + 1)..<start].filter({ $0 != " " && $0 != "\u{3000}" && $0.value != 0xA0 }).count <= 1
    }

    /// Public numbers said on their own (10086, 12315, 95588, 110…): never joined to other groups.
    static let publicShort: Set<[Int]> = {
        var s: Set<[Int]> = []
        for n in ["10086", "10010", "10000", "10011", "10015", "10018", "10060", "10099", "12315", "12345", "12306", "12333",
                  "12358", "12366", "12321", "12318", "12369", "12365", "110", "120", "119", "122", "114", "12110", "12395"] {
            s.insert(n.unicodeScalars.map { Int($0.value - 0x30) })
        }
        return s
    }()

    static func isPublicShort(_ v: [Int]) -> Bool {
        if publicShort.contains(v) { return true }
        // 95xxx and 96xxx service numbers (95588, 95533, 96110…).
        if (v.count == 5 || v.count == 6), v[0] == 9, v[1] == 5 || v[1] == 6 { return true }
        return false
    }

    /// The chain without its dates and times (2014-01-31 00:21, 2016-07-24-08, 31/01/2014) and
    /// public short numbers, split where they were.
    static func removeDatesAndPublic(_ chain: [Group]) -> [[Group]] {
        var g = chain
        func num(_ k: Int) -> Int { g[k].value.reduce(0) { $0 * 10 + min($1, 9) } }
        func year(_ k: Int) -> Bool { k < g.count && g[k].value.count == 4 && (1900...2099).contains(num(k)) }
        func adjacent(_ k: Int) -> Bool { k > 0 && g[k].gapBefore.isEmpty }
        func small(_ k: Int, _ range: ClosedRange<Int>) -> Bool { k < g.count && !adjacent(k) && (1...2).contains(g[k].value.count) && range.contains(num(k)) }
        func dateSep(_ k: Int) -> Bool { g[k].gapBefore.count == 1 && ["-", "/", ".", "－"].contains(g[k].gapBefore[0]) }
        var k = 0
        while k < g.count {
            if year(k), !adjacent(k), small(k + 1, 1...12), dateSep(k + 1) {
                g[k].date = true; g[k + 1].date = true
                var m = k + 2
                if small(m, 1...31), dateSep(m) { g[m].date = true; m += 1 }
                // Hours, minutes, seconds after the date.
                var extra = 0
                while extra < 3, small(m, 0...59) { g[m].date = true; m += 1; extra += 1 }
                k = m
                continue
            }
            if small(k, 1...31), small(k + 1, 1...12), dateSep(k + 1), year(k + 2), !adjacent(k + 2), dateSep(k + 2) {
                g[k].date = true; g[k + 1].date = true; g[k + 2].date = true
                k += 3
                continue
            }
            if isPublicShort(g[k].value), !adjacent(k), k + 1 >= g.count || !adjacent(k + 1) {
                g[k].date = true
            }
            k += 1
        }
        var pieces: [[Group]] = [[]]
        for x in g {
            if x.date { if !pieces[pieces.count - 1].isEmpty { pieces.append([]) } } else { pieces[pieces.count - 1].append(x) }
        }
        return pieces.filter { !$0.isEmpty }
    }

    /// The longest classified joins of a chain's groups, lowered or raised by their context.
    func classifyChain(_ chain: [Group], _ chars: [Unicode.Scalar], latin: Bool) -> [Hit] {
        var out: [Hit] = []
        let context = PIIContext.before(chars, chain[0].positions[0])
        let after = PIIContext.after(chars, chain[chain.count - 1].positions.last!)
        // North American numbers in a quote of English speech inside Chinese text: no Han
        // character near the number.
        let lo = chain[0].positions[0], hi = chain[chain.count - 1].positions.last!
        let localLatin = !latin && !PIIDetector.hasHan(Array(chars[max(0, lo - 12)..<lo])) && !PIIDetector.hasHan(Array(chars[(hi + 1)..<min(chars.count, hi + 13)]))
        // No number is read from the middle of a dotted one of three parts or more (10.0.19041.1234,
        // a version; 192.168.100.100); 1.13812345678 (a list's first item) is read.
        let dotted = chain.count >= 3 && chain.dropFirst().allSatisfy { $0.gapBefore.count == 1 && ($0.gapBefore[0] == "." || $0.gapBefore[0] == "．") }
        var s = 0
        while s < chain.count {
            if s > 0, dotted { break }
            var best: (Int, PIIKind, Int, Int, [Int])?
            var publicNumber: Int?
            var positions: [Int] = []
            var digitsSoFar: [Int] = []
            // 1-800-555-0175: a North American number after its country code.
            let countryOne = (latin || localLatin) && chain[s].value == [1] && s + 1 < chain.count && !chain[s + 1].gapBefore.isEmpty
            for e in s..<chain.count {
                positions += chain[e].positions
                digitsSoFar += chain[e].value
                if positions.count > 22 { break }
                var digits = digitsSoFar
                var drop = 0
                if countryOne, digits.count == 11 {
                    if let (kind, head, tail) = PIIDetector.classify(Array(digits.dropFirst()), latin: true), kind == .phone {
                        // 1 3 8 1 2 3 4 5 6 7 8 reads as +1 381… and as a mobile: mask as much as
                        // a mobile's mask does (138****5678), not 1381***5678.
                        // Grouped as North American numbers are (1 555 212 3456), it is one.
                        let sizes = chain[s...e].map(\.positions.count)
                        let grouped = sizes == [1, 3, 3, 4] || sizes == [1, 3, 7] || sizes == [1, 10]
                        let mobileToo = !grouped && PIIDetector.classify(digits, latin: false)?.0 == .mobile
                        best = (e, kind, mobileToo ? 3 : head + 1, tail, positions)
                    } else if PIIDetector.isTollFree(Array(digits.dropFirst())) {
                        best = nil
                        publicNumber = e
                    }
                    continue
                }
                // +86 / 0086 before a mobile number.
                if digits.count == 13, digits.starts(with: [8, 6]) { drop = 2 }
                if digits.count == 15, digits.starts(with: [0, 0, 8, 6]) { drop = 4 }
                digits.removeFirst(drop)
                if let (kind, head, tail) = PIIDetector.classify(digits, latin: latin || localLatin) { best = (e, kind, head + drop, tail, positions) }
            }
            if let (e, kind, head, tail, positions) = best {
                let groups = Array(chain[s...e])
                let endsChain = e == chain.count - 1
                if !PIIContext.lowers(context, after: endsChain ? after : nil, kind: kind, groups: groups, chars: chars) {
                    let masked = Set(positions.enumerated().filter { $0.offset >= head && $0.offset < positions.count - tail }.map(\.element))
                    var hit = Hit(kind: kind, positions: positions, masked: masked)
                    // 18 digits after 身份证 that happen to pass the Luhn check: an ID number with a wrong check digit.
                    if kind == .bankCard, positions.count == 18, case .raise(let word, .idNumber) = context.decision {
                        hit.kind = .idNumber; hit.context = word; hit.checksumFailed = true
                    }
                    out.append(hit)
                }
                s = e + 1
                continue
            }
            if let e = publicNumber { s = e + 1; continue }
            // Nothing classifies from here: a context word before the chain may raise it.
            if s == 0, !context.example, case .raise(let word, let kind) = context.decision, let hit = raise(chain, word: word, kind: kind, after: after) {
                out.append(hit)
                s = chain.count
                continue
            }
            s += 1
        }
        return out
    }

    /// A chain raised by a context word: its groups while they read as one number (spaces and
    /// hyphens between them), when the length fits the kind.
    func raise(_ chain: [Group], word: String, kind: PIIKind, after: PIIContext.After) -> Hit? {
        var groups = [chain[0]]
        for g in chain.dropFirst() {
            guard g.gapBefore.allSatisfy({ $0 == " " || $0 == "-" || $0 == "\u{3000}" || $0 == "－" || $0.value == 0xA0 }) else { break }
            groups.append(g)
        }
        let positions = groups.flatMap(\.positions)
        let digits = groups.flatMap(\.value)
        let n = digits.count
        if after.amount && groups.count == chain.count { return nil }
        var failed = false
        switch kind {
        case .idNumber:
            guard (14...18).contains(n) else { return nil }
            failed = !(n == 18 && PIIDetector.validID(digits))
        case .bankCard:
            guard (10...19).contains(n), !digits.contains(10) else { return nil }
            failed = !PIIDetector.luhn(digits)
        case .account, .wechat:
            guard (6...20).contains(n), !digits.contains(10) else { return nil }
        case .password:
            guard (4...20).contains(n), !digits.contains(10) else { return nil }
        case .qq:
            guard (5...11).contains(n), digits[0] != 0, !digits.contains(10) else { return nil }
        default:
            return nil
        }
        let (head, tail) = PIIDetector.raisedMask(kind, n)
        let masked = Set(positions.enumerated().filter { $0.offset >= head && $0.offset < n - tail }.map(\.element))
        return Hit(kind: kind, positions: positions, masked: masked, context: word, checksumFailed: failed)
    }

    /// Digits kept visible at each end of a raised number.
    static func raisedMask(_ kind: PIIKind, _ n: Int) -> (Int, Int) {
        switch kind {
        case .idNumber, .bankCard: return n >= 12 ? (4, 4) : (2, 2)
        case .account: return n >= 10 ? (0, 4) : (0, 2)
        case .qq: return (0, 2)
        case .wechat: return (1, 0)
        default: return (0, 0)
        }
    }

    /// The kind of a digit run and how many digits stay visible at each end. North American
    /// numbers only in texts without Han characters; toll-free and 400/800 numbers are public.
    static func classify(_ d: [Int], latin: Bool = true) -> (PIIKind, Int, Int)? {
        let n = d.count
        if d.contains(10) && n != 18 { return nil }
        // 13800138000: China Mobile's service line, and everyone's example number.
        if d == PIIDetector.chinaMobileService { return nil }
        if n == 11, d[0] == 1, (3...9).contains(d[1]) { return (.mobile, 3, 4) }
        if n == 18, validID(d) { return (.idNumber, 4, 4) }
        if (16...19).contains(n), luhn(d) { return (.bankCard, 4, 4) }
        if (10...12).contains(n), d[0] == 0, d[1] != 0 { return (.landline, d[1] == 1 || d[1] == 2 ? 3 : 4, 2) }
        if n == 10, latin, (2...9).contains(d[0]), (2...9).contains(d[3]), !isTollFree(d) { return (.phone, 3, 4) }
        return nil
    }

    static let chinaMobileService = [1, 3, 8, 0, 0, 1, 3, 8, 0, 0, 0]

    /// 800, 888, 877, 866, 855, 844, 833 numbers (and China's 400 numbers): public.
    static func isTollFree(_ d: [Int]) -> Bool {
        guard d.count >= 3 else { return false }
        let area = d[0] * 100 + d[1] * 10 + d[2]
        return [800, 888, 877, 866, 855, 844, 833, 400].contains(area)
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
    func wordRuns(_ chars: [Unicode.Scalar]) -> [Hit] {
        // Words with their ranges.
        var words: [(String, Range<Int>)] = []
        var i = 0
        var sawWord = false
        while i < chars.count {
            if PIIDetector.isASCIILetter(chars[i]) {
                var j = i
                while j < chars.count, PIIDetector.isASCIILetter(chars[j]) { j += 1 }
                let w = String(String.UnicodeScalarView(chars[i..<j])).lowercased()
                if PIIDetector.digitWords[w] != nil { sawWord = true }
                words.append((w, i..<j))
                i = j
            } else if PIIDetector.isASCIIDigit(chars[i]) {
                words.append((String(chars[i]), i..<(i + 1)))
                i += 1
            } else {
                i += 1
            }
        }
        if !sawWord { return [] }
        var out: [Hit] = []
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
                let context = PIIContext.before(chars, positions[0])
                if !PIIContext.lowers(context, after: PIIContext.after(chars, positions.last!), kind: kind, groups: [], chars: chars) {
                    out.append(Hit(kind: kind, positions: positions, masked: masked))
                }
                k = m
            } else {
                k = max(m, k + 1)
            }
        }
        return out
    }
}
