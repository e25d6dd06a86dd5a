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
    /// Aliyun 录音文件识别 result (`Result.Sentences`).
    case aliyun
    /// Tencent Cloud ASR `DescribeTaskStatus` response (`Data.ResultDetail`, `Data.Result`).
    case tencent
    /// Amazon Transcribe batch output (`results.items`).
    case awsTranscribe = "aws-transcribe"
    /// Amazon Transcribe Call Analytics / Contact Lens output (`Transcript`, `ParticipantRole`).
    case awsCallAnalytics = "aws-call-analytics"
    /// AWS Post Call Analytics output (`SpeechSegments`).
    case awsPCA = "aws-pca"
    /// Whisper-family JSON (`segments`).
    case whisper
    /// Azure AI Speech batch or realtime result (`recognizedPhrases`, `NBest`).
    case azure
    /// WebVTT.
    case vtt
    /// SRT subtitles.
    case srt
    /// Zoom plain-text transcript (`[Name] HH:MM:SS`, then text).
    case zoom

    /// The reader for this format.
    public var reader: any TranscriptReader {
        switch self {
        case .plain: return PlainTranscriptReader()
        case .json: return CanonicalJSONReader(lines: false)
        case .jsonl: return CanonicalJSONReader(lines: true)
        case .aliyun: return AliyunReader()
        case .tencent: return TencentReader()
        case .awsTranscribe: return AWSTranscribeReader()
        case .awsCallAnalytics: return AWSCallAnalyticsReader()
        case .awsPCA: return AWSPCAReader()
        case .whisper: return WhisperReader()
        case .azure: return AzureSpeechReader()
        case .vtt: return SubtitleReader(kind: .vtt)
        case .srt: return SubtitleReader(kind: .srt)
        case .zoom: return ZoomReader()
        }
    }

    /// Read as one JSON document (no limit on line length: recognisers write one long line).
    public var isJSONDocument: Bool {
        switch self {
        case .json, .aliyun, .tencent, .awsTranscribe, .awsCallAnalytics, .awsPCA, .whisper, .azure: return true
        case .plain, .jsonl, .vtt, .srt, .zoom: return false
        }
    }

    /// File extensions callqc picks up when it walks a directory.
    public static let transcriptExtensions: Set<String> = ["txt", "text", "json", "jsonl", "ndjson", "vtt", "srt"]

    /// The format of an input, from its extension first and its content second.
    public static func detect(path: String, bytes: [UInt8]) -> InputFormat {
        switch InputFormat.fileExtension(path) {
        case "txt", "text": return looksLikeZoom(bytes) ? .zoom : .plain
        case "jsonl", "ndjson": return .jsonl
        case "json": return jsonFormat(bytes: bytes) ?? .json
        case "vtt": return .vtt
        case "srt": return .srt
        default: return detect(content: bytes)
        }
    }

    /// The vendor format of a JSON document, judged from its top-level keys; nil
    /// for callqc's own JSON and anything unknown.
    public static func jsonFormat(of value: JSONValue) -> InputFormat? {
        if case .array(let items) = value {
            guard let first = items.first, case .object = first else { return nil }
            if first["RecognitionStatus"] != nil || first["NBest"] != nil { return .azure }
            return nil
        }
        guard case .object = value else { return nil }
        if value["turns"] != nil { return nil }
        if let result = value["Result"], result["Sentences"] != nil || result.stringValue?.contains("Sentences") == true { return .aliyun }
        if value["Sentences"] != nil { return .aliyun }
        if value["TaskId"] != nil, value["StatusText"] != nil { return .aliyun }
        if let response = value["Response"], response["Data"] != nil || response["Error"] != nil { return .tencent }
        if let data = value["Data"], data["ResultDetail"] != nil || data["Result"] != nil { return .tencent }
        if let results = value["results"], results["items"] != nil || results["transcripts"] != nil { return .awsTranscribe }
        if value["TranscriptionJob"] != nil { return .awsTranscribe }
        if let transcript = value["Transcript"]?.arrayValue {
            if value["Participants"] != nil || value["JobStatus"] != nil { return .awsCallAnalytics }
            if let first = transcript.first, first["ParticipantRole"] != nil || first["ParticipantId"] != nil { return .awsCallAnalytics }
        }
        if value["SpeechSegments"] != nil { return .awsPCA }
        if value["segments"]?.arrayValue != nil { return .whisper }
        if value["recognizedPhrases"] != nil { return .azure }
        return nil
    }

    /// The vendor format of JSON bytes; nil when they are not JSON or not a vendor's.
    static func jsonFormat(bytes: [UInt8]) -> InputFormat? {
        guard let value = try? JSONParser.parse(bytes) else { return nil }
        return jsonFormat(of: value)
    }

    /// A Zoom transcript begins with a `[Name] HH:MM:SS` line.
    static func looksLikeZoom(_ bytes: [UInt8]) -> Bool {
        var start = 0
        while start < bytes.count, bytes[start] == 0x20 || bytes[start] == 0x0A || bytes[start] == 0x0D || bytes[start] == 0x09 { start += 1 }
        let end = bytes[start...].prefix(400).firstIndex(of: 0x0A) ?? min(bytes.count, start + 400)
        guard start < end else { return false }
        let first = String(decoding: bytes[start..<end], as: UTF8.self)
        // A header with an impossible clock (25:61:61) is still a Zoom header: its reader says what is wrong.
        return ZoomReader.header(first) != nil || ZoomReader.badClock(first) != nil
    }

    /// The format judged from content alone (standard input, unknown extensions).
    public static func detect(content bytes: [UInt8]) -> InputFormat {
        guard let first = bytes.firstIndex(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF) })
        else { return .plain }
        switch bytes[first] {
        case UInt8(ascii: "["):
            // `[00:01.2-00:04.8] 坐席:` is plain text; `[{` or `[\n  {` is JSON.
            let rest = bytes[(first + 1)...].prefix(64).filter { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
            if let next = rest.first, next == UInt8(ascii: "{") || next == UInt8(ascii: "]") { return jsonFormat(bytes: bytes) ?? .json }
            return looksLikeZoom(bytes) ? .zoom : .plain
        case UInt8(ascii: "{"):
            // One object per line is JSON Lines; an object over several lines is JSON.
            // A vendor's output on one line is that vendor's.
            let lineEnd = bytes[first...].firstIndex(of: 0x0A) ?? bytes.count
            let firstLine = Array(bytes[first..<lineEnd])
            if let value = try? JSONParser.parse(firstLine), case .object = value {
                if lineEnd >= bytes.count || bytes[lineEnd...].allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }),
                   let vendor = jsonFormat(of: value) { return vendor }
                return .jsonl
            }
            return jsonFormat(bytes: bytes) ?? .json
        case UInt8(ascii: "W"):
            return bytes[first...].starts(with: Array("WEBVTT".utf8)) ? .vtt : .plain
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            // SRT: a cue number, then `00:00:00,000 --> 00:00:02,000`.
            let head = String(decoding: bytes[first...].prefix(200), as: UTF8.self)
            let lines = head.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).prefix(2)
            if lines.contains(where: { $0.contains("-->") }) { return .srt }
            return .plain
        default:
            return .plain
        }
    }

    /// The extension of the path's file name, lower case: `a/B.TXT` → `txt`; `""` for none
    /// (and for a name that only starts with a dot).
    static func fileExtension(_ path: String) -> String {
        // The last path component, as `split(separator: "/")` gives it (trailing slashes dropped).
        var path = Substring(path)
        while path.utf8.count > 1, path.utf8.last == UInt8(ascii: "/") { path = path.dropLast() }
        let u = path.utf8
        var i = u.endIndex
        while i > u.startIndex {
            let j = u.index(before: i)
            switch u[j] {
            case UInt8(ascii: "/"): return ""
            case UInt8(ascii: "."):
                if j == u.startIndex || u[u.index(before: j)] == UInt8(ascii: "/") { return "" }
                return String(decoding: u[u.index(after: j)...], as: UTF8.self).lowercased()
            default: i = j
            }
        }
        return ""
    }
}
