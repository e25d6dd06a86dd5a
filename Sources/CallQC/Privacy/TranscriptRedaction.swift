/// A redacted copy of a transcript file in its own format: JSON keeps its
/// structure with every string value masked (numbers, such as times, untouched);
/// line formats keep every line, with the text masked.
///
/// Masking works at the level of the call, as for results: the texts of an array of
/// segments (`segments[].text`, `Sentences[].Text`…) are read as turns, so a number split
/// across two of them is masked in both; the word lists that carry speech (Whisper's
/// `words`, Aliyun's and Tencent's `Words`, AWS's `items` and `Items`, Azure's `words`,
/// `WordConfidence`…) are read together, word after word, so that no word keeps a digit its
/// sentence masks. Lines are read as turns too (the speaker before `:` or `：`).
public enum TranscriptRedaction {
    public struct Output: Sendable {
        public var bytes: [UInt8]
        /// How many pieces of personal data were masked.
        public var masked: Int
    }

    /// `document` is the input parsed while its format was decided (``PreparedInput``): not parsed again.
    public static func redact(_ input: TextInput, format: InputFormat, document: Result<JSONValue, JSONSyntaxError>? = nil, redactor: PIIDetector = PIIDetector()) -> Result<Output, InputProblem> {
        if format.isJSONDocument {
            do {
                let doc = try (document ?? Result { () throws(JSONSyntaxError) -> JSONValue in try JSONParser.parse(input.bytes) }).get()
                var r = JSONRedaction(detector: redactor)
                let masked = r.document(doc)
                let multiline = input.bytes.contains(0x0A)
                let out = multiline ? masked.pretty() + "\n" : masked.compact()
                return .success(Output(bytes: Array(out.utf8), masked: r.count))
            } catch {
                return .failure(InputProblem(source: input.source, line: error.line, message: "invalid JSON at column \(error.column): \(error.reason)" + CallJSON.truncationHint(error)))
            }
        }
        var count = 0
        var lines: [String] = []
        var plain: [Int] = []               // indices in `lines` of text lines, read as turns
        for (number, raw) in input.lines {
            let line = String(decoding: raw, as: UTF8.self)
            if format == .jsonl, !line.trimmed().isEmpty {
                do {
                    var r = JSONRedaction(detector: redactor)
                    lines.append(r.document(try JSONParser.parse(Array(raw), firstLine: number)).compact())
                    count += r.count
                } catch {
                    return .failure(InputProblem(source: input.source, line: number, message: "invalid JSON at column \(error.column): \(error.reason)"))
                }
            } else {
                lines.append(line)
                plain.append(lines.count - 1)
            }
        }
        // Text lines as turns: cue numbers, times, Zoom's `[Name] HH:MM:SS` heads and blank lines
        // are left out; a Zoom head names the speaker of the lines after it.
        var headSpeaker: [Int: String] = [:]
        var current: String?
        let turnLines = plain.filter { k in
            let t = lines[k].trimmed()
            if let name = TranscriptRedaction.zoomHead(t) { current = name; return false }
            if current != nil { headSpeaker[k] = current }
            // A line of digits is a subtitle's cue number; in a plain transcript it is text.
            let cueNumber = format != .plain && t.unicodeScalars.allSatisfy({ PIIDetector.isASCIIDigit($0) })
            return !t.isEmpty && !t.contains("-->") && !cueNumber && t != "WEBVTT"
        }
        // In a plain transcript a line without a label continues the turn before it.
        var previous = ""
        let split = turnLines.map { k in
            var s = TranscriptRedaction.speakerAndText(lines[k])
            if s.speaker.isEmpty, let name = headSpeaker[k] { s.speaker = name }
            if s.speaker.isEmpty, format == .plain, !lines[k].hasPrefix("#") { s.speaker = previous }
            previous = s.speaker
            return s
        }
        let found = redactor.find(inTurns: split.map { (speaker: $0.speaker, text: $0.text) })
        for (i, matches) in found.enumerated() {
            count += matches.filter { $0.otherTurn.map { $0 > i } != true }.count
            lines[turnLines[i]] = split[i].prefix + PIIDetector.apply(matches, to: split[i].text)
        }
        // Lines that are not turns (cue numbers, times) are masked on their own.
        for k in plain where !turnLines.contains(k) {
            let m = redactor.find(in: lines[k])
            count += m.count
            lines[k] = PIIDetector.apply(m, to: lines[k])
        }
        let crlf = input.bytes.contains(0x0D)
        var out = lines.joined(separator: crlf ? "\r\n" : "\n")
        if input.bytes.last == 0x0A { out += crlf ? "\r\n" : "\n" }
        return .success(Output(bytes: Array(out.utf8), masked: count))
    }

