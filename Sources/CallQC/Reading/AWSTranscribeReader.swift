/// Reads the output of an Amazon Transcribe batch job (standard, not Call Analytics).
///
/// ```json
/// {"jobName": "call-0042", "status": "COMPLETED", "results": {
///   "transcripts": [{"transcript": "Thank you for calling. Hi."}],
///   "speaker_labels": {"speakers": 2, "segments": [{"speaker_label": "spk_0", "start_time": "0.49", "end_time": "1.6",
///                      "items": [{"speaker_label": "spk_0", "start_time": "0.49", "end_time": "0.7"}, …]}]},
///   "items": [{"type": "pronunciation", "start_time": "0.49", "end_time": "0.7",
///              "alternatives": [{"confidence": "1.0", "content": "Thank"}]},
///             {"type": "punctuation", "alternatives": [{"confidence": "0.0", "content": "."}]}]}}
/// ```
///
/// Times are seconds written as strings; punctuation items have none and attach to
/// the word before them. Turns come from, in this order: `results.audio_segments`
/// (newer outputs); the speaker segments of `speaker_labels`, joined to `items` by
/// start time (each segment a turn, labelled `spk_N`); the items of each channel of
/// `channel_labels` (labelled `ch_N`), cut into sentences at `.`, `?`, `!` or a
/// pause of a second; or, without labels, the items alone cut the same way.
public struct AWSTranscribeReader: VendorJSONReader {
    /// A pause between words this long (seconds) starts a new turn where Transcribe gives no segments.
    static let sentenceGap = 1.0

    public init() {}

    struct Item {
        var punctuation: Bool
        var start: Double?
        var end: Double?
        var content: String
        var speaker: String?
        var channel: String?
    }

    /// The name messages give this format.
    let formatName = "Amazon Transcribe"

    func read(_ document: JSONValue, _ input: TextInput, _ options: ReadOptions) throws(VendorError) -> ReadOutcome {
        guard case .object = document else {
            throw VendorError("an Amazon Transcribe output must be a JSON object with 'results', found \(document.typeName)")
        }
        if let job = document["TranscriptionJob"], case .object = job {
            let status = (try? VendorJSON.string(job, "TranscriptionJobStatus", at: "TranscriptionJob")) ?? nil
            let reason = ((try? VendorJSON.string(job, "FailureReason", at: "TranscriptionJob")) ?? nil).map { ": \($0)" } ?? ""
            throw VendorError("this is an Amazon Transcribe job description (status \(status ?? "unknown")\(reason)), not its transcript: read the file at TranscriptFileUri")
        }
        if let status = try VendorJSON.string(document, "status", at: "output"), status.uppercased() != "COMPLETED" {
            throw VendorError("Amazon Transcribe output reports status \(status), not COMPLETED: the job failed or has not finished")
        }
        guard let results = document["results"], case .object = results else {
            throw VendorError("not an Amazon Transcribe output: no 'results' object")
        }
        var call = Call(id: PlainTranscriptReader.callID(fromSource: input.source), source: input.source)
        if let job = try VendorJSON.string(document, "jobName", at: "output") { call.metadata["job_name"] = job }

        let items = try Self.items(try VendorJSON.array(results, "items", at: "results") ?? [], at: "results.items")
        var turns = TurnCollector(source: input.source)

        if let segments = try VendorJSON.array(results, "audio_segments", at: "results"), !segments.isEmpty {
            var byID: [Int: Item] = [:]
            for (i, raw) in (try VendorJSON.array(results, "items", at: "results") ?? []).enumerated() {
                let id = (try? VendorJSON.number(raw, "id", at: "")) ?? nil
                if let id, id >= 0, id < 1e9, i < items.count { byID[Int(id)] = items[i] }
            }
            for (i, seg) in segments.enumerated() {
                let at = "results.audio_segments[\(i)]"
                var speaker = try VendorJSON.string(seg, "speaker_label", at: at) ?? ""
                if speaker.isEmpty { speaker = try VendorJSON.string(seg, "channel_label", at: at) ?? "" }
                var words: [Item] = []
                for id in try VendorJSON.array(seg, "items", at: at) ?? [] {
                    if let n = id.numberValue, n >= 0, n < 1e9, let item = byID[Int(n)] { words.append(item) }
                }
                var text = try VendorJSON.string(seg, "transcript", at: at) ?? ""
                if text.isEmpty { text = Self.text(words) }
                turns.add(speaker: speaker, role: VendorJSON.role(of: speaker, options),
                          start: try VendorJSON.time(seg, "start_time", unit: 1, at: at, stringsAllowed: true),
                          end: try VendorJSON.time(seg, "end_time", unit: 1, at: at, stringsAllowed: true),
                          text: text, words: Self.words(words), at: at)
            }
        } else if let labels = results["speaker_labels"], let segments = try VendorJSON.array(labels, "segments", at: "results.speaker_labels"), !segments.isEmpty {
            // Which segment each word belongs to, by its start time in milliseconds.
            var segmentOf: [Int64: Int] = [:]
            var speakers: [String] = []
            var spans: [(Double?, Double?)] = []
            for (i, seg) in segments.enumerated() {
                let at = "results.speaker_labels.segments[\(i)]"
                speakers.append(try VendorJSON.string(seg, "speaker_label", at: at) ?? "")
                spans.append((try VendorJSON.time(seg, "start_time", unit: 1, at: at, stringsAllowed: true),
                              try VendorJSON.time(seg, "end_time", unit: 1, at: at, stringsAllowed: true)))
                for (k, w) in (try VendorJSON.array(seg, "items", at: at) ?? []).enumerated() {
                    if let s = try VendorJSON.time(w, "start_time", unit: 1, at: "\(at).items[\(k)]", stringsAllowed: true) {
                        segmentOf[Int64((s * 1000).rounded())] = i
                    }
                }
            }
            var groups: [(segment: Int?, speaker: String, items: [Item])] = []
            for item in items {
                if item.punctuation || item.start == nil {
                    if groups.isEmpty { groups.append((nil, item.speaker ?? "", [])) }
                    groups[groups.count - 1].items.append(item)
                    continue
                }
                let seg = item.start.flatMap { segmentOf[Int64(($0 * 1000).rounded())] }
                let speaker = seg.map { speakers[$0] } ?? item.speaker ?? groups.last?.speaker ?? ""
                if let last = groups.last, (seg != nil && last.segment == seg) || (seg == nil && last.segment == nil && last.speaker == speaker) {
                    groups[groups.count - 1].items.append(item)
                } else {
                    groups.append((seg, speaker, [item]))
                }
            }
            for (i, g) in groups.enumerated() {
                let span = g.segment.map { spans[$0] }
                turns.add(speaker: g.speaker, role: VendorJSON.role(of: g.speaker, options),
                          start: g.items.compactMap(\.start).first ?? span?.0, end: g.items.compactMap(\.end).last ?? span?.1,
                          text: Self.text(g.items), words: Self.words(g.items), at: "speaker segment \(i + 1)")
            }
        } else if let labels = results["channel_labels"], let channels = try VendorJSON.array(labels, "channels", at: "results.channel_labels"), !channels.isEmpty {
            for (c, channel) in channels.enumerated() {
                let at = "results.channel_labels.channels[\(c)]"
                let label = try VendorJSON.string(channel, "channel_label", at: at) ?? "ch_\(c)"
                let channelItems = try Self.items(try VendorJSON.array(channel, "items", at: at) ?? [], at: "\(at).items")
                for (k, sentence) in Self.sentences(channelItems).enumerated() {
                    turns.add(speaker: label, role: VendorJSON.role(of: label, options),
                              start: sentence.compactMap(\.start).first, end: sentence.compactMap(\.end).last,
                              text: Self.text(sentence), words: Self.words(sentence), at: "\(label) sentence \(k + 1)")
                }
            }
            turns.sortByStart()
        } else {
            for (k, sentence) in Self.sentences(items).enumerated() {
                let speaker = sentence.compactMap(\.speaker).first ?? sentence.compactMap(\.channel).first ?? ""
                turns.add(speaker: speaker, role: VendorJSON.role(of: speaker, options),
                          start: sentence.compactMap(\.start).first, end: sentence.compactMap(\.end).last,
                          text: Self.text(sentence), words: Self.words(sentence), at: "sentence \(k + 1)")
            }
            if !turns.turns.isEmpty, turns.turns.allSatisfy({ $0.speaker.isEmpty }) {
                turns.warnings.append(InputProblem(source: input.source, message: "no speaker_labels or channel_labels (the job ran without speaker or channel identification): every turn is kept with role 'other'", severity: .warning))
            }
        }
        return turns.outcome(call, what: "items")
    }

