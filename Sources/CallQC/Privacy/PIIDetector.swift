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

    /// One character masked: a digit or a letter becomes `*` (a digit word becomes `*` letters).
    static func mask(_ c: Unicode.Scalar) -> Unicode.Scalar { c == " " || c == "-" ? c : "*" }

}
