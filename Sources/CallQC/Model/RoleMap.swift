/// Maps speaker labels to roles: `坐席`, `客服`, `Agent`, `A` → agent;
/// `客户`, `Customer`, `Caller`, `C` → customer; anything else → other.
/// Users extend it with their own labels.
public struct RoleMap: Sendable, Hashable {
    /// Labels matched whole (after trimming and case folding).
    public private(set) var exact: [String: Role]
    /// Label beginnings: `坐席01`, `客服小李`, `工号1023`, `Agent Smith`.
    public private(set) var prefixes: [(String, Role)]

    public static func == (a: RoleMap, b: RoleMap) -> Bool {
        a.exact == b.exact && a.prefixes.map(\.0) == b.prefixes.map(\.0) && a.prefixes.map(\.1) == b.prefixes.map(\.1)
    }

    public func hash(into h: inout Hasher) { h.combine(exact); for (p, r) in prefixes { h.combine(p); h.combine(r) } }

    /// The default labels of Chinese and English call centers.
    public static let standard = RoleMap(
        exact: [
            "a": .agent, "c": .customer, "rep": .agent, "csr": .agent, "operator": .agent,
            "caller": .customer, "client": .customer, "user": .customer,
        ],
        prefixes: [
            ("坐席", .agent), ("座席", .agent), ("客服", .agent), ("话务员", .agent), ("話務員", .agent),
            ("外呼员", .agent), ("外呼員", .agent), ("工号", .agent), ("工號", .agent), ("接线员", .agent),
            ("接線員", .agent), ("服务代表", .agent), ("服務代表", .agent), ("客户经理", .agent), ("客戶經理", .agent),
            ("agent", .agent), ("representative", .agent), ("rep ", .agent), ("advisor", .agent),
            ("客户", .customer), ("客戶", .customer), ("用户", .customer), ("用戶", .customer),
            ("顾客", .customer), ("顧客", .customer), ("来电人", .customer), ("來電人", .customer),
            ("来电者", .customer), ("來電者", .customer), ("customer", .customer), ("caller", .customer),
        ]
    )

    /// `exact` and `prefixes` as UTF-8, for lookups without String hashing (a Chinese label
    /// hashes through Unicode normalisation: slower than reading its whole line).
    private var exactUTF8: [([UInt8], Role)]
    private var prefixesUTF8: [([UInt8], Role)]
    /// Whether every key and prefix is plain (``LabelCache/isPlain(_:)``): ASCII and Han,
    /// whose characters have one spelling, so that bytes compare as characters do.
    private var allPlain: Bool

    public init(exact: [String: Role] = [:], prefixes: [(String, Role)] = []) {
        self.exact = exact
        self.prefixes = prefixes
        self.exactUTF8 = exact.map { (Array($0.key.utf8), $0.value) }
        self.prefixesUTF8 = prefixes.map { (Array($0.0.utf8), $0.1) }
        self.allPlain = exact.keys.allSatisfy { LabelCache.isPlain(Array($0.utf8)) }
            && prefixes.allSatisfy { LabelCache.isPlain(Array($0.0.utf8)) }
    }

    /// Adds a label (matched whole, case-insensitively) for a role; user labels win over the defaults.
    public mutating func add(label: String, role: Role) {
        let key = RoleMap.key(label)
        exact[key] = role
        // Keys are equal as strings are: `é` and `e` + U+0301 are one key.
        exactUTF8.removeAll { String(decoding: $0.0, as: UTF8.self) == key }
        exactUTF8.append((Array(key.utf8), role))
        allPlain = allPlain && LabelCache.isPlain(Array(key.utf8))
    }

    /// The role of a speaker label, or nil when the label is unknown.
    public func role(of label: String) -> Role? {
        // Fast path: a plain label and plain keys (Chinese labels, `Agent`, `SPEAKER_01`) are
        // compared as bytes, ASCII capitals folded; a Chinese string hashes and compares
        // through Unicode normalisation, which costs more than reading its whole line.
        let trimmed = label.trimmed()
        var key = Array(trimmed.utf8)
        if allPlain, LabelCache.isPlain(key) {
            for i in key.indices where key[i] >= 0x41 && key[i] <= 0x5A { key[i] |= 0x20 }
            if key.isEmpty { return nil }
            if let hit = exactUTF8.first(where: { $0.0 == key }) { return hit.1 }
            // A prefix must end on a character boundary: `坐席` + U+FE0F is not `坐席`.
            for (prefix, role) in prefixesUTF8 where key.starts(with: prefix)
                && !PlainTranscriptReader.extendsCharacter(key, at: prefix.count, before: key.count) { return role }
            return nil
        }
        let folded = RoleMap.key(label)
        if folded.isEmpty { return nil }
        if let r = exact[folded] { return r }
        for (prefix, role) in prefixes where folded.hasPrefix(prefix) { return role }
        return nil
    }

    static func key(_ label: String) -> String {
        label.trimmed().lowercased()
    }
}

extension String {
    /// Trims whitespace, including the full-width space U+3000.
    /// Unicode White_Space, as a switch (no property lookup).
    @inline(__always)
    static func isSpace(_ v: UInt32) -> Bool {
        switch v {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    func trimmed() -> String {
        // Fast path: neither the first nor the last scalar is white space.
        guard let first = unicodeScalars.first, let last = unicodeScalars.last else { return self }
        if !String.isSpace(first.value) && !String.isSpace(last.value) { return self }
        let view = unicodeScalars
        var lo = view.startIndex, hi = view.endIndex
        while lo < hi, String.isSpace(view[lo].value) { lo = view.index(after: lo) }
        while hi > lo, String.isSpace(view[view.index(before: hi)].value) { hi = view.index(before: hi) }
        return String(view[lo..<hi])
    }
}
