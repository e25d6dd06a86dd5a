/// Reads callqc's plain transcript format:
///
/// ```
/// # call: C20261120-0042
/// # agent: A017
/// [00:00.3-00:04.8] 坐席: 您好，很高兴为您服务。
/// 客户：我想咨询一下宽带续费的事情。
/// ```
///
/// Header lines `# key: value` come before the first turn; then a turn a line,
/// with an optional time range, a speaker label and `:` or `：`. A line without
/// a label continues the previous turn. See docs/formats.md.
public struct PlainTranscriptReader: TranscriptReader {
    /// Labels longer than this are read as text, not as a speaker.
    static let maxLabelLength = 32

    public init() {}

    public func read(_ input: TextInput, options: ReadOptions) -> ReadOutcome {
        var call = Call(id: PlainTranscriptReader.callID(fromSource: input.source), source: input.source)
        var roleMap = options.roleMap
        // Labels repeat on every line: look each up once.
        var roles: [String: Role?] = [:]
        func roleOf(_ label: String) -> Role? {
            if let known = roles[label] { return known }
            let r = roleMap.role(of: label)
            roles[label] = r
            return r
        }
        var warnings: [InputProblem] = []
        var knownLabels: Set<String> = []
        var warnedLabels: Set<String> = []
        var inHeader = true
        let lines = input.lines
        // A label that starts two or more untimed lines is a speaker, even if unknown.
        var labelCounts: [String: Int] = [:]
        for (_, raw) in lines {
            let line = String(decoding: raw, as: UTF8.self).trimmed()
            if line.hasPrefix("#") || line.hasPrefix("[") { continue }
            if let (label, _) = PlainTranscriptReader.labelSplit(Substring(line)) { labelCounts[label, default: 0] += 1 }
        }
        for (label, count) in labelCounts where count >= 2 { knownLabels.insert(label) }

        for (number, raw) in lines {
            let line = String(decoding: raw, as: UTF8.self).trimmed()
            if line.isEmpty { continue }
            if line.hasPrefix("#") || line.hasPrefix("＃") {
                guard inHeader, let (key, value) = PlainTranscriptReader.header(line) else { continue }
                if let problem = apply(header: key, value: value, to: &call, roleMap: &roleMap, source: input.source, line: number) {
                    return .failure(problem)
                }
                continue
            }
            inHeader = false

            var rest = Substring(line)
            var start: Double?, end: Double?, timed = false
            var bracketLabel: String?
            if rest.hasPrefix("[") || rest.hasPrefix("【") {
                let close: Character = rest.hasPrefix("[") ? "]" : "】"
                guard let closeIndex = rest.firstIndex(of: close) else {
                    return .failure(InputProblem(source: input.source, line: number, message: "'\(close)' missing: a time range like [00:01.2-00:04.8] must be closed"))
                }
                let inside = rest[rest.index(after: rest.startIndex)..<closeIndex]
                switch PlainTranscriptReader.timeRange(inside) {
                case .range(let s, let e):
                    if let e, e < s {
                        return .failure(InputProblem(source: input.source, line: number, message: "end time \(TranscriptTime.format(e)) is before start time \(TranscriptTime.format(s))"))
                    }
                    start = s; end = e; timed = true
                case .invalid(let reason):
                    return .failure(InputProblem(source: input.source, line: number, message: "'\(inside)' is not a time: \(reason) (expected mm:ss, mm:ss.f or hh:mm:ss.f, as in [00:01.2-00:04.8])"))
                case .notTime:
                    // `[SPEAKER_01]: text` or `[张三] text`: a bracketed speaker.
                    bracketLabel = String(inside).trimmed()
                }
                rest = rest[rest.index(after: closeIndex)...]
                rest = Substring(String(rest).trimmed())
            }

            var label: String?
            var text = String(rest)
            if let bracketLabel {
                label = bracketLabel
                if rest.hasPrefix(":") || rest.hasPrefix("：") { rest = rest.dropFirst() }
                text = String(rest).trimmed()
            } else if let (candidate, after) = PlainTranscriptReader.labelSplit(rest) {
                let known = roleOf(candidate) != nil || knownLabels.contains(candidate)
                    || PlainTranscriptReader.looksLikeSpeakerID(candidate)
                if timed || known || call.turns.isEmpty {
                    label = candidate
                    text = String(after).trimmed()
                }
            }

            if let label {
                knownLabels.insert(label)
                var role = roleOf(label)
                if role == nil {
                    role = .other
                    if warnedLabels.insert(label).inserted {
                        warnings.append(InputProblem(source: input.source, line: number, message: "unknown speaker label '\(label)': kept with role 'other' (map it with --agent-label/--customer-label, or a header line '# speakers: \(label)=agent')", severity: .warning, speakerLabel: label))
                    }
                }
                call.turns.append(Turn(role: role ?? .other, speaker: label, start: start, end: end, text: text))
            } else if timed {
                warnings.append(InputProblem(source: input.source, line: number, message: "no speaker label: the turn is kept with role 'other'", severity: .warning))
                call.turns.append(Turn(role: .other, speaker: "", start: start, end: end, text: text))
            } else if let last = call.turns.indices.last {
                call.turns[last].text = PlainTranscriptReader.join(call.turns[last].text, text)
            } else {
                return .failure(InputProblem(source: input.source, line: number, message: "text before any speaker label: a turn line looks like '坐席: 您好' or '[00:01.2-00:04.8] Agent: Hello'"))
            }
        }
        if call.turns.isEmpty {
            return .failure(InputProblem(source: input.source, message: "no turns found: a turn line looks like '坐席: 您好' or '[00:01.2-00:04.8] Agent: Hello'"))
        }
        return ReadOutcome(calls: [call], warnings: warnings)
    }

