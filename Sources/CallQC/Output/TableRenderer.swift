/// A table for people at a terminal: a row per call, fixed columns so it streams.
public struct TableRenderer: ResultRenderer {
    public let color: Bool

    public init(color: Bool = false) { self.color = color }

    static let columns: [(String, Int, Bool)] = [
        ("CALL", 22, false), ("AGENT", 7, false), ("TURNS", 5, true), ("DURATION", 8, true),
        ("AGENT%", 6, true), ("AGENT RATE", 11, true), ("LANG", 7, false), ("SOURCE", 0, false),
    ]

    public func begin() -> String {
        let header = TableRenderer.row(TableRenderer.columns.map(\.0))
        return (color ? "\u{1B}[1m" + header + "\u{1B}[0m" : header) + "\n"
    }

    public func render(_ result: CallResult, index: Int) -> String {
        let m = result.metrics
        var rate = "-"
        if let c = m.agentCharsPerMinute { rate = "\(Int(c.rounded())) char/m" }
        else if let w = m.agentWordsPerMinute { rate = "\(Int(w.rounded())) word/m" }
        else if m.duration == nil { rate = "no times" }
        let cells = [
            result.call.id, result.call.agent ?? "-", String(m.turns), m.duration.map(TableRenderer.duration) ?? "-",
            m.agentTalkShare.map { "\(Int(($0 * 100).rounded()))%" } ?? "-", rate,
            m.language.rawValue, result.call.source ?? "-",
        ]
        return TableRenderer.row(cells) + "\n"
    }

    public func render(problem: InputProblem, index: Int) -> String { "" }

    public func end(_ summary: RunSummary) -> String {
        var line = "\(summary.calls) call\(summary.calls == 1 ? "" : "s") from \(summary.inputs) input\(summary.inputs == 1 ? "" : "s")"
        if summary.errors > 0 { line += ", \(summary.errors) unreadable (see messages above)" }
        if summary.warnings > 0 { line += ", \(summary.warnings) warning\(summary.warnings == 1 ? "" : "s")" }
        return "\n" + line + "\n"
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600 ? "\(total / 3600):\(two((total / 60) % 60)):\(two(total % 60))" : "\(total / 60):\(two(total % 60))"
    }

    static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    static func row(_ cells: [String]) -> String {
        var out = ""
        for (i, (cell, spec)) in zip(cells, columns).enumerated() {
            let (_, width, right) = spec
            if i > 0 { out += "  " }
            if width == 0 { out += cell; continue }
            let fitted = DisplayWidth.truncate(cell, to: width)
            let pad = String(repeating: " ", count: max(0, width - DisplayWidth.of(fitted)))
            out += right ? pad + fitted : fitted + pad
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
}
