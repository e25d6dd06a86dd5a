/// Reads the output of AWS Post Call Analytics (the `amazon-transcribe-post-call-analytics`
/// solution), which it builds from Transcribe and Comprehend results.
///
/// ```json
/// {"ConversationAnalytics": {"Agent": "A017", "LanguageCode": "en-US", "ConversationTime": "2021-11-25 13:35:14.215558",
///                            "SpeakerLabels": [{"Speaker": "spk_0", "DisplayText": "Agent"}, {"Speaker": "spk_1", "DisplayText": "Customer"}]},
///  "SpeechSegments": [{"SegmentStartTime": 0.64, "SegmentEndTime": 3.7, "SegmentSpeaker": "spk_1",
///                      "DisplayText": "Thank you for calling.", "WordConfidence": [{"Text": "Thank", "StartTime": 0.64, "EndTime": 0.9}]}]}
/// ```
///
/// Times are seconds. Each speech segment is a turn labelled with `SegmentSpeaker`;
/// its role comes from the `SpeakerLabels` display text (Agent, Customer).
public struct AWSPCAReader: VendorJSONReader {
    public init() {}

    /// The name messages give this format.
    let formatName = "Post Call Analytics"

    func read(_ document: JSONValue, _ input: TextInput, _ options: ReadOptions) throws(VendorError) -> ReadOutcome {
        guard case .object = document else {
            throw VendorError("a Post Call Analytics output must be a JSON object with 'SpeechSegments', found \(document.typeName)")
        }
        guard let segments = try VendorJSON.array(document, "SpeechSegments", at: "output") else {
            throw VendorError("not a Post Call Analytics output: no 'SpeechSegments' array")
        }
        var call = Call(id: PlainTranscriptReader.callID(fromSource: input.source), source: input.source)
        var displayName: [String: String] = [:]
        var order: [String] = []
        if let analytics = document["ConversationAnalytics"], case .object = analytics {
            let at = "ConversationAnalytics"
            func given(_ key: String) throws(VendorError) -> String? {
                guard let s = try VendorJSON.string(analytics, key, at: at)?.trimmed(), !s.isEmpty, s != "None" else { return nil }
                return s
            }
            call.agent = try given("Agent")
            call.language = try given("LanguageCode")
            if let guid = try given("GUID") { call.metadata["guid"] = guid }
            if let time = try given("ConversationTime") {
                call.metadata["conversation_time"] = time
                if time.count >= 10, VendorJSON.isoDateTime(String(time.prefix(10)) + "T00:00:00Z") != nil { call.date = String(time.prefix(10)) }
            }
            // The recording transcribed (its times are the turns'), else the one uploaded.
            for (i, info) in (try VendorJSON.array(analytics, "SourceInformation", at: at) ?? []).enumerated() where call.audio == nil {
                guard let job = info["TranscribeJobInfo"], case .object = job else { continue }
                let jat = "\(at).SourceInformation[\(i)].TranscribeJobInfo"
                let transcribed = try VendorJSON.string(job, "MediaFileUri", at: jat), original = try VendorJSON.string(job, "MediaOriginalUri", at: jat)
                call.audio = transcribed ?? original
            }
            for (i, label) in (try VendorJSON.array(analytics, "SpeakerLabels", at: at) ?? []).enumerated() {
                let lat = "\(at).SpeakerLabels[\(i)]"
                if let speaker = try VendorJSON.string(label, "Speaker", at: lat), let text = try VendorJSON.string(label, "DisplayText", at: lat) {
                    displayName[speaker] = text
                    order.append(speaker)
                }
            }
        }

        func role(_ speaker: String) -> Role {
            if let name = displayName[speaker], let r = options.roleMap.role(of: name) { return r }
            return VendorJSON.role(of: speaker, options)
        }

        var turns = TurnCollector(source: input.source)
        for (i, seg) in segments.enumerated() {
            let at = "SpeechSegments[\(i)]"
            guard case .object = seg else { throw VendorError("\(at): must be an object, found \(seg.typeName)") }
            let speaker = try VendorJSON.string(seg, "SegmentSpeaker", at: at) ?? ""
            var text = try VendorJSON.string(seg, "DisplayText", at: at) ?? ""
            if text.trimmed().isEmpty { text = try VendorJSON.string(seg, "OriginalText", at: at) ?? "" }
            var words: [Word] = []
            for (k, w) in (try VendorJSON.array(seg, "WordConfidence", at: at) ?? []).enumerated() {
                let wat = "\(at).WordConfidence[\(k)]"
                guard let t = try VendorJSON.string(w, "Text", at: wat)?.trimmed(), !t.isEmpty else { continue }
                words.append(Word(text: t, start: try VendorJSON.time(w, "StartTime", unit: 1, at: wat),
                                  end: try VendorJSON.time(w, "EndTime", unit: 1, at: wat)))
            }
            turns.add(speaker: speaker, role: role(speaker),
                      start: try VendorJSON.time(seg, "SegmentStartTime", unit: 1, at: at, stringsAllowed: true),
                      end: try VendorJSON.time(seg, "SegmentEndTime", unit: 1, at: at, stringsAllowed: true),
                      text: text, words: words, at: at)
        }
        let mapped = order.filter { displayName[$0].flatMap(options.roleMap.role(of:)) != nil }
        if !mapped.isEmpty {
            call.metadata[SpeakerRoles.rolesKey] = mapped.map { "\($0)=\(role($0).rawValue)" }.joined(separator: ", ")
                + " (from SpeakerLabels in the file: " + mapped.map { "\($0) is \(displayName[$0] ?? "")" }.joined(separator: ", ") + ")"
            call.metadata[SpeakerRoles.basisKey] = SpeakerRoles.Basis.file.rawValue
        }
        return turns.outcome(call, what: "speech segments")
    }
}

extension InputFormat {
    /// AWS Post Call Analytics output (`SpeechSegments`).
    public static let awsPCA = InputFormat(declaring: "aws-pca")
}

extension AWSPCAReader {
    public static let declaration = ReaderDeclaration(
        format: .awsPCA, summary: "AWS Post Call Analytics output", shape: .jsonDocument,
        recognition: .json { value in
            guard case .object = value else { return false }
            return value["SpeechSegments"] != nil
        },
        recognisedBy: "`SpeechSegments`", reader: AWSPCAReader())
}
