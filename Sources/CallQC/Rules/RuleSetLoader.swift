import CallQCText
import Foundation

/// Loads and validates a rule set: a folder with `ruleset.yaml` and rule files
/// under `rules/`, or a single YAML file holding all of it. Every mistake is a
/// ``RuleError`` naming the file and line and what to do; nothing falls back to defaults.
public struct RuleSetLoader {
    let folder: TextFolder
    /// Whether phrases also match by sound (recognisers' homophones); `--no-sound` turns it off.
    var soundMatching: Bool
    /// Parsed rule files kept between runs (off unless the caller gives one).
    var cache: RuleFileCache

    public init(folder: TextFolder = TextFolder(), soundMatching: Bool = true, cache: RuleFileCache = .off) {
        self.folder = folder
        self.soundMatching = soundMatching
        self.cache = cache
    }

    static let idPattern = Set("abcdefghijklmnopqrstuvwxyz0123456789.-_")

    public func load(_ path: String) throws(RuleError) -> RuleSet {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RuleError(file: path, message: "no such rule set", fix: "give a rule-set folder (with ruleset.yaml) or a rule file")
        }
        var ruleFiles: [String] = []
        let main: String
        if isDirectory.boolValue {
            main = (path as NSString).appendingPathComponent("ruleset.yaml")
            guard FileManager.default.fileExists(atPath: main) else {
                throw RuleError(file: path, message: "no ruleset.yaml in this folder", fix: "a rule-set folder holds ruleset.yaml (name, version, language, scoring) and rules/*.yaml")
            }
            let rulesDir = (path as NSString).appendingPathComponent("rules")
            ruleFiles = ((FileManager.default.enumerator(atPath: rulesDir)?.allObjects as? [String]) ?? [])
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
                .sorted()
                .map { (rulesDir as NSString).appendingPathComponent($0) }
        } else {
            main = path
        }

