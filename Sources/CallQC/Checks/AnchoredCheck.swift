import CallQCText

/// A reply to a cue: when `anchor` is said (a complaint cue, by the customer), `response` must
/// (or, with `expect: absent`, must not) be said by its roles within a window of their turns,
/// after the anchor, before it, or around it.
struct AnchoredCheck: CheckDefinition {
    enum Expect: String, Sendable, CaseIterable { case present, absent }
    enum Look: String, Sendable, CaseIterable { case after, before, around }

    static let kind = CheckKind.anchored
    static let summary = "When `anchor` is said (投诉, by the customer), `response` not said by its roles within `within` of their turns (an apology in the next two agent turns); with `expect: absent`, `response` said there. `look` is after, before or around the anchor. The finding is on the anchor (or the response said) and points at the turns looked at."
    static let parameters: [CheckParameter] = [
        CheckParameter("anchor", "{phrases, exceptions, roles}", required: true, "what opens the window (a complaint cue); roles default to the customer"),
        CheckParameter("response", "{phrases, exceptions, roles}", required: true, "what must (not) be said in the window; roles default to the rule's"),
        CheckParameter("expect", "present | absent", default: "present", "present: the response must be said; absent: it must not"),
        CheckParameter("look", "after | before | around", default: "after", "where the window lies from the anchor"),
        CheckParameter("within", "{turns: N, seconds: S}", default: "{turns: 2}", "N turns of the response's roles (and/or S seconds) from the anchor"),
    ]
    static let quotes = TranscriptQuotes.evidenceAndDetail
    static let examplesNeed = ExampleNeeds.conversation
    static let yamlExample = """
        - id: complaint.apology
          kind: anchored
          message: 客户投诉后未及时致歉
          section: politeness
          deduction: 5
          anchor: {phrases_file: ../phrases/complaint-cues.txt, roles: [customer]}
          response: {phrases_file: ../phrases/apologies.txt, roles: [agent]}
          within: {turns: 2}
          examples:
            flag:
              - |
                客户: 你们乱扣费，我要投诉！
                坐席: 您的套餐是五十八元。
                客户: 我不管。
                坐席: 那您去投诉吧。
            pass:
              - |
                客户: 你们乱扣费，我要投诉！
                坐席: 非常抱歉给您带来不便，我马上帮您查。
        """

    var anchor: PhraseSide
    var response: PhraseSide
    var expect: Expect
    var look: Look
    var within: TurnWindow

    static func parse(_ fields: inout FieldReader, _ context: inout RuleParseContext) throws(RuleError) -> AnchoredCheck {
        var anchor = try PhraseSide.parse(&fields, key: "anchor", &context, required: true)!
        if anchor.roles == nil { anchor.roles = [.customer] }
        let response = try PhraseSide.parse(&fields, key: "response", &context, required: true)!
        let expectText = try fields.string("expect") ?? "present"
        guard let expect = Expect(rawValue: expectText) else {
            throw fields.node.error("'expect' is '\(expectText)'", fix: "use present or absent")
        }
        let lookText = try fields.string("look") ?? "after"
        guard let look = Look(rawValue: lookText) else {
            throw fields.node.error("'look' is '\(lookText)'", fix: "use after, before or around")
        }
        return AnchoredCheck(anchor: anchor, response: response, expect: expect, look: look,
                             within: try TurnWindow.parse(&fields, defaultTurns: 2)!)
    }

    var phraseLists: [(name: String, phrases: [Phrase])] { anchor.lists("anchor") + response.lists("response") }

    /// The turns of the window around an anchor turn: N turns of the response's roles each way
    /// it looks (the anchor's own turn too, when its role answers), within S seconds.
    func window(_ context: CheckContext, anchor a: Int, roles: [Role]) -> [Int] {
        let scope = CheckContext.mask(roles)
        var turns: [Int] = []
        if context.isInScope(a, scope) { turns.append(a) }
        let n = within.turns ?? Int.max
        func walk(_ range: some Sequence<Int>, after: Bool) {
            var count = 0
            for t in range where context.isInScope(t, scope) {
                if let s = within.seconds, let gap = after ? context.seconds(from: a, to: t) : context.seconds(from: t, to: a), gap > s { break }
                turns.append(t)
                count += 1
                if count >= n { break }
            }
        }
        if look != .before { walk((a + 1)..<context.call.turns.count, after: true) }
        if look != .after { walk(stride(from: a - 1, through: 0, by: -1), after: false) }
        return turns.sorted()
    }

    func evaluate(_ context: CheckContext, rule: Int, header: RuleHeader) -> [Finding] {
        let anchors = anchor.hits(context, rule: rule, key: "anchor", ruleRoles: header.roles)
        if anchors.isEmpty { return [] }
        let roles = response.roles ?? header.roles
        let responses = response.hits(context, rule: rule, key: "response", ruleRoles: header.roles)
        var findings: [Finding] = []
        var covered = Set<Int>()        // turns of windows already judged failing: one fault, not one per cue
        for a in anchors where !covered.contains(a.turn) {
            let turns = window(context, anchor: a.turn, roles: roles)
            // In the anchor's own turn only what comes after the cue (before it, for look: before) counts.
            let said = responses.filter { r in
                guard turns.contains(r.turn) else { return false }
                if r.turn != a.turn { return true }
                switch look {
                case .after: return r.start >= a.end
                case .before: return r.end <= a.start
                case .around: return true
                }
            }
            let cue = "'\(anchor.text(of: a))' at turn \(a.turn + 1)"
            let looked = turns.isEmpty ? "no turn of \(roles.map(\.rawValue).joined(separator: ", ")) followed" : "turns \(turns.map { String($0 + 1) }.joined(separator: ", "))"
            switch expect {
            case .present where said.isEmpty:
                findings.append(context.finding(header, turn: a.turn, folded: a.start..<a.end,
                                                detail: "\(cue); no '\(response.phrases[0].text)' (or the like) \(look == .after ? "in the next" : look == .before ? "in the" : "within") \(within.description) (\(looked))",
                                                related: turns))
                covered.formUnion(turns + [a.turn])
                covered.formUnion(turns.isEmpty ? [] : Array(a.turn...(turns.max() ?? a.turn)))
            case .absent:
                for r in said {
                    findings.append(context.finding(header, turn: r.turn, folded: r.start..<r.end,
                                                    detail: "'\(response.text(of: r))' within \(within.description) of \(cue)", related: [a.turn]))
                }
                covered.formUnion(said.map(\.turn))
            default:
                break
            }
        }
        // A response found from two cues is one finding.
        var seen = Set<[Int]>()
        return findings.filter { seen.insert([$0.turn ?? -1, $0.span?.lowerBound ?? -1]).inserted }
    }
}

extension CheckKind {
    public static let anchored = CheckKind(name: "anchored")
}
