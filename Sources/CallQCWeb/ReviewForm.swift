import CallQC
import CallQCStore
import Foundation
import Hummingbird

/// The review form of a call page and what it posts: the human score, each finding confirmed or
/// rejected, what the machine missed; the reviewer is the logged-in user on a floor.
extension Workbench {
    struct ReviewFormModel: TemplateModel {
        struct Rule: TemplateModel { var rule: String; var confirm: Bool; var reject: Bool; var skip: Bool }
        // Repeated for every turn (and rule): members named here, not found by reflection.
        struct Option: TemplateModel {
            var rule: String; var selected: Bool
            func child(named name: String) -> Any? {
                switch name {
                case "rule": return rule
                case "selected": return selected
                default: return nil
                }
            }
        }
        struct Turn: TemplateModel {
            var n: Int; var role: String; var text: String; var options: [Option]; var missedNote: String; var missedLabel: String
            func child(named name: String) -> Any? {
                switch name {
                case "n": return n
                case "missedLabel": return missedLabel
                case "role": return role
                case "text": return text
                case "options": return options
                case "missedNote": return missedNote
                default: return nil
                }
            }
        }
        var action: String
        var score: String
        var loggedIn: String?
        var typedReviewer: String
        var hasRules: Bool
        var rules: [Rule]
        var missedOpen: Bool
        var turns: [Turn]
        var note: String
    }

    /// The review form's model (the `review-form` template), with what a refused form had sent.
    func reviewForm(id: String, stored: StoredResult, _ p: PageContext, form: Form?) -> ReviewFormModel {
        let rules = Array(Set(stored.summary.findings.map(\.rule))).sorted().map { rule in
            let chosen = form?.value("verdict." + rule) ?? ""
            return ReviewFormModel.Rule(rule: rule, confirm: chosen == "confirm", reject: chosen == "reject", skip: chosen == "")
        }
        // The rules a turn may be marked missed for depend on its role only: worked out once per role.
        var missable: [Role: [String]] = [:]
        let turns = stored.call.turns.enumerated().map { i, turn in
            let n = i + 1
            let chosen = form?.value("missed.\(n)") ?? ""
            let role = turn.role == .agent ? p.t("坐席", "agent") : turn.role == .customer ? p.t("客户", "customer") : p.t("其他", "other")
            return ReviewFormModel.Turn(n: n, role: role, text: DisplayWidth.truncate(p.r(turn.text), to: 60),
                                        options: {
                                            if missable[turn.role] == nil { missable[turn.role] = missableRules(stored, role: turn.role) }
                                            return missable[turn.role]!.map { .init(rule: $0, selected: $0 == chosen) }
                                        }(),
                                        missedNote: form?.value("missed_note.\(n)") ?? "",
                                        missedLabel: p.t("第 \(n) 句漏检", "Missed on turn \(n)"))
        }
        // On a floor the reviewer is who is logged in, not a typed name.
        return ReviewFormModel(action: "/calls/\(Form.encode(id))/review", score: form?.value("score") ?? "", loggedIn: p.user?.name,
                               typedReviewer: form?.value("reviewer") ?? "", hasRules: !rules.isEmpty, rules: rules,
                               missedOpen: form?.fields.contains { $0.0.hasPrefix("missed.") && !$0.1.isEmpty } == true,
                               turns: turns, note: form?.value("note") ?? "")
    }

    /// The rules a reviewer can mark as missed on a turn of this call: those of the call's rule set
    /// that speak to a turn (not greeting, politeness counts or script steps), for the turn's role.
    func missableRules(_ stored: StoredResult, role: Role?) -> [String] {
        let sets = checker.catalog.ruleSets.filter { $0.name == stored.summary.ruleSet }
        let callLevel: Set<String> = ["required", "expected", "script-step", "script-order", "speech-rate", "silence"]
        var ids: [String] = []
        for set in sets.isEmpty ? checker.catalog.ruleSets : sets {
            for rule in set.rules where !callLevel.contains(rule.header.kind.rawValue) && !ids.contains(rule.header.id) {
                if let role, !rule.header.roles.isEmpty, !rule.header.roles.contains(role) { continue }
                ids.append(rule.header.id)
            }
        }
        return ids
    }

