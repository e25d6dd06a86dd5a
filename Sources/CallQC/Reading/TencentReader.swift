/// Reads a Tencent Cloud ASR 录音文件识别 result (`DescribeTaskStatus`): the whole
/// response, or only its `Data`.
///
/// ```json
/// {"Response": {"Data": {"TaskId": 9266418, "Status": 2, "StatusStr": "success",
///   "Result": "[0:0.020,0:2.380]  腾讯云语音识别欢迎您。\n",
///   "ResultDetail": [{"FinalSentence": "腾讯云语音识别欢迎您。", "SliceSentence": "腾讯云 语音识别 欢迎 您",
///                     "StartMs": 20, "EndMs": 2380, "SpeakerId": 0,
///                     "Words": [{"Word": "腾讯云", "OffsetStartMs": 120, "OffsetEndMs": 780}]}]}}}
/// ```
///
/// Each `ResultDetail` sentence is a turn: `FinalSentence` (not the space-separated
/// `SliceSentence`), `StartMs`/`EndMs` in milliseconds, speaker `spk_N` from
/// `SpeakerId`, words with offsets from the sentence's start. Without
/// `ResultDetail`, the `[m:s.ms,m:s.ms(,speaker)]  text` lines of `Result` are read.
/// `Status` 3 (failed), 0 and 1 (not finished) and an API `Error` are errors.
public struct TencentReader: VendorJSONReader {
    public init() {}

    /// The name messages give this format.
    let formatName = "Tencent"

    func read(_ document: JSONValue, _ input: TextInput, _ options: ReadOptions) throws(VendorError) -> ReadOutcome {
        guard case .object = document else {
            throw VendorError("a Tencent result must be a JSON object with 'Response.Data', found \(document.typeName)")
        }
        let response = document["Response"] ?? document
        if let error = response["Error"], case .object = error {
            let code = (try? VendorJSON.string(error, "Code", at: "Error")) ?? nil
            let message = (try? VendorJSON.string(error, "Message", at: "Error")) ?? nil
            throw VendorError("Tencent API error \(code ?? "(no code)"): \(message ?? "(no message)"); there is no transcript in this response")
        }
        guard let data = response["Data"] ?? (response["ResultDetail"] != nil || response["Result"] != nil ? response : nil), case .object = data else {
            throw VendorError("not a Tencent DescribeTaskStatus result: no 'Response.Data' object")
        }
        var call = Call(id: PlainTranscriptReader.callID(fromSource: input.source), source: input.source)
        if let task = try VendorJSON.string(data, "TaskId", at: "Data") { call.metadata["task_id"] = task }

        if let status = try VendorJSON.number(data, "Status", at: "Data"), status != 2 {
            let label = (try VendorJSON.string(data, "StatusStr", at: "Data")).map { " (\($0))" } ?? ""
            let reason = (try VendorJSON.string(data, "ErrorMsg", at: "Data")).flatMap { $0.isEmpty ? nil : ": \($0)" } ?? ""
            switch status {
            case 3: throw VendorError("Tencent task reports Status 3\(label), the job failed\(reason); there is no transcript")
            case 0, 1: throw VendorError("Tencent task reports Status \(JSONValue.format(status))\(label): the job has not finished yet; fetch the result again later")
            default: throw VendorError("Tencent task reports Status \(JSONValue.format(status))\(label), not 2 (success)\(reason)")
            }
        }

        var turns = TurnCollector(source: input.source)
        if let details = try VendorJSON.array(data, "ResultDetail", at: "Data"), !details.isEmpty {
            for (i, item) in details.enumerated() {
                let at = "ResultDetail[\(i)]"
                guard case .object = item else { throw VendorError("\(at): must be an object, found \(item.typeName)") }
                var text = try VendorJSON.string(item, "FinalSentence", at: at) ?? ""
                if text.trimmed().isEmpty, let slice = try VendorJSON.string(item, "SliceSentence", at: at) {
                    text = slice.split(separator: " ").reduce("") { VendorJSON.join($0, String($1)) }
                }
                let start = try VendorJSON.time(item, "StartMs", unit: 0.001, at: at)
                let end = try VendorJSON.time(item, "EndMs", unit: 0.001, at: at)
                let speaker = VendorJSON.speakerLabel(try VendorJSON.string(item, "SpeakerId", at: at) ?? "0")
                var words: [Word] = []
                for (k, w) in (try VendorJSON.array(item, "Words", at: at) ?? []).enumerated() {
                    let wat = "\(at).Words[\(k)]"
                    guard let word = try VendorJSON.string(w, "Word", at: wat), !word.isEmpty else { continue }
                    let base = start ?? 0
                    let ws = try VendorJSON.time(w, "OffsetStartMs", unit: 0.001, at: wat).map { min(((base + $0) * 1000).rounded() / 1000, VendorJSON.maxSeconds) }
                    let we = try VendorJSON.time(w, "OffsetEndMs", unit: 0.001, at: wat).map { min(((base + $0) * 1000).rounded() / 1000, VendorJSON.maxSeconds) }
                    words.append(Word(text: word, start: ws, end: we))
                }
                turns.add(speaker: speaker, role: VendorJSON.role(of: speaker, options), start: start, end: end, text: text, words: words, at: at)
            }
            return turns.outcome(call, what: "sentences")
        }

        guard let result = try VendorJSON.string(data, "Result", at: "Data") else {
            throw VendorError("Tencent result has neither 'ResultDetail' nor 'Result': nothing to read")
        }
        for (i, rawLine) in result.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let line = rawLine.trimmingCharacters()
            if line.isEmpty { continue }
            let at = "Result line \(i + 1)"
            guard line.hasPrefix("["), let close = line.firstIndex(of: "]") else {
                throw VendorError("\(at): '\(line.prefix(40))' does not start with [start,end]")
            }
            let fields = line[line.index(after: line.startIndex)..<close].split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 2 || fields.count == 3,
                  let start = TranscriptTime.parse(Substring(fields[0].trimmingCharacters())),
                  let end = TranscriptTime.parse(Substring(fields[1].trimmingCharacters())) else {
                throw VendorError("\(at): '\(line[...close])' is not a time range like [0:1.020,0:3.400]")
            }
            var speaker = "spk_0"
            if fields.count == 3 {
                let id = fields[2].trimmingCharacters()
                guard !id.isEmpty, id.count <= 6, id.allSatisfy(\.isASCIIDigit) else {
                    throw VendorError("\(at): '\(fields[2])' is not a speaker number")
                }
                speaker = "spk_\(id)"
            }
            turns.add(speaker: speaker, role: VendorJSON.role(of: speaker, options), start: start, end: end,
                      text: String(line[line.index(after: close)...]), at: at)
        }
        return turns.outcome(call, what: "sentences")
    }
}

extension InputFormat {
    /// Tencent Cloud ASR `DescribeTaskStatus` response (`Data.ResultDetail`, `Data.Result`).
    public static let tencent = InputFormat(declaring: "tencent")
}

extension TencentReader {
    public static let declaration = ReaderDeclaration(
        format: .tencent, summary: "Tencent Cloud ASR DescribeTaskStatus response", shape: .jsonDocument,
        recognition: .json { value in
            guard case .object = value else { return false }
            if let response = value["Response"], response["Data"] != nil || response["Error"] != nil { return true }
            if let data = value["Data"], data["ResultDetail"] != nil || data["Result"] != nil { return true }
            return false
        },
        recognisedBy: "`Response.Data`, `Response.Error`, or `Data` with `Result`/`ResultDetail`", reader: TencentReader())
}
