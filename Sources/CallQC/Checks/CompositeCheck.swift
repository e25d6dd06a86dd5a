import CallQCText

/// Conditions combined: named conditions (each a check of any kind that "holds" when it finds
/// something, or the findings of another rule), and a `when` that combines them with `all`,
/// `any`, `none` and `at_least N of` — Alibaba SCA's "1&&(2||3)" in YAML a trainer can read.
/// The rule finds a fault when `when` holds; the finding points at the turns of the conditions
/// that made it hold, and its detail says which held.
///
/// ```yaml
/// kind: composite
/// conditions:
///   pitched: {phrases: [为您推荐, 这款套餐]}      # `said` by default
///   price:   {phrases: [每月只需, 月费仅]}
///   data:    {phrases: [不限量, 流量]}
///   taboo:   {rule: taboo.dont-know}           # another rule found something
/// when:
///   all:
///     - pitched
///     - none: [{at_least: 2, of: [price, data]}]
/// ```
struct CompositeCheck: CheckDefinition {
    /// One named condition: a check, or another rule's findings.
    struct Condition: Sendable {
        var name: String
        var check: (any CheckDefinition)?
        var roles: [Role]
        var rule: String?
        var file: String
        var line: Int
    }

    /// How conditions combine.
    indirect enum Expression: Sendable {
        case name(String)
        case all([Expression])
        case any([Expression])
        case none([Expression])
        case atLeast(Int, [Expression])
    }

    static let kind = CheckKind.composite
    static let summary = "Named `conditions` combined by `when` with `all`, `any`, `none` and `at_least: N` + `of` (SCA's 1&&(2||3)). A condition is a check of any kind (`kind:` and its parameters; `phrases` alone means `said`) that holds when it finds something, or `rule: ID`, which holds when that rule found something. A finding when `when` holds, pointing at the turns of the conditions that made it hold."
    static let parameters: [CheckParameter] = [
        CheckParameter("conditions", "{name: condition}", required: true, "each a check (`kind`, `roles` and its parameters) or `{rule: ID}`"),
        CheckParameter("when", "expression", required: true, "a condition's name, or `all:`/`any:`/`none:` a list, or `at_least: N` with `of:` a list"),
    ]
    static let quotes = TranscriptQuotes.evidenceAndDetail
    static let examplesNeed = ExampleNeeds.conversation
    static let yamlExample = """
        - id: sales.benefits
          kind: composite
          message: 推荐产品时卖点介绍不足两项
          section: completeness
          deduction: 5
          conditions:
            pitched: {phrases: [为您推荐, 给您推荐]}
            price: {phrases: [每月只需, 月租只要]}
            data: {phrases: [不限量, 流量]}
            calls: {phrases: [免费通话, 通话分钟]}
          when:
            all:
              - pitched
              - none: [{at_least: 2, of: [price, data, calls]}]
          examples:
            flag:
              - |
                坐席: 给您推荐一款新套餐，每月只需五十八元。
                客户: 哦。
            pass:
              - |
                坐席: 给您推荐一款新套餐，每月只需五十八元，流量不限量。
                客户: 好的。
        """

    var conditions: [Condition]
    var when: Expression

