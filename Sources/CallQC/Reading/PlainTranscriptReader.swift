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
        let lines = PlainTranscriptReader.lineRanges(b)

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

    /// ``header(_:)`` on the bytes of a line.
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

/// The speaker labels of one call, found by their bytes, each with its role looked up once.
struct LabelCache {
    struct Entry {
        var bytes: [UInt8]
        var label: String
        var role: Role?
        var resolved = false
        /// Whether it labelled a turn already.
        var seen = false
        var warned = false
        /// Untimed lines it starts (a label on two of them is a speaker, even if unknown).
        var untimed = 0

        /// Whether a `label:` at the start of a line is this speaker, not text with a colon.
        var isSpeaker: Bool { role != nil || seen || untimed >= 2 || PlainTranscriptReader.looksLikeSpeakerID(label) }
    }
    var entries: [Entry] = []
    /// Entries by their bytes, once there are many (a file of thousands of distinct labels).
    private var index: [[UInt8]: Int] = [:]
    /// Whether some label holds characters with other canonically equivalent spellings
    /// (`é` and `e` + U+0301): then labels are also compared as strings, as Swift compares them.
    private var anyNotPlain = false

    private mutating func find(_ bytes: ArraySlice<UInt8>) -> Int {
        if entries.count > 16 {
            if let i = index[Array(bytes)] { return i }
        } else {
            for i in entries.indices where entries[i].bytes.elementsEqual(bytes) { return i }
        }
        let label = String(decoding: bytes, as: UTF8.self)
        let plain = LabelCache.isPlain(bytes)
        if anyNotPlain || !plain, let i = entries.firstIndex(where: { $0.label == label }) { return i }
        anyNotPlain = anyNotPlain || !plain
        entries.append(Entry(bytes: Array(bytes), label: label))
        if entries.count > 16 {
            if index.isEmpty { for (i, e) in entries.enumerated() { index[e.bytes] = i } } else { index[Array(bytes)] = entries.count - 1 }
        }
        return entries.count - 1
    }

    /// ASCII, Han and CJK punctuation (no kana, no combining marks): the only spelling of
    /// their characters, so equal characters mean equal bytes.
    static func isPlain<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8, C.Index == Int {
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b0 = bytes[i]
            if b0 < 0x80 { i += 1; continue }
            guard b0 >= 0xE3 && b0 <= 0xE9, i + 2 < bytes.endIndex else { return false }
            if b0 == 0xE3 {
                let b1 = bytes[i + 1], b2 = bytes[i + 2]
                // U+302A–U+302F (tone marks), U+3099–U+309A (kana voicing marks), and kana that
                // decompose (が = か + U+3099): U+3040–U+30FF is all checked as not plain.
                if b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAF { return false }
                if b1 >= 0x81 && b1 <= 0x83 { return false }
            }
            i += 3
        }
        return true
    }

    mutating func countUntimed(_ bytes: ArraySlice<UInt8>) { entries[find(bytes)].untimed += 1 }

    /// The entry of a label, its role resolved with `roleMap`.
    mutating func index(of bytes: ArraySlice<UInt8>, roleMap: RoleMap) -> Int {
        let i = find(bytes)
        if !entries[i].resolved {
            entries[i].role = roleMap.role(of: entries[i].label)
            entries[i].resolved = true
        }
        return i
    }

    /// After a `# speakers:` header the roles are looked up again.
    mutating func forgetRoles() {
        for i in entries.indices { entries[i].resolved = false }
    }
}

extension PlainTranscriptReader {
    /// Byte ranges of the lines, numbered from 1, without LF or CRLF.
    static func lineRanges(_ b: [UInt8]) -> [(number: Int, range: Range<Int>)] {
        var result: [(Int, Range<Int>)] = []
        var start = 0, number = 1
        let n = b.count
        b.withUnsafeBufferPointer { p in
            var i = 0
            while i < n {
                if p[i] == 0x0A {
                    var end = i
                    if end > start, p[end - 1] == 0x0D { end -= 1 }
                    result.append((number, start..<end))
                    number += 1
                    start = i + 1
                }
                i += 1
            }
        }
        if start < n {
            var end = n
            if b[end - 1] == 0x0D { end -= 1 }
            result.append((number, start..<end))
        }
        return result
    }

