import CallQCText

/// An agent's own check of a script draft, or of their own turns in a call:
/// taboo phrases with better phrasings, greeting and closing, politeness, clauses
/// too long for one breath, and the reading time of each line at the standard rate.
public struct ScriptLinter: Sendable {
    public let checker: Checker
    /// Characters (Chinese) or words (English) a minute, whatever the language (`lint --rate`);
    /// nil: `charactersPerMinute` or `wordsPerMinute` by the language.
    public var rate: Double?
    /// The standard reading rate for Chinese (characters a minute) and English (words a minute):
    /// 120 and 150 unless a center's configuration says otherwise (`speech_rate`).
    public var charactersPerMinute: Double = 120
    public var wordsPerMinute: Double = 150
    /// Longest clause without a pause; nil: 25 characters, 20 words.
    public var maxClause: Int?

    public init(checker: Checker, rate: Double? = nil, maxClause: Int? = nil) {
        self.checker = checker
        self.rate = rate
        self.maxClause = maxClause
    }


    /// Lints lines the agent is to say (or said).
    public func lint(_ lines: [LintLine], source: String, mode: LintReport.Mode) -> LintReport {
        let counter = SpeechCounter()
        let call = Call(id: source, source: source, turns: lines.map {
            Turn(role: .agent, speaker: "坐席", start: $0.spokenStart, end: $0.spokenEnd, text: $0.text)
        })
        let profiles = call.turns.map { counter.profile($0.text) }
        let language = profiles.reduce(SpeechProfile(), +).guess
        let ruleSet = checker.catalog.ruleSet(for: language)
        let result = checker.check(call, with: ruleSet)
        let words = language.countsWords
        let perMinute = rate ?? (words ? wordsPerMinute : charactersPerMinute)
        let limit = maxClause ?? (words ? 20 : 25)
        let messages = LintMessages(chinese: !words)

        var report = LintReport(source: source, mode: mode, language: language,
                                ruleSet: RuleSetStamp(name: ruleSet.name, version: ruleSet.version),
                                unit: words ? "words" : "characters", rate: perMinute, lines: lines, issues: [])
        // A draft or a script is typed, not written by a recogniser: no match by sound there.
        for f in result.findings where CheckRegistry.checksDrafts(f.kind) && (mode == .transcript || f.match != .sound) {
            // Speak of lines, not turns: a draft has no turns.
            let detail = f.detail.map { ScriptLinter.renumber($0, lines: lines, noun: mode == .transcript ? "turn" : "line") }
            let issue = LintIssue(severity: f.severity, rule: f.rule, message: f.message, text: f.text,
                                  suggestion: f.suggestion, detail: detail)
            if let turn = f.turn { report.lines[turn - 1].issues.append(issue) } else { report.issues.append(issue) }
        }
        for (i, line) in lines.enumerated() {
            let amount = Double(words ? profiles[i].words : profiles[i].countableCharacters)
            report.lines[i].readingSeconds = amount / perMinute * 60
            for clause in ScriptLinter.clauses(line.text) {
                let p = counter.profile(clause)
                let size = words ? p.words : p.countableCharacters
                if size > limit {
                    report.lines[i].issues.append(LintIssue(severity: .warning, rule: "lint.breath", message: messages.longClause(size, limit),
                                                            text: clause, suggestion: nil, detail: nil))
                }
            }
            if let start = line.spokenStart, let end = line.spokenEnd, end > start, amount > 0 {
                let spoken = amount / ((end - start) / 60)
                report.lines[i].spokenRate = spoken
            }
        }
        return report
    }

    /// Rewrites "turn 3" and "turns 1, 3" of the linted lines to the numbers the user
    /// knows: lines of the draft, or turns of the original call.
    static func renumber(_ detail: String, lines: [LintLine], noun: String) -> String {
        var out = ""
        var rest = Substring(detail)
        while let r = rest.firstRange(of: "turn") {
            out += rest[..<r.lowerBound]
            var after = rest[r.upperBound...]
            let plural = after.hasPrefix("s ")
            if plural { after = after.dropFirst() }
            guard after.hasPrefix(" "), after.dropFirst().first?.isNumber == true else {
                out += "turn" + (plural ? "s" : "")
                rest = after
                continue
            }
            after = after.dropFirst()
            var numbers: [Int] = []
            while let digits = Optional(after.prefix { $0.isNumber }), !digits.isEmpty, let n = Int(digits) {
                numbers.append(n)
                after = after.dropFirst(digits.count)
                if after.hasPrefix(", "), after.dropFirst(2).first?.isNumber == true { after = after.dropFirst(2) } else { break }
            }
            let mapped = numbers.map { n in n >= 1 && n <= lines.count ? String(lines[n - 1].number) : String(n) }
            out += noun + (mapped.count > 1 ? "s" : "") + " " + mapped.joined(separator: ", ")
            rest = after
        }
        return out + rest
    }

