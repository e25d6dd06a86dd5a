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
}

/// Counts over a whole run.
public struct RunSummary: Sendable, Hashable {
    public var inputs = 0
    public var calls = 0
    public var errors = 0
    public var warnings = 0
    public init() {}
}

/// The output formats of `callqc check`: a closed list.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, json, jsonl

    public func renderer(color: Bool = false) -> any ResultRenderer {
        switch self {
        case .table: return TableRenderer(color: color)
        case .json: return JSONRenderer(lines: false)
        case .jsonl: return JSONRenderer(lines: true)
        }
    }
}
