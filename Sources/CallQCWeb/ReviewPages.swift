import CallQC
import CallQCStore
import Foundation
import Hummingbird

/// The supervisors' pages: the day's review queue, a call with its review form, calibration.
extension Workbench {
    static func isDate(_ s: String) -> Bool {
        let p = s.split(separator: "-", omittingEmptySubsequences: false)
        return p.count == 3 && p[0].count == 4 && p[1].count == 2 && p[2].count == 2 && p.allSatisfy { $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }

    struct QueueRequest {
        var date: String
        var plan: SamplingPlan
    }

    /// The queue's parameters as `callqc sample` takes them; the date defaults to the last day stored.
    func queueRequest(_ request: Request, _ store: SQLiteResultStore) throws -> Result<QueueRequest, QueueError> {
        let q = request.uri.queryParameters
        var plan = SamplingPlan()
        if let v = q.get("per_agent"), !v.isEmpty {
            guard let n = Int(v), (1...10_000).contains(n) else { return .failure(.message("per_agent must be between 1 and 10000, found '\(v)'.")) }
            plan.perAgent = n
        }
        if let v = q.get("seed"), !v.isEmpty {
            guard let n = UInt64(v) else { return .failure(.message("seed must be a whole number, found '\(v)'.")) }
            plan.seed = n
        }
        if let d = q.get("date"), !d.isEmpty {
            guard Workbench.isDate(d) else { return .failure(.message("date must be YYYY-MM-DD, found '\(d)'.")) }
            return .success(QueueRequest(date: d, plan: plan))
        }
        let last = try store.summaries(from: nil, to: nil).compactMap(\.date).max()
        return .success(QueueRequest(date: last ?? Workbench.today(), plan: plan))
    }

    enum QueueError: Error { case message(String) }

    static func today() -> String {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.locale = Locale(identifier: "en_US_POSIX")
        return f.string(from: Date())
    }

    struct QueueModel: TemplateModel {
        struct Pick: TemplateModel { var agent: String; var href: String; var key: String; var score: String; var grade: String; var reason: String }
        struct Done: TemplateModel { var href: String; var call: String; var score: String; var confirmed: String; var rejected: String; var reviewer: String; var when: String }
        var error: String?
        var date: String
        var perAgent: Int
        var seed: UInt64
        var summary: String?
        var notice: String?
        var hasPicks = false
        var picks: [Pick] = []
        var short: [String] = []
        var hasDone = false
        var done: [Done] = []
    }

    func queuePage(_ request: Request) -> Response {
        let p = page(request)
        let title = p.t("质检队列", "Review queue")
        guard let store else { return noStore(title, p, active: "queue") }
        do {
            let qr: QueueRequest
            switch try queueRequest(request, store) {
            case .failure(.message(let m)):
                let plan = SamplingPlan()
                let model = QueueModel(error: m, date: "", perAgent: plan.perAgent, seed: plan.seed)
                return Response.html(Templates.page("queue", title: title, model, p, active: "queue"), status: .badRequest, p)
            case .success(let v): qr = v
            }
            let calls = try store.summaries(from: qr.date, to: qr.date).filter { canSee(agent: $0.agent) }
            let reviews = try store.reviews()
            let queue = qr.plan.draw(calls, reviewed: Set(reviews.map { $0.contentHash ?? $0.callID }))
            var model = QueueModel(date: qr.date, perAgent: qr.plan.perAgent, seed: qr.plan.seed)
            let zhLine = "\(qr.date)：共 \(calls.count) 通，抽取 \(queue.picks.count) 通，每位坐席 \(qr.plan.perAgent) 通（风险优先，其余随机，种子 \(qr.plan.seed)）"
            let enLine = "\(qr.date): \(calls.count) calls, \(queue.picks.count) drawn, \(qr.plan.perAgent) per agent (risky first, the rest at random, seed \(qr.plan.seed))"
            model.summary = p.t(zhLine, enLine)
            if calls.isEmpty { model.notice = p.t("这一天没有存储的通话。", "No calls stored for this day.") }
            model.hasPicks = !queue.picks.isEmpty
            model.picks = queue.picks.map { pick in
                .init(agent: pick.agent, href: p.link(p.callPath(pick.call.key, hash: pick.call.contentHash)), key: p.r(pick.call.key),
                      score: pick.call.score.map(Format.points) ?? "–", grade: pick.call.grade ?? "–", reason: pick.reason)
            }
            model.short = queue.short.map { s in
                let zhLine = "坐席 \(s.agent) 当天只有 \(s.calls) 通（已复核 \(s.reviewed) 通），少于每人 \(s.quota) 通的配额。"
                let enLine = "Agent \(s.agent) has \(s.calls) call\(s.calls == 1 ? "" : "s") that day (\(s.reviewed) already reviewed), fewer than the quota of \(s.quota)."
                return p.t(zhLine, enLine)
            }
            let dayHashes = Set(calls.map(\.contentHash)), dayIDs = Set(calls.map(\.callID))
            let done = reviews.filter { $0.contentHash.map(dayHashes.contains) ?? dayIDs.contains($0.callID) }
            model.hasDone = !done.isEmpty
            model.done = done.map { r in
                .init(href: p.link(p.callPath(r.callID, hash: r.contentHash)), call: p.r(r.callID), score: r.score.map(Format.points) ?? "–",
                      confirmed: r.confirmed.joined(separator: ", "), rejected: r.rejected.joined(separator: ", "), reviewer: p.r(r.reviewer ?? "–"), when: r.reviewedAt)
            }
            return Response.html(Templates.page("queue", title: title, model, p, active: "queue"), p)
        } catch {
            return storeError(error, p)
        }
    }

    func callPage(_ request: Request, id: String, status: HTTPResponse.Status, error: String?, form: Form? = nil, lang: String? = nil) -> Response {
        let p = page(request, lang: lang ?? form?.value("lang"))
        let title = p.t("通话", "Call") + " " + p.r(id)
        guard let store else { return noStore(title, p, active: "queue") }
        do {
            // A call the user may not see is not there, by URL as by API.
            guard let stored = try store.detail(callID: id), canSee(agent: stored.summary.agent) else { return callNotFound(id, p) }
            return callPageBody(request, id: id, stored: stored, p, status: status, error: error, form: form, unmasked: false)
        } catch let ambiguous as AmbiguousCallReference {
            let agents = FloorRequest.user == nil ? [:] : Dictionary(((try? store.summaries(from: nil, to: nil)) ?? []).map { ($0.key, $0.agent) }, uniquingKeysWith: { a, _ in a })
            let visible = ambiguous.candidates.filter { FloorRequest.user == nil || canSee(agent: agents[$0.key] ?? nil) }
            if visible.isEmpty { return callNotFound(id, p) }
            return candidatesPage(id, visible, title: title, p)
        } catch {
            return storeError(error, p)
        }
    }

    struct CandidatesModel: TemplateModel {
        struct Candidate: TemplateModel { var href: String; var key: String; var source: String }
        var error: String
        var candidates: [Candidate]
    }

    /// A call id that names several calls: the calls to choose from.
    func candidatesPage(_ id: String, _ candidates: [(key: String, source: String?)], title: String, _ p: PageContext) -> Response {
        let model = CandidatesModel(error: p.t("通话编号 '\(p.r(id))' 对应多通电话，请选择：", "The call id '\(p.r(id))' names several calls; choose one:"),
                                    candidates: candidates.map { .init(href: p.link("/calls/" + Form.encode($0.key)), key: p.r($0.key), source: p.r($0.source ?? "")) })
        return Response.html(Templates.page("call-candidates", title: title, model, p, active: "queue"), status: .conflict, p)
    }

    struct CallModel: TemplateModel {
        struct CaseForm: TemplateModel { var call: String; var categories: [String] }
        var error: String?
        var notice: String?
        var view: String
        var hasReviews: Bool
        var reviews: [String]
        var appealed: Bool
        var floor: CallFloorModel?
        var review: ReviewFormModel?
        var caseForm: CaseForm?
    }

    /// A stored call's page (the `call` template): the transcript and findings (CallView's HTML),
    /// reviews, appeals, and the forms the user's role may use.
    func callPageBody(_ request: Request, id: String, stored: StoredResult, _ p: PageContext, status: HTTPResponse.Status, error: String?,
                      form: Form?, unmasked: Bool) -> Response {
        let title = p.t("通话", "Call") + " " + p.r(id)
        guard let store else { return noStore(title, p, active: "queue") }
        let role = FloorRequest.user?.role
        do {
            let reviews = try store.reviews().filter { $0.contentHash.map { $0 == stored.summary.contentHash } ?? ($0.callID == stored.summary.callID) }
            let lines = reviews.map { r in
                var line = "\(r.reviewedAt) · \(p.t("人工分", "human score")) \(r.score.map(Format.points) ?? "–")"
                if let machine = stored.summary.score { line += " · \(p.t("机器分", "machine")) \(Format.points(machine))" }
                if !r.confirmed.isEmpty { line += " · \(p.t("确认", "confirmed")) \(r.confirmed.joined(separator: ", "))" }
                if !r.rejected.isEmpty { line += " · \(p.t("驳回", "rejected")) \(r.rejected.joined(separator: ", "))" }
                if !r.missed.isEmpty { line += " · \(p.t("漏检", "missed")) \(r.missed.map(\.description).joined(separator: ", "))" }
                if let who = r.reviewer { line += " · \(who)" }
                if let note = r.note { line += " · \(note)" }
                return p.r(line)
            }
            let query = request.uri.queryParameters
            let model = CallModel(
                error: error, notice: query.get("saved") == "1" ? p.t("复核结果已保存。", "The review was recorded.") : nil,
                view: CallView.render(result: stored.result, call: stored.call, p),
                hasReviews: !lines.isEmpty, reviews: lines, appealed: query.get("appealed") == "1",
                floor: floorSection(stored, id: id, p, unmasked: unmasked),
                review: role == nil || role == .supervisor || role == .admin ? reviewForm(id: id, stored: stored, p, form: form) : nil,
                caseForm: role == nil || role == .trainer || role == .admin ? .init(call: id, categories: TrainingCase.Category.allCases.map(\.rawValue)) : nil)
            return Response.html(Templates.page("call", title: title, model, p, active: "queue"), status: status, p)
        } catch let ambiguous as AmbiguousCallReference {
            return candidatesPage(id, ambiguous.candidates, title: title, p)
        } catch {
            return storeError(error, p)
        }
    }

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

    struct CalibrationModel: TemplateModel {
        struct Rule: TemplateModel { var rule: String; var confirmed: Int; var rejected: Int; var missed: Int; var precision: String; var recall: String }
        struct Missed: TemplateModel { var rule: String; var href: String; var call: String; var turn: Int; var text: String; var note: String; var reviewer: String }
        struct Row: TemplateModel { var key: String; var count: Int; var mean: String; var spread: String }
        struct Differences: TemplateModel { var heading: String; var id: String; var rows: [Row] }
        var notice: String?
        var hasRules: Bool
        var rules: [Rule]
        var hasMissedTurns: Bool
        var missedTurns: [Missed]
        var differences: [Differences]
        var unmatched: String?
    }

    func calibrationPage(_ request: Request) -> Response {
        let p = page(request)
        let title = p.t("校准", "Calibration")
        guard let store else { return noStore(title, p, active: "calibration") }
        do {
            // An accepted appeal counts as a wrongly flagged finding of its rule, as a rejected one in review does.
            let c = Calibration(reviews: try store.reviews(), calls: try store.summaries(from: nil, to: nil).filter { canSee(agent: $0.agent) },
                                appeals: try floor?.appeals(status: .accepted) ?? [])
            func percent(_ v: Double?) -> String { v.map { "\(Int(($0 * 100).rounded()))%" } ?? "–" }
            var calls: [String: Call?] = [:]
            var missed: [CalibrationModel.Missed] = []
            for m in c.missed {
                if calls[m.reference] == nil { calls[m.reference] = .some(try store.detail(callID: m.reference)?.call) }
                let text = (calls[m.reference] ?? nil).flatMap { m.turn <= $0.turns.count ? $0.turns[m.turn - 1].text : nil }
                missed.append(.init(rule: m.rule, href: p.link(p.callPath(m.callID, hash: m.contentHash)), call: p.r(m.callID), turn: m.turn,
                                    text: text.map { p.r($0) } ?? "–", note: p.r(m.note ?? ""), reviewer: p.r(m.reviewer ?? "–")))
            }
            func table(_ heading: String, _ rows: [Calibration.Difference], _ id: String) -> CalibrationModel.Differences? {
                guard !rows.isEmpty else { return nil }
                return .init(heading: heading, id: id, rows: rows.map {
                    .init(key: $0.key, count: $0.count, mean: JSONValue.format(($0.mean * 10).rounded() / 10), spread: JSONValue.format(($0.spread * 10).rounded() / 10))
                })
            }
            let model = CalibrationModel(
                notice: c.rules.isEmpty && c.total == nil ? p.t("还没有复核记录：在质检队列里打开一通电话并保存复核结果。", "No reviews yet: open a call from the review queue and record a review.") : nil,
                hasRules: !c.rules.isEmpty,
                rules: c.rules.map { .init(rule: $0.rule, confirmed: $0.confirmed, rejected: $0.rejected, missed: $0.missed, precision: percent($0.precision), recall: percent($0.recall)) },
                hasMissedTurns: !missed.isEmpty, missedTurns: missed,
                differences: [table(p.t("总分", "Total"), c.total.map { [$0] } ?? [], "calibration-total"),
                              table(p.t("评分项", "Sections"), c.bySection, "calibration-sections"),
                              table(p.t("坐席", "Agents"), c.byAgent, "calibration-agents")].compactMap { $0 },
                unmatched: c.unmatched.isEmpty ? nil : c.unmatched.map { p.r($0) }.joined(separator: ", "))
            return Response.html(Templates.page("calibration", title: title, model, p, active: "calibration"), p)
        } catch {
            return storeError(error, p)
        }
    }
}
