/// Reads one kind of transcript file into calls.
public protocol TranscriptReader: Sendable {
    /// Reads a validated input. Never throws: problems are in the outcome.
    func read(_ input: TextInput, options: ReadOptions) -> ReadOutcome
}

/// The input formats callqc reads: a closed list. A new format adds a case,
/// its reader file, its detection, and tests.
public enum InputFormat: String, Sendable, CaseIterable {
    /// callqc's plain transcript (`[00:01.2-00:04.8] 坐席: 您好`).
    case plain
    /// callqc's canonical JSON: one call, or an array of calls.
    case json
    /// callqc's canonical JSON, one call per line.
    case jsonl

    /// The reader for this format.
    public var reader: any TranscriptReader {
        switch self {
        case .plain: return PlainTranscriptReader()
        case .json: return CanonicalJSONReader(lines: false)
        case .jsonl: return CanonicalJSONReader(lines: true)
        }
    }

    /// File extensions callqc picks up when it walks a directory.
    public static let transcriptExtensions: Set<String> = ["txt", "text", "json", "jsonl", "ndjson"]

    /// The format of an input, from its extension first and its content second.
    public static func detect(path: String, bytes: [UInt8]) -> InputFormat {
        switch InputFormat.fileExtension(path) {
        case "txt", "text": return .plain
        case "jsonl", "ndjson": return .jsonl
        case "json": return .json
        default: return detect(content: bytes)
        }
    }

    /// The format judged from content alone (standard input, unknown extensions).
    public static func detect(content bytes: [UInt8]) -> InputFormat {
        guard let first = bytes.firstIndex(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF) })
        else { return .plain }
        switch bytes[first] {
        case UInt8(ascii: "["):
            // `[00:01.2-00:04.8] 坐席:` is plain text; `[{` or `[\n  {` is JSON.
            let rest = bytes[(first + 1)...].prefix(64).filter { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
            if let next = rest.first, next == UInt8(ascii: "{") || next == UInt8(ascii: "]") { return .json }
            return .plain
        case UInt8(ascii: "{"):
            // One object per line is JSON Lines; an object over several lines is JSON.
            let lineEnd = bytes[first...].firstIndex(of: 0x0A) ?? bytes.count
            let firstLine = Array(bytes[first..<lineEnd])
            if case .object = (try? JSONParser.parse(firstLine)) ?? .null { return .jsonl }
            return .json
        default:
            return .plain
        }
    }

    static func fileExtension(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }
}
