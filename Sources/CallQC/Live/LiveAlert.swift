/// An alert raised while a call is still going on: a finding of an alert-worthy
/// kind as soon as its words are said, or a live-only reminder (silence, no
/// greeting yet, script steps, closing). See docs/live.md.
public struct LiveAlert: Sendable, Hashable {
    /// What the alert is about (`callqc.alert/1` `kind`).
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A forbidden phrase (`forbidden`), with the better phrasing when the lexicon has one.
        case forbidden
        /// A curt refusal (`curt-refusal`), with the better phrasing.
        case curtRefusal = "curt-refusal"
        /// A complaint cue from the customer (`cue` rules).
        case complaint
        /// Personal data read out by the agent (`pii` rules).
        case personalData = "personal-data"
        /// The agent's pace over their last turns above the speech-rate rule's bound.
        case pace
        /// An interruption (`interruption` rules).
        case interruption
        /// No one has spoken for longer than the silence rule allows (a timer, not the next turn).
        case silence
        /// No greeting in the first seconds of the call.
        case noGreeting = "no-greeting"
        /// A script step was said: the checklist ticks it off.
        case stepSaid = "step-said"
        /// The customer is closing and required script steps are still missing.
        case stepsMissing = "steps-missing"
        /// The customer said goodbye: a reminder to close properly.
        case closingReminder = "closing-reminder"
    }

    /// The call's id.
    public var call: String
    /// 1-based order of the alert within its call.
    public var seq: Int
    public var kind: Kind
    /// The rule behind it, when it comes from one.
    public var rule: String?
    public var severity: Severity
    public var message: String
    /// 1-based turn it is about, when it is about one.
    public var turn: Int?
    public var role: Role?
    /// Seconds from the start of the call.
    public var at: Double?
    /// The evidence as said.
    public var text: String?
    /// A better way to say it.
    public var suggestion: String?
    public var detail: String?
    /// Raised on partial (not yet final) text.
    public var partial: Bool
    /// Script steps (ids) it is about: the step said, or the steps still missing.
    public var steps: [String]

    public init(call: String, seq: Int = 0, kind: Kind, rule: String? = nil, severity: Severity, message: String, turn: Int? = nil,
                role: Role? = nil, at: Double? = nil, text: String? = nil, suggestion: String? = nil, detail: String? = nil,
                partial: Bool = false, steps: [String] = []) {
        self.call = call
        self.seq = seq
        self.kind = kind
        self.rule = rule
        self.severity = severity
        self.message = message
        self.turn = turn
        self.role = role
        self.at = at
        self.text = text
        self.suggestion = suggestion
        self.detail = detail
        self.partial = partial
        self.steps = steps
    }

    /// The alert with personal data masked in what it quotes.
    public func redacted(_ r: Redactor = Redactor()) -> LiveAlert {
        var a = self
        a.text = r.redact(text)
        a.detail = r.redact(detail)
        return a
    }

    public static let schema = "callqc.alert/1"

    /// The alert as one compact JSON object (`callqc.alert/1`, docs/live.md).
    public func write(to w: inout JSONWriter) {
        w.beginObject()
        w.member("schema", LiveAlert.schema)
        w.member("call", call)
        w.member("seq", seq)
        w.member("kind", kind.rawValue)
        w.member("rule", rule)
        w.member("severity", severity.rawValue)
        w.member("message", message)
        w.member("turn", turn)
        w.member("role", role?.rawValue)
        w.member("at", at.map { ($0 * 100).rounded() / 100 })
        w.member("text", text)
        w.member("suggestion", suggestion)
        w.member("detail", detail)
        w.member("partial", partial)
        w.key("steps"); w.beginArray(); for s in steps { w.string(s) }; w.endArray()
        w.endObject()
    }

    /// Compact JSON bytes of the alert.
    public var json: [UInt8] {
        var w = JSONWriter(capacity: 512)
        write(to: &w)
        return w.bytes
    }

    /// Compact JSON of a list of alerts (a JSON array).
    public static func json(_ alerts: [LiveAlert]) -> [UInt8] {
        var w = JSONWriter(capacity: 512)
        w.beginArray()
        for a in alerts { a.write(to: &w) }
        w.endArray()
        return w.bytes
    }
}
