/// Lint reports for people (a table) and for tools (`callqc.lint/1` JSON).
public enum LintRenderer {
    public static func table(_ r: LintReport, color: Bool = false) -> String {
        func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        let unit = r.unit == "words" ? "words" : "characters"
        let safe = TerminalText.safe
        var out = paint(safe(r.source), "1") + "  (\(r.mode.rawValue), \(r.language.rawValue), rules \(r.ruleSet.name))\n"
        out += "reading time \(Format.duration(r.readingSeconds)) for \(r.lines.count) line\(r.lines.count == 1 ? "" : "s") at \(Format.points(r.rate)) \(unit) a minute\n"
        for issue in r.issues { out += paint(issueLine(issue, indent: "  "), code(issue.severity)) + "\n" }
        out += "\n"
        for line in r.lines {
            var head = DisplayWidth.pad(String(line.number), 5, right: true) + "  " + DisplayWidth.pad(seconds(line.readingSeconds), 6, right: true) + "  "
            if let label = line.label { head += "[\(safe(label))] " }
            out += head + safe(line.text) + "\n"
            if let spoken = line.spokenRate, spoken > r.rate * 1.25 || spoken < r.rate * 0.75 {
                out += paint("             ! spoken at \(Int(spoken.rounded())) \(unit) a minute (standard \(Format.points(r.rate)))", "33") + "\n"
            }
            for issue in line.issues { out += paint(issueLine(issue, indent: "             "), code(issue.severity)) + "\n" }
        }
        let all = r.allIssues
        out += "\n\(all.count) issue\(all.count == 1 ? "" : "s")"
        let bySeverity = Severity.allCases.reversed().compactMap { s -> String? in
            let n = all.filter { $0.severity == s }.count
            return n > 0 ? "\(n) \(s.rawValue)" : nil
        }
        if !bySeverity.isEmpty { out += " (" + bySeverity.joined(separator: ", ") + ")" }
        return out + "\n"
    }

    static func issueLine(_ i: LintIssue, indent: String) -> String {
        let safe = TerminalText.safe
        var s = indent + "\(mark(i.severity)) \(safe(i.message))"
        if let t = i.text { s += "「\(safe(t))」" }
        if let d = i.detail, !d.hasPrefix("matches ") { s += " — \(safe(d))" }
        if let better = i.suggestion { s += "\n" + indent + "  → \(safe(better))" }
        return s
    }

    static func mark(_ s: Severity) -> String {
        switch s {
        case .critical, .error: return "✗"
        case .warning: return "!"
        case .info: return "·"
        }
    }

    static func code(_ s: Severity) -> String {
        switch s {
        case .critical, .error: return "31"
        case .warning: return "33"
        case .info: return "2"
        }
    }

    static func seconds(_ s: Double) -> String { s < 60 ? "\(JSONValue.format((s * 10).rounded() / 10))s" : Format.duration(s) }

    public static func json(_ r: LintReport) -> JSONValue {
        func issue(_ i: LintIssue) -> JSONValue {
            .object([("severity", .string(i.severity.rawValue)), ("rule", .string(i.rule)), ("message", .string(i.message)),
                     ("text", .string(i.text)), ("suggestion", .string(i.suggestion)), ("detail", .string(i.detail))])
        }
        return .object([
            ("schema", .string("callqc.lint/1")),
            ("source", .string(r.source)), ("mode", .string(r.mode.rawValue)), ("language", .string(r.language.rawValue)),
            ("ruleset", .object([("name", .string(r.ruleSet.name)), ("version", .string(r.ruleSet.version))])),
            ("unit", .string(r.unit)), ("rate", .number(r.rate)),
            ("reading_seconds", .number(ResultJSON.rounded(r.readingSeconds, 1))),
            ("issues", .array(r.issues.map(issue))),
            ("lines", .array(r.lines.map { l in
                .object([("line", .number(Double(l.number))), ("label", .string(l.label)), ("text", .string(l.text)),
                         ("reading_seconds", .number(ResultJSON.rounded(l.readingSeconds, 1))),
                         ("spoken_rate", .number(ResultJSON.rounded(l.spokenRate, 1))),
                         ("issues", .array(l.issues.map(issue)))])
            })),
        ])
    }
}