    static func parse(_ fields: inout FieldReader, _ context: inout RuleParseContext) throws(RuleError) -> CompositeCheck {
        guard let node = fields.node("conditions") else {
            throw fields.node.error("a composite rule lacks 'conditions'", fix: "add 'conditions:' with named checks, e.g. 'pitched: {phrases: [为您推荐]}'")
        }
        guard case .mapping(let pairs) = node.value, !pairs.isEmpty else {
            throw node.error("'conditions' must be a mapping of names to conditions, found \(node.kindName)", fix: "write 'name: {phrases: [...]}' lines")
        }
        var conditions: [Condition] = []
        for (key, value) in pairs {
            guard let name = key.scalar, !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
                throw key.error("a condition's name must be letters, digits, '_' or '-'", fix: "for example 'price' or 'benefit-1'")
            }
            var f = try FieldReader(value, what: "condition '\(name)'")
            if let rule = try f.string("rule") {
                conditions.append(Condition(name: name, check: nil, roles: [], rule: rule, file: value.file, line: value.line))
                try f.finish()
                continue
            }
            let kindName = try f.string("kind") ?? (f.has("phrases") || f.has("phrases_file") ? SaidCheck.kind.rawValue : nil)
            guard let kindName else {
                throw value.error("condition '\(name)' has no 'kind', 'phrases' or 'rule'", fix: "write '{phrases: [...]}', '{kind: call, duration: {below: 20}}' or '{rule: taboo.dont-know}'")
            }
            let type = try RuleSetLoader.kindType(kindName, node: f.node("kind") ?? value, rule: "condition '\(name)'")
            let roles = try RuleSetLoader.roles(&f) ?? type.defaultRoles
            let check = try RuleSetLoader.parseCheck(type, &f, &context, headerKeys: ["kind", "roles", "rule"])
            try f.finish()
            conditions.append(Condition(name: name, check: check, roles: roles, rule: nil, file: value.file, line: value.line))
        }
        guard let whenNode = fields.node("when") else {
            throw fields.node.error("a composite rule lacks 'when'", fix: "add 'when: {all: [\(conditions.map(\.name).prefix(2).joined(separator: ", "))]}'")
        }
        let when = try parseExpression(whenNode, names: conditions.map(\.name))
        return CompositeCheck(conditions: conditions, when: when)
    }

    static func parseExpression(_ node: YAMLNode, names: [String]) throws(RuleError) -> Expression {
        switch node.value {
        case .scalar(let name, _):
            guard names.contains(name) else {
                let near = names.min { FieldReader.distance($0, name) < FieldReader.distance($1, name) }
                let hint = near.map { FieldReader.distance($0, name) <= 2 ? "did you mean '\($0)'? " : "" } ?? ""
                throw node.error("'when' names '\(name)', which is not a condition", fix: "\(hint)conditions: \(names.joined(separator: ", "))")
            }
            return .name(name)
        case .sequence(let items):
            var parts: [Expression] = []
            for item in items { parts.append(try parseExpression(item, names: names)) }
            return .all(parts)
        case .mapping:
            var f = try FieldReader(node, what: "a 'when' clause")
            func list(_ key: String, _ f: inout FieldReader) throws(RuleError) -> [Expression]? {
                guard let items = try f.list(key) else { return nil }
                if items.isEmpty { throw node.error("'\(key)' lists nothing", fix: "list condition names or clauses") }
                var parts: [Expression] = []
                for item in items { parts.append(try parseExpression(item, names: names)) }
                return parts
            }
            var found: [Expression] = []
            if let l = try list("all", &f) { found.append(.all(l)) }
            if let l = try list("any", &f) { found.append(.any(l)) }
            if let l = try list("none", &f) { found.append(.none(l)) }
            let n = try f.integer("at_least", min: 1)
            let of = try list("of", &f)
            switch (n, of) {
            case let (n?, of?):
                if n > of.count { throw node.error("'at_least: \(n)' of \(of.count) can never hold", fix: "use at most \(of.count)") }
                found.append(.atLeast(n, of))
            case (nil, nil): break
            default: throw node.error("'at_least' and 'of' go together", fix: "write '{at_least: 2, of: [a, b, c]}'")
            }
            try f.finish()
            guard found.count == 1 else {
                throw node.error(found.isEmpty ? "a 'when' clause needs all, any, none or at_least" : "a 'when' clause has more than one of all, any, none, at_least",
                                 fix: "one per clause: nest them, e.g. {all: [a, {any: [b, c]}]}")
            }
            return found[0]
        }
    }

    var phraseLists: [(name: String, phrases: [Phrase])] {
        conditions.flatMap { c in (c.check?.phraseLists ?? []).map { (name: c.name + "." + $0.name, phrases: $0.phrases) } }
    }

    var parts: [any CheckDefinition] { conditions.compactMap(\.check) }

    var readsFindings: Bool { conditions.contains { $0.rule != nil || ($0.check?.readsFindings ?? false) } }

    /// Other rules' ids the conditions name, with where.
    var ruleReferences: [(id: String, file: String, line: Int)] { conditions.compactMap { c in c.rule.map { ($0, c.file, c.line) } } }

    func evaluate(_ context: CheckContext, rule: Int, header: RuleHeader) -> [Finding] {
        // Each condition's findings: its evidence turns (empty array = it does not hold).
        var held: [String: [Int]] = [:]
        for c in conditions {
            var found: [Finding]
            if let id = c.rule {
                found = context.earlierFindings.filter { $0.rule == id }
            } else if let check = c.check {
                var sub = context
                sub.listPrefix = context.listPrefix + c.name + "."
                var h = header
                h.id = header.id + "#" + c.name
                h.kind = type(of: check).kind
                h.roles = c.roles
                found = check.evaluate(sub, rule: rule, header: h)
            } else {
                found = []
            }
            if !found.isEmpty {
                held[c.name] = found.flatMap { f in (f.turn.map { [$0 - 1] } ?? []) + f.relatedTurns.map { $0 - 1 } }
            }
        }
        let (holds, evidence, said) = CompositeCheck.evaluate(when, held: held, positive: true)
        guard holds else { return [] }
        let turns = Array(Set(evidence)).sorted()
        return [context.finding(header, turn: turns.first, detail: said, related: turns)]
    }

    /// Whether an expression holds, the turns that made it hold (not those under `none`), and in words.
    static func evaluate(_ e: Expression, held: [String: [Int]], positive: Bool) -> (Bool, [Int], String) {
        func many(_ parts: [Expression], positive: Bool) -> [(Bool, [Int], String)] {
            parts.map { evaluate($0, held: held, positive: positive) }
        }
        switch e {
        case .name(let n):
            guard let turns = held[n] else { return (false, [], "\(n) ✗") }
            let at = turns.isEmpty ? "" : " (turn \(Array(Set(turns)).sorted().prefix(3).map { String($0 + 1) }.joined(separator: ", ")))"
            return (true, positive ? turns : [], "\(n) ✓\(at)")
        case .all(let parts):
            let r = many(parts, positive: positive)
            let ok = r.allSatisfy(\.0)
            return (ok, ok ? r.flatMap(\.1) : [], "all of [\(r.map(\.2).joined(separator: ", "))]")
        case .any(let parts):
            let r = many(parts, positive: positive)
            let ok = r.contains(where: \.0)
            return (ok, r.filter(\.0).flatMap(\.1), "any of [\(r.map(\.2).joined(separator: ", "))]")
        case .none(let parts):
            let r = many(parts, positive: !positive)
            return (!r.contains(where: \.0), [], "none of [\(r.map(\.2).joined(separator: ", "))]")
        case .atLeast(let n, let parts):
            let r = many(parts, positive: positive)
            let count = r.filter(\.0).count
            return (count >= n, count >= n ? r.filter(\.0).flatMap(\.1) : [], "at least \(n) of [\(r.map(\.2).joined(separator: ", "))]: \(count)")
        }
    }
}

extension CheckKind {
    public static let composite = CheckKind(name: "composite")
}
