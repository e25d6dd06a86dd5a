extension PIIDetector {
    // MARK: e-mail

    static let topLevelDomains: Set<String> = ["com", "net", "org", "cn", "edu", "gov", "io", "co", "info", "me", "hk", "tw", "uk", "us", "biz", "top", "xyz", "cc"]
    static let localStopWords: Set<String> = ["is", "my", "email", "mail", "e", "address", "its", "it's", "the", "to", "at", "me", "send", "and", "or", "it", "s", "was", "be", "your", "use"]

    @inline(__always) static func alnum(_ c: Unicode.Scalar) -> Bool { isASCIILetter(c) || isASCIIDigit(c) }

    /// A full-width ASCII character (ｑ, ８, ＠, ．) as its ASCII form.
    @inline(__always) static func narrow(_ c: Unicode.Scalar) -> Unicode.Scalar {
        c.value >= 0xFF01 && c.value <= 0xFF5E ? Unicode.Scalar(c.value - 0xFEE0)! : c
    }

    /// Written addresses (`@` or full-width `＠`) and spoken ones: `zhang at qq dot com`,
    /// `张三艾特qq点com`, `zhangsan 艾特 163 点 com`.
    func emails(_ chars: [Unicode.Scalar]) -> [Hit] {
        var out: [Hit] = []
        func local(_ c: Unicode.Scalar) -> Bool { let c = PIIDetector.narrow(c); return PIIDetector.alnum(c) || c == "." || c == "_" || c == "%" || c == "+" || c == "-" }
        func domainChar(_ c: Unicode.Scalar) -> Bool { let c = PIIDetector.narrow(c); return PIIDetector.alnum(c) || c == "." || c == "-" }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "@" || c == "＠" {
                var start = i
                while start > 0, i - start < 64, local(chars[start - 1]) { start -= 1 }
                var end = i + 1
                while end < chars.count, end - i < 255, domainChar(chars[end]) { end += 1 }
                while end > i + 1, chars[end - 1] == "." || chars[end - 1] == "．" { end -= 1 }
                let domain = chars[(i + 1)..<end]
                if start < i, domain.contains(where: { $0 == "." || $0 == "．" }), domain.first != ".", domain.first != "．" {
                    out.append(Hit(kind: .email, positions: Array(start..<end), masked: Set((start + 1)..<i)))
                    i = end
                    continue
                }
            } else if let (atStart, atEnd) = spokenAt(chars, i) {
                if let hit = spokenEmail(chars, atStart: atStart, atEnd: atEnd) {
                    out.append(hit)
                    i = hit.last + 1
                    continue
                }
            }
            i += 1
        }
        return out
    }

    /// " at " (a word) or 艾特 at `i`: the range of the word.
    func spokenAt(_ chars: [Unicode.Scalar], _ i: Int) -> (Int, Int)? {
        let c = chars[i]
        if c == "艾", i + 1 < chars.count, chars[i + 1] == "特" { return (i, i + 2) }
        if c == "a" || c == "A", i + 1 < chars.count, chars[i + 1] == "t" || chars[i + 1] == "T",
           i > 0, chars[i - 1] == " ", i + 2 < chars.count, chars[i + 2] == " " { return (i, i + 2) }
        return nil
    }

    /// A spoken address around the "at" word: a local part before, a domain of labels joined
    /// by "dot", 点 or "." ending with a known top-level domain after.
    func spokenEmail(_ chars: [Unicode.Scalar], atStart: Int, atEnd: Int) -> Hit? {
        let n = chars.count
        func skipSpaces(_ p: Int) -> Int { var p = p; while p < n, chars[p] == " " || chars[p] == "\u{3000}" { p += 1 }; return p }
        func label(_ p: Int) -> (String, Int)? {
            var q = p
            while q < n, q - p < 63, PIIDetector.alnum(chars[q]) || chars[q] == "-" || chars[q] == "_" || (PIIDetector.digit(chars[q]) != nil && chars[q] != "点") { q += 1 }
            return q > p ? (String(String.UnicodeScalarView(chars[p..<q])).lowercased(), q) : nil
        }
        func dot(_ p: Int) -> Int? {
            let p = skipSpaces(p)
            guard p < n else { return nil }
            // After 艾特: 点, "dot" or "."; after "at": "dot" only (as the gate expects).
            if chars[atStart] == "艾", chars[p] == "." || chars[p] == "点" || chars[p] == "．" { return skipSpaces(p + 1) }
            if p + 3 <= n, String(String.UnicodeScalarView(chars[p..<(p + 3)])).lowercased() == "dot", p + 3 < n, chars[p + 3] == " " { return skipSpaces(p + 3) }
            return nil
        }
        // The domain.
        guard let (_, q0) = label(skipSpaces(atEnd)) else { return nil }
        var q = q0, labels = 1
        var domainEnd: Int?
        while labels <= 5, let next = dot(q), let (l, q2) = label(next) {
            q = q2; labels += 1
            if PIIDetector.topLevelDomains.contains(l) { domainEnd = q2 }
        }
        guard let end = domainEnd else { return nil }
        // The local part: ASCII words (joined by "dot" or "underscore" as said, one space
        // apart), or a few Han characters before 艾特.
        var start = atStart
        var p = atStart
        var words = 0
        while words < 4 {
            var e = p
            while e > 0, chars[e - 1] == " " { e -= 1 }
            var s = e
            while s > 0, e - s < 64, PIIDetector.alnum(chars[s - 1]) || chars[s - 1] == "." || chars[s - 1] == "_" || chars[s - 1] == "-" { s -= 1 }
            if s == e { break }
            let w = String(String.UnicodeScalarView(chars[s..<e])).lowercased()
            if PIIDetector.localStopWords.contains(w) { break }
            start = s; p = s; words += 1
            if s == 0 || chars[s - 1] != " " { break }
        }
        if start == atStart, chars[atStart] == "艾" {
            var s = atStart
            let stops: Set<Unicode.Scalar> = ["是", "为", "叫", "：", ":", "的", "箱", "址", "件", "，", ",", " ", "。"]
            while s > 0, atStart - s < 4, chars[s - 1].value >= 0x4E00, chars[s - 1].value <= 0x9FFF, !stops.contains(chars[s - 1]) { s -= 1 }
            start = s
        }
        guard start < atStart else { return nil }
        let positions = Array(start..<end)
        let masked = Set((start + 1)..<atStart).filter { chars[$0] != " " }
        return Hit(kind: .email, positions: positions, masked: masked)
    }

    // MARK: ids and passwords after their word

    /// What may stand between 微信号 / 密码 and the id: 号, 是, 为, 叫, 码, a colon, spaces, quotes, particles.
    /// Symbols inside a password (abc@2024, Pa$$w0rd).
    static let passwordSymbols: Set<Unicode.Scalar> = ["@", "#", "$", "%", "&", "*", "!", ".", "+", "="]

    static let tokenFillers: Set<Unicode.Scalar> = ["号", "號", "是", "为", "為", "叫", "码", "碼", "呢", "啊", "嗯", "就", "的", "我", "也",
                                                    "：", ":", " ", "　", "「", "」", "“", "”", "\"", "'", "，", ","]

    /// wechat, password and passcode, packed as ``Gate/pack(_:)`` packs them.
    static let wechatCode = Gate.pack("wechat"), passwordCode = Gate.pack("password"), passcodeCode = Gate.pack("passcode")

    /// WeChat ids (a letter, then letters, digits, `_`, `-`: 6–20 characters) after 微信 / 微信号 /
    /// wechat, and passwords with letters and digits after 密码 / password. Digits alone are
    /// ``digitRuns(_:latin:)``'s.
    func contextTokens(_ chars: [Unicode.Scalar]) -> [Hit] {
        var out: [Hit] = []
        let n = chars.count
        var i = 0
        while i < n {
            var kind: PIIKind?
            var word = ""
            var end = i
            let c = chars[i]
            if c == "微", i + 1 < n, chars[i + 1] == "信" { kind = .wechat; word = "微信"; end = i + 2 }
            else if c == "密", i + 1 < n, chars[i + 1] == "码" { kind = .password; word = "密码"; end = i + 2 }
            else if PIIDetector.isASCIILetter(c), i == 0 || !PIIDetector.isASCIILetter(chars[i - 1]) {
                var e = i
                while e < n, PIIDetector.isASCIILetter(chars[e]), e - i < 10 { e += 1 }
                // The word in lower case, packed a letter a byte (no String made for every word of the text).
                let length = e - i
                var packed: UInt64 = 0
                if length == 6 || length == 8 { for x in i..<e { packed = packed << 8 | UInt64(chars[x].value | 0x20) } }
                if length == 6 && packed == PIIDetector.wechatCode { kind = .wechat; word = "WeChat"; end = e }
                else if length == 8 && (packed == PIIDetector.passwordCode || packed == PIIDetector.passcodeCode) { kind = .password; word = "password"; end = e }
                else { i = e; continue }
            }
            guard let k = kind else { i += 1; continue }
            // Up to eight scalars of 号, 是, ：, "id is"… before the token.
            var p = end
            var skipped = 0
            while p < n, skipped < 8, PIIDetector.tokenFillers.contains(chars[p]) { p += 1; skipped += 1 }
            for filler in ["id", "is", "id is"] {
                let f = Array(filler.unicodeScalars)
                if p + f.count < n, Array(chars[p..<(p + f.count)]).map(PIIContext.lower) == f, chars[p + f.count] == " " {
                    p += f.count
                    while p < n, chars[p] == " " || chars[p] == ":" { p += 1 }
                }
            }
            var q = p
            // WeChat ids as recognisers write them may hold numerals (liu幺九九零); passwords are ASCII.
            while q < n, q - p <= 20, PIIDetector.alnum(chars[q]) || chars[q] == "_" || chars[q] == "-"
                    || (k == .wechat && q > p && PIIDetector.digit(chars[q]) != nil)
                    || (k == .password && q > p && PIIDetector.passwordSymbols.contains(chars[q])) { q += 1 }
            while q > p, k == .password, PIIDetector.passwordSymbols.contains(chars[q - 1]) { q -= 1 }
            let token = chars[p..<q]
            let hasDigit = token.contains { PIIDetector.digit($0) != nil }
            let hasLetter = token.contains(where: PIIDetector.isASCIILetter)
            var ok = false
            switch k {
            case .wechat: ok = (6...20).contains(token.count) && PIIDetector.isASCIILetter(token.first ?? " ")
            default: ok = (4...20).contains(token.count) && hasDigit && hasLetter
            }
            if ok {
                let positions = Array(p..<q)
                let masked: Set<Int> = k == .wechat ? Set(positions.dropFirst()) : Set(positions)
                out.append(Hit(kind: k, positions: positions, masked: masked, context: word))
                i = q
            } else {
                i = end
            }
        }
        return out
    }

    // MARK: an area code said apart

    /// 区号0571，号码88776655: an area code after 区号 and, a few characters on, the number.
    func areaCodes(_ chars: [Unicode.Scalar]) -> [Hit] {
        var out: [Hit] = []
        let n = chars.count
        var i = 0
        while i + 1 < n {
            guard (chars[i] == "区" || chars[i] == "區") && (chars[i + 1] == "号" || chars[i + 1] == "號") else { i += 1; continue }
            var p = i + 2
            while p < n, p - i < 6, PIIDetector.tokenFillers.contains(chars[p]) { p += 1 }
            var q = p
            while q < n, PIIDetector.isASCIIDigit(chars[q]) { q += 1 }
            guard (3...4).contains(q - p), chars[p] == "0" else { i += 2; continue }
            var r = q
            while r < n, r - q < 6, PIIDetector.digit(chars[r]) == nil, !PIIContext.isTerminator(chars[r]) { r += 1 }
            var e = r
            while e < n, PIIDetector.isASCIIDigit(chars[e]) { e += 1 }
            guard (7...8).contains(e - r) else { i = q; continue }
            let positions = Array(p..<q) + Array(r..<e)
            let masked = Set(Array(r..<e).dropLast(2))
            out.append(Hit(kind: .landline, positions: positions, masked: masked))
            i = e
        }
        return out
    }
}
