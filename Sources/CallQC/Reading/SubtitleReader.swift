/// Reads WebVTT and SRT transcripts, as Teams, Zoom, Whisper tools and caption
/// editors write them. One reader for both, as their cues differ only in the header
/// and the fraction separator.
///
/// ```
/// WEBVTT
///
/// NOTE exported by Teams
///
/// 3f1e…/12-0
/// 0:0:1.510 --> 0:0:4.200
/// <v Wang Fang>您好，很高兴为您服务。</v>
///
/// 00:00:04.500 --> 00:00:06.000
/// [SPEAKER_01]: 我想查一下话费。
/// ```
///
/// Each cue is a turn (a cue with several voices gives one turn per voice). Times
/// are `hh:mm:ss.mmm`, `mm:ss.mmm` or unpadded (`0:0:1.510`), with `.` or `,`.
/// Cue numbers and identifiers, `NOTE`, `STYLE` and `REGION` blocks, cue settings
/// and formatting tags are skipped. The speaker is the `<v Name>` voice, a
/// `[SPEAKER_01]:` prefix, or a `Name:` prefix when the name is a known label, a
/// speaker id, or begins two or more cues. A cue without a speaker continues the
/// previous cue's speaker.
public struct SubtitleReader: TranscriptReader {
    public enum Kind: Sendable { case vtt, srt }

    public let kind: Kind

    public init(kind: Kind) { self.kind = kind }

    struct Cue {
        var line: Int
        var start: Double
        var end: Double
        var lines: [String]
    }

    public func read(_ input: TextInput, options: ReadOptions) -> ReadOutcome {
        let name = kind == .vtt ? "WebVTT" : "SRT"
        var call = Call(id: PlainTranscriptReader.callID(fromSource: input.source), source: input.source)
        var warnings: [InputProblem] = []

        // Blocks of lines separated by blank lines.
        var blocks: [[(number: Int, text: String)]] = []
        var current: [(number: Int, text: String)] = []
        for (number, raw) in input.lines {
            let text = String(decoding: raw, as: UTF8.self)
            if text.trimmed().isEmpty {
                if !current.isEmpty { blocks.append(current); current = [] }
            } else {
                current.append((number, text))
            }
        }
        if !current.isEmpty { blocks.append(current) }

        var cues: [Cue] = []
        var sawHeader = false
        for (b, block) in blocks.enumerated() {
            let first = block[0].text.trimmed()
            if b == 0, first.hasPrefix("WEBVTT") {
                sawHeader = true
                for (_, line) in block.dropFirst() {
                    if let (key, value) = PlainTranscriptReader.labelSplit(Substring(line)), key.lowercased() == "language" {
                        let v = value.trimmingCharacters()
                        if !v.isEmpty { call.language = v }
                    }
                }
                continue
            }
            if SubtitleReader.isBlockKeyword(first, "NOTE") || SubtitleReader.isBlockKeyword(first, "STYLE") || SubtitleReader.isBlockKeyword(first, "REGION") {
                continue
            }
            guard let timing = block.prefix(3).firstIndex(where: { $0.text.firstRange(of: "-->") != nil }) else {
                warnings.append(InputProblem(source: input.source, line: block[0].number, message: "a block without a time line ('00:00:01.000 --> 00:00:04.000') was skipped", severity: .warning))
                continue
            }
            let (number, line) = block[timing]
            guard let arrow = line.firstRange(of: "-->") else { continue }
            let left = line[..<arrow.lowerBound].trimmingCharacters()
            let right = line[arrow.upperBound...].trimmingCharacters().split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) ?? ""
            guard let start = TranscriptTime.parse(Substring(left)) else {
                return .failure(InputProblem(source: input.source, line: number, message: "'\(left)' is not a time (expected hh:mm:ss.mmm, mm:ss.mmm or h:m:s.mmm)"))
            }
            guard let end = TranscriptTime.parse(Substring(right)) else {
                return .failure(InputProblem(source: input.source, line: number, message: "'\(right)' is not a time (expected hh:mm:ss.mmm, mm:ss.mmm or h:m:s.mmm)"))
            }
            cues.append(Cue(line: number, start: start, end: end, lines: block[(timing + 1)...].map(\.text)))
        }
        if cues.isEmpty {
            let why = kind == .vtt && !sawHeader && !blocks.isEmpty ? " (and no 'WEBVTT' header: is this a WebVTT file?)" : ""
            return ReadOutcome(errors: [InputProblem(source: input.source, message: "no cues found: a \(name) file needs cues like '00:00:01.000 --> 00:00:04.000' followed by text\(why)")], warnings: warnings)
        }

        // A `Name:` that begins two or more cue lines is a speaker.
        var prefixCounts: [String: Int] = [:]
        for cue in cues {
            for line in cue.lines {
                let (voice, text) = SubtitleReader.stripTags(line)
                if voice == nil, let (label, _) = PlainTranscriptReader.labelSplit(Substring(text.trimmed())) { prefixCounts[label, default: 0] += 1 }
            }
        }

