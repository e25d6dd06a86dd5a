import CallQCText

/// How a live call raises its live-only alerts. Each nil value comes from the rule set
/// (the silence rule's threshold, the greeting rule's window), else the default shown.
public struct LiveOptions: Sendable {
    /// Seconds without speech before a silence alert (silence rule's `threshold`, else 5).
    public var silenceSeconds: Double?
    /// Seconds into the call by which the agent must have greeted (greeting rule's window, else 15).
    public var greetingSeconds: Double?
    /// How many of the agent's last timed turns the pace is measured over.
    public var paceTurns: Int
    /// The least speech (seconds over those turns) the pace is judged on.
    public var paceSeconds: Double = 10
    /// What a customer says to start closing the call (folded before matching, so 再見 is 再见).
    public var goodbyes: [String]

    public static let defaultGoodbyes = ["再见", "拜拜", "没别的事了", "没有别的事", "没其他问题了", "没有其他问题", "就这样吧",
                                         "goodbye", "good bye", "bye", "that's all", "that is all", "nothing else"]

    public init(silenceSeconds: Double? = nil, greetingSeconds: Double? = nil, paceTurns: Int = 3, goodbyes: [String] = LiveOptions.defaultGoodbyes) {
        self.silenceSeconds = silenceSeconds
        self.greetingSeconds = greetingSeconds
        self.paceTurns = max(1, paceTurns)
        self.goodbyes = goodbyes
    }
}

/// One step of a live call's script checklist.
public struct LiveStep: Sendable, Hashable {
    public var id: String
    public var label: String
    public var required: Bool
    /// 1-based turn where it was said; nil while it is still to say.
    public var turn: Int?
    public var said: Bool { turn != nil }
}

/// A call checked as it goes on: turns are fed in as a recogniser finalises them (and
/// partial text in between), and alerts come back as they arise. The final result is
/// exactly ``Checker/check(_:)`` on the final turns: partial text is checked for alerts,
/// never kept and never scored. Each finding is alerted once.
///
/// Times: `at` and `now` are seconds on any clock the caller chooses (the server's
/// monotonic clock, a test's numbers); silence and the greeting deadline run on it.
public struct LiveCall: Sendable {
    public let checker: Checker
    public let options: LiveOptions
    /// The call so far: its final turns only.
    public private(set) var call: Call
    /// Every alert raised so far, in order.
    public private(set) var alerts: [LiveAlert] = []
    /// The script checklist, when the call follows a known script.
    public private(set) var checklist: [LiveStep] = []
    /// The clock time the call was opened.
    public let openedAt: Double
    /// The clock time something was last heard (a turn, final or partial).
    public private(set) var lastHeard: Double

    var reported = Set<String>()
    /// Per role: `rule|text` of alerts raised on partial text, not to raise again on the final turn.
    var partialKeys: [Role: Set<String>] = [:]
    var silenceAlerted = false
    var greetingResolved = false
    var goodbyeSeen = false
    var paceHigh = false
    let folder = TextFolder()
    /// The goodbyes in Chinese (and other non-Latin scripts), folded.
    let foldedGoodbyes: [String]

    public init(call: Call, checker: Checker, options: LiveOptions = LiveOptions(), at now: Double = 0) {
        self.call = call
        self.checker = checker
        self.options = options
        self.openedAt = now
        self.lastHeard = now
        let f = TextFolder()
        foldedGoodbyes = options.goodbyes.filter { $0.unicodeScalars.first?.isASCII != true }.map { f.foldedString($0) }.filter { !$0.isEmpty }
        if let script = checker.scripts.script(for: call) {
            checklist = script.steps.map { LiveStep(id: $0.id, label: $0.label, required: $0.required) }
        }
    }

    /// Takes the call's description (id, agent, date, script, source, metadata) from `info`,
    /// keeping the turns heard: a followed transcript's header read again.
    public mutating func describe(as info: Call) {
        let turns = call.turns
        call = info
        call.turns = turns
    }

    /// The final result: `check` on the final turns, as a batch check of the whole transcript gives it.
    public func finish() -> CallResult { checker.check(call) }

    /// Feeds one turn heard at clock time `now`; returns the alerts it raised. A partial turn
    /// (`final: false`) is checked for alerts but neither kept nor scored.
    public mutating func add(_ turn: Turn, final: Bool = true, at now: Double) -> [LiveAlert] {
        lastHeard = max(lastHeard, now)
        silenceAlerted = false
        var out: [LiveAlert] = []
        if final {
            call.turns.append(turn)
            let result = checker.check(call)
            let number = call.turns.count
            var consumed = partialKeys[turn.role] ?? []
            for (f, key) in keyed(result.findings) where !reported.contains(key) {
                reported.insert(key)
                guard let kind = alertKind(f, result: result) else { continue }
                // Already raised on this turn's partial text.
                if f.turn == number, consumed.remove(f.rule + "|" + (f.text ?? "")) != nil { continue }
                out.append(alert(kind, from: f))
            }
            partialKeys[turn.role] = nil
            out += scriptTicks(result)
            out += pace(result)
            if turn.role == .customer, !goodbyeSeen, saysGoodbye(turn.text) {
                goodbyeSeen = true
                out += closing(result, turn: number)
            }
        } else {
            var trial = call
            trial.turns.append(turn)
            let result = checker.check(trial)
            let number = trial.turns.count
            for f in result.findings where f.turn == number {
                guard let kind = alertKind(f, result: result) else { continue }
                let key = f.rule + "|" + (f.text ?? "")
                guard partialKeys[turn.role, default: []].insert(key).inserted else { continue }
                var a = alert(kind, from: f)
                a.partial = true
                out.append(a)
            }
        }
        out += greetingDeadline(now: now)
        return record(out)
    }

