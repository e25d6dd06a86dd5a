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

    public init(exact: [String: Role] = [:], prefixes: [(String, Role)] = []) {
        self.exact = exact
        self.prefixes = prefixes
    }

    /// Adds a label (matched whole, case-insensitively) for a role; user labels win over the defaults.
    public mutating func add(label: String, role: Role) {
        exact[RoleMap.key(label)] = role
    }

    /// The role of a speaker label, or nil when the label is unknown.
    public func role(of label: String) -> Role? {
        let key = RoleMap.key(label)
        if key.isEmpty { return nil }
        if let r = exact[key] { return r }
        for (prefix, role) in prefixes where key.hasPrefix(prefix) { return role }
        return nil
    }

    static func key(_ label: String) -> String {
        label.trimmed().lowercased()
    }
}

extension String {
    /// Trims whitespace, including the full-width space U+3000.
    /// Whether a scalar starting with this UTF-8 byte may be white space: ASCII space and
    /// controls, and the lead bytes of U+0085/U+00A0, U+1680, U+2000–U+205F, U+3000.
    @inline(__always)
    static func mayBeSpace(_ b: UInt8) -> Bool {
        b <= 0x20 || b == 0x7F || b == 0xC2 || b == 0xE1 || b == 0xE2 || b == 0xE3
    }

    func trimmed() -> String {
        // Fast path: neither end can be white space (decided on UTF-8 lead bytes).
        let u = utf8
        guard let first = u.first else { return self }
        var i = u.index(before: u.endIndex)
        while i > u.startIndex, u[i] & 0xC0 == 0x80 { i = u.index(before: i) }
        if !String.mayBeSpace(first) && !String.mayBeSpace(u[i]) { return self }
        var scalars = Substring(self).unicodeScalars[...]
        while let f = scalars.first, f.properties.isWhitespace { scalars = scalars.dropFirst() }
        while let l = scalars.last, l.properties.isWhitespace { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
