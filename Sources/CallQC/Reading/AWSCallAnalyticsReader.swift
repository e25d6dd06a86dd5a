/// Reads Amazon Transcribe Call Analytics and Amazon Connect Contact Lens output,
/// voice and chat.
///
/// ```json
/// {"JobStatus": "COMPLETED", "LanguageCode": "en-US", "Participants": [{"ParticipantRole": "AGENT"}, {"ParticipantRole": "CUSTOMER"}],
///  "Transcript": [{"ParticipantRole": "AGENT", "BeginOffsetMillis": 40, "EndOffsetMillis": 5050,
///                  "Content": "Thank you for calling Anchor Credit Union, how can I help you?",
///                  "Items": [{"Type": "pronunciation", "Content": "Thank", "BeginOffsetMillis": 40, "EndOffsetMillis": 330}]}]}
/// ```
///
/// Each `Transcript` entry is a turn. The role is in the file: `ParticipantRole`, or
/// `ParticipantId` looked up in `Participants` (AGENT, CUSTOMER; anything else is
/// `other`). Voice times are milliseconds (`BeginOffsetMillis`, `EndOffsetMillis`);
/// chat messages have an `AbsoluteTime` and start from the first message.
/// Redaction masks such as `[PII]` are kept as text.
public struct AWSCallAnalyticsReader: VendorJSONReader {
    public init() {}

    /// The name messages give this format.
    let formatName = "Call Analytics"

    func read(_ document: JSONValue, _ input: TextInput, _ options: ReadOptions) throws(VendorError) -> ReadOutcome {
        guard case .object = document else {
            throw VendorError("a Call Analytics or Contact Lens output must be a JSON object with 'Transcript', found \(document.typeName)")
        }
        if let status = try VendorJSON.string(document, "JobStatus", at: "output"), status.uppercased() != "COMPLETED" {
            throw VendorError("Call Analytics output reports JobStatus \(status), not COMPLETED: the job failed or has not finished")
        }
        guard let transcript = try VendorJSON.array(document, "Transcript", at: "output") else {
            throw VendorError("not a Call Analytics or Contact Lens output: no 'Transcript' array")
        }
        var call = Call(id: PlainTranscriptReader.callID(fromSource: input.source), source: input.source)
        if let language = try VendorJSON.string(document, "LanguageCode", at: "output"), !language.isEmpty { call.language = language }
        if let job = try VendorJSON.string(document, "JobName", at: "output") { call.metadata["job_name"] = job }
        if let meta = document["CustomerMetadata"], let contact = try VendorJSON.string(meta, "ContactId", at: "CustomerMetadata") {
            call.metadata["contact_id"] = contact
        }
        // Contact Lens names the recording it analysed.
        if let meta = document["CustomerMetadata"], let uri = try VendorJSON.string(meta, "InputS3Uri", at: "CustomerMetadata"), !uri.isEmpty {
            call.audio = uri
        }

        var roleOfID: [String: String] = [:]
        for (i, p) in (try VendorJSON.array(document, "Participants", at: "output") ?? []).enumerated() {
            let at = "Participants[\(i)]"
            if let id = try VendorJSON.string(p, "ParticipantId", at: at), let role = try VendorJSON.string(p, "ParticipantRole", at: at) {
                roleOfID[id] = role
            }
        }

        var turns = TurnCollector(source: input.source)
        var firstTime: Double?
        var firstTimeText: String?
        var speakers: [String] = []
        for (i, entry) in transcript.enumerated() {
            let at = "Transcript[\(i)]"
            guard case .object = entry else { throw VendorError("\(at): must be an object, found \(entry.typeName)") }
            if let type = try VendorJSON.string(entry, "Type", at: at), type.uppercased() == "EVENT" { continue }
            let id = try VendorJSON.string(entry, "ParticipantId", at: at)
            var speaker = try VendorJSON.string(entry, "ParticipantRole", at: at) ?? ""
            if speaker.isEmpty, let id { speaker = roleOfID[id] ?? id }
            if speaker.isEmpty { speaker = try VendorJSON.string(entry, "DisplayName", at: at) ?? "" }
            let text = try VendorJSON.string(entry, "Content", at: at) ?? ""

            var start = try VendorJSON.time(entry, "BeginOffsetMillis", unit: 0.001, at: at)
            var end = try VendorJSON.time(entry, "EndOffsetMillis", unit: 0.001, at: at)
            if start == nil, let absolute = try VendorJSON.string(entry, "AbsoluteTime", at: at) {
                guard let t = VendorJSON.isoDateTime(absolute) else { throw VendorError("\(at): 'AbsoluteTime' is \"\(absolute)\", not an ISO-8601 time") }
                if firstTime == nil { firstTime = t; firstTimeText = absolute }
                start = try VendorJSON.seconds(max(0, t - (firstTime ?? t)), unit: 1, key: "AbsoluteTime", at: at)
                end = nil
            }
            var words: [Word] = []
            for (k, item) in (try VendorJSON.array(entry, "Items", at: at) ?? []).enumerated() {
                let wat = "\(at).Items[\(k)]"
                guard let content = try VendorJSON.string(item, "Content", at: wat), !content.isEmpty else { continue }
                if let type = try VendorJSON.string(item, "Type", at: wat), type == "punctuation" { continue }
                words.append(Word(text: content, start: try VendorJSON.time(item, "BeginOffsetMillis", unit: 0.001, at: wat),
                                  end: try VendorJSON.time(item, "EndOffsetMillis", unit: 0.001, at: wat)))
            }
            if !speaker.isEmpty, !speakers.contains(speaker) { speakers.append(speaker) }
            turns.add(speaker: speaker, role: Self.role(of: speaker, options), start: start, end: end, text: text, words: words, at: at)
        }
        if let firstTimeText { call.metadata["start_time"] = firstTimeText }
        if speakers.contains(where: { Self.fileRole($0) != nil }) {
            call.metadata[SpeakerRoles.rolesKey] = speakers.map { "\($0)=\(Self.role(of: $0, options).rawValue)" }.joined(separator: ", ")
                + " (from ParticipantRole in the file)"
            call.metadata[SpeakerRoles.basisKey] = SpeakerRoles.Basis.file.rawValue
        }
        return turns.outcome(call, what: "transcript entries")
    }

    /// AGENT and CUSTOMER as Amazon writes them.
    static func fileRole(_ label: String) -> Role? {
        switch label.uppercased() {
        case "AGENT": return .agent
        case "CUSTOMER": return .customer
        default: return nil
        }
    }

    static func role(of label: String, _ options: ReadOptions) -> Role {
        fileRole(label) ?? VendorJSON.role(of: label, options)
    }
}

extension InputFormat {
    /// Amazon Transcribe Call Analytics / Contact Lens output (`Transcript`, `ParticipantRole`).
    public static let awsCallAnalytics = InputFormat(declaring: "aws-call-analytics")
}

extension AWSCallAnalyticsReader {
    public static let declaration = ReaderDeclaration(
        format: .awsCallAnalytics, summary: "Amazon Transcribe Call Analytics or Contact Lens output", shape: .jsonDocument,
        recognition: .json { value in
            guard case .object = value, let transcript = value["Transcript"]?.arrayValue else { return false }
            if value["Participants"] != nil || value["JobStatus"] != nil { return true }
            guard let first = transcript.first else { return false }
            return first["ParticipantRole"] != nil || first["ParticipantId"] != nil
        },
        recognisedBy: "`Transcript` with `Participants`, `JobStatus`, or turns carrying `ParticipantRole`/`ParticipantId`",
        reader: AWSCallAnalyticsReader())
}