    /// Why these misses cannot be recorded on this call, or nil: a turn out of range, a rule the
    /// call's rule set lacks, or a rule the machine did find on that turn (confirm it instead).
    func missedProblem(_ misses: [MissedFinding], stored: StoredResult, _ p: PageContext) -> String? {
        let places = stored.findingPlaces
        let known = Set(missableRules(stored, role: nil))
        for m in misses {
            guard m.turn >= 1, m.turn <= stored.call.turns.count else {
                return p.t("漏检 \(m)：这通电话只有 \(stored.call.turns.count) 句。", "Missed \(m): the call has \(stored.call.turns.count) turns.")
            }
            if !known.contains(m.rule) {
                return p.t("漏检 \(m)：规则集 \(stored.summary.ruleSet) 没有规则 \(m.rule)。", "Missed \(m): rule set \(stored.summary.ruleSet) has no rule \(m.rule).")
            }
            if places.contains(where: { $0.rule == m.rule && $0.turn == m.turn }) {
                return p.t("漏检 \(m)：机器已在第 \(m.turn) 句发现 \(m.rule)，请改为确认。", "Missed \(m): the machine found \(m.rule) on turn \(m.turn); confirm it instead.")
            }
        }
        return nil
    }

    /// A review from form fields or API members; the same checks as `callqc review`.
    func makeReview(callID: String, score: String?, confirm: [String], reject: [String], missed: [MissedFinding] = [], note: String?, reviewer: String?,
                    sections: [String: Double] = [:], of stored: CallSummary, _ p: PageContext) -> Result<Review, QueueError> {
        var points: Double?
        if let s = score?.trimmingCharacters(in: .whitespaces), !s.isEmpty {
            guard let v = Double(s), v.isFinite, v >= 0 else { return .failure(.message(p.t("人工评分必须是 0 或以上的数字，收到 '\(s)'。", "The score must be a number of points, 0 or more, found '\(s)'."))) }
            points = v
        }
        if let problem = ReviewLimits.problem(score: points, sections: sections, of: stored) {
            return .failure(.message(p.lang == .en ? problem.english : problem.chinese))
        }
        let note = note.flatMap { $0.isEmpty ? nil : $0 }
        let reviewer = reviewer.flatMap { $0.isEmpty ? nil : $0 }
        if points == nil && sections.isEmpty && confirm.isEmpty && reject.isEmpty && missed.isEmpty && note == nil {
            return .failure(.message(p.t("请至少填写人工评分、确认或驳回一条规则、漏检、或备注。", "Give at least one of: a score, a rule confirmed or rejected, a miss, a note.")))
        }
        if let both = Set(confirm).intersection(reject).sorted().first {
            return .failure(.message(p.t("规则 \(both) 不能同时确认和驳回。", "Rule \(both) cannot be both confirmed and rejected.")))
        }
        return .success(Review(callID: callID, reviewedAt: ISO8601DateFormatter().string(from: Date()), reviewer: reviewer, score: points,
                               sectionScores: sections, confirmed: confirm, rejected: reject, missed: missed, note: note))
    }

    func reviewPost(_ request: Request, id: String) async throws -> Response {
        let (parsed, refusal) = await form(request)
        guard let form = parsed else { return refusal! }
        let p = page(request, form: form)
        guard let store else { return noStore(p.t("通话", "Call"), p, active: "queue") }
        do {
            let found: StoredResult?
            do { found = try store.detail(callID: id) } catch is AmbiguousCallReference { return callPage(request, id: id, status: .conflict, error: nil, form: form) }
            guard let stored = found, canSee(agent: stored.summary.agent) else { return callNotFound(id, p) }
            var confirm: [String] = [], reject: [String] = []
            var missed: [MissedFinding] = []
            for (name, value) in form.fields {
                if name.hasPrefix("verdict.") {
                    let rule = String(name.dropFirst("verdict.".count))
                    if value == "confirm" { confirm.append(rule) } else if value == "reject" { reject.append(rule) }
                } else if name.hasPrefix("missed."), !value.isEmpty {
                    let number = String(name.dropFirst("missed.".count))
                    let note = form.value("missed_note." + number).flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
                    guard let turn = Int(number), let miss = MissedFinding(parsing: "\(value)@\(turn)", note: note) else {
                        return callPage(request, id: id, status: .badRequest, error: p.t("漏检栏目无效：\(name)", "Not a missed-finding field: \(name)"), form: form)
                    }
                    missed.append(miss)
                }
            }
            if let problem = missedProblem(missed, stored: stored, p) {
                return callPage(request, id: id, status: .badRequest, error: problem, form: form)
            }
            switch makeReview(callID: id, score: form.value("score"), confirm: confirm, reject: reject, missed: missed, note: form.value("note"), reviewer: FloorRequest.user?.name ?? form.value("reviewer"), of: stored.summary, p) {
            case .failure(.message(let m)):
                return callPage(request, id: id, status: .badRequest, error: m, form: form)
            case .success(var review):
                review.callID = stored.summary.callID
                review.contentHash = stored.summary.contentHash
                try store.record(review)
                try audit(.review, target: stored.summary.key, detail: review.score.map { "score \(Format.points($0))" })
                return Response.redirect(to: p.link("/calls/" + Form.encode(id), [("saved", "1")]))
            }
        } catch {
            return storeError(error, p)
        }
    }
}
