/// CSV for spreadsheets: a row per call with its score, section scores and
/// findings. With `byteOrderMark`, a UTF-8 BOM first, so Excel reads Chinese right.
public struct CSVRenderer: ResultRenderer {
    public let sections: [ScoringScheme.Section]
    public let byteOrderMark: Bool

    public init(sections: [ScoringScheme.Section], byteOrderMark: Bool) {
        self.sections = sections
        self.byteOrderMark = byteOrderMark
    }

    public func begin() -> String {
        let columns = ["call", "agent", "date", "language", "source", "score", "max", "grade", "veto"]
            + sections.map { "\($0.id) (\($0.title))" }
            + ["findings", "rules", "duration", "agent_talk_share", "agent_chars_per_minute", "agent_words_per_minute", "interruptions", "longest_silence"]
        return (byteOrderMark ? "\u{FEFF}" : "") + CSVRenderer.line(columns)
    }

    public func render(_ result: CallResult, index: Int) -> String {
        let c = result.call, m = result.metrics, s = result.scorecard
        func n(_ v: Double?) -> String { v.map(Format.points) ?? "" }
        var cells = [c.id, c.agent ?? "", c.date ?? "", m.language.rawValue, c.source ?? "",
                     n(s?.total), n(s?.max), s?.grade ?? "", s.map { $0.veto ? "yes" : "no" } ?? ""]
        cells += sections.map { sec in n(s?.sections.first { $0.id == sec.id }?.score) }
        var rules: [String] = []
        for f in result.findings where !rules.contains(f.rule) { rules.append(f.rule) }
        cells += [String(result.findings.count), rules.joined(separator: " "),
                  n(ResultJSON.rounded(m.duration, 1)), n(ResultJSON.rounded(m.agentTalkShare, 3)),
                  n(ResultJSON.rounded(m.agentCharsPerMinute, 1)), n(ResultJSON.rounded(m.agentWordsPerMinute, 1)),
                  String(result.interruptions), n(ResultJSON.rounded(m.longestSilence, 1))]
        return CSVRenderer.line(cells)
    }

    public func render(problem: InputProblem, index: Int) -> String { "" }
    public func end(_ summary: RunSummary) -> String { "" }

    /// One CSV line (CRLF), cells quoted where needed.
    public static func line(_ cells: [String]) -> String {
        cells.map(quote).joined(separator: ",") + "\r\n"
    }

    static func quote(_ cell: String) -> String {
        // A leading =, +, - or @ would run as a formula in a spreadsheet.
        // No NUL, escape sequence or other control character but tab and line breaks (which are quoted).
        var c = cell
        if c.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r") || (0x7F...0x9F).contains($0.value) }) {
            c = String(String.UnicodeScalarView(c.unicodeScalars.filter { !(($0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r") || (0x7F...0x9F).contains($0.value)) }))
        }
        // Spreadsheets also start a formula after a leading tab or carriage return (OWASP's list), and a Chinese
        // spreadsheet may take the full-width ＝ ＋ － ＠ for the ASCII ones: all get the quote too.
        if let first = c.unicodeScalars.first, "=+@\t\r\u{FF1D}\u{FF0B}\u{FF20}\u{FF0D}".unicodeScalars.contains(first)
            || (first == "-" && Double(c) == nil) { c = "'" + c }
        if c.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + c.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return c
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        components(separatedBy: target).joined(separator: replacement)
    }
}
