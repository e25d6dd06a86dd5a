/// A redacted copy of a transcript file in its own format: JSON keeps its
/// structure with every string value masked (numbers, such as times, untouched);
/// line formats keep every line, with the text masked.
public enum TranscriptRedaction {
    public struct Output: Sendable {
        public var bytes: [UInt8]
        /// How many pieces of personal data were masked.
        public var masked: Int
    }

    public static func redact(_ input: TextInput, format: InputFormat, redactor: PIIDetector = PIIDetector()) -> Result<Output, InputProblem> {
        var count = 0
        func text(_ s: String) -> String {
            let matches = redactor.find(in: s)
            count += matches.count
            return matches.isEmpty ? s : redactor.redact(s)
        }
        func value(_ v: JSONValue) -> JSONValue {
            switch v {
            case .string(let s): return .string(text(s))
            case .array(let items): return .array(items.map(value))
            case .object(let members): return .object(members.map { ($0.0, value($0.1)) })
            default: return v
            }
        }
        if format.isJSONDocument {
            do {
                let doc = try JSONParser.parse(input.bytes)
                let multiline = input.bytes.contains(0x0A)
                let out = multiline ? value(doc).pretty() + "\n" : value(doc).compact()
                return .success(Output(bytes: Array(out.utf8), masked: count))
            } catch {
                return .failure(InputProblem(source: input.source, line: error.line, message: "invalid JSON at column \(error.column): \(error.reason)"))
            }
        }
        var lines: [String] = []
        for (number, raw) in input.lines {
            let line = String(decoding: raw, as: UTF8.self)
            if format == .jsonl, !line.trimmed().isEmpty {
                do {
                    lines.append(value(try JSONParser.parse(Array(raw), firstLine: number)).compact())
                } catch {
                    return .failure(InputProblem(source: input.source, line: number, message: "invalid JSON at column \(error.column): \(error.reason)"))
                }
            } else {
                lines.append(text(line))
            }
        }
        let crlf = input.bytes.contains(0x0D)
        var out = lines.joined(separator: crlf ? "\r\n" : "\n")
        if input.bytes.last == 0x0A { out += crlf ? "\r\n" : "\n" }
        return .success(Output(bytes: Array(out.utf8), masked: count))
    }
}
