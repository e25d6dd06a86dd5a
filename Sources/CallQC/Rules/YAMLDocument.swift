import Yams

/// A YAML node with its position, read from a rule file, independent of the YAML library.
struct YAMLNode: Sendable {
    enum Value: Sendable {
        case scalar(String, quoted: Bool)
        case mapping([(YAMLNode, YAMLNode)])
        case sequence([YAMLNode])
    }

    let value: Value
    let file: String
    let line: Int
    let column: Int

    /// Parses YAML text; syntax errors name the file, line and column.
    static func parse(_ text: String, file: String) throws(RuleError) -> YAMLNode? {
        let node: Node?
        do {
            // The basic resolver: every scalar stays text (the readers below decide what a value means), so
            // Yams does not run its regular expressions for booleans, numbers and dates on every scalar (a third
            // of the start-up of a single check; docs/performance.md).
            node = try Yams.compose(yaml: text, .basic)
        } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
            // Yams points at the mapping; the line to fix is the key's second appearance.
            let key = duplicates.first ?? ""
            throw RuleError(file: file, line: YAMLNode.secondLine(of: key, in: text, from: context.mark.line) ?? context.mark.line,
                            message: "duplicate key '\(key)'", fix: "keep one of them")
        } catch let error as YamlError {
            throw YAMLNode.describe(error, file: file)
        } catch {
            throw RuleError(file: file, message: "cannot read YAML: \(error)")
        }
        return node.map { YAMLNode(node: $0, file: file) }
    }

    init(value: Value, file: String, line: Int, column: Int) {
        self.value = value
        self.file = file
        self.line = line
        self.column = column
    }

    private init(node: Node, file: String) {
        self.file = file
        self.line = node.mark?.line ?? 0
        self.column = node.mark?.column ?? 0
        switch node {
        case .scalar(let s):
            value = .scalar(s.string, quoted: s.style == .singleQuoted || s.style == .doubleQuoted || s.style == .literal || s.style == .folded)
        case .mapping(let m):
            value = .mapping(m.map { (YAMLNode(node: $0.key, file: file), YAMLNode(node: $0.value, file: file)) })
        case .sequence(let s):
            value = .sequence(s.map { YAMLNode(node: $0, file: file) })
        case .alias:
            value = .scalar("", quoted: false)
        }
    }

    private static func describe(_ error: YamlError, file: String) -> RuleError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            var message = "invalid YAML: \(problem)"
            if let context { message += " (\(context.text))" }
            return RuleError(file: file, line: mark.line, column: mark.column, message: message,
                             fix: "check the indentation and quoting at that line (a value with ':' or '#' needs quotes)")
        case let .reader(problem, offset, _, _):
            return RuleError(file: file, message: "cannot read YAML: \(problem) at byte \(offset ?? 0)", fix: "save the file as UTF-8")
        default:
            return RuleError(file: file, message: "invalid YAML: \(error)")
        }
    }

    /// The line (1-based) where `key:` starts a line for the second time at or after `line`.
    static func secondLine(of key: String, in text: String, from line: Int) -> Int? {
        var seen = 0
        for (i, raw) in text.lineTexts().enumerated() where i + 1 >= line {
            var rest = raw.drop(while: { $0 == " " })
            if rest.hasPrefix("- ") { rest = rest.dropFirst(2).drop(while: { $0 == " " }) }
            for quote in ["", "\"", "'"] where rest.hasPrefix(quote + key + quote) {
                let after = rest.dropFirst(key.count + 2 * quote.count).drop(while: { $0 == " " })
                if after.hasPrefix(":") {
                    seen += 1
                    if seen == 2 { return i + 1 }
                }
            }
        }
        return nil
    }

    func error(_ message: String, fix: String? = nil) -> RuleError {
        RuleError(file: file, line: line, column: column, message: message, fix: fix)
    }

    var kindName: String {
        switch value {
        case .scalar: return "a single value"
        case .mapping: return "a mapping (key: value lines)"
        case .sequence: return "a list"
        }
    }

    var scalar: String? { if case .scalar(let s, _) = value { return s }; return nil }
    var isNull: Bool { if case .scalar(let s, let quoted) = value { return !quoted && (s.isEmpty || s == "~" || s == "null") }; return false }
}

/// Reads the fields of a YAML mapping strictly: wrong types and unknown keys are
/// errors that name the line and say what was expected.
struct FieldReader {
    let node: YAMLNode
    let what: String
    private let fields: [(YAMLNode, YAMLNode)]
    /// The keys read so far (also those absent: reading a key declares it known here).
    private(set) var used: Set<String> = []

