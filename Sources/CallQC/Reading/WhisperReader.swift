/// Reads the JSON of the Whisper family: openai-whisper, faster-whisper,
/// whisper-ctranslate2, WhisperX.
///
/// ```json
/// {"language": "en", "text": " Thank you for calling. Hi.",
///  "segments": [{"id": 1, "start": 0.0, "end": 2.0, "text": " Thank you for calling.", "speaker": "SPEAKER_01",
///                "words": [{"word": " Thank", "start": 0.0, "end": 0.4, "probability": 0.98}]}]}
/// ```
///
/// Times are seconds. Each segment is a turn; its text loses Whisper's leading space.
/// `speaker` comes from diarising tools (WhisperX, whisper-ctranslate2 with
/// `--hf_token`); without it every turn is kept with role `other`. Words with
/// times become the turn's words.
public struct WhisperReader: VendorJSONReader {
    public init() {}

    /// The name messages give this format.
    let formatName = "Whisper"

    func read(_ document: JSONValue, _ input: TextInput, _ options: ReadOptions) throws(VendorError) -> ReadOutcome {
        guard case .object = document else {
            throw VendorError("a Whisper result must be a JSON object with 'segments', found \(document.typeName)")
        }
        guard let segments = try VendorJSON.array(document, "segments", at: "result") else {
            throw VendorError("not a Whisper result: no 'segments' array")
        }
        var call = Call(id: PlainTranscriptReader.callID(fromSource: input.source), source: input.source)
        if let language = try VendorJSON.string(document, "language", at: "result"), !language.isEmpty, language.count <= 8,
           language.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "-") }) {
            call.language = language
        }
        var turns = TurnCollector(source: input.source)
        for (i, seg) in segments.enumerated() {
            let at = "segments[\(i)]"
            guard case .object = seg else { throw VendorError("\(at): must be an object, found \(seg.typeName)") }
            let speaker = try VendorJSON.string(seg, "speaker", at: at)?.trimmed() ?? ""
            var words: [Word] = []
            for (k, w) in (try VendorJSON.array(seg, "words", at: at) ?? []).enumerated() {
                let wat = "\(at).words[\(k)]"
                var text = try VendorJSON.string(w, "word", at: wat) ?? ""
                if text.isEmpty { text = try VendorJSON.string(w, "text", at: wat) ?? "" }
                text = text.trimmed()
                if text.isEmpty { continue }
                words.append(Word(text: text, start: try VendorJSON.time(w, "start", unit: 1, at: wat),
                                  end: try VendorJSON.time(w, "end", unit: 1, at: wat)))
            }
            turns.add(speaker: speaker, role: speaker.isEmpty ? .other : VendorJSON.role(of: speaker, options),
                      start: try VendorJSON.time(seg, "start", unit: 1, at: at),
                      end: try VendorJSON.time(seg, "end", unit: 1, at: at),
                      text: try VendorJSON.string(seg, "text", at: at) ?? "", words: words, at: at)
        }
        if !turns.turns.isEmpty, turns.turns.allSatisfy({ $0.speaker.isEmpty }) {
            turns.warnings.append(InputProblem(source: input.source, message: "the segments have no 'speaker' (run a diarising tool such as WhisperX): every turn is kept with role 'other'", severity: .warning))
        }
        return turns.outcome(call, what: "segments")
    }
}

extension InputFormat {
    /// Whisper-family JSON (`segments`).
    public static let whisper = InputFormat(declaring: "whisper")
}

extension WhisperReader {
    public static let declaration = ReaderDeclaration(
        format: .whisper, summary: "Whisper-family JSON (openai-whisper, faster-whisper, WhisperX)", shape: .jsonDocument,
        recognition: .json { value in
            guard case .object = value else { return false }
            return value["segments"]?.arrayValue != nil
        },
        recognisedBy: "`segments`", reader: WhisperReader())
}
