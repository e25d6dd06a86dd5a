/// Examples for the rule files, proposed from reviewers' verdicts: each turn a reviewer
/// marked as missed becomes a `flag` example of its rule, each turn of a finding a
/// reviewer rejected a `pass` example. So the rule set learns from its reviewers.
public struct ExampleSuggestions: Sendable {
    public struct Example: Sendable, Hashable {
        public var rule: String
        public var mustFlag: Bool
        public var text: String
        public var role: Role
        public var callID: String
        public var turn: Int
        public var note: String?
    }

    public struct RuleExamples: Sendable, Hashable {
        public var rule: String
        public var flag: [Example]
        public var pass: [Example]
    }

    /// By rule id, in id order.
    public var rules: [RuleExamples]
    /// Calls reviewed but not in the store: their turns cannot be quoted.
    public var unmatched: [String]

    /// - Parameters:
    ///   - reviews: all reviews, oldest first; each call's verdict is built as calibration builds it.
    ///   - stored: the latest stored result of a call (named by its content hash, or by its id
    ///     for older reviews), with its transcript.
    public init(reviews: [Review], stored: (String) throws -> StoredResult?) rethrows {
        // By content hash: two calls sharing an id are two calls.
        var byCall: [String: [Review]] = [:]
        for r in reviews { byCall[r.contentHash ?? r.callID, default: []].append(r) }
        var flag: [String: [Example]] = [:], pass: [String: [Example]] = [:]
        var seen = Set<String>()
        var unmatched: [String] = []
        func add(_ e: Example) {
            // One example per rule, side and text: the same phrase missed twice is one example.
            guard seen.insert("\(e.rule)\u{1}\(e.mustFlag)\u{1}\(e.text)").inserted else { return }
            if e.mustFlag { flag[e.rule, default: []].append(e) } else { pass[e.rule, default: []].append(e) }
        }
        for (reference, callReviews) in byCall.sorted(by: { $0.key < $1.key }) {
            let id = callReviews.last?.callID ?? reference
            let verdict = Calibration.Verdict(callID: id, reviews: callReviews)
            if verdict.missed.isEmpty && verdict.rejected.isEmpty { continue }
            guard let result = try stored(reference) else { unmatched.append(id); continue }
            let turns = result.call.turns
            for m in verdict.missed.sorted(by: { ($0.turn, $0.rule) < ($1.turn, $1.rule) }) where m.turn <= turns.count {
                let t = turns[m.turn - 1]
                add(Example(rule: m.rule, mustFlag: true, text: t.text, role: t.role, callID: id, turn: m.turn, note: m.note))
            }
            for place in result.findingPlaces where verdict.rejected.contains(place.rule) {
                guard let n = place.turn, n >= 1, n <= turns.count else { continue }
                add(Example(rule: place.rule, mustFlag: false, text: turns[n - 1].text, role: turns[n - 1].role, callID: id, turn: n, note: nil))
            }
        }
        rules = Set(flag.keys).union(pass.keys).sorted().map { RuleExamples(rule: $0, flag: flag[$0] ?? [], pass: pass[$0] ?? []) }
        self.unmatched = unmatched
    }

    /// YAML to paste under each rule's `examples:`. `roles` gives each rule's first role: a
    /// one-line example is spoken in that role; a turn of another role is written as a
    /// one-turn transcript (`客户: …`). Text, call ids and notes go through `redactor`.
    public func yaml(roles: [String: Role] = [:], redactor: Redactor?, source: String) -> String {
        func mask(_ s: String) -> String { redactor?.redact(s) ?? s }
        // One line, without control characters (an escape sequence in a note or a turn is neither
        // for the terminal nor for a YAML file).
        func oneLine(_ s: String) -> String {
            let line = s.split(whereSeparator: \.isNewline).joined(separator: " ")
            return String(String.UnicodeScalarView(line.unicodeScalars.compactMap { c -> Unicode.Scalar? in
                if c == "\t" { return " " }
                return c.value < 0x20 || (0x7F...0x9F).contains(c.value) ? nil : c
            }))
        }
        var out = "# Examples proposed from reviewers' verdicts in \(source): turns marked as missed (flag)\n"
        out += "# and turns of rejected findings (pass). Paste each list under the rule's examples: and run\n"
        out += "# callqc rules test. Personal data is masked"
        out += redactor == nil ? " (not here: --no-redact).\n" : ": a masked number does not flag, so write an invented one in pii examples.\n"
        if rules.isEmpty { out += "# No missed turns or rejected findings yet (callqc review CALL --missed RULE@TURN, --reject RULE).\n" }
        for r in rules {
            out += "\n\(r.rule):\n"
            for (key, list) in [("flag", r.flag), ("pass", r.pass)] where !list.isEmpty {
                out += "  \(key):\n"
                for e in list {
                    let text = oneLine(mask(e.text))
                    var comment = "\(oneLine(mask(e.callID))) turn \(e.turn): " + (e.mustFlag ? "missed" : "finding rejected")
                    if let note = e.note, !note.isEmpty { comment += " (\(oneLine(mask(note))))" }
                    let speaker = roles[r.rule] ?? .agent
                    if e.role == speaker {
                        out += "    - \(JSONValue.string(text).compact())  # \(comment)\n"
                    } else {
                        let label = e.role == .agent ? "坐席" : e.role == .customer ? "客户" : "其他"
                        out += "    # \(comment)\n    - |\n      \(label): \(text)\n"
                    }
                }
            }
        }
        return out
    }
}