    init(_ node: YAMLNode, what: String) throws(RuleError) {
        guard case .mapping(let fields) = node.value else {
            throw node.error("\(what) must be a mapping of keys and values, found \(node.kindName)")
        }
        self.node = node
        self.what = what
        self.fields = fields
        var seen: Set<String> = []
        for (key, _) in fields {
            guard let k = key.scalar else { throw key.error("a key in \(what) must be a plain word") }
            if !seen.insert(k).inserted { throw key.error("duplicate key '\(k)' in \(what)", fix: "keep one of them") }
        }
    }

    func has(_ key: String) -> Bool { fields.contains { $0.0.scalar == key } }

    mutating func node(_ key: String) -> YAMLNode? {
        used.insert(key)
        guard let v = fields.first(where: { $0.0.scalar == key })?.1, !v.isNull else { return nil }
        return v
    }

    mutating func string(_ key: String, required: Bool = false) throws(RuleError) -> String? {
        guard let v = node(key) else {
            if required { throw node.error("\(what) lacks '\(key)'", fix: "add '\(key): …'") }
            return nil
        }
        guard let s = v.scalar else { throw v.error("'\(key)' must be a single value, found \(v.kindName)") }
        return s
    }

    mutating func number(_ key: String, min: Double? = nil) throws(RuleError) -> Double? {
        guard let v = node(key) else { return nil }
        guard let s = v.scalar, let d = Double(s.trimmed()), d.isFinite else {
            throw v.error("'\(key)' must be a number, found '\(v.scalar ?? v.kindName)'")
        }
        if let min, d < min { throw v.error("'\(key)' must be at least \(JSONValue.format(min)), found \(s)") }
        return d
    }

    mutating func integer(_ key: String, min: Int? = nil) throws(RuleError) -> Int? {
        guard let v = node(key) else { return nil }
        guard let s = v.scalar, let i = Int(s.trimmed()) else { throw v.error("'\(key)' must be a whole number, found '\(v.scalar ?? v.kindName)'") }
        if let min, i < min { throw v.error("'\(key)' must be at least \(min), found \(i)") }
        return i
    }

    mutating func bool(_ key: String) throws(RuleError) -> Bool? {
        guard let v = node(key) else { return nil }
        switch v.scalar?.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw v.error("'\(key)' must be true or false, found '\(v.scalar ?? v.kindName)'")
        }
    }

    /// A list of strings; a single string is taken as a list of one.
    mutating func strings(_ key: String) throws(RuleError) -> [(String, YAMLNode)]? {
        guard let v = node(key) else { return nil }
        switch v.value {
        case .scalar(let s, _): return [(s, v)]
        case .sequence(let items):
            var out: [(String, YAMLNode)] = []
            for item in items {
                guard let s = item.scalar else { throw item.error("each item of '\(key)' must be a single value, found \(item.kindName)") }
                out.append((s, item))
            }
            return out
        case .mapping: throw v.error("'\(key)' must be a list, found \(v.kindName)")
        }
    }

    mutating func list(_ key: String) throws(RuleError) -> [YAMLNode]? {
        guard let v = node(key) else { return nil }
        guard case .sequence(let items) = v.value else { throw v.error("'\(key)' must be a list, found \(v.kindName)") }
        return items
    }

    /// A mapping of strings to strings (`suggestions: {找领导去: 我帮您转给负责的同事}`).
    mutating func stringPairs(_ key: String) throws(RuleError) -> [(String, String, YAMLNode)]? {
        guard let v = node(key) else { return nil }
        guard case .mapping(let pairs) = v.value else { throw v.error("'\(key)' must be a mapping of 'phrase: text' lines, found \(v.kindName)") }
        var out: [(String, String, YAMLNode)] = []
        for (k, value) in pairs {
            guard let ks = k.scalar, let vs = value.scalar else { throw k.error("each entry of '\(key)' must be 'phrase: text'") }
            out.append((ks, vs, k))
        }
        return out
    }

    mutating func mapping(_ key: String) throws(RuleError) -> FieldReader? {
        guard let v = node(key) else { return nil }
        return try FieldReader(v, what: "'\(key)'")
    }

    /// Fails on any key not read: unknown keys are mistakes, often typos.
    func finish() throws(RuleError) {
        for (key, _) in fields {
            guard let k = key.scalar, !used.contains(k) else { continue }
            let known = used.sorted()
            var fix = "known keys here: \(known.joined(separator: ", "))"
            if let near = known.min(by: { FieldReader.distance($0, k) < FieldReader.distance($1, k) }), FieldReader.distance(near, k) <= 2 {
                fix = "did you mean '\(near)'? " + fix
            }
            throw key.error("unknown key '\(k)' in \(what)", fix: fix)
        }
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var prev = row[0]
            row[0] = i
            for j in 1...b.count {
                let cur = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
                prev = cur
            }
        }
        return row[b.count]
    }
}
