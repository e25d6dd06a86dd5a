import Foundation

/// What a person says a turn must raise: the rules that must fire on it, and
/// nothing else (an empty list: nothing may fire).
public struct TurnLabel: Sendable, Hashable {
    /// The record's id (`zh-0001`), or `CALL#TURN` for a labelled transcript.
    public var id: String
    /// Where the label was read: file and line.
    public var file: String
    public var line: Int
    /// 1-based number of the labelled turn in its call.
    public var turn: Int
    /// Rule ids expected on the turn.
    public var expect: [String]
    public var channel: String?
    /// `typed` or `asr`.
    public var source: String?
    /// Free text for breakdowns (`paraphrase`, `lookalike`, `pii-decoy`…).
    public var category: String?

    public init(id: String, file: String, line: Int, turn: Int, expect: [String], channel: String? = nil, source: String? = nil, category: String? = nil) {
        self.id = id
        self.file = file
        self.line = line
        self.turn = turn
        self.expect = expect
        self.channel = channel
        self.source = source
        self.category = category
    }
}

/// A call with labelled turns: one JSON Lines record (its turn between its
/// context turns), or a labelled transcript (every turn with `# expect:`).
public struct LabelledCall: Sendable, Hashable {
    public var call: Call
    /// The `lang` of the record (`zh-Hans`, `zh-Hant`, `en`); nil: guessed from the text.
    public var lang: String?
    public var labels: [TurnLabel]

    public init(call: Call, lang: String?, labels: [TurnLabel]) {
        self.call = call
        self.lang = lang
        self.labels = labels
    }
}

/// Reads labelled evaluation data (see docs/eval.md): JSON Lines, one labelled
/// turn a line, or labelled transcripts, plain transcripts whose turns end with
/// `# expect: rule.id, rule.id` (or `# expect: -`). A bad line is a problem with
/// its file and line; the other lines are still read.
public struct LabelledDataReader: Sendable {
    public init() {}

    /// What reading gave: the labelled calls, and the problems met on the way.
    public struct Outcome: Sendable {
        public var calls: [LabelledCall] = []
        public var problems: [InputProblem] = []

        public init(calls: [LabelledCall] = [], problems: [InputProblem] = []) {
            self.calls = calls
            self.problems = problems
        }
    }