    /// Lets time pass on the caller's clock: raises the silence alert once the silence
    /// runs past the threshold (from the last thing heard, not waiting for the next turn),
    /// and the missing greeting once its deadline passes.
    public mutating func tick(now: Double) -> [LiveAlert] {
        var out: [LiveAlert] = []
        let threshold = silenceThreshold()
        if !silenceAlerted, !call.turns.isEmpty, now - lastHeard >= threshold {
            silenceAlerted = true
            let lastEnd = call.turns.compactMap(\.end).max()
            let quiet = ((now - lastHeard) * 10).rounded() / 10
            out.append(LiveAlert(call: call.id, kind: .silence, rule: silenceRule()?.header.id, severity: silenceRule()?.header.severity ?? .warning,
                                 message: silenceRule()?.header.message ?? "silence",
                                 at: lastEnd.map { $0 + (now - lastHeard) },
                                 detail: "\(JSONValue.format(quiet)) s without speech (limit \(JSONValue.format(threshold)) s)"))
        }
        out += greetingDeadline(now: now)
        return record(out)
    }

    // MARK: - Findings to alerts

    /// Findings with a key that stays the same from run to run: rule, turn, evidence, and
    /// which occurrence of that evidence in the turn it is.
    func keyed(_ findings: [Finding]) -> [(Finding, String)] {
        var seen: [String: Int] = [:]
        return findings.map { f in
            let base = "\(f.rule)|\(f.turn.map(String.init) ?? "-")|\(f.text ?? "")"
            seen[base, default: 0] += 1
            return (f, base + "|\(seen[base]!)")
        }
    }

    /// The alert kind of a finding, nil when its kind does not alert live (required
    /// phrases and the score only make sense at the end; silence and pace run live).
    func alertKind(_ f: Finding, result: CallResult) -> LiveAlert.Kind? {
        switch f.kind {
        case .forbidden: return .forbidden
        case .curtRefusal: return .curtRefusal
        case .cue: return f.role == .agent ? nil : .complaint
        case .pii: return f.role == .agent ? .personalData : nil
        case .interruption: return .interruption
        default: return nil
        }
    }

    func alert(_ kind: LiveAlert.Kind, from f: Finding) -> LiveAlert {
        LiveAlert(call: call.id, kind: kind, rule: f.rule, severity: f.severity, message: f.message, turn: f.turn, role: f.role,
                  at: f.start, text: f.text, suggestion: f.suggestion, detail: f.detail)
    }

    mutating func record(_ new: [LiveAlert]) -> [LiveAlert] {
        var numbered = new
        for i in numbered.indices { numbered[i].seq = alerts.count + i + 1 }
        alerts += numbered
        return numbered
    }

    // MARK: - Rules the live-only alerts take their settings from

    func ruleSet() -> RuleSet {
        let profiles = call.turns.map { checker.counter.profile($0.text) }
        return checker.catalog.ruleSet(for: CallMetrics.measure(call, profiles: profiles).language)
    }

    func silenceRule() -> Rule? { ruleSet().rules.first { $0.check is SilenceCheck } }

    func silenceThreshold() -> Double {
        if let s = options.silenceSeconds { return s }
        guard let rule = silenceRule(), let check = rule.check as? SilenceCheck else { return 5 }
        // An announced hold (请您稍等) allows up to max_hold.
        if let last = call.turns.last(where: { $0.role == .agent }), call.turns.last?.role == .agent,
           !check.holdPhrases.isEmpty {
            let folded = folder.foldedString(last.text)
            if check.holdPhrases.contains(where: { !$0.foldedString.isEmpty && folded.contains($0.foldedString) }) { return max(check.threshold, check.maxHold) }
        }
        return check.threshold
    }

    func requiredRule(at anchor: RequiredPhraseCheck.Anchor, in set: RuleSet) -> (Rule, RequiredPhraseCheck)? {
        for rule in set.rules { if let c = rule.check as? RequiredPhraseCheck, c.at == anchor { return (rule, c) } }
        return nil
    }

