/// Reads Azure AI Speech results: batch transcription (`recognizedPhrases`) and the
/// realtime / conversation-transcriber JSON list (`RecognitionStatus`, `NBest`).
///
/// ```json
/// {"timestamp": "2023-01-05T22:44:06Z", "durationInTicks": 130300000, "duration": "PT13.03S",
///  "recognizedPhrases": [{"recognitionStatus": "Success", "channel": 0, "speaker": 2,
///    "offset": "PT1.41S", "duration": "PT1.58S", "offsetInTicks": 14100000, "durationInTicks": 15800000,
///    "nBest": [{"confidence": 0.93, "display": "Hello, how can I help you?",
///               "words": [{"word": "hello", "offsetInTicks": 14100000, "durationInTicks": 3200000}]}]}]}
/// ```
///
/// Times are 100-nanosecond ticks (`offsetInTicks`, `durationInTicks`; `Offset`,
/// `Duration` in the realtime list) or ISO-8601 durations (`offset`, `duration`).
/// Each recognised phrase is a turn, in time order; its text is the best
/// alternative's `display`. The speaker is `spk_N` from `speaker` (diarisation),
/// else `ch_N` from `channel`. Phrases whose status is not `Success` are skipped.
public struct AzureSpeechReader: VendorJSONReader {
    /// Seconds per tick.
    static let tick = 1e-7

    public init() {}

    /// The name messages give this format.
    let formatName = "Azure Speech"

    func read(_ document: JSONValue, _ input: TextInput, _ options: ReadOptions) throws(VendorError) -> ReadOutcome {
        var call = Call(id: PlainTranscriptReader.callID(fromSource: input.source), source: input.source)
        let phrases: [JSONValue]
        switch document {
        case .array(let list):
            phrases = list
        case .object:
            guard let list = try VendorJSON.array(document, "recognizedPhrases", at: "result") else {
                throw VendorError("not an Azure Speech result: no 'recognizedPhrases' array")
            }
            phrases = list
            // The batch service's `source`: the recording's URL.
            if let media = try VendorJSON.string(document, "source", at: "result"), !media.isEmpty { call.audio = media }
            if let stamp = try VendorJSON.string(document, ["timestamp", "timeStamp"], at: "result") {
                call.metadata["timestamp"] = stamp
            }
            // The ingestion client's sample writes `durationTicks`; the service writes `durationInTicks`.
            var total = try VendorJSON.time(document, "durationInTicks", unit: Self.tick, at: "result")
            if total == nil { total = try VendorJSON.time(document, "durationTicks", unit: Self.tick, at: "result") }
            if total == nil, let iso = try VendorJSON.string(document, "duration", at: "result") { total = VendorJSON.isoDuration(iso) }
            if let total { call.metadata["audio_duration"] = TranscriptTime.format(total) }
        default:
            throw VendorError("an Azure Speech result must be a JSON object with 'recognizedPhrases', found \(document.typeName)")
        }

        var turns = TurnCollector(source: input.source)
        var skipped = 0
        for (i, phrase) in phrases.enumerated() {
            let at = "recognizedPhrases[\(i)]"
            guard case .object = phrase else { throw VendorError("\(at): must be an object, found \(phrase.typeName)") }
            let status = try Self.field(phrase, "recognitionStatus", "RecognitionStatus", at: at).flatMap(\.stringValue)
            if let status, status != "Success" { skipped += 1; continue }
            var speaker = VendorJSON.speakerLabel(try VendorJSON.string(phrase, ["speaker", "SpeakerId"], at: at) ?? "")
            if speaker.isEmpty || speaker == "Unknown", let c = try VendorJSON.string(phrase, "channel", at: at) { speaker = "ch_\(c)" }
            let start = try Self.time(phrase, ticks: "offsetInTicks", "Offset", iso: "offset", at: at)
            let duration = try Self.time(phrase, ticks: "durationInTicks", "Duration", iso: "duration", at: at)
            let best = (try Self.field(phrase, "nBest", "NBest", at: at))?.arrayValue?.first ?? .null
            var text = try VendorJSON.string(best, ["display", "Display"], at: "\(at).nBest[0]") ?? ""
            if text.isEmpty { text = try VendorJSON.string(phrase, "DisplayText", at: at) ?? "" }
            var words: [Word] = []
            for (k, w) in ((try Self.field(best, "words", "Words", at: at))?.arrayValue ?? []).enumerated() {
                let wat = "\(at).nBest[0].words[\(k)]"
                guard let word = try VendorJSON.string(w, ["word", "Word"], at: wat), !word.isEmpty else { continue }
                let ws = try Self.time(w, ticks: "offsetInTicks", "Offset", iso: "offset", at: wat)
                let wd = try Self.time(w, ticks: "durationInTicks", "Duration", iso: "duration", at: wat)
                words.append(Word(text: word, start: ws, end: Self.end(ws, wd)))
            }
            turns.add(speaker: speaker, role: speaker.isEmpty ? .other : VendorJSON.role(of: speaker, options),
                      start: start, end: Self.end(start, duration), text: text, words: words, at: at)
        }
        turns.sortByStart()
        if turns.turns.isEmpty && skipped > 0 {
            throw VendorError("none of the \(skipped) recognised phrases has recognitionStatus Success: no speech was recognised")
        }
        return turns.outcome(call, what: "recognised phrases")
    }

    /// The field under its batch (camelCase) or realtime (PascalCase) name.
    static func field(_ object: JSONValue, _ batch: String, _ realtime: String, at: String) throws(VendorError) -> JSONValue? {
        if let v = object[batch], !v.isNull { return v }
        if let v = object[realtime], !v.isNull { return v }
        return nil
    }

    /// Seconds from ticks (`offsetInTicks`, or `Offset` as a number) or an ISO-8601 duration.
    static func time(_ object: JSONValue, ticks: String, _ realtime: String, iso: String, at: String) throws(VendorError) -> Double? {
        if let t = try VendorJSON.time(object, ticks, unit: tick, at: at) { return t }
        if let v = object[realtime], v.numberValue != nil { return try VendorJSON.time(object, realtime, unit: tick, at: at) }
        if let v = object[iso], !v.isNull {
            if v.numberValue != nil { return try VendorJSON.time(object, iso, unit: tick, at: at) }
            guard let s = v.stringValue, let seconds = VendorJSON.isoDuration(s) else {
                throw VendorError("\(at): '\(iso)' is \(v.compact()), not an ISO-8601 duration like PT1.41S")
            }
            return seconds
        }
        return nil
    }

    static func end(_ start: Double?, _ duration: Double?) -> Double? {
        guard let start, let duration else { return nil }
        return min(((start + duration) * 1000).rounded() / 1000, VendorJSON.maxSeconds)
    }
}

extension InputFormat {
    /// Azure AI Speech batch or realtime result (`recognizedPhrases`, `NBest`).
    public static let azure = InputFormat(declaring: "azure")
}

extension AzureSpeechReader {
    public static let declaration = ReaderDeclaration(
        format: .azure, summary: "Azure AI Speech batch or realtime result", shape: .jsonDocument,
        recognition: .json { value in
            if case .array(let items) = value {
                guard let first = items.first, case .object = first else { return false }
                return first["RecognitionStatus"] != nil || first["NBest"] != nil
            }
            guard case .object = value else { return false }
            return value["recognizedPhrases"] != nil
        },
        recognisedBy: "`recognizedPhrases`, or an array of `{RecognitionStatus, NBest}`", reader: AzureSpeechReader())
}
