/// Reads the result of Aliyun 录音文件识别 (file transcription, `GetTaskResult`):
/// the whole response or only its `Result`.
///
/// ```json
/// {"TaskId": "d429…", "StatusText": "SUCCESS", "StatusCode": 21050000, "BizDuration": 9120,
///  "Result": {"Sentences": [{"BeginTime": 340, "EndTime": 2365, "Text": "您好，很高兴为您服务。",
///                            "ChannelId": 0, "SpeechRate": 177, "EmotionValue": 5.0, "SilenceDuration": 0}],
///             "Words": [{"Word": "您好", "BeginTime": 340, "EndTime": 800, "ChannelId": 0}]}}
/// ```
///
/// Times are milliseconds. Each sentence is a turn; its speaker is `spk_N` from
/// `SpeakerId` (speaker separation on one channel) or `ch_N` from `ChannelId`
/// (one speaker per channel). `Result.Words`, when present, become the turns' words.
/// A response whose `StatusText` is not `SUCCESS` is a failed or unfinished job.
public struct AliyunReader: VendorJSONReader {
    public init() {}

    /// The name messages give this format.
    let formatName = "Aliyun"

    func read(_ document: JSONValue, _ input: TextInput, _ options: ReadOptions) throws(VendorError) -> ReadOutcome {
        guard case .object = document else {
            throw VendorError("an Aliyun result must be a JSON object with 'Result.Sentences', found \(document.typeName)")
        }
        var call = Call(id: PlainTranscriptReader.callID(fromSource: input.source), source: input.source)
        if let task = try VendorJSON.string(document, "TaskId", at: "response") { call.metadata["task_id"] = task }

        if let status = try VendorJSON.string(document, "StatusText", at: "response"), !status.uppercased().hasPrefix("SUCCESS") || status.uppercased() == "SUCCESS_WITH_NO_VALID_FRAGMENT" {
            let code = try VendorJSON.string(document, "StatusCode", at: "response").map { " (StatusCode \($0))" } ?? ""
            let meaning: String
            switch status.uppercased() {
            case "RUNNING", "QUEUEING": meaning = "the job has not finished yet; fetch the result again later"
            case "SUCCESS_WITH_NO_VALID_FRAGMENT": meaning = "the job found no speech in the recording"
            default: meaning = "the transcription job failed"
            }
            throw VendorError("Aliyun response reports StatusText \(status)\(code): \(meaning), so there are no sentences to read")
        }

        var result = document["Result"] ?? document
        if let text = result.stringValue {
            // Some SDKs hand the result over as a JSON string.
            guard let parsed = try? JSONParser.parse(text) else { throw VendorError("'Result' is a string that is not JSON") }
            result = parsed
        }
        guard let sentences = try VendorJSON.array(result, "Sentences", at: "Result") else {
            if document["Result"] == nil { throw VendorError("not an Aliyun result: no 'Result.Sentences' or 'Sentences' array") }
            throw VendorError("'Result' has no 'Sentences' array")
        }

        struct Sentence { var speaker: String; var channel: String; var start: Double?; var end: Double?; var text: String; var words: [Word] = [] }
        var parsed: [Sentence] = []
        for (i, item) in sentences.enumerated() {
            let at = "Sentences[\(i)]"
            guard case .object = item else { throw VendorError("\(at): must be an object, found \(item.typeName)") }
            let text = try VendorJSON.string(item, "Text", at: at) ?? ""
            let channel = try VendorJSON.string(item, "ChannelId", at: at) ?? "0"
            let speaker = try VendorJSON.string(item, "SpeakerId", at: at).map(VendorJSON.speakerLabel) ?? "ch_\(channel)"
            parsed.append(Sentence(speaker: speaker, channel: channel,
                                   start: try VendorJSON.time(item, "BeginTime", unit: 0.001, at: at),
                                   end: try VendorJSON.time(item, "EndTime", unit: 0.001, at: at), text: text))
        }

        // Words belong to the sentence of their channel whose span holds their start.
        if let words = try VendorJSON.array(result, "Words", at: "Result") {
            for (i, w) in words.enumerated() {
                let at = "Words[\(i)]"
                guard let text = try VendorJSON.string(w, "Word", at: at), !text.isEmpty else { continue }
                let start = try VendorJSON.time(w, "BeginTime", unit: 0.001, at: at)
                let end = try VendorJSON.time(w, "EndTime", unit: 0.001, at: at)
                let channel = try VendorJSON.string(w, "ChannelId", at: at) ?? "0"
                guard let s = start else { continue }
                if let k = parsed.firstIndex(where: { $0.channel == channel && ($0.start ?? .infinity) <= s && s <= ($0.end ?? -1) }) {
                    parsed[k].words.append(Word(text: text, start: start, end: end))
                }
            }
        }

        var turns = TurnCollector(source: input.source)
        for (i, s) in parsed.enumerated() {
            turns.add(speaker: s.speaker, role: VendorJSON.role(of: s.speaker, options), start: s.start, end: s.end,
                      text: s.text, words: s.words, at: "Sentences[\(i)]")
        }
        turns.sortByStart()
        return turns.outcome(call, what: "sentences")
    }
}

extension InputFormat {
    /// Aliyun 录音文件识别 result (`Result.Sentences`).
    public static let aliyun = InputFormat(declaring: "aliyun")
}

extension AliyunReader {
    public static let declaration = ReaderDeclaration(
        format: .aliyun, summary: "Aliyun 录音文件识别 (file transcription) result", shape: .jsonDocument,
        recognition: .json { value in
            guard case .object = value else { return false }
            if let result = value["Result"], result["Sentences"] != nil || result.stringValue?.contains("Sentences") == true { return true }
            return value["Sentences"] != nil || (value["TaskId"] != nil && value["StatusText"] != nil)
        },
        recognisedBy: "`Result.Sentences`, `Sentences`, or `TaskId` with `StatusText`", reader: AliyunReader())
}