    /// The scalar at `i` (a lead byte) of valid UTF-8, and its length in bytes.
    @inline(__always)
    static func scalar(_ b: [UInt8], at i: Int) -> (value: UInt32, length: Int) {
        let b0 = UInt32(b[i])
        if b0 < 0x80 { return (b0, 1) }
        if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(b[i + 1] & 0x3F), 2) }
        if b0 < 0xF0 { return ((b0 & 0x0F) << 12 | UInt32(b[i + 1] & 0x3F) << 6 | UInt32(b[i + 2] & 0x3F), 3) }
        return ((b0 & 0x07) << 18 | UInt32(b[i + 1] & 0x3F) << 12 | UInt32(b[i + 2] & 0x3F) << 6 | UInt32(b[i + 3] & 0x3F), 4)
    }

    /// `r` without white space (Unicode White_Space, the full-width space among it) at either end.
    static func trim(_ b: [UInt8], _ r: Range<Int>) -> Range<Int> {
        var lo = r.lowerBound, hi = r.upperBound
        while lo < hi {
            let (v, n) = scalar(b, at: lo)
            if !String.isSpace(v) { break }
            lo += n
        }
        while hi > lo {
            var j = hi - 1
            while j > lo, b[j] & 0xC0 == 0x80 { j -= 1 }
            if !String.isSpace(scalar(b, at: j).value) { break }
            hi = j
        }
        return lo..<hi
    }

    /// Whether the bytes in `r` begin with the character `prefix`: its bytes, not followed by
    /// a combining mark or other extender (`#` + U+20E3 is the keycap `#⃣`, not `#`), as
    /// `String.hasPrefix` compares characters.
    @inline(__always)
    static func starts(_ b: [UInt8], _ r: Range<Int>, with prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard r.count >= n else { return false }
        let p = prefix.utf8Start
        for k in 0..<n where b[r.lowerBound + k] != p[k] { return false }
        return !extendsCharacter(b, at: r.lowerBound + n, before: r.upperBound)
    }

    /// Whether the scalar at `i` (if before `end`) belongs to the character before it:
    /// Grapheme_Extend (combining marks, variation selectors, U+20E3), ZWJ or a spacing mark.
    /// ASCII and Han never do, and are decided on their first byte.
    @inline(__always)
    static func extendsCharacter(_ b: [UInt8], at i: Int, before end: Int) -> Bool {
        guard i < end, b[i] >= 0xCC else { return false }
        if b[i] >= 0xE4 && b[i] <= 0xE9 { return false }   // U+4000–U+9FFF: Han
        let v = scalar(b, at: i).value
        if v == 0x200D { return true }
        guard let s = Unicode.Scalar(v) else { return false }
        return s.properties.isGraphemeExtend || s.properties.generalCategory == .spacingMark
    }

    /// Where the character `c` first occurs in `r` (a whole character, as `firstIndex(of:)` finds it).
    static func find(_ b: [UInt8], _ r: Range<Int>, _ c: Character) -> Int? {
        let needle = Array(String(c).utf8)
        var i = r.lowerBound
        while i + needle.count <= r.upperBound {
            if b[i] == needle[0], needle.count == 1 || b[i..<(i + needle.count)].elementsEqual(needle),
               !extendsCharacter(b, at: i + needle.count, before: r.upperBound) {
                return i
            }
            i += 1
        }
        return nil
    }

    /// ``timeRange(_:)`` on bytes: the common ASCII shape without making a string.
    static func timeRange(bytes: ArraySlice<UInt8>) -> TimeRange {
        if let dash = bytes.firstIndex(of: UInt8(ascii: "-")), dash > bytes.startIndex, dash + 1 < bytes.endIndex,
           bytes.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x3A || $0 == 0x2E || $0 == 0x2D }),
           bytes[(dash + 1)...].firstIndex(of: UInt8(ascii: "-")) == nil,
           let start = TranscriptTime.parse(bytes: bytes[..<dash]), let end = TranscriptTime.parse(bytes: bytes[(dash + 1)...]) {
            return .range(start, end)
        }
        return timeRange(Substring(String(decoding: bytes, as: UTF8.self)))
    }

    /// ``labelSplit(_:)`` on bytes: the label's range (trimmed) and where the text after the colon begins.
    static func labelSplit(_ b: [UInt8], _ r: Range<Int>) -> (label: Range<Int>, after: Int)? {
        var i = r.lowerBound, count = 0
        while i < r.upperBound {
            let (v, n) = scalar(b, at: i)
            if v == 0x3A || v == 0xFF1A {
                let label = trim(b, r.lowerBound..<i)
                guard !label.isEmpty, b[label].lazy.filter({ $0 & 0xC0 != 0x80 }).count <= maxLabelLength else { return nil }
                return (label, i + n)
            }
            count += 1
            if count > maxLabelLength + 8 || isLabelBreak(v) { return nil }
            i += n
        }
        return nil
    }

    /// ``labelBreaks`` as a switch.
    @inline(__always)
    static func isLabelBreak(_ v: UInt32) -> Bool {
        switch v {
        case 0x2C, 0x21, 0x3F, 0x3B, 0x22, 0x28, 0x29, // , ! ? ; " ( )
             0xFF0C, 0x3002, 0xFF01, 0xFF1F, 0xFF1B, 0x3001, 0x201C, 0x201D, 0xFF08, 0xFF09: return true
        default: return false
        }
    }
}