    /// Stretches between punctuation: what is said without a pause.
    static func clauses(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        for ch in text {
            if ch.isPunctuation || "，。！？；：、,.!?;:…".contains(ch) {
                if !current.trimmed().isEmpty { out.append(current.trimmed()) }
                current = ""
            } else {
                current.append(ch)
            }
        }
        if !current.trimmed().isEmpty { out.append(current.trimmed()) }
        return out
    }

    /// Lines of a draft: every non-empty line is the agent's words; `#` lines are comments.
    public static func draftLines(_ text: String) -> [LintLine] {
        var lines: [LintLine] = []
        for (i, raw) in text.lineTexts().enumerated() {
            let line = String(raw).trimmed()
            if line.isEmpty || line.hasPrefix("#") { continue }
            lines.append(LintLine(number: i + 1, label: nil, text: line))
        }
        return lines
    }

    /// The agent's turns of a call, numbered by turn.
    public static func agentLines(_ call: Call) -> [LintLine] {
        call.turns.enumerated().filter { $0.element.role == .agent }.map { i, t in
            var line = LintLine(number: i + 1, label: "turn \(i + 1)", text: t.text)
            line.spokenStart = t.start
            line.spokenEnd = t.end
            return line
        }
    }

    /// Every phrasing of every step of a script.
    public static func scriptLines(_ script: Script) -> [LintLine] {
        script.steps.flatMap { step in
            step.phrasings.map { LintLine(number: $0.line, label: step.id, text: $0.text) }
        }
    }
}

/// One line to say, and what the linter found in it.
public struct LintLine: Sendable {
    /// Line in the file, or turn in the call.
    public var number: Int
    /// Step id or turn, where there is one.
    public var label: String?
    public var text: String
    public var readingSeconds: Double = 0
    /// The rate the agent actually spoke this line at, for a call's turns with times.
    public var spokenRate: Double?
    var spokenStart: Double?
    var spokenEnd: Double?
    public var issues: [LintIssue] = []

    public init(number: Int, label: String?, text: String) {
        self.number = number
        self.label = label
        self.text = text
    }
}

/// Something to fix, said so that an agent can act on it.
public struct LintIssue: Sendable, Hashable {
    public var severity: Severity
    public var rule: String
    public var message: String
    public var text: String?
    public var suggestion: String?
    public var detail: String?
}

/// The linter's findings for one input.
public struct LintReport: Sendable {
    public enum Mode: String, Sendable { case draft, transcript, script }

    public var source: String
    public var mode: Mode
    public var language: LanguageGuess
    public var ruleSet: RuleSetStamp
    /// `characters` or `words`.
    public var unit: String
    /// Per minute, in `unit`.
    public var rate: Double
    public var lines: [LintLine]
    /// Findings about the whole script (greeting, closing, politeness).
    public var issues: [LintIssue]

    public var readingSeconds: Double { lines.reduce(0) { $0 + $1.readingSeconds } }

    /// The report with personal data masked in its lines and issues.
    public func redacted(_ r: Redactor = Redactor()) -> LintReport {
        var out = self
        func issue(_ i: LintIssue) -> LintIssue { var i = i; i.text = r.redact(i.text); i.detail = r.redact(i.detail); return i }
        out.issues = issues.map(issue)
        out.lines = lines.map { l in var l = l; l.text = r.redact(l.text); l.issues = l.issues.map(issue); return l }
        return out
    }
    public var allIssues: [LintIssue] { issues + lines.flatMap(\.issues) }
}

/// The linter's own words, in the language of the script.
struct LintMessages {
    let chinese: Bool

    func longClause(_ size: Int, _ limit: Int) -> String {
        chinese ? "这一段有\(size)个字没有停顿（建议不超过\(limit)个字），一口气说不完，请加逗号或拆成两句"
            : "\(size) words without a pause (keep it under \(limit)): too long for one breath, split it"
    }
}

extension LintReport {
    /// The report as outputs show it by default: ``redacted(_:)``, and its source too, since file
    /// names (and the call ids added to them) can hold phone numbers.
    public func redactedForOutput(_ r: Redactor = Redactor()) -> LintReport {
        var report = redacted(r)
        report.source = r.redact(source)
        return report
    }
}
