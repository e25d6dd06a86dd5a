/// Markdown for sharing a review: per call, the scorecard section by section,
/// then every finding with its evidence.
public struct MarkdownRenderer: ResultRenderer {
    public init() {}

    public func begin() -> String { "# callqc results\n" }

    public func render(_ result: CallResult, index: Int) -> String {
        let c = result.call, m = result.metrics
        var out = "\n## \(MarkdownRenderer.escape(c.id))"
        if let s = result.scorecard { out += ": \(Format.points(s.total))/\(Format.points(s.max)) (\(s.grade))\(s.veto ? ", vetoed" : "")" }
        out += "\n\n"
        var facts = ["agent \(MarkdownRenderer.escape(c.agent ?? "-"))"]
        if let d = c.date { facts.append(MarkdownRenderer.escape(d)) }
        facts += [m.language.rawValue, "\(m.turns) turns", "duration \(Format.duration(m.duration))", "agent rate \(Format.rate(m))"]
        if let src = c.source { facts.append(MarkdownRenderer.escape(src)) }
        out += facts.joined(separator: " · ") + "\n"
        if let s = result.scorecard {
            out += "\n| section | score | deductions |\n| --- | ---: | --- |\n"
            for sec in s.sections {
                var ds = sec.deductions.filter { $0.points > 0 }.map { "\($0.rule) −\(Format.points($0.points))" }.joined(separator: ", ")
                if sec.deductions.contains(where: \.capped) { ds += " (section exhausted)" }
                out += "| \(MarkdownRenderer.escape(sec.title)) | \(Format.points(sec.score))/\(Format.points(sec.max)) | \(ds.isEmpty ? "—" : MarkdownRenderer.escape(ds)) |\n"
            }
            if s.veto { out += "\n**Veto (一票否决):** \(MarkdownRenderer.escape(s.vetoRules.joined(separator: ", "))).\n" }
        }
        if result.findings.isEmpty {
            out += "\nNo findings.\n"
        } else {
            out += "\n| # | rule | severity | points | turn | time | evidence | message |\n| ---: | --- | --- | ---: | ---: | --- | --- | --- |\n"
            let points = Format.deductions(result)
            for (i, f) in result.findings.enumerated() {
                let taken: String = points[i].map { $0 > 0 ? "−" + Format.points($0) : "0" } ?? ""
                let turn: String = f.turn.map { String($0) } ?? "—"
                let time: String = f.start.map { TranscriptTime.format($0) } ?? ""
                let evidence: String = f.text.map { "「" + $0 + "」" } ?? ""
                let detail: String = f.detail.map { " (" + $0 + ")" } ?? ""
                let cells: [String] = [String(i + 1), f.rule, f.severity.rawValue, taken, turn, time, evidence, f.message + detail]
                out += "| " + cells.map(MarkdownRenderer.escape).joined(separator: " | ") + " |\n"
            }
        }
        return out
    }

    public func render(problem: InputProblem, index: Int) -> String {
        "\n> **Unreadable:** \(MarkdownRenderer.escape(problem.description))\n"
    }

    public func end(_ summary: RunSummary) -> String {
        "\n---\n\(summary.calls) call\(summary.calls == 1 ? "" : "s") checked\(summary.errors > 0 ? ", \(summary.errors) unreadable" : "").\n"
    }

    /// Text as Markdown shows it literally: table pipes, link and image syntax (`[`, `]`, `(`, `)`,
    /// `!`), emphasis and code marks are backslash-escaped, `<` `>` `&` become entities (no HTML,
    /// no autolinks), line breaks become spaces and control characters visible escapes.
    static func escape(_ text: String) -> String {
        var out = ""
        for c in TerminalText.safe(text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")) {
            switch c {
            case "|", "[", "]", "(", ")", "!", "*", "_", "`", "\\", "#", "~": out.append("\\"); out.append(c)
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            default: out.append(c)
            }
        }
        return out
    }
}
