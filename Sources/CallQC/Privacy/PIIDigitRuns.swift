import CallQCText

/// Digit runs: groups of digits in any writing, chained across separators, classified as
/// numbers by length, prefix and checksum, raised or lowered by their context.
extension PIIDetector {
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
}
