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

    func queuePage(_ request: Request) -> Response {
        let p = page(request)
        let title = p.t("质检队列", "Review queue")
        guard let store else { return noStore(title, p, active: "queue") }
        do {
            let qr: QueueRequest
            switch try queueRequest(request, store) {
            case .failure(.message(let m)):
                return Response.html(Layout.page(title, Layout.error(m) + queueForm(p, date: "", plan: SamplingPlan()), p, active: "queue"), status: .badRequest, p)
            case .success(let v): qr = v
            }
            let calls = try store.summaries(from: qr.date, to: qr.date).filter { canSee(agent: $0.agent) }
            let reviews = try store.reviews()
            let queue = qr.plan.draw(calls, reviewed: Set(reviews.map { $0.contentHash ?? $0.callID }))
            var h = queueForm(p, date: qr.date, plan: qr.plan)
            let zhLine = "\(qr.date)：共 \(calls.count) 通，抽取 \(queue.picks.count) 通，每位坐席 \(qr.plan.perAgent) 通（风险优先，其余随机，种子 \(qr.plan.seed)）"
            let enLine = "\(qr.date): \(calls.count) calls, \(queue.picks.count) drawn, \(qr.plan.perAgent) per agent (risky first, the rest at random, seed \(qr.plan.seed))"
            h += "<p class=\"meta\">" + esc(p.t(zhLine, enLine)) + "</p>\n"
            if calls.isEmpty { h += Layout.notice(p.t("这一天没有存储的通话。", "No calls stored for this day.")) }
            if !queue.picks.isEmpty {
                h += "<table id=\"queue\"><thead><tr><th>\(p.t("坐席", "Agent"))</th><th>\(p.t("通话", "Call"))</th><th>\(p.t("分数", "Score"))</th><th>\(p.t("等级", "Grade"))</th><th>\(p.t("抽取原因", "Why"))</th></tr></thead><tbody>\n"
                for pick in queue.picks {
                    h += "<tr><td>\(esc(pick.agent))</td><td><a href=\"\(esc(p.link(p.callPath(pick.call.key, hash: pick.call.contentHash))))\">\(esc(p.r(pick.call.key)))</a></td><td>\(pick.call.score.map(Format.points) ?? "–")</td><td>\(esc(pick.call.grade ?? "–"))</td><td>\(esc(pick.reason))</td></tr>\n"
                }
                h += "</tbody></table>\n"
            }
            for s in queue.short {
                let zhLine = "坐席 \(s.agent) 当天只有 \(s.calls) 通（已复核 \(s.reviewed) 通），少于每人 \(s.quota) 通的配额。"
                let enLine = "Agent \(s.agent) has \(s.calls) call\(s.calls == 1 ? "" : "s") that day (\(s.reviewed) already reviewed), fewer than the quota of \(s.quota)."
                h += "<p class=\"meta\">" + esc(p.t(zhLine, enLine)) + "</p>\n"
            }
            let dayHashes = Set(calls.map(\.contentHash)), dayIDs = Set(calls.map(\.callID))
            let done = reviews.filter { $0.contentHash.map(dayHashes.contains) ?? dayIDs.contains($0.callID) }
            if !done.isEmpty {
                h += "<h2>\(esc(p.t("已复核", "Reviewed")))</h2>\n<table id=\"reviewed\"><thead><tr><th>\(p.t("通话", "Call"))</th><th>\(p.t("人工分", "Human score"))</th><th>\(p.t("确认", "Confirmed"))</th><th>\(p.t("驳回", "Rejected"))</th><th>\(p.t("复核人", "Reviewer"))</th><th>\(p.t("时间", "When"))</th></tr></thead><tbody>\n"
                for r in done {
                    h += "<tr><td><a href=\"\(esc(p.link(p.callPath(r.callID, hash: r.contentHash))))\">\(esc(p.r(r.callID)))</a></td><td>\(r.score.map(Format.points) ?? "–")</td><td>\(esc(r.confirmed.joined(separator: ", ")))</td><td>\(esc(r.rejected.joined(separator: ", ")))</td><td>\(esc(p.r(r.reviewer ?? "–")))</td><td>\(esc(r.reviewedAt))</td></tr>\n"
                }
                h += "</tbody></table>\n"
            }
            return Response.html(Layout.page(title, h, p, active: "queue"), p)
        } catch {
            return storeError(error, p)
        }
    }

    func queueForm(_ p: PageContext, date: String, plan: SamplingPlan) -> String {
        """
        <form method="get" action="/queue">\(p.lang == .en ? "<input type=\"hidden\" name=\"lang\" value=\"en\">" : "")
        <label>\(esc(p.t("日期", "Date"))) <input type="date" name="date" value="\(esc(date))"></label>
        <label>\(esc(p.t("每位坐席", "Per agent"))) <input type="number" name="per_agent" min="1" value="\(plan.perAgent)" style="width:4rem"></label>
        <label>\(esc(p.t("种子", "Seed"))) <input type="number" name="seed" min="0" value="\(plan.seed)" style="width:6rem"></label>
        <button type="submit">\(esc(p.t("抽取", "Draw")))</button></form>

        """
    }

    func callPage(_ request: Request, id: String, status: HTTPResponse.Status, error: String?, form: Form? = nil) -> Response {
        let p = page(request, form: form)
        let title = p.t("通话", "Call") + " " + p.r(id)
        guard let store else { return noStore(title, p, active: "queue") }
        do {
            // A call the user may not see is not there, by URL as by API.
            guard let stored = try store.detail(callID: id), canSee(agent: stored.summary.agent) else { return callNotFound(id, p) }
            return callPageBody(request, id: id, stored: stored, p, status: status, error: error, form: form, unmasked: false)
        } catch let ambiguous as AmbiguousCallReference {
            var h = Layout.error(p.t("通话编号 '\(p.r(id))' 对应多通电话，请选择：", "The call id '\(p.r(id))' names several calls; choose one:")) + "<ul id=\"candidates\">"
            let agents = FloorRequest.user == nil ? [:] : Dictionary(((try? store.summaries(from: nil, to: nil)) ?? []).map { ($0.key, $0.agent) }, uniquingKeysWith: { a, _ in a })
            let visible = ambiguous.candidates.filter { FloorRequest.user == nil || canSee(agent: agents[$0.key] ?? nil) }
            if visible.isEmpty { return callNotFound(id, p) }
            for c in visible {
                h += "<li><a href=\"\(esc(p.link("/calls/" + Form.encode(c.key))))\">\(esc(p.r(c.key)))</a> \(esc(p.r(c.source ?? "")))</li>"
            }
            return Response.html(Layout.page(title, h + "</ul>\n", p, active: "queue"), status: .conflict, p)
        } catch {
            return storeError(error, p)
        }
    }

    /// A stored call's page: the transcript and findings, reviews, appeals, and the forms the user's role may use.
    func callPageBody(_ request: Request, id: String, stored: StoredResult, _ p: PageContext, status: HTTPResponse.Status, error: String?,
                      form: Form?, unmasked: Bool) -> Response {
        let title = p.t("通话", "Call") + " " + p.r(id)
        guard let store else { return noStore(title, p, active: "queue") }
        let role = FloorRequest.user?.role
        do {
            var h = ""
            if let error { h += Layout.error(error) }
            if request.uri.queryParameters.get("saved") == "1" { h += Layout.notice(p.t("复核结果已保存。", "The review was recorded.")) }
            h += CallView.render(result: stored.result, call: stored.call, p)
            let reviews = try store.reviews().filter { $0.contentHash.map { $0 == stored.summary.contentHash } ?? ($0.callID == stored.summary.callID) }
            if !reviews.isEmpty {
                h += "<h2>\(esc(p.t("复核记录", "Reviews")))</h2>\n<ul id=\"reviews\">"
                for r in reviews {
                    var line = "\(r.reviewedAt) · \(p.t("人工分", "human score")) \(r.score.map(Format.points) ?? "–")"
                    if let machine = stored.summary.score { line += " · \(p.t("机器分", "machine")) \(Format.points(machine))" }
                    if !r.confirmed.isEmpty { line += " · \(p.t("确认", "confirmed")) \(r.confirmed.joined(separator: ", "))" }
                    if !r.rejected.isEmpty { line += " · \(p.t("驳回", "rejected")) \(r.rejected.joined(separator: ", "))" }
                    if !r.missed.isEmpty { line += " · \(p.t("漏检", "missed")) \(r.missed.map(\.description).joined(separator: ", "))" }
                    if let who = r.reviewer { line += " · \(who)" }
                    if let note = r.note { line += " · \(note)" }
                    h += "<li class=\"review\">\(esc(p.r(line)))</li>"
                }
                h += "</ul>\n"
            }
            if request.uri.queryParameters.get("appealed") == "1" { h += Layout.notice(p.t("申诉已提交，等待主管处理。", "The appeal was sent to a supervisor.")) }
            h += floorSection(stored, id: id, p, unmasked: unmasked)
            if role == nil || role == .supervisor || role == .admin { h += reviewForm(id: id, stored: stored, p, form: form) }
            if role == nil || role == .trainer || role == .admin { h += """
            <h2>\(esc(p.t("加入案例库", "Add to the case library")))</h2>
            <form method="post" action="/cases" id="case-form">\(p.hidden)<input type="hidden" name="call" value="\(esc(id))">
            <label>\(esc(p.t("标题", "Title"))) <input type="text" name="title" size="40"></label>
            <label>\(esc(p.t("类别", "Category"))) <select name="category"><option value="">\(esc(p.t("自动建议", "suggest")))</option>\(TrainingCase.Category.allCases.map { "<option>\(esc($0.rawValue))</option>" }.joined())</select></label>
            <button type="submit">\(esc(p.t("加入", "Add")))</button></form>

            """ }
            return Response.html(Layout.page(title, h, p, active: "queue"), status: status, p)
        } catch let ambiguous as AmbiguousCallReference {
            var h = Layout.error(p.t("通话编号 '\(p.r(id))' 对应多通电话，请选择：", "The call id '\(p.r(id))' names several calls; choose one:")) + "<ul id=\"candidates\">"
            for c in ambiguous.candidates {
                h += "<li><a href=\"\(esc(p.link("/calls/" + Form.encode(c.key))))\">\(esc(p.r(c.key)))</a> \(esc(p.r(c.source ?? "")))</li>"
            }
            return Response.html(Layout.page(title, h + "</ul>\n", p, active: "queue"), status: .conflict, p)
        } catch {
            return storeError(error, p)
        }
    }

    func reviewForm(id: String, stored: StoredResult, _ p: PageContext, form: Form?) -> String {
        let rules = Array(Set(stored.summary.findings.map(\.rule))).sorted()
        var h = "<h2>\(esc(p.t("记录复核结果", "Record the review")))</h2>\n"
        h += "<form method=\"post\" action=\"/calls/\(esc(Form.encode(id)))/review\" id=\"review-form\">\(p.hidden)\n"
        h += "<p><label>\(esc(p.t("人工评分", "Human score"))) <input type=\"number\" name=\"score\" min=\"0\" step=\"0.5\" value=\"\(esc(form?.value("score") ?? ""))\"></label>"
        if let user = p.user {
            // On a floor the reviewer is who is logged in, not a typed name.
            h += "<span class=\"meta\">\(esc(p.t("复核人", "Reviewer"))): \(esc(user.name))</span></p>\n"
        } else {
            h += "<label>\(esc(p.t("复核人", "Reviewer"))) <input type=\"text\" name=\"reviewer\" value=\"\(esc(form?.value("reviewer") ?? ""))\"></label></p>\n"
        }
        if rules.isEmpty {
            h += "<p class=\"meta\">\(esc(p.t("这通电话没有机器发现的问题。", "The machine found nothing in this call.")))</p>\n"
        } else {
            h += "<table class=\"review\"><thead><tr><th>\(p.t("规则", "Rule"))</th><th>\(p.t("确认", "Confirm"))</th><th>\(p.t("驳回", "Reject"))</th><th>\(p.t("不评", "Skip"))</th></tr></thead><tbody>\n"
            for rule in rules {
                let chosen = form?.value("verdict." + rule) ?? ""
                func radio(_ v: String) -> String {
                    "<input type=\"radio\" name=\"verdict.\(esc(rule))\" value=\"\(v)\"\(chosen == v ? " checked" : "")>"
                }
                h += "<tr><td>\(esc(rule))</td><td>\(radio("confirm"))</td><td>\(radio("reject"))</td><td>\(radio(""))</td></tr>\n"
            }
            h += "</tbody></table>\n"
        }
        h += missedControls(stored: stored, p, form: form)
        h += "<p><label>\(esc(p.t("备注", "Note"))) <input type=\"text\" name=\"note\" size=\"60\" value=\"\(esc(form?.value("note") ?? ""))\"></label></p>\n"
        h += "<button type=\"submit\">\(esc(p.t("保存复核", "Save review")))</button></form>\n"
        return h
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

    /// 漏检: per turn, the rule the machine should have raised there, and a note.
    func missedControls(stored: StoredResult, _ p: PageContext, form: Form?) -> String {
        var h = "<details id=\"missed\"\(form.map { f in f.fields.contains { $0.0.hasPrefix("missed.") && !$0.1.isEmpty } } == true ? " open" : "")>"
        h += "<summary>\(esc(p.t("漏检：机器没有发现的问题", "Missed: what the machine did not find")))</summary>\n"
        h += "<table class=\"missed\"><thead><tr><th>#</th><th>\(p.t("角色", "Role"))</th><th>\(p.t("内容", "Text"))</th><th>\(p.t("漏检规则", "Missed rule"))</th><th>\(p.t("说明", "Note"))</th></tr></thead><tbody>\n"
        for (i, turn) in stored.call.turns.enumerated() {
            let n = i + 1
            let chosen = form?.value("missed.\(n)") ?? ""
            var options = "<option value=\"\"></option>"
            for rule in missableRules(stored, role: turn.role) {
                options += "<option\(rule == chosen ? " selected" : "")>\(esc(rule))</option>"
            }
            let role = turn.role == .agent ? p.t("坐席", "agent") : turn.role == .customer ? p.t("客户", "customer") : p.t("其他", "other")
            h += "<tr><td>\(n)</td><td>\(esc(role))</td><td>\(esc(DisplayWidth.truncate(p.r(turn.text), to: 60)))</td>"
            h += "<td><select name=\"missed.\(n)\" aria-label=\"\(esc(p.t("第 \(n) 句漏检", "Missed on turn \(n)")))\">\(options)</select></td>"
            h += "<td><input type=\"text\" name=\"missed_note.\(n)\" size=\"24\" value=\"\(esc(form?.value("missed_note.\(n)") ?? ""))\"></td></tr>\n"
        }
        h += "</tbody></table></details>\n"
        return h
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

    func calibrationPage(_ request: Request) -> Response {
        let p = page(request)
        let title = p.t("校准", "Calibration")
        guard let store else { return noStore(title, p, active: "calibration") }
        do {
            // An accepted appeal counts as a wrongly flagged finding of its rule, as a rejected one in review does.
            let c = Calibration(reviews: try store.reviews(), calls: try store.summaries(from: nil, to: nil).filter { canSee(agent: $0.agent) },
                                appeals: try floor?.appeals(status: .accepted) ?? [])
            var h = "<p>\(esc(p.t("机器发现与复核人员结论的一致程度：每条规则的准确率（确认 ÷ (确认 + 驳回)）与召回率（确认 ÷ (确认 + 漏检)），漏检的句子，机器分与人工分之差。", "How far machine and reviewers agree: each rule's precision (confirmed ÷ (confirmed + rejected)) and recall (confirmed ÷ (confirmed + missed)), the missed turns, and machine minus human scores.")))</p>\n"
            if c.rules.isEmpty && c.total == nil {
                h += Layout.notice(p.t("还没有复核记录：在质检队列里打开一通电话并保存复核结果。", "No reviews yet: open a call from the review queue and record a review."))
            }
            if !c.rules.isEmpty {
                func percent(_ v: Double?) -> String { v.map { "\(Int(($0 * 100).rounded()))%" } ?? "–" }
                h += "<table id=\"calibration-rules\"><thead><tr><th>\(p.t("规则", "Rule"))</th><th>\(p.t("确认", "Confirmed"))</th><th>\(p.t("驳回", "Rejected"))</th><th>\(p.t("漏检", "Missed"))</th><th>\(p.t("准确率", "Precision"))</th><th>\(p.t("召回率", "Recall"))</th></tr></thead><tbody>\n"
                for r in c.rules {
                    h += "<tr><td>\(esc(r.rule))</td><td>\(r.confirmed)</td><td>\(r.rejected)</td><td>\(r.missed)</td><td>\(percent(r.precision))</td><td>\(percent(r.recall))</td></tr>\n"
                }
                h += "</tbody></table>\n"
            }
            if !c.missed.isEmpty {
                h += "<h2>\(esc(p.t("漏检的句子", "Missed turns")))</h2>\n<table id=\"calibration-missed\"><thead><tr><th>\(p.t("规则", "Rule"))</th><th>\(p.t("通话", "Call"))</th><th>#</th><th>\(p.t("内容", "Text"))</th><th>\(p.t("说明", "Note"))</th><th>\(p.t("复核人", "Reviewer"))</th></tr></thead><tbody>\n"
                var calls: [String: Call?] = [:]
                for m in c.missed {
                    if calls[m.reference] == nil { calls[m.reference] = .some(try store.detail(callID: m.reference)?.call) }
                    let text = (calls[m.reference] ?? nil).flatMap { m.turn <= $0.turns.count ? $0.turns[m.turn - 1].text : nil }
                    h += "<tr><td>\(esc(m.rule))</td><td><a href=\"\(esc(p.link(p.callPath(m.callID, hash: m.contentHash))))\">\(esc(p.r(m.callID)))</a></td><td>\(m.turn)</td>"
                    h += "<td>\(esc(text.map { p.r($0) } ?? "–"))</td><td>\(esc(p.r(m.note ?? "")))</td><td>\(esc(p.r(m.reviewer ?? "–")))</td></tr>\n"
                }
                h += "</tbody></table>\n"
            }
            func table(_ heading: String, _ rows: [Calibration.Difference], _ id: String) {
                guard !rows.isEmpty else { return }
                h += "<h2>\(esc(heading))</h2>\n<table id=\"\(id)\"><thead><tr><th></th><th>\(p.t("通话", "Calls"))</th><th>\(p.t("机器−人工（均值）", "Machine − human (mean)"))</th><th>\(p.t("离散度", "Spread"))</th></tr></thead><tbody>\n"
                for d in rows {
                    h += "<tr><td>\(esc(d.key))</td><td>\(d.count)</td><td>\(JSONValue.format((d.mean * 10).rounded() / 10))</td><td>\(JSONValue.format((d.spread * 10).rounded() / 10))</td></tr>\n"
                }
                h += "</tbody></table>\n"
            }
            table(p.t("总分", "Total"), c.total.map { [$0] } ?? [], "calibration-total")
            table(p.t("评分项", "Sections"), c.bySection, "calibration-sections")
            table(p.t("坐席", "Agents"), c.byAgent, "calibration-agents")
            if !c.unmatched.isEmpty {
                h += "<p class=\"meta\">\(esc(p.t("结果库中没有的通话的复核：", "Reviews of calls not in the store: ") + c.unmatched.map { p.r($0) }.joined(separator: ", ")))</p>\n"
            }
            return Response.html(Layout.page(title, h, p, active: "calibration"), p)
        } catch {
            return storeError(error, p)
        }
    }
}
