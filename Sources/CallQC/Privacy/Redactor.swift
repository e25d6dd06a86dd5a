/// Masks personal data in what callqc writes for people to share (see ``PIIDetector``):
/// `138****5678`, `4308**********1234`, `z*******@example.com`. Masks keep the
/// text's length, so spans into it stay right.
public struct Redactor: Sendable {
    let detector: PIIDetector

    public init(detector: PIIDetector = PIIDetector()) { self.detector = detector }

    public func redact(_ text: String) -> String { detector.redact(text) }

    public func redact(_ text: String?) -> String? { text.map(detector.redact) }

    /// The call's turns' texts masked at the level of the call: a number split across two
    /// turns is masked in both (see ``PIIDetector/find(inTurns:)``).
    public func redactTurns(_ call: Call) -> [String] {
        detector.redact(turns: Redactor.speakers(call))
    }

    /// Who speaks each turn and what, for ``PIIDetector/find(inTurns:)``.
    public static func speakers(_ call: Call) -> [(speaker: String, text: String)] {
        call.turns.map { (speaker: $0.speaker.isEmpty ? $0.role.rawValue : $0.speaker, text: $0.text) }
    }
}

extension CallResult {
    /// The result with personal data masked in every text it carries: the call's
    /// metadata and turns, findings' evidence and details, script evidence.
    public func redacted(_ r: Redactor = Redactor()) -> CallResult {
        var out = self
        // Results carry the call's id, source and metadata, not its turns.
        out.call = call.redacted(r, turns: false)
        out.findings = findings.map { f in
            var f = f
            // A personal-data finding's evidence may be part of a number (split across turns) or
            // a number raised by a word it does not quote: masked on its own.
            // What a kind's findings quote is declared by the kind (near misses, the other side of an
            // order rule, repeated sentences); other details are built from the lexicon, times and counts.
            let quotes = CheckRegistry.quotes(f.kind)
            f.text = quotes == .personalData ? f.text.map(r.detector.maskEvidence) : r.redact(f.text)
            if quotes != .evidence { f.detail = r.redact(f.detail) }
            // Messages come from the lexicon, not from the transcript.
            return f
        }
        if var s = script {
            s.steps = s.steps.map { step in
                var step = step
                step.text = r.redact(step.text)
                if var near = step.nearMiss { near.text = r.redact(near.text); step.nearMiss = near }
                return step
            }
            out.script = s
        }
        return out
    }
}

extension Call {
    /// The call with personal data masked in its id, source, metadata and (unless `turns` is false) turns.
    public func redacted(_ r: Redactor = Redactor(), turns redactTurns: Bool = true) -> Call {
        var c = self
        // Recordings are often named after the caller's number: the id and path too.
        c.id = r.redact(id)
        c.source = r.redact(source)
        c.audio = r.redact(audio)
        c.metadata = metadata.mapValues { r.redact($0) }
        if !redactTurns { return c }
        let found = r.detector.find(inTurns: Redactor.speakers(self))
        c.turns = zip(turns, found).map { t, matches in
            var t = t
            t.speaker = r.redact(t.speaker)
            t.text = PIIDetector.apply(matches, to: t.text)
            return t
        }
        // Word timings masked with their turn: no word keeps what the sentence masks.
        for k in c.turns.indices where !c.turns[k].words.isEmpty {
            let masked = r.detector.maskWords(turns[k].words.map(\.text), turnText: turns[k].text, turnMatches: found[k])
            for (w, text) in zip(c.turns[k].words.indices, masked) { c.turns[k].words[w].text = text }
        }
        return c
    }
}
