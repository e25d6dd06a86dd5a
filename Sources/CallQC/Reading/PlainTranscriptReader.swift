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
        // The lines are scanned as bytes; a `String` is made once per turn text and once per
        // distinct label (Swift strings hash and compare by normalised characters: slow for
        // Chinese labels looked up on every line).
        let b = input.bytes
        var call = Call(id: PlainTranscriptReader.callID(fromSource: input.source), source: input.source)
        var roleMap = options.roleMap
        var labels = LabelCache()
        var warnings: [InputProblem] = []
        var inHeader = true
        let lines = input.lineRanges

        // A label that starts two or more untimed lines is a speaker, even if unknown.
        for (_, raw) in lines {
            let r = PlainTranscriptReader.trim(b, raw)
            if r.isEmpty || PlainTranscriptReader.starts(b, r, with: "#") || PlainTranscriptReader.starts(b, r, with: "[") { continue }
            if let split = PlainTranscriptReader.labelSplit(b, r) { labels.countUntimed(b[split.label]) }
        }

        for (number, raw) in lines {
            let line = PlainTranscriptReader.trim(b, raw)
            if line.isEmpty { continue }
            if PlainTranscriptReader.starts(b, line, with: "#") || PlainTranscriptReader.starts(b, line, with: "＃") {
                guard inHeader, let (key, value) = PlainTranscriptReader.header(b, line) else { continue }
                if let problem = apply(header: key, value: value, to: &call, roleMap: &roleMap, source: input.source, line: number) {
                    // A recording that cannot be one is a warning: the call is checked without it.
                    if problem.severity == .warning { warnings.append(problem); continue }
                    return .failure(problem)
                }
                labels.forgetRoles()
                continue
            }
            inHeader = false

            var rest = line
            var start: Double?, end: Double?, timed = false
            var bracketLabel: String?
            let square = PlainTranscriptReader.starts(b, rest, with: "[")
            if square || PlainTranscriptReader.starts(b, rest, with: "【") {
                let close: Character = square ? "]" : "】"
                let open = square ? 1 : 3
                guard let closeAt = PlainTranscriptReader.find(b, (rest.lowerBound + open)..<rest.upperBound, close) else {
                    return .failure(InputProblem(source: input.source, line: number, message: "'\(close)' missing: a time range like [00:01.2-00:04.8] must be closed"))
                }
                let inside = (rest.lowerBound + open)..<closeAt
                switch PlainTranscriptReader.timeRange(bytes: b[inside]) {
                case .range(let s, let e):
                    if let e, e < s {
                        return .failure(InputProblem(source: input.source, line: number, message: "end time \(TranscriptTime.format(e)) is before start time \(TranscriptTime.format(s))"))
                    }
                    start = s; end = e; timed = true
                case .invalid(let reason):
                    return .failure(InputProblem(source: input.source, line: number, message: "'\(String(decoding: b[inside], as: UTF8.self))' is not a time: \(reason) (expected mm:ss, mm:ss.f or hh:mm:ss.f, as in [00:01.2-00:04.8])"))
                case .notTime:
                    // `[SPEAKER_01]: text` or `[张三] text`: a bracketed speaker.
                    bracketLabel = String(decoding: b[PlainTranscriptReader.trim(b, inside)], as: UTF8.self)
                }
                rest = PlainTranscriptReader.trim(b, (closeAt + (square ? 1 : 3))..<rest.upperBound)
            }

            var labelIndex: Int?
            var labelBytes: ArraySlice<UInt8> = []
            var textRange = rest
            if let bracketLabel {
                labelBytes = Array(bracketLabel.utf8)[...]
                labelIndex = labels.index(of: labelBytes, roleMap: roleMap)
                if PlainTranscriptReader.starts(b, rest, with: ":") { textRange = rest.lowerBound + 1..<rest.upperBound }
                else if PlainTranscriptReader.starts(b, rest, with: "：") { textRange = rest.lowerBound + 3..<rest.upperBound }
                textRange = PlainTranscriptReader.trim(b, textRange)
            } else if let split = PlainTranscriptReader.labelSplit(b, rest) {
                let i = labels.index(of: b[split.label], roleMap: roleMap)
                if timed || labels.entries[i].isSpeaker || call.turns.isEmpty {
                    labelIndex = i
                    labelBytes = b[split.label]
                    textRange = PlainTranscriptReader.trim(b, split.after..<rest.upperBound)
                }
            }
            let text = String(decoding: b[textRange], as: UTF8.self)

            if let i = labelIndex {
                labels.entries[i].seen = true
                let entry = labels.entries[i]
                if entry.role == nil, !entry.warned {
                    labels.entries[i].warned = true
                    warnings.append(InputProblem(source: input.source, line: number, message: "unknown speaker label '\(entry.label)': kept with role 'other' (map it with --agent-label/--customer-label, or a header line '# speakers: \(entry.label)=agent')", severity: .warning, speakerLabel: entry.label))
                }
                // The label as this line spells it (`Café` and `Cafe` + U+0301 are one speaker).
                let speaker = entry.bytes.elementsEqual(labelBytes) ? entry.label : String(decoding: labelBytes, as: UTF8.self)
                call.turns.append(Turn(role: entry.role ?? .other, speaker: speaker, start: start, end: end, text: text))
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
        case "audio", "recording", "录音", "錄音", "录音文件", "錄音檔":
            if value.isEmpty {
                return InputProblem(source: source, line: line, message: "empty recording in header '# \(key):': give the recording's path, as in '# \(key): recordings/C0042.wav'; the call is checked without it", severity: .warning)
            }
            if let problem = RecordingLink.problem(value) {
                return InputProblem(source: source, line: line, message: "'\(value)' in header '# \(key):' \(problem); the call is checked without it", severity: .warning)
            }
            call.audio = value
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

    /// `# key: value` → (key, value), from the bytes of a line; nil for a comment without a colon.
    static func header(_ b: [UInt8], _ r: Range<Int>) -> (String, String)? {
        var i = r.lowerBound
        while i < r.upperBound {
            if starts(b, i..<r.upperBound, with: "#") { i += 1 } else if starts(b, i..<r.upperBound, with: "＃") { i += 3 } else { break }
        }
        var colon = i, colonLength = 0
        while colon < r.upperBound {
            if starts(b, colon..<r.upperBound, with: ":") { colonLength = 1; break }
            if starts(b, colon..<r.upperBound, with: "：") { colonLength = 3; break }
            colon += 1
        }
        guard colonLength > 0 else { return nil }
        let keyBytes = b[trim(b, i..<colon)]
        var key = String(decoding: keyBytes, as: UTF8.self)
        // Chinese keys (lead bytes E3–E9: U+3000–U+9FFF) and lower-case ASCII have no case to fold.
        if keyBytes.contains(where: { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0xC0 && !(0xE3...0xE9).contains($0)) }) { key = key.lowercased() }
        let value = String(decoding: b[trim(b, (colon + colonLength)..<r.upperBound)], as: UTF8.self)
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
        if let garbage = PlainTranscriptReader.numberGarbage(t) { return .invalid(garbage) }
        guard !t.isEmpty, t.allSatisfy({ timeChars.contains($0) }), t.contains(where: \.isASCIIDigit) else { return .notTime }
        // `-00:05.0-00:02`, `00:01--00:05`: a minus sign before a time.
        if let negative = PlainTranscriptReader.negativeTime(t) { return .invalid("\(negative) is a negative time: times count from the start of the call") }
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

    /// Numbers that no recogniser writes as a time (`nan`, `inf`, exponents: `[nan-inf]`,
    /// `[0,1e308]`): the reason, so they are an error and not a speaker label.
    static func numberGarbage(_ t: String) -> String? {
        let lower = t.lowercased()
        var rest = lower
        var words = false
        for word in ["infinity", "nan", "inf"] where rest.contains(word) {
            rest = rest.replacingOccurrences(of: word, with: "")
            words = true
        }
        let numeric = Set("0123456789:.,- –—>~+e")
        guard rest.allSatisfy({ numeric.contains($0) }) else { return nil }
        if words { return "'nan' and 'inf' are not times" }
        if rest.contains("e") && rest.contains(where: \.isASCIIDigit) { return "a number with an exponent is not a time" }
        return nil
    }

    /// The first time written with a minus sign in a time range, if any.
    static func negativeTime(_ t: String) -> String? {
        let scalars = Array(t)
        for (i, c) in scalars.enumerated() where c == "-" || c == "–" || c == "—" {
            // A minus at the start, or right after another separator, before a digit.
            let before = scalars[..<i].last { $0 != " " }
            let next = scalars[(i + 1)...].first { $0 != " " }
            guard let n = next, n.isASCIIDigit else { continue }
            if before == nil || "-–—~".contains(before!) {
                let digits = scalars[(i + 1)...].drop { $0 == " " }.prefix { $0.isASCIIDigit || ":.,".contains($0) }
                return "'-" + String(digits) + "'"
            }
        }
        return nil
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
        // The last non-empty path component, without its extension (bytes: '/' and '.' are ASCII).
        let u = Array(source.utf8)
        var end = u.count
        while end > 0, u[end - 1] == UInt8(ascii: "/") { end -= 1 }
        if end == 0 { return source }
        var start = end
        while start > 0, u[start - 1] != UInt8(ascii: "/") { start -= 1 }
        var stop = end
        if let dot = u[start..<end].lastIndex(of: UInt8(ascii: ".")), dot != start { stop = dot }
        return String(decoding: u[start..<stop], as: UTF8.self)
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

extension InputFormat {
    /// callqc's plain transcript (`[00:01.2-00:04.8] 坐席: 您好`).
    public static let plain = InputFormat(declaring: "plain")
}

extension PlainTranscriptReader {
    /// Text that no other reader recognises is a plain transcript.
    public static let declaration = ReaderDeclaration(
        format: .plain, summary: "callqc's plain transcript", shape: .text, extensions: ["txt", "text"],
        isFallback: true, reader: PlainTranscriptReader())
}