    /// The files that `paths` name: files as given, folders walked (hidden entries
    /// skipped, sorted) for `.jsonl`, `.ndjson` and `.txt`.
    public func expand(_ paths: [String]) -> (files: [String], problems: [InputProblem]) {
        var files: [String] = []
        var problems: [InputProblem] = []
        let fm = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                problems.append(InputProblem(source: path, message: "no such file or directory"))
                continue
            }
            if !isDirectory.boolValue { files.append(path); continue }
            var found: [String] = []
            if let walker = fm.enumerator(atPath: path) {
                while let relative = walker.nextObject() as? String {
                    let name = (relative as NSString).lastPathComponent
                    if name.hasPrefix(".") { walker.skipDescendants(); continue }
                    let ext = (name as NSString).pathExtension.lowercased()
                    guard ["jsonl", "ndjson", "txt"].contains(ext) else { continue }
                    let full = (path as NSString).appendingPathComponent(relative)
                    var dir: ObjCBool = false
                    if fm.fileExists(atPath: full, isDirectory: &dir), !dir.boolValue { found.append(full) }
                }
            }
            if found.isEmpty { problems.append(InputProblem(source: path, message: "no .jsonl or .txt files in this folder", severity: .warning)) }
            files += found.sorted()
        }
        return (files, problems)
    }

    /// Reads one file: JSON Lines by its extension (`.jsonl`, `.ndjson`) or when it is JSON (``ReaderRegistry/shape(source:bytes:)``); else a labelled transcript.
    public func read(file path: String) -> Outcome {
        guard let data = FileManager.default.contents(atPath: path) else {
            return Outcome(problems: [InputProblem(source: path, message: "cannot read the file")])
        }
        return read(bytes: [UInt8](data), source: path)
    }

    public func read(bytes raw: [UInt8], source: String) -> Outcome {
        let input: TextInput
        switch TextInput.validate(source: source, bytes: raw) {
        case .failure(let problem): return Outcome(problems: [problem])
        case .success(let i): input = i
        }
        // The JSON-or-text guess transcripts get: JSON is labelled turns a line.
        if ReaderRegistry.standard.shape(source: source, bytes: input.bytes[...]) != .text {
            return readJSONLines(input)
        }
        return readTranscript(input)
    }

    // MARK: JSON Lines

    func readJSONLines(_ input: TextInput) -> Outcome {
        var out = Outcome()
        var seen: [String: Int] = [:]
        for (number, bytes) in input.lines {
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            switch record(Array(bytes), line: number, source: input.source) {
            case .failure(let problem): out.problems.append(problem)
            case .success(let labelled):
                let id = labelled.labels[0].id
                if let first = seen[id] {
                    out.problems.append(InputProblem(source: input.source, line: number, message: "id '\(id)' was already used on line \(first)", severity: .warning))
                } else {
                    seen[id] = number
                }
                out.calls.append(labelled)
            }
        }
        return out
    }

    func record(_ bytes: [UInt8], line: Int, source: String) -> Result<LabelledCall, InputProblem> {
        func fail(_ message: String) -> Result<LabelledCall, InputProblem> {
            .failure(InputProblem(source: source, line: line, message: message))
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes, firstLine: line)
        } catch {
            return fail("not JSON: \(error.reason) (column \(error.column))")
        }
        guard value.objectValue != nil else { return fail("a record is a JSON object {\"text\": …, \"expect\": […]}, found \(value.typeName)") }
        guard let textValue = value["text"] else { return fail("'text' is missing") }
        guard let text = textValue.stringValue else { return fail("'text' must be a string, found \(textValue.typeName)") }
        if text.allSatisfy(\.isWhitespace) { return fail("'text' is empty") }
        guard let expectValue = value["expect"] else { return fail("'expect' is missing: list the rule ids that must fire, or [] for none") }
        guard let list = expectValue.arrayValue else { return fail("'expect' must be a list of rule ids, found \(expectValue.typeName)") }
        var expect: [String] = []
        for item in list {
            guard let id = item.stringValue, !id.isEmpty, !id.contains(where: \.isWhitespace) else {
                return fail("'expect' must list rule ids (strings without spaces), found \(item.compact())")
            }
            if !expect.contains(id) { expect.append(id) }
        }
        var role = Role.agent
        if let r = value["role"], !r.isNull {
            guard let s = r.stringValue, let parsed = Role(rawValue: s) else { return fail("'role' must be agent, customer or other, found \(r.compact())") }
            role = parsed
        }
        func optionalString(_ key: String) -> Result<String?, InputProblem> {
            guard let v = value[key], !v.isNull else { return .success(nil) }
            guard let s = v.stringValue else { return .failure(InputProblem(source: source, line: line, message: "'\(key)' must be a string, found \(v.typeName)")) }
            return .success(s.isEmpty ? nil : s)
        }
        var strings: [String: String] = [:]
        for key in ["id", "lang", "channel", "source", "category"] {
            switch optionalString(key) {
            case .failure(let p): return .failure(p)
            case .success(let s): if let s { strings[key] = s }
            }
        }
        if let lang = strings["lang"], LabelledDataReader.ruleSetLanguage(lang) == nil {
            return fail("'lang' must be zh-Hans, zh-Hant or en, found '\(lang)'")
        }
        func context(_ key: String) -> Result<[Turn], InputProblem> {
            guard let v = value[key], !v.isNull else { return .success([]) }
            guard let turns = v.arrayValue else { return .failure(InputProblem(source: source, line: line, message: "'\(key)' must be a list of turns {\"role\": …, \"text\": …}, found \(v.typeName)")) }
            var out: [Turn] = []
            for (i, t) in turns.enumerated() {
                guard t.objectValue != nil, let text = t["text"]?.stringValue else {
                    return .failure(InputProblem(source: source, line: line, message: "'\(key)'[\(i)] must be a turn {\"role\": …, \"text\": …}"))
                }
                guard let r = t["role"]?.stringValue, let role = Role(rawValue: r) else {
                    return .failure(InputProblem(source: source, line: line, message: "'\(key)'[\(i)] needs a role: agent, customer or other"))
                }
                out.append(Turn(role: role, speaker: role.rawValue, text: text))
            }
            return .success(out)
        }
        let before: [Turn], after: [Turn]
        switch context("before") { case .failure(let p): return .failure(p); case .success(let t): before = t }
        switch context("after") { case .failure(let p): return .failure(p); case .success(let t): after = t }
        let id = strings["id"] ?? "\((source as NSString).lastPathComponent):\(line)"
        let turns = before + [Turn(role: role, speaker: role.rawValue, text: text)] + after
        let call = Call(id: id, language: strings["lang"], source: source, turns: turns)
        let label = TurnLabel(id: id, file: source, line: line, turn: before.count + 1, expect: expect,
                              channel: strings["channel"], source: strings["source"], category: strings["category"])
        return .success(LabelledCall(call: call, lang: strings["lang"], labels: [label]))
    }

    /// The language of the rule set a record's `lang` picks: `zh` for zh-*, `en` for en; nil when unknown.
    public static func ruleSetLanguage(_ lang: String) -> String? {
        let l = lang.lowercased()
        if l == "zh" || l.hasPrefix("zh-") || l.hasPrefix("zh_") { return "zh" }
        if l == "en" || l.hasPrefix("en-") || l.hasPrefix("en_") { return "en" }
        return nil
    }

    // MARK: Labelled transcripts

    /// Marks a labelled line's text so that its turn can be found after the plain reader joined lines.
    static let markOpen: Unicode.Scalar = "\u{F8F0}"
    static let markClose: Unicode.Scalar = "\u{F8F1}"

    func readTranscript(_ input: TextInput) -> Outcome {
        var out = Outcome()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.bytes.count + 64)
        var pending: [(line: Int, expect: [String])] = []
        for (number, line) in input.lines {
            let text = String(decoding: line, as: UTF8.self)
            if let (body, list) = LabelledDataReader.splitExpect(text) {
                switch LabelledDataReader.parseExpect(list) {
                case .failure(let error):
                    out.problems.append(InputProblem(source: input.source, line: number, message: error.reason))
                    bytes += Array(body.utf8)
                case .success(let expect):
                    bytes += Array(body.utf8)
                    bytes += Array("\(LabelledDataReader.markOpen)\(pending.count)\(LabelledDataReader.markClose)".utf8)
                    pending.append((number, expect))
                }
            } else {
                bytes += line
            }
            bytes.append(0x0A)
        }
        if pending.isEmpty {
            if out.problems.isEmpty {
                out.problems.append(InputProblem(source: input.source, message: "no labelled turns: end an agent line with '  # expect: rule.id' (or '# expect: -' for none)", severity: .warning))
            }
            return out
        }
        let marked: TextInput
        switch TextInput.validate(source: input.source, bytes: bytes) {
        case .failure(let p): out.problems.append(p); return out
        case .success(let i): marked = i
        }
        let read = PlainTranscriptReader().read(marked, options: ReadOptions())
        out.problems += read.errors
        guard var call = read.calls.first else { return out }
        var labels: [TurnLabel] = []
        var placed = Set<Int>()
        var category = call.metadata["category"]
        if category?.isEmpty == true { category = nil }
        for t in call.turns.indices {
            let (clean, marks) = LabelledDataReader.takeMarks(call.turns[t].text)
            guard !marks.isEmpty else { continue }
            call.turns[t].text = clean
            placed.formUnion(marks)
            if marks.count > 1 {
                let lines = marks.map { String(pending[$0].line) }.joined(separator: ", ")
                out.problems.append(InputProblem(source: input.source, line: pending[marks[1]].line, message: "lines \(lines) are one turn: label it once"))
                continue
            }
            let p = pending[marks[0]]
            labels.append(TurnLabel(id: "\(call.id)#\(t + 1)", file: input.source, line: p.line, turn: t + 1, expect: p.expect,
                                    channel: call.metadata["channel"], source: call.metadata["source"], category: category))
        }
        for (i, p) in pending.enumerated() where !placed.contains(i) {
            out.problems.append(InputProblem(source: input.source, line: p.line, message: "'# expect:' on a line that is not a turn (a comment or a header)"))
        }
        out.calls.append(LabelledCall(call: call, lang: call.language, labels: labels))
        return out
    }

    /// `坐席: 不知道。  # expect: taboo.dont-know` → (`坐席: 不知道。`, `taboo.dont-know`); nil without a label.
    static func splitExpect(_ line: String) -> (String, String)? {
        guard let hash = line.range(of: "#", options: .backwards) else { return nil }
        var rest = line[hash.upperBound...].drop { $0 == " " || $0 == "\t" }
        guard rest.lowercased().hasPrefix("expect") else { return nil }
        rest = rest.dropFirst("expect".count).drop { $0 == " " || $0 == "\t" }
        guard let colon = rest.first, colon == ":" || colon == "：" else { return nil }
        let body = line[..<hash.lowerBound]
        // A comment line `# expect: …` before any turn is not a label.
        guard body.contains(where: { !$0.isWhitespace }) else { return nil }
        return (String(body).trimmingTrailingWhitespace(), String(rest.dropFirst()))
    }

    /// `taboo.dont-know, taboo.elsewhere` → the ids; `-` → none.
    static func parseExpect(_ list: String) -> Result<[String], LabelError> {
        let trimmed = list.trimmingCharacters(in: .whitespaces)
        if trimmed == "-" || trimmed == "none" { return .success([]) }
        if trimmed.isEmpty { return .failure(LabelError(reason: "'# expect:' lists no rule: write rule ids separated by commas, or '-' for none")) }
        var ids: [String] = []
        for part in trimmed.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == "、" }) {
            let id = part.trimmingCharacters(in: .whitespaces)
            guard !id.isEmpty, !id.contains(where: \.isWhitespace) else {
                return .failure(LabelError(reason: "'# expect: \(trimmed)': rule ids are separated by commas"))
            }
            if !ids.contains(id) { ids.append(id) }
        }
        return .success(ids)
    }

    /// The text without marks, and the marks' numbers in order.
    static func takeMarks(_ text: String) -> (String, [Int]) {
        guard text.unicodeScalars.contains(markOpen) else { return (text, []) }
        var clean = String.UnicodeScalarView()
        var marks: [Int] = []
        var number: Int?
        for s in text.unicodeScalars {
            if s == markOpen { number = 0; continue }
            if s == markClose { if let n = number { marks.append(n) }; number = nil; continue }
            if let n = number {
                if let d = Int(String(s)) { number = n * 10 + d }
                continue
            }
            clean.append(s)
        }
        return (String(clean).trimmingTrailingWhitespace(), marks)
    }
}

/// Why a `# expect:` label cannot be read.
struct LabelError: Error {
    var reason: String
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var s = Substring(self)
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
