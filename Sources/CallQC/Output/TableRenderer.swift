/// A table for people at a terminal: a row per call, then its findings, one a
/// line, each with the points it took. Fixed columns, so it streams.
public struct TableRenderer: ResultRenderer {
    public let color: Bool

    public init(color: Bool = false) { self.color = color }

    static let columns: [(String, Int, Bool)] = [
        ("CALL", 18, false), ("AGENT", 6, false), ("LANG", 7, false), ("TURNS", 5, true), ("DURATION", 8, true),
        ("AGENT%", 6, true), ("AGENT RATE", 11, true), ("SCORE", 6, true), ("GRADE", 5, false), ("SOURCE", 0, false),
    ]

    public func begin() -> String {
        let header = TableRenderer.row(TableRenderer.columns.map(\.0))
        return paint(header, "1") + "\n"
    }

    public func render(_ result: CallResult, index: Int) -> String {
        let m = result.metrics
        var score = "-", grade = "-"
        if let s = result.scorecard {
            score = Format.points(s.total)
            grade = s.veto ? "\(s.grade)!" : s.grade
        }
        let safe = TerminalText.safe
        let cells = [
            safe(result.call.id), safe(result.call.agent ?? "-"), m.language.rawValue, String(m.turns), Format.duration(m.duration),
            m.agentTalkShare.map { "\(Int(($0 * 100).rounded()))%" } ?? "-", Format.rate(m), score, grade, safe(result.call.source ?? "-"),
        ]
        var out = TableRenderer.row(cells) + "\n"
        let points = Format.deductions(result)
        for (i, f) in result.findings.enumerated() {
            let p = points[i].map { $0 > 0 ? "-" + Format.points($0) : "0" } ?? ""
            var where_ = "call"
            if let t = f.turn { where_ = "turn \(t)" + (f.start.map { " " + TranscriptTime.format($0) } ?? "") }
            var line = "    " + DisplayWidth.pad(p, 5, right: true) + "  " + DisplayWidth.pad(f.severity.rawValue, 8) + " "
                + DisplayWidth.pad(safe(f.rule), 18) + " " + DisplayWidth.pad(where_, 16) + " "
            if let text = f.text { line += "「\(safe(text))」 " }
            line += safe(f.message)
            if let d = f.detail { line += " — " + safe(d) }
            out += paint(line, TableRenderer.colorCode(f)) + "\n"
        }
        if let s = result.scorecard, s.veto {
            out += paint("    veto (一票否决): \(safe(s.vetoRules.joined(separator: ", "))) — the call fails whatever else it did", "1;31") + "\n"
        }
        return out
    }

    static func colorCode(_ f: Finding) -> String {
        switch f.severity {
        case .critical: return "1;31"
        case .error: return "31"
        case .warning: return "33"
        case .info: return "2"
        }
    }

    private func paint(_ text: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m" + text + "\u{1B}[0m" : text
    }

    public func render(problem: InputProblem, index: Int) -> String { "" }

    public func end(_ summary: RunSummary) -> String {
        var line = "\(summary.calls) call\(summary.calls == 1 ? "" : "s") from \(summary.inputs) input\(summary.inputs == 1 ? "" : "s")"
        if summary.scored > 0 {
            line += ", mean score \(Format.points((summary.scoreSum / Double(summary.scored) * 10).rounded() / 10))"
            line += ", \(summary.findings) finding\(summary.findings == 1 ? "" : "s")"
            if summary.vetoes > 0 { line += ", \(summary.vetoes) vetoed" }
        }
        if summary.errors > 0 { line += ", \(summary.errors) unreadable (see messages above)" }
        if summary.warnings > 0 { line += ", \(summary.warnings) warning\(summary.warnings == 1 ? "" : "s")" }
        return "\n" + line + "\n"
    }

    static func row(_ cells: [String]) -> String {
        var out = ""
        for (i, (cell, spec)) in zip(cells, columns).enumerated() {
            let (_, width, right) = spec
            if i > 0 { out += "  " }
            if width == 0 { out += cell; continue }
            out += DisplayWidth.pad(DisplayWidth.truncate(cell, to: width), width, right: right)
        }
        while out.hasSuffix(" ") { out.removeLast() }
        return out
    }
}

/// Terminal column widths: East Asian wide and full-width characters take two.
public enum DisplayWidth {
    public static func of(_ text: String) -> Int { text.unicodeScalars.reduce(0) { $0 + width($1) } }

    static func width(_ s: Unicode.Scalar) -> Int {
        let v = s.value
        if v < 0x20 || (0x300...0x36F).contains(v) || v == 0x200B { return 0 }
        if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v) || (0x20000...0x3FFFD).contains(v) { return 2 }
        return 1
    }

    /// Cuts text to `width` columns, ending with `…` when cut.
    public static func truncate(_ text: String, to width: Int) -> String {
        if of(text) <= width { return text }
        var out = "", used = 0
        for s in text.unicodeScalars {
            let w = DisplayWidth.width(s)
            if used + w > width - 1 { break }
            out.unicodeScalars.append(s)
            used += w
        }
        return out + "…"
    }

    /// Pads text with spaces to `width` columns.
    public static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let pad = String(repeating: " ", count: max(0, width - of(text)))
        return right ? pad + text : text + pad
    }
}