    mutating func greetingDeadline(now: Double) -> [LiveAlert] {
        guard !greetingResolved else { return [] }
        let set = ruleSet()
        guard let (rule, check) = requiredRule(at: .start, in: set) else { greetingResolved = true; return [] }
        let deadline = options.greetingSeconds ?? check.seconds ?? 15
        let phrases = check.phrases.map(\.foldedString).filter { !$0.isEmpty }
        // Said in time: in an agent turn starting within the deadline (or untimed).
        for t in call.turns where t.role == .agent && (t.start ?? 0) <= deadline {
            let folded = folder.foldedString(t.text)
            if phrases.contains(where: { folded.contains($0) }) { greetingResolved = true; return [] }
        }
        let callTime = call.turns.compactMap { $0.end ?? $0.start }.max() ?? 0
        guard now - openedAt > deadline || callTime > deadline else { return [] }
        greetingResolved = true
        return [LiveAlert(call: call.id, kind: .noGreeting, rule: rule.header.id, severity: rule.header.severity, message: rule.header.message,
                          at: deadline, suggestion: check.phrases.max(by: { $0.text.count < $1.text.count })?.text,
                          detail: "no greeting in the first \(JSONValue.format(deadline)) s")]
    }

    mutating func scriptTicks(_ result: CallResult) -> [LiveAlert] {
        guard let script = result.script else { return [] }
        var out: [LiveAlert] = []
        for step in script.steps where step.status != .missing {
            guard let i = checklist.firstIndex(where: { $0.id == step.id }), checklist[i].turn == nil else { continue }
            checklist[i].turn = step.turn
            out.append(LiveAlert(call: call.id, kind: .stepSaid, severity: .info, message: step.label, turn: step.turn, role: .agent,
                                 at: step.start, text: step.text, steps: [step.id]))
        }
        return out
    }

    mutating func pace(_ result: CallResult) -> [LiveAlert] {
        guard call.turns.last?.role == .agent else { return [] }
        let set = checker.catalog.ruleSet(for: result.metrics.language)
        guard let rule = set.rules.first(where: { ($0.check as? SpeechRateCheck)?.above != nil }),
              let check = rule.check as? SpeechRateCheck, let above = check.above else { return [] }
        let words: Bool
        switch check.unit {
        case .characters: words = false
        case .words: words = true
        case .auto: words = result.metrics.language.countsWords
        }
        var count = 0, seconds = 0.0, taken = 0
        for t in call.turns.reversed() where t.role == .agent {
            guard let d = CallMetrics.spokenDuration(t) else { continue }
            let p = checker.counter.profile(t.text)
            count += words ? p.words : p.countableCharacters
            seconds += d
            taken += 1
            if taken == options.paceTurns { break }
        }
        // A short greeting is no measure of pace: at least `paceSeconds` of the agent's speech.
        guard seconds >= options.paceSeconds else { return [] }
        let rate = Double(count) / (seconds / 60)
        let fast = rate > above
        defer { paceHigh = fast }
        // One alert when the pace goes over, another only after it came back down.
        guard fast, !paceHigh else { return [] }
        let last = call.turns.count
        return [LiveAlert(call: call.id, kind: .pace, rule: rule.header.id, severity: rule.header.severity, message: rule.header.message,
                          turn: last, role: .agent, at: call.turns[last - 1].start,
                          detail: "\(Int(rate.rounded())) \(words ? "words" : "characters") a minute over the agent's last \(taken) turn\(taken == 1 ? "" : "s") (standard: at most \(JSONValue.format(above)))")]
    }

    func saysGoodbye(_ text: String) -> Bool {
        // Latin goodbyes by whole words (`bye`, not inside `maybe`): folding drops the spaces.
        let words = LiveCall.words(text)
        for g in options.goodbyes where g.unicodeScalars.first?.isASCII == true {
            let phrase = LiveCall.words(g)
            guard !phrase.isEmpty, words.count >= phrase.count else { continue }
            for i in 0...(words.count - phrase.count) where Array(words[i..<(i + phrase.count)]) == phrase { return true }
        }
        let folded = folder.foldedString(text)
        return foldedGoodbyes.contains { folded.contains($0) }
    }

    /// Lower-case words (letters, digits and apostrophes) of a text.
    static func words(_ text: String) -> [String] {
        text.lowercased().replacingOccurrences(of: "\u{2019}", with: "'")
            .split { !($0.isLetter || $0.isNumber || $0 == "'") }.map(String.init)
    }

    func closing(_ result: CallResult, turn: Int) -> [LiveAlert] {
        var out: [LiveAlert] = []
        let at = call.turns[turn - 1].start
        let missing = checklist.filter { $0.required && !$0.said }
        if !missing.isEmpty {
            out.append(LiveAlert(call: call.id, kind: .stepsMissing, severity: .warning,
                                 message: missing.map(\.label).joined(separator: "; "), turn: turn, role: .customer, at: at,
                                 steps: missing.map(\.id)))
        }
        let set = checker.catalog.ruleSet(for: result.metrics.language)
        let closingRule = requiredRule(at: .end, in: set)
        out.append(LiveAlert(call: call.id, kind: .closingReminder, rule: closingRule?.0.header.id, severity: .info,
                             message: closingRule?.0.header.message ?? "closing", turn: turn, role: .customer, at: at,
                             suggestion: closingRule?.1.phrases.max(by: { $0.text.count < $1.text.count })?.text))
        return out
    }
}
