/// `json`: one array of result and error objects; `jsonl`: one object per line.
public struct JSONRenderer: ResultRenderer {
    public let lines: Bool

    public init(lines: Bool) { self.lines = lines }

    public func begin() -> String { lines ? "" : "[" }

    public func render(_ result: CallResult, index: Int) -> String {
        if lines { return String(decoding: renderBytes(result, index: index), as: UTF8.self) }
        return item(ResultJSON.encode(result), index: index)
    }

    public func renderBytes(_ result: CallResult, index: Int) -> [UInt8] {
        guard lines else { return Array(render(result, index: index).utf8) }
        var bytes = ResultJSON.compact(result)
        bytes.append(0x0A)
        return bytes
    }

    public func render(problem: InputProblem, index: Int) -> String {
        item(ResultJSON.encode(problem), index: index)
    }

    private func item(_ value: JSONValue, index: Int) -> String {
        if lines { return value.compact() + "\n" }
        let body = value.pretty().split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
        return (index == 0 ? "\n" : ",\n") + body
    }

    public func end(_ summary: RunSummary) -> String {
        if lines { return "" }
        return summary.calls + summary.errors == 0 ? "]\n" : "\n]\n"
    }
}
