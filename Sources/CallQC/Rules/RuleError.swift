/// A mistake in a rule file: where it is and how to fix it. A rule set with
/// one stops the run: a misconfigured scorecard is worse than none.
public struct RuleError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    public var message: String
    /// What to do about it.
    public var fix: String?

    public init(file: String, line: Int? = nil, column: Int? = nil, message: String, fix: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.fix = fix
    }

    /// `file:line:column: message (fix)`.
    public var description: String {
        var at = file
        if let line { at += ":\(line)" }
        if let line = line, let column, line > 0 { at += ":\(column)" }
        var text = "\(at): \(message)"
        if let fix { text += "; \(fix)" }
        return text
    }
}
