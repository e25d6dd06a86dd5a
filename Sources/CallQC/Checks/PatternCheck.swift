import CallQCText

/// A regular expression over a turn of the scoped roles: amounts, dates, codes. It runs on
/// the folded text by default (lower case, Simplified, no spaces or punctuation: write
/// `[0-9]+元`, not `¥ 1,280`), or on the text as written with `on: text`. A match that a
/// `not_pattern` match overlaps does not count. ICU's regular expressions (through the shim),
/// compiled once; only rules of this kind run them, so other rule sets pay nothing.
struct PatternCheck: CheckDefinition {
    enum Target: String, Sendable, CaseIterable { case folded, text }

    static let kind = CheckKind.pattern
    static let summary = "A turn of the scoped roles where the regular expression `pattern` matches (amounts, dates, codes), unless a `not_pattern` match overlaps it. On the folded text by default (lower case, Simplified, no spaces or punctuation), or the text as written with `on: text`. ICU regular expression syntax. One finding per turn."
    static let parameters: [CheckParameter] = [
        CheckParameter("pattern", "regular expression", required: true, "what to find (ICU syntax)"),
        CheckParameter("not_pattern", "regular expression", "a match it overlaps does not count (订单号 before a number)"),
        CheckParameter("on", "folded | text", default: "folded", "the folded text, or the text as written"),
    ]
    static let yamlExample = """
        - id: info.amount-promise
          kind: pattern
          message: 承诺具体返还金额，需核实
          section: completeness
          severity: info
          pattern: '(返|退|赔)[^0-9]{0,4}[0-9一二三四五六七八九十百千万]+元'
          not_pattern: '(月租|套餐费)[0-9]+元'
          examples:
            flag: [我们给您返两百元话费。]
            pass: [您的套餐费58元已经扣了。]
        """

    var pattern: ICURegex
    var notPattern: ICURegex?
    var on: Target

    static func compile(_ fields: inout FieldReader, _ key: String, required: Bool) throws(RuleError) -> ICURegex? {
        let node = fields.node(key)
        guard let text = try fields.string(key, required: required) else { return nil }
        do {
            return try ICURegex(text)
        } catch {
            let at = error.offset.map { " at character \($0 + 1)" } ?? ""
            throw (node ?? fields.node).error("'\(key)' is not a regular expression ICU can compile\(at) (status \(error.status))",
                                             fix: "check brackets and escapes; quote it in single quotes in YAML ('[0-9]+元')")
        }
    }

    static func parse(_ fields: inout FieldReader, _ context: inout RuleParseContext) throws(RuleError) -> PatternCheck {
        let pattern = try compile(&fields, "pattern", required: true)!
        let notPattern = try compile(&fields, "not_pattern", required: false)
        let onText = try fields.string("on") ?? "folded"
        guard let on = Target(rawValue: onText) else { throw fields.node.error("'on' is '\(onText)'", fix: "use folded or text") }
        return PatternCheck(pattern: pattern, notPattern: notPattern, on: on)
    }

    var phraseLists: [(name: String, phrases: [Phrase])] { [] }

    func evaluate(_ context: CheckContext, rule: Int, header: RuleHeader) -> [Finding] {
        let matcher = pattern.matcher()
        let excluder = notPattern?.matcher()
        var findings: [Finding] = []
        for t in context.turns(of: header.roles) {
            let bytes = on == .folded ? context.folded[t].bytes : Array(context.call.turns[t].text.utf8)
            let found = matcher.matches(in: bytes)
            if found.isEmpty { continue }
            let excluded = excluder?.matches(in: bytes) ?? []
            let standing = found.filter { m in !excluded.contains { $0.overlaps(m) || (m.isEmpty && $0.contains(m.lowerBound)) } }
            guard let first = standing.first(where: { !$0.isEmpty }) else { continue }
            let more = standing.count > 1 ? " (and \(standing.count - 1) more in the turn)" : ""
            if on == .folded {
                findings.append(context.finding(header, turn: t, folded: first, detail: "matches \(pattern.pattern)\(more)"))
            } else {
                var f = context.finding(header, turn: t, detail: "matches \(pattern.pattern)\(more)")
                f.span = context.scalarRange(turn: t, utf8: first)
                f.text = String(decoding: bytes[first], as: UTF8.self)
                findings.append(f)
            }
        }
        return findings
    }
}

extension CheckKind {
    public static let pattern = CheckKind(name: "pattern")
}