    /// The name of a Zoom transcript's head line, `[Name] HH:MM:SS`.
    static func zoomHead(_ line: String) -> String? {
        let s = Array(line.unicodeScalars)
        guard s.first == "[", let close = s.lastIndex(of: "]"), close > 1, close + 1 < s.count, s[close + 1] == " " else { return nil }
        let time = s[(close + 2)...]
        guard time.count >= 7, time.count <= 12, time.allSatisfy({ PIIDetector.isASCIIDigit($0) || $0 == ":" || $0 == "." || $0 == "," }),
              time.filter({ $0 == ":" }).count == 2 else { return nil }
        return String(String.UnicodeScalarView(s[1..<close]))
    }

    /// A line's speaker (the label before the first `:` or `：` of its first 40 characters,
    /// times left out), the part before its text, and its text.
    static func speakerAndText(_ line: String) -> (speaker: String, prefix: String, text: String) {
        let all = Array(line.unicodeScalars)
        // A WebVTT voice: <v 客户>text, <v.loud Agent>text.
        if all.count > 3, all[0] == "<", all[1] == "v", all[2] == " " || all[2] == ".", let close = all.prefix(64).firstIndex(of: ">") {
            let tag = String(String.UnicodeScalarView(all[2..<close]))
            let name = tag.hasPrefix(".") ? String(tag.drop { $0 != " " }) : tag
            return (name.trimmed(), String(String.UnicodeScalarView(all[...close])), String(String.UnicodeScalarView(all[(close + 1)...])))
        }
        let s = all.prefix(40)
        // The colon after the label, not one inside a time ([00:43.5-00:52.3]).
        var k = 0
        if s.first == "[" || s.first == "【", let close = s.firstIndex(where: { $0 == "]" || $0 == "】" }) { k = close + 1 }
        if let colon = s[k...].firstIndex(where: { $0 == "：" || $0 == ":" }) {
            let name = String(String.UnicodeScalarView(all[k..<colon])).trimmed()
            if !name.isEmpty && !name.unicodeScalars.contains(where: PIIDetector.isASCIIDigit) {
                return (name, String(String.UnicodeScalarView(all[...colon])), String(String.UnicodeScalarView(all[(colon + 1)...])))
            }
        }
        return ("", "", line)
    }
}

/// Masks a vendor's JSON document: string values, with the texts of arrays of segments read
/// as a call's turns and the word lists read together.
struct JSONRedaction {
    let detector: PIIDetector
    var count = 0
    /// Masked word texts, in document order.
    var wordTexts: [String] = []
    var wordCursor = 0

    init(detector: PIIDetector) { self.detector = detector }

    static let wordTextKeys = ["word", "Word", "text", "Text", "content", "Content", "punctuated_word", "PunctuatedWord", "token"]
    static let speakerKeys = ["speaker", "Speaker", "SpeakerId", "speaker_label", "SegmentSpeaker", "ParticipantRole", "ChannelId", "channel", "channel_label", "ParticipantId"]

    /// Whether an array under `key` is a list of words with times.
    static func isWordList(_ key: String, _ items: [JSONValue]) -> Bool {
        let k = key.lowercased()
        guard k.contains("word") || k == "items" || k == "tokens" else { return false }
        return items.contains { wordText($0) != nil }
    }

    /// Where a word object keeps its text: a key, or `alternatives[0].content` (AWS).
    static func wordText(_ v: JSONValue) -> String? {
        guard let members = v.objectValue else { return nil }
        for k in wordTextKeys { if let s = members.first(where: { $0.0 == k })?.1.stringValue { return s } }
        for k in ["alternatives", "Alternatives"] {
            if let alt = members.first(where: { $0.0 == k })?.1.arrayValue?.first, let s = alt["content"]?.stringValue ?? alt["Content"]?.stringValue { return s }
        }
        return nil
    }

    mutating func document(_ doc: JSONValue) -> JSONValue {
        // 1. Every word list's words, in document order, read together as one text.
        var words: [(text: String, speaker: String)] = []
        JSONRedaction.collectWords(doc, key: "", into: &words)
        if !words.isEmpty {
            // Each speaker's (or channel's) words read on their own: a dual-channel list
            // interleaves the other side's 嗯 into a number.
            wordTexts = words.map(\.text)
            var bySpeaker: [String: [Int]] = [:]
            var order: [String] = []
            for (i, w) in words.enumerated() {
                if bySpeaker[w.speaker] == nil { order.append(w.speaker) }
                bySpeaker[w.speaker, default: []].append(i)
            }
            for key in order {
                let idx = bySpeaker[key]!
                let masked = detector.maskWords(idx.map { words[$0].text }, turnText: "", turnMatches: [])
                for (i, m) in zip(idx, masked) { wordTexts[i] = m }
            }
        }
        // 2. Everything else, with the word lists written back.
        return value(doc, key: "")
    }