    /// Applies one header; returns a problem when its value is unusable.
    private func apply(header key: String, value: String, to call: inout Call, roleMap: inout RoleMap, source: String, line: Int) -> InputProblem? {
        switch key {
        case "call", "id", "call-id", "call_id", "callid", "通话", "通话编号", "录音编号":
            if value.isEmpty { return InputProblem(source: source, line: line, message: "empty call id in header '# \(key):'") }
            call.id = value
        case "agent", "agent-id", "agent_id", "坐席", "工号": call.agent = value.isEmpty ? nil : value
        case "date", "日期": call.date = value.isEmpty ? nil : value
        case "script", "话术", "问卷": call.script = value.isEmpty ? nil : value
        case "language", "lang", "语言": call.language = value.isEmpty ? nil : value
        case "speakers", "roles":
            for pair in value.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == ";" }) {
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).trimmed() }
                guard parts.count == 2, !parts[0].isEmpty, let role = Role(rawValue: parts[1].lowercased()) else {
                    return InputProblem(source: source, line: line, message: "'\(pair.trimmingCharacters())' in '# speakers:' should be LABEL=agent, LABEL=customer or LABEL=other")
                }
                roleMap.add(label: parts[0], role: role)
            }
        default:
            call.metadata[key] = value
        }
        return nil
    }

    /// `# key: value` → (key, value); nil for a comment without a colon.
    static func header(_ line: String) -> (String, String)? {
        let body = line.drop { $0 == "#" || $0 == "＃" }
        guard let colon = body.firstIndex(where: { $0 == ":" || $0 == "：" }) else { return nil }
        let key = String(body[..<colon]).trimmed().lowercased()
        let value = String(body[body.index(after: colon)...]).trimmed()
        guard !key.isEmpty, key.count <= 40, !key.contains(" ") || key.count <= 20 else { return nil }
        return (key, value)
    }

    enum TimeRange { case range(Double, Double?), invalid(String), notTime }

    /// `00:01.2-00:04.8`, `00:01.2 - 00:04.8`, `00:01,200 --> 00:04,800`, `1.2,4.8` or a lone start.
    static func timeRange(_ text: Substring) -> TimeRange {
        // Fast path, the common shape: mm:ss(.f)-mm:ss(.f) in ASCII.
        let bytes = Array(text.utf8)
        if let dash = bytes.firstIndex(of: UInt8(ascii: "-")), dash > 0, dash + 1 < bytes.count,
           bytes.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x3A || $0 == 0x2E || $0 == 0x2D }),
           bytes[(dash + 1)...].firstIndex(of: UInt8(ascii: "-")) == nil {
            guard let start = TranscriptTime.parse(bytes: bytes[..<dash]) else { return .invalid("'\(String(decoding: bytes[..<dash], as: UTF8.self))' is not a valid time") }
            guard let end = TranscriptTime.parse(bytes: bytes[(dash + 1)...]) else { return .invalid("'\(String(decoding: bytes[(dash + 1)...], as: UTF8.self))' is not a valid time") }
            return .range(start, end)
        }
        let t = text.trimmingCharacters()
        let timeChars = Set("0123456789:.,- –—>~")
        guard !t.isEmpty, t.allSatisfy({ timeChars.contains($0) }), t.contains(where: \.isASCIIDigit) else { return .notTime }
        var parts: [Substring]
        if t.firstRange(of: "-->") != nil {
            parts = t.components(separatedBy: "-->")
        } else if t.contains(where: { "-–—~".contains($0) }) {
            parts = t.split(omittingEmptySubsequences: false, whereSeparator: { "-–—~".contains($0) })
        } else if !t.contains(":"), t.contains(",") {
            parts = t.split(separator: ",", omittingEmptySubsequences: false)
        } else {
            parts = [Substring(t)]
        }
        parts = parts.map { Substring($0.trimmingCharacters()) }
        guard parts.count == 1 || parts.count == 2 else { return .invalid("more than two times") }
        guard let start = TranscriptTime.parse(parts[0]) else { return .invalid("'\(parts[0])' is not a valid time") }
        if parts.count == 1 { return .range(start, nil) }
        guard let end = TranscriptTime.parse(parts[1]) else { return .invalid("'\(parts[1])' is not a valid time") }
        return .range(start, end)
    }

    /// Splits `label: text` at the first `:` or `：` when what precedes it can be a label.
    static func labelSplit(_ line: Substring) -> (String, Substring)? {
        // Scalars, not Characters: grapheme breaking costs more than the rest of a line.
        let scalars = line.unicodeScalars
        var colon: String.Index?
        var count = 0
        for i in scalars.indices {
            let s = scalars[i]
            if s == ":" || s == "：" { colon = i; break }
            count += 1
            if count > maxLabelLength + 8 || labelBreaks.contains(s) { return nil }
        }
        guard let colon else { return nil }
        let label = String(line[..<colon]).trimmed()
        guard !label.isEmpty, label.unicodeScalars.count <= maxLabelLength else { return nil }
        return (label, line[scalars.index(after: colon)...])
    }

    /// Characters a speaker label never holds: a colon after them is inside the text.
    static let labelBreaks: Set<Unicode.Scalar> = ["，", "。", "！", "？", ",", "!", "?", "；", ";", "、", "\"", "“", "”", "(", ")", "（", "）"]

    /// Labels that diarisation tools write: `SPEAKER_01`, `spk_0`, `Speaker 2`, `说话人1`.
    static func looksLikeSpeakerID(_ label: String) -> Bool {
        let lower = label.lowercased()
        for prefix in ["speaker", "spk", "说话人", "說話人", "发言人", "發言人", "角色", "channel", "ch_"] where lower.hasPrefix(prefix) {
            let rest = lower.dropFirst(prefix.count).drop { $0 == "_" || $0 == " " || $0 == "-" }
            if !rest.isEmpty, rest.allSatisfy({ $0.isNumber || ($0.isASCII && $0.isLetter && rest.count == 1) }) { return true }
        }
        return false
    }

    /// Joins a continuation line: no space between Chinese characters, one between words.
    static func join(_ a: String, _ b: String) -> String {
        if a.isEmpty { return b }
        if b.isEmpty { return a }
        let last = a.unicodeScalars.last!, first = b.unicodeScalars.first!
        return last.isASCII || first.isASCII ? a + " " + b : a + b
    }

    /// A call id from a file name: `samples/good-call.txt` → `good-call`.
    static func callID(fromSource source: String) -> String {
        if source == "-" { return "stdin" }
        let name = source.split(separator: "/").last.map(String.init) ?? source
        if let dot = name.lastIndex(of: "."), dot != name.startIndex { return String(name[..<dot]) }
        return name
    }
}

extension StringProtocol {
    /// Trims whitespace, including the full-width space U+3000.
    func trimmingCharacters() -> String { String(self).trimmed() }
}

extension String {
    func components(separatedBy separator: String) -> [Substring] {
        var parts: [Substring] = []
        var rest = Substring(self)
        while let r = rest.firstRange(of: separator) {
            parts.append(rest[..<r.lowerBound])
            rest = rest[r.upperBound...]
        }
        parts.append(rest)
        return parts
    }
}