    static func items(_ raw: [JSONValue], at: String) throws(VendorError) -> [Item] {
        var items: [Item] = []
        for (i, item) in raw.enumerated() {
            let here = "\(at)[\(i)]"
            guard case .object = item else { throw VendorError("\(here): must be an object, found \(item.typeName)") }
            var content: String?
            if let alternative = try VendorJSON.array(item, "alternatives", at: here)?.first {
                content = try VendorJSON.string(alternative, "content", at: "\(here).alternatives[0]")
            }
            guard let content, !content.isEmpty else { continue }
            let type = try VendorJSON.string(item, "type", at: here) ?? "pronunciation"
            items.append(Item(punctuation: type == "punctuation",
                              start: try VendorJSON.time(item, "start_time", unit: 1, at: here, stringsAllowed: true),
                              end: try VendorJSON.time(item, "end_time", unit: 1, at: here, stringsAllowed: true),
                              content: content,
                              speaker: try VendorJSON.string(item, "speaker_label", at: here),
                              channel: try VendorJSON.string(item, "channel_label", at: here)))
        }
        return items
    }

    /// Items cut into sentences: after `.`, `?`, `!` (and the Chinese forms), or at a pause.
    static func sentences(_ items: [Item]) -> [[Item]] {
        var result: [[Item]] = []
        var current: [Item] = []
        var lastEnd: Double?
        for item in items {
            if !item.punctuation, let s = item.start, let e = lastEnd, s - e >= sentenceGap, !current.isEmpty {
                result.append(current)
                current = []
            }
            current.append(item)
            if let e = item.end { lastEnd = e }
            if item.punctuation, let ch = item.content.last, ".?!。？！".contains(ch) {
                result.append(current)
                current = []
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    static func text(_ items: [Item]) -> String {
        items.reduce("") { VendorJSON.join($0, $1.content, punctuation: $1.punctuation) }
    }

    static func words(_ items: [Item]) -> [Word] {
        items.filter { !$0.punctuation }.map { Word(text: $0.content, start: $0.start, end: $0.end) }
    }
}

extension InputFormat {
    /// Amazon Transcribe batch output (`results.items`).
    public static let awsTranscribe = InputFormat(declaring: "aws-transcribe")
}

extension AWSTranscribeReader {
    public static let declaration = ReaderDeclaration(
        format: .awsTranscribe, summary: "Amazon Transcribe batch output", shape: .jsonDocument,
        recognition: .json { value in
            guard case .object = value else { return false }
            if let results = value["results"], results["items"] != nil || results["transcripts"] != nil { return true }
            return value["TranscriptionJob"] != nil
        },
        recognisedBy: "`results.items` / `results.transcripts`, or `TranscriptionJob`", reader: AWSTranscribeReader())
}