    /// Who speaks a word, when the word says so (Aliyun's ChannelId, WhisperX's speaker…).
    static func speaker(of v: JSONValue) -> String {
        guard let members = v.objectValue else { return "" }
        for k in speakerKeys {
            if let x = members.first(where: { $0.0 == k })?.1 { return x.stringValue ?? x.numberValue.map { "\($0)" } ?? "" }
        }
        return ""
    }

    static func collectWords(_ v: JSONValue, key: String, into words: inout [(text: String, speaker: String)]) {
        switch v {
        case .array(let items):
            if isWordList(key, items) {
                for item in items { if let t = wordText(item) { words.append((t, speaker(of: item))) } }
                // Nested values of word objects (AWS alternatives) are the word itself.
                return
            }
            for item in items { collectWords(item, key: key, into: &words) }
        case .object(let members):
            for (k, x) in members { collectWords(x, key: k, into: &words) }
        default:
            break
        }
    }

    mutating func text(_ s: String) -> String {
        let matches = detector.find(in: s)
        count += matches.count
        return PIIDetector.apply(matches, to: s)
    }

    mutating func nextWord(_ original: String) -> String {
        guard wordCursor < wordTexts.count else { return text(original) }
        defer { wordCursor += 1 }
        return wordTexts[wordCursor]
    }

    mutating func value(_ v: JSONValue, key: String) -> JSONValue {
        switch v {
        case .string(let s):
            return .string(text(s))
        case .array(let items):
            if JSONRedaction.isWordList(key, items) {
                return .array(items.map { wordObject($0) })
            }
            // An array of segments: the string fields read as a call's turns.
            let objects = items.compactMap(\.objectValue)
            if objects.count >= 2, objects.count == items.count {
                return .array(segments(objects))
            }
            return .array(items.map { value($0, key: key) })
        case .object(let members):
            return .object(members.map { ($0.0, value($0.1, key: $0.0)) })
        default:
            return v
        }
    }

    /// A word object with its text replaced by the masked word (other strings masked on their own).
    mutating func wordObject(_ v: JSONValue) -> JSONValue {
        guard let members = v.objectValue, JSONRedaction.wordText(v) != nil else { return value(v, key: "") }
        let textKey = JSONRedaction.wordTextKeys.first { k in members.contains { $0.0 == k && $0.1.stringValue != nil } }
        var done = false
        var out: [(String, JSONValue)] = []
        for (k, x) in members {
            if !done, k == textKey, let s = x.stringValue {
                out.append((k, .string(nextWord(s)))); done = true
            } else if !done, textKey == nil, k == "alternatives" || k == "Alternatives", var alts = x.arrayValue, let first = alts.first?.objectValue {
                // AWS: the word is the first alternative's content; the others are masked on their own.
                let word = first.first { $0.0 == "content" || $0.0 == "Content" }?.1.stringValue ?? ""
                let masked = nextWord(word)
                alts[0] = .object(first.map { ($0.0, $0.0 == "content" || $0.0 == "Content" ? JSONValue.string(masked) : $0.1) })
                for a in alts.indices.dropFirst() { alts[a] = value(alts[a], key: k) }
                out.append((k, .array(alts))); done = true
            } else {
                out.append((k, value(x, key: k)))
            }
        }
        return .object(out)
    }

    /// Objects of an array whose string fields are read as turns, field by field.
    mutating func segments(_ objects: [[(String, JSONValue)]]) -> [JSONValue] {
        var keys: [String] = []
        for o in objects { for (k, v) in o where v.stringValue != nil && !keys.contains(k) { keys.append(k) } }
        var masked: [String: [String]] = [:]
        for k in keys {
            let turns: [(speaker: String, text: String)] = objects.map { o in
                let speaker = JSONRedaction.speakerKeys.lazy.compactMap { sk in o.first(where: { $0.0 == sk }).map { v -> String in v.1.stringValue ?? v.1.numberValue.map { "\($0)" } ?? "" } }.first ?? ""
                return (speaker: speaker, text: o.first(where: { $0.0 == k })?.1.stringValue ?? "")
            }
            let found = detector.find(inTurns: turns)
            count += found.enumerated().reduce(0) { n, e in n + e.element.filter { $0.otherTurn.map { $0 > e.offset } != true }.count }
            masked[k] = zip(found, turns).map { PIIDetector.apply($0.0, to: $0.1.text) }
        }
        return objects.enumerated().map { i, o in
            .object(o.map { k, v in
                if v.stringValue != nil, let m = masked[k] { return (k, .string(m[i])) }
                return (k, value(v, key: k))
            })
        }
    }
}
