/// Turns results into text, a call at a time, so output streams.
public protocol ResultRenderer: Sendable {
    /// Text before the first result (a table header, `[`).
    func begin() -> String
    /// One result.
    func render(_ result: CallResult, index: Int) -> String
    /// An input that could not be read, for formats that carry errors in the stream.
    func render(problem: InputProblem, index: Int) -> String
    /// Text after the last result.
    func end(_ summary: RunSummary) -> String
    /// One result as UTF-8 bytes (what ``render(_:index:)`` returns, without making a String
    /// where the renderer writes bytes anyway).
    func renderBytes(_ result: CallResult, index: Int) -> [UInt8]
}

extension ResultRenderer {
    public func renderBytes(_ result: CallResult, index: Int) -> [UInt8] { Array(render(result, index: index).utf8) }
}

/// Counts over a whole run.
public struct RunSummary: Sendable, Hashable {
    public var inputs = 0
    public var calls = 0
    public var errors = 0
    public var warnings = 0
    public var findings = 0
    public var vetoes = 0
    public var scoreSum = 0.0
    public var scored = 0
    public init() {}

    public mutating func add(_ result: CallResult) {
        calls += 1
        findings += result.findings.count
        if let s = result.scorecard {
            scored += 1
            scoreSum += s.total
            if s.veto { vetoes += 1 }
        }
    }
}

/// The output formats of `callqc check`: a closed list. A new format adds a
/// case, its renderer file, and tests.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, json, jsonl, csv, markdown

    /// The renderer; `sections` names the scorecard columns of CSV output.
    public func renderer(color: Bool = false, sections: [ScoringScheme.Section] = [], byteOrderMark: Bool = false) -> any ResultRenderer {
        switch self {
        case .table: return TableRenderer(color: color)
        case .json: return JSONRenderer(lines: false)
        case .jsonl: return JSONRenderer(lines: true)
        case .csv: return CSVRenderer(sections: sections, byteOrderMark: byteOrderMark)
        case .markdown: return MarkdownRenderer()
        }
    }
}

/// Number and time formats shared by the renderers.
public enum Format {
    /// `7`, `7.5`: points without a needless `.0`.
    public static func points(_ v: Double) -> String { JSONValue.format((v * 100).rounded() / 100) }

    public static func rate(_ m: CallMetrics) -> String {
        if let c = m.agentCharsPerMinute { return "\(Int(c.rounded())) char/m" }
        if let w = m.agentWordsPerMinute { return "\(Int(w.rounded())) word/m" }
        return m.duration == nil ? "no times" : "-"
    }

    public static func duration(_ seconds: Double?) -> String {
        guard let seconds else { return "-" }
        let total = Int(seconds.rounded())
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return total >= 3600 ? "\(total / 3600):\(two((total / 60) % 60)):\(two(total % 60))" : "\(total / 60):\(two(total % 60))"
    }

    /// Points each finding took, by finding index.
    public static func deductions(_ result: CallResult) -> [Int: Double] {
        var points: [Int: Double] = [:]
        for s in result.scorecard?.sections ?? [] { for d in s.deductions { points[d.finding, default: 0] += d.points } }
        return points
    }
}