        var turns = TurnCollector(source: input.source)
        var speaker = ""
        for cue in cues {
            var parts: [(speaker: String, text: String)] = []
            for line in cue.lines {
                let (voice, stripped) = SubtitleReader.stripTags(line)
                var text = stripped.trimmed()
                var lineSpeaker = voice
                if lineSpeaker == nil, let (label, rest) = SubtitleReader.prefixLabel(text, counts: prefixCounts, roleMap: options.roleMap) {
                    lineSpeaker = label
                    text = rest
                }
                if let s = lineSpeaker { speaker = s }
                if let last = parts.last, lineSpeaker == nil || last.speaker == speaker {
                    parts[parts.count - 1].text = PlainTranscriptReader.join(last.text, text)
                } else {
                    parts.append((speaker, text))
                }
            }
            if parts.isEmpty { parts = [(speaker, "")] }
            for part in parts {
                turns.add(speaker: part.speaker, role: part.speaker.isEmpty ? .other : VendorJSON.role(of: part.speaker, options),
                          start: cue.start, end: cue.end, text: part.text, at: "the cue at line \(cue.line)")
            }
        }
        turns.warnings.insert(contentsOf: warnings, at: 0)
        return turns.outcome(call, what: "cues")
    }

    static func isBlockKeyword(_ line: String, _ keyword: String) -> Bool {
        guard line.hasPrefix(keyword) else { return false }
        let rest = line.dropFirst(keyword.count)
        return rest.isEmpty || rest.first == " " || rest.first == "\t"
    }

    /// `[SPEAKER_01]: text`, `[Name] text` with a speaker id, `>> Name: text`, or `Name: text`.
    static func prefixLabel(_ text: String, counts: [String: Int], roleMap: RoleMap) -> (String, String)? {
        var line = Substring(text)
        if line.hasPrefix(">>") { line = line.dropFirst(2).drop { $0 == " " } }
        if line.hasPrefix("["), let close = line.firstIndex(of: "]") {
            let label = line[line.index(after: line.startIndex)..<close].trimmingCharacters()
            var rest = line[line.index(after: close)...]
            let colon = rest.first == ":" || rest.first == "："
            if colon { rest = rest.dropFirst() }
            if !label.isEmpty, label.count <= PlainTranscriptReader.maxLabelLength, colon || PlainTranscriptReader.looksLikeSpeakerID(label) {
                return (label, rest.trimmingCharacters())
            }
            return nil
        }
        guard let (label, rest) = PlainTranscriptReader.labelSplit(line) else { return nil }
        if roleMap.role(of: label) != nil || PlainTranscriptReader.looksLikeSpeakerID(label) || counts[label, default: 0] >= 2 {
            return (label, rest.trimmingCharacters())
        }
        return nil
    }

    /// Removes `<…>` tags and `{\…}` overrides and decodes entities; returns the
    /// `<v Name>` voice, if any.
    static func stripTags(_ line: String) -> (voice: String?, text: String) {
        var voice: String?
        var out = ""
        var i = line.startIndex
        while i < line.endIndex {
            let ch = line[i]
            if ch == "<", let close = line[i...].firstIndex(of: ">") {
                let tag = line[line.index(after: i)..<close]
                if tag.hasPrefix("v ") || tag.hasPrefix("v.") || tag.hasPrefix("v\t") {
                    let name = tag.drop { $0 != " " && $0 != "\t" }.trimmingCharacters()
                    if !name.isEmpty { voice = name }
                }
                i = line.index(after: close)
                continue
            }
            if ch == "{", line[line.index(after: i)...].first == "\\", let close = line[i...].firstIndex(of: "}") {
                i = line.index(after: close)
                continue
            }
            if ch == "&", let semi = line[i...].prefix(10).firstIndex(of: ";") {
                let entity = line[line.index(after: i)..<semi]
                let replacement: String?
                switch entity {
                case "amp": replacement = "&"
                case "lt": replacement = "<"
                case "gt": replacement = ">"
                case "quot": replacement = "\""
                case "apos", "#39": replacement = "'"
                case "nbsp": replacement = " "
                case "lrm", "rlm": replacement = ""
                default: replacement = nil
                }
                if let replacement {
                    out += replacement
                    i = line.index(after: semi)
                    continue
                }
            }
            out.append(ch)
            i = line.index(after: i)
        }
        return (voice, out)
    }
}

extension InputFormat {
    /// WebVTT.
    public static let vtt = InputFormat(declaring: "vtt")
    /// SRT subtitles.
    public static let srt = InputFormat(declaring: "srt")
}

extension SubtitleReader {
    public static let vttDeclaration = ReaderDeclaration(
        format: .vtt, summary: "WebVTT subtitles (Teams, Zoom, Whisper tools)", shape: .text, extensions: ["vtt"],
        recognition: .text { text in
            guard let first = text.firstIndex(where: { !ReaderRegistry.isSpace($0) && !ReaderRegistry.isByteOrderMark($0) }) else { return false }
            return text[first...].starts(with: "WEBVTT".utf8)
        },
        recognisedBy: "a first line `WEBVTT`", reader: SubtitleReader(kind: .vtt))

    public static let srtDeclaration = ReaderDeclaration(
        format: .srt, summary: "SRT subtitles", shape: .text, extensions: ["srt"],
        recognition: .text { text in
            // A cue number, then `00:00:00,000 --> 00:00:02,000`.
            guard let first = text.firstIndex(where: { !ReaderRegistry.isSpace($0) && !ReaderRegistry.isByteOrderMark($0) }),
                  (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[first]) else { return false }
            let head = String(decoding: text[first...].prefix(200), as: UTF8.self)
            return head.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).prefix(2).contains { $0.contains("-->") }
        },
        recognisedBy: "a cue number, then a `-->` line", reader: SubtitleReader(kind: .srt))
}
