/// Writes a call in the plain transcript format, so that reading it back gives the same call.
public enum PlainTranscriptWriter {
    public static func write(_ call: Call, roleMap: RoleMap = .standard) -> String {
        var out = "# call: \(oneLine(call.id))\n"
        if let agent = call.agent { out += "# agent: \(oneLine(agent))\n" }
        if let date = call.date { out += "# date: \(oneLine(date))\n" }
        if let script = call.script { out += "# script: \(oneLine(script))\n" }
        if let language = call.language { out += "# language: \(oneLine(language))\n" }
        if let audio = call.audio { out += "# audio: \(oneLine(audio))\n" }
        for (key, value) in call.metadata.sorted(by: { $0.key < $1.key }) where PlainTranscriptWriter.safeKey(key) {
            out += "# \(key): \(oneLine(value))\n"
        }
        // Labels whose default role differs from the turn's role are declared in a header.
        var declared: [String: Role] = [:]
        var labels: [String] = []
        for turn in call.turns {
            let label = label(for: turn)
            if roleMap.role(of: label) != turn.role {
                if declared[label] == nil { labels.append(label) }
                declared[label] = turn.role
            }
        }
        if !labels.isEmpty {
            out += "# speakers: " + labels.map { "\($0)=\(declared[$0]!.rawValue)" }.joined(separator: ", ") + "\n"
        }
        for turn in call.turns {
            var line = ""
            if let start = turn.start {
                line += "[" + TranscriptTime.format(start)
                if let end = turn.end { line += "-" + TranscriptTime.format(end) }
                line += "] "
            }
            line += label(for: turn) + ": " + oneLine(turn.text)
            out += line + "\n"
        }
        return out
    }

    /// A label that reads back as this turn's speaker.
    static func label(for turn: Turn) -> String {
        let cleaned = String(oneLine(turn.speaker).map { $0 == ":" || $0 == "：" || $0 == "[" || $0 == "]" ? "_" : $0 })
        if !cleaned.isEmpty, cleaned.count <= PlainTranscriptReader.maxLabelLength,
           PlainTranscriptReader.labelSplit(Substring(cleaned + ":")) != nil, !cleaned.hasPrefix("#") {
            return cleaned
        }
        switch turn.role {
        case .agent: return "坐席"
        case .customer: return "客户"
        case .other: return "其他"
        }
    }

    static func safeKey(_ key: String) -> Bool {
        !key.isEmpty && !key.contains(":") && !key.contains("：") && !key.contains("\n")
            && !["call", "id", "agent", "date", "script", "language", "speakers", "roles"].contains(key)
    }

    /// One line of text: line breaks become spaces; NUL and other control characters but the
    /// tab are dropped (a converted file holds no NUL, no escape sequence).
    static func oneLine(_ text: String) -> String {
        var out = ""
        for s in text.unicodeScalars {
            switch s.value {
            case 0x09: out.unicodeScalars.append(s)
            case 0x0A, 0x0D, 0x0B, 0x0C, 0x85, 0x2028, 0x2029: out.unicodeScalars.append(" ")
            case 0..<0x20, 0x7F...0x9F: continue
            default: out.unicodeScalars.append(s)
            }
        }
        return out.trimmed()
    }
}
