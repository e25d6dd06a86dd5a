import CallQCText
import Foundation

/// Loads and validates a rule set: a folder with `ruleset.yaml` and rule files
/// under `rules/`, or a single YAML file holding all of it. Every mistake is a
/// ``RuleError`` naming the file and line and what to do; nothing falls back to defaults.
public struct RuleSetLoader {
    let folder: TextFolder
    /// Whether phrases also match by sound (recognisers' homophones); `--no-sound` turns it off.
    var soundMatching: Bool

    public init(folder: TextFolder = TextFolder(), soundMatching: Bool = true) {
        self.folder = folder
        self.soundMatching = soundMatching
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
        if rules.isEmpty {
            throw RuleError(file: main, message: "the rule set has no rules", fix: "add rules under 'rules:' or in rules/*.yaml")
        }
        return RuleSet(name: name, version: version, language: language, description: description, rules: rules, scoring: scoring, path: path,
                       soundMatching: soundMatching)
    }

    private func document(_ file: String) throws(RuleError) -> YAMLNode {
        guard let data = FileManager.default.contents(atPath: file) else { throw RuleError(file: file, message: "cannot read the file") }
        guard let text = String(data: data, encoding: .utf8) else { throw RuleError(file: file, message: "not UTF-8 text", fix: "save it as UTF-8") }
        guard let node = try YAMLNode.parse(text, file: file) else { throw RuleError(file: file, message: "the file is empty") }
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
            guard let kind = CheckKind(rawValue: kindText) else {
                throw item.error("unknown kind '\(kindText)' in rule '\(id)'", fix: "use one of: \(CheckKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let message = try f.string("message", required: true)!
            let severityText = try f.string("severity") ?? (kind == .cue ? "info" : "warning")
            guard let severity = Severity(rawValue: severityText) else {
                throw item.error("unknown severity '\(severityText)' in rule '\(id)'", fix: "use info, warning, error or critical")
            }
            let section = try f.string("section", required: true)!
            guard scoring.sections.contains(where: { $0.id == section }) else {
                throw item.error("rule '\(id)' names section '\(section)', which the scoring scheme lacks", fix: "use one of: \(scoring.sections.map(\.id).joined(separator: ", "))")
            }
            var roles = RuleCheck.defaultRoles(kind)
            if let list = try f.strings("roles") {
                roles = []
                for (text, node) in list {
                    guard let role = Role(rawValue: text) else { throw node.error("unknown role '\(text)'", fix: "use agent, customer or other") }
                    roles.append(role)
                }
            }
            let header = RuleHeader(id: id, kind: kind, message: message, severity: severity, section: section,
                                    deduction: try f.number("deduction", min: 0) ?? 0, roles: roles,
                                    veto: try f.bool("veto") ?? false, reference: try f.string("reference"),
                                    file: item.file, line: item.line)
            let check = try RuleCheck.parse(kind, &f, &context)
            let examples = try parseExamples(&f, header: header)
            try f.finish()
            ids[id] = header
            rules.append(Rule(header: header, check: check, examples: examples))
        }
        return rules
    }

    private func parseExamples(_ fields: inout FieldReader, header: RuleHeader) throws(RuleError) -> [RuleExample] {
        guard var e = try fields.mapping("examples") else { return [] }
        var examples: [RuleExample] = []
        for (key, flag) in [("flag", true), ("pass", false)] {
            for (text, node) in try e.strings(key) ?? [] {
                examples.append(RuleExample(call: try exampleCall(text, node: node, header: header), text: text, mustFlag: flag, file: node.file, line: node.line))
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