        let root = try document(main)
        var fields = try FieldReader(root, what: "the rule set")
        let name = try fields.string("name", required: true)!
        let version = try fields.string("version", required: true)!
        let language = try fields.string("language", required: true)!
        let description = try fields.string("description")
        guard var scoringFields = try fields.mapping("scoring") else {
            throw root.error("the rule set has no 'scoring'", fix: "add 'scoring:' with 'sections' (id, title, points) and 'grades' (grade, min)")
        }
        let scoring = try parseScoring(&scoringFields)
        var context = RuleParseContext(folder: folder, file: main, language: language)
        var rules: [Rule] = []
        var ids: [String: RuleHeader] = [:]
        if let items = try fields.list("rules") {
            rules += try parseRules(items, scoring: scoring, context: &context, ids: &ids)
        }
        try fields.finish()
        for file in ruleFiles {
            let doc = try document(file)
            var f = try FieldReader(doc, what: "a rule file")
            var fileContext = RuleParseContext(folder: folder, file: file, language: language, phraseFiles: context.phraseFiles)
            if let items = try f.list("rules") {
                rules += try parseRules(items, scoring: scoring, context: &fileContext, ids: &ids)
            }
            try f.finish()
            context.phraseFiles = fileContext.phraseFiles
        }
        try RuleSetLoader.checkReferences(rules)
        if rules.isEmpty {
            throw RuleError(file: main, message: "the rule set has no rules", fix: "add rules under 'rules:' or in rules/*.yaml")
        }
        return RuleSet(name: name, version: version, language: language, description: description, rules: rules, scoring: scoring, path: path,
                       soundMatching: soundMatching, cache: cache)
    }

    private func document(_ file: String) throws(RuleError) -> YAMLNode {
        guard let data = FileManager.default.contents(atPath: file) else { throw RuleError(file: file, message: "cannot read the file") }
        guard let text = String(data: data, encoding: .utf8) else { throw RuleError(file: file, message: "not UTF-8 text", fix: "save it as UTF-8") }
        guard let node = try cache.tree(file: file, bytes: data, parse: { () throws(RuleError) in try YAMLNode.parse(text, file: file) }) else {
            throw RuleError(file: file, message: "the file is empty")
        }
        return node
    }

    private func parseScoring(_ fields: inout FieldReader) throws(RuleError) -> ScoringScheme {
        guard let sectionItems = try fields.list("sections"), !sectionItems.isEmpty else {
            throw fields.node.error("'scoring' has no 'sections'", fix: "list sections as '- {id: greeting-closing, title: 欢迎语及结束语, points: 20}'")
        }
        var sections: [ScoringScheme.Section] = []
        for item in sectionItems {
            var s = try FieldReader(item, what: "a scoring section")
            let id = try s.string("id", required: true)!
            if sections.contains(where: { $0.id == id }) { throw item.error("duplicate section '\(id)'") }
            let points = try s.number("points", min: 0) ?? 0
            if !s.has("points") { throw item.error("section '\(id)' lacks 'points'", fix: "add 'points: 20'") }
            sections.append(.init(id: id, title: try s.string("title") ?? id, points: points))
            try s.finish()
        }
        var grades: [ScoringScheme.GradeBand] = []
        if let gradeItems = try fields.list("grades") {
            for item in gradeItems {
                var g = try FieldReader(item, what: "a grade band")
                let grade = try g.string("grade", required: true)!
                guard let minimum = try g.number("min") else { throw item.error("grade '\(grade)' lacks 'min'", fix: "add 'min: 90' (the lowest score for it)") }
                grades.append(.init(grade: grade, minimum: minimum))
                try g.finish()
            }
        }
        if grades.isEmpty { throw fields.node.error("'scoring' has no 'grades'", fix: "list grades as '- {grade: A, min: 90}'") }
        try fields.finish()
        return ScoringScheme(sections: sections, grades: grades.sorted { $0.minimum > $1.minimum })
    }

    private func parseRules(_ items: [YAMLNode], scoring: ScoringScheme, context: inout RuleParseContext, ids: inout [String: RuleHeader]) throws(RuleError) -> [Rule] {
        var rules: [Rule] = []
        for item in items {
            var f = try FieldReader(item, what: "a rule")
            let id = try f.string("id", required: true)!
            guard !id.isEmpty, id.allSatisfy({ RuleSetLoader.idPattern.contains($0) }) else {
                throw item.error("rule id '\(id)' must be lower-case letters, digits, '.', '-' or '_'", fix: "for example 'taboo.dont-know'")
            }
            if let first = ids[id] {
                throw item.error("duplicate rule id '\(id)' (first defined at \(first.file):\(first.line))", fix: "give each rule its own id")
            }
            let kindText = try f.string("kind", required: true)!
            let type = try RuleSetLoader.kindType(kindText, node: f.node("kind") ?? item, rule: "rule '\(id)'")
            let kind = type.kind
            let message = try f.string("message", required: true)!
            let severityText = try f.string("severity") ?? type.defaultSeverity.rawValue
            guard let severity = Severity(rawValue: severityText) else {
                throw item.error("unknown severity '\(severityText)' in rule '\(id)'", fix: "use info, warning, error or critical")
            }
            let section = try f.string("section", required: true)!
            guard scoring.sections.contains(where: { $0.id == section }) else {
                throw item.error("rule '\(id)' names section '\(section)', which the scoring scheme lacks", fix: "use one of: \(scoring.sections.map(\.id).joined(separator: ", "))")
            }
            let roles = try RuleSetLoader.roles(&f) ?? type.defaultRoles
            let header = RuleHeader(id: id, kind: kind, message: message, severity: severity, section: section,
                                    deduction: try f.number("deduction", min: 0) ?? 0, roles: roles,
                                    veto: try f.bool("veto") ?? false, reference: try f.string("reference"),
                                    file: item.file, line: item.line)
            let check = try RuleSetLoader.parseCheck(type, &f, &context, headerKeys: RuleSetLoader.headerKeys)
            let examples = try parseExamples(&f, header: header, need: type.examplesNeed)
            try f.finish()
            ids[id] = header
            rules.append(Rule(header: header, check: check, examples: examples))
        }
        return rules
    }

    /// Composite conditions that name other rules: the rules must exist and not read findings themselves.
    static func checkReferences(_ rules: [Rule]) throws(RuleError) {
        let byID = Dictionary(rules.map { ($0.header.id, $0) }, uniquingKeysWith: { a, _ in a })
        for rule in rules {
            guard let c = rule.check as? CompositeCheck else { continue }
            for ref in c.ruleReferences {
                guard let other = byID[ref.id] else {
                    let near = byID.keys.min { FieldReader.distance($0, ref.id) < FieldReader.distance($1, ref.id) }
                    let hint = near.map { FieldReader.distance($0, ref.id) <= 3 ? "did you mean '\($0)'? " : "" } ?? ""
                    throw RuleError(file: ref.file, line: ref.line, message: "condition of rule '\(rule.header.id)' names rule '\(ref.id)', which the rule set lacks",
                                    fix: "\(hint)name a rule of this set (callqc rules list)")
                }
                if other.check.readsFindings {
                    throw RuleError(file: ref.file, line: ref.line, message: "condition of rule '\(rule.header.id)' names rule '\(ref.id)', which itself combines findings",
                                    fix: "name the rules it combines instead")
                }
            }
        }
    }

    /// The keys of a rule that are not its kind's parameters.
    static let headerKeys: Set<String> = ["id", "kind", "message", "severity", "section", "deduction", "roles", "veto", "reference", "examples"]

    /// The kind of a rule's `kind:`, or an error with the nearest name.
    static func kindType(_ name: String, node: YAMLNode, rule: String) throws(RuleError) -> any CheckDefinition.Type {
        if let type = CheckRegistry.type(named: name) { return type }
        let all = CheckRegistry.kinds.map { $0.kind.rawValue }.joined(separator: ", ")
        let near = CheckRegistry.nearest(to: name).map { "did you mean '\($0)'? " } ?? ""
        throw node.error("unknown kind '\(name)' in \(rule)", fix: "\(near)kinds: \(all) (callqc rules kinds describes them)")
    }

    /// `roles: [agent, customer]`, checked; nil when absent.
    static func roles(_ fields: inout FieldReader, key: String = "roles") throws(RuleError) -> [Role]? {
        guard let list = try fields.strings(key) else { return nil }
        var roles: [Role] = []
        for (text, node) in list {
            guard let role = Role(rawValue: text) else { throw node.error("unknown role '\(text)'", fix: "use agent, customer or other") }
            roles.append(role)
        }
        return roles
    }

    /// Reads a check of `type` from fields, and holds the kind to its declaration: every key its
    /// parser reads must be one of its declared parameters (or of the header).
    static func parseCheck(_ type: any CheckDefinition.Type, _ fields: inout FieldReader, _ context: inout RuleParseContext,
                           headerKeys: Set<String>) throws(RuleError) -> any CheckDefinition {
        let before = fields.used
        let check = try type.parse(&fields, &context)
        let declared = Set(type.parameters.flatMap(\.keys))
        let read = fields.used.subtracting(before).subtracting(headerKeys)
        if let undeclared = read.subtracting(declared).sorted().first {
            throw fields.node.error("internal: kind '\(type.kind.rawValue)' reads '\(undeclared)', which it does not declare",
                                    fix: "declare it in the kind's 'parameters' (this is a bug in callqc)")
        }
        return check
    }

    private func parseExamples(_ fields: inout FieldReader, header: RuleHeader, need: ExampleNeeds) throws(RuleError) -> [RuleExample] {
        guard var e = try fields.mapping("examples") else { return [] }
        var examples: [RuleExample] = []
        for (key, flag) in [("flag", true), ("pass", false)] {
            for (text, node) in try e.strings(key) ?? [] {
                let call = try exampleCall(text, node: node, header: header)
                // What a kind's examples need is what a call must show to be flagged: a pass
                // example may well lack it (no times, no finding).
                switch flag ? need : .line {
                case .times where !call.turns.contains(where: { $0.start != nil }):
                    throw node.error("an example of rule '\(header.id)' (kind \(header.kind.rawValue)) needs times",
                                     fix: "write a block (|) of lines like '[00:01-00:04] 坐席: 您好'")
                case .conversation where !text.contains("\n"):
                    throw node.error("an example of rule '\(header.id)' (kind \(header.kind.rawValue)) needs a conversation",
                                     fix: "write a block (|) of lines like '客户: 我要投诉' and '坐席: 非常抱歉'")
                default: break
                }
                examples.append(RuleExample(call: call, text: text, mustFlag: flag, file: node.file, line: node.line))
            }
        }
        try e.finish()
        return examples
    }

    /// A one-line value: a turn spoken by the rule's first role. A block (`|`): a plain transcript.
    private func exampleCall(_ text: String, node: YAMLNode, header: RuleHeader) throws(RuleError) -> Call {
        let source = "\(node.file):\(node.line)"
        if !text.contains("\n") {
            let role = header.roles.first ?? .agent
            let label = role == .agent ? "坐席" : role == .customer ? "客户" : "其他"
            return Call(id: "example", source: source, turns: [Turn(role: role, speaker: label, text: text.trimmed())])
        }
        let outcome = PlainTranscriptReader().read(TextInput(source: source, bytes: Array(text.utf8)), options: ReadOptions())
        guard let call = outcome.calls.first else {
            throw node.error("example of rule '\(header.id)' is not a transcript: \(outcome.errors.first?.message ?? "unreadable")",
                             fix: "write one line of speech, or lines like '[00:01-00:04] 坐席: 您好'")
        }
        return call
    }
}
