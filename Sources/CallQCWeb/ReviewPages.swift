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
    func queueRequest(_ request: Request, _ store: SQLStore) throws -> Result<QueueRequest, QueueError> {
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
        /// The risk mix (``SVGChart``'s HTML) and the picks as CSV.
        var chart = ""
        var csvHref = ""
        var picks: [Pick] = []
        var short: [String] = []
        var hasDone = false
        var doneCSVHref = ""
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
            let model = try queueView(qr, store, p).model
            return Response.html(Templates.page("queue", title: title, model, p, active: "queue"), p)
        } catch {
            return storeError(error, p)
        }
    }

    /// The queue page's model for a day and plan, with the queue drawn and its risk-mix chart
    /// (the page renders them; `/queue/csv` downloads their tables).
    func queueView(_ qr: QueueRequest, _ store: SQLStore, _ p: PageContext) throws -> (model: QueueModel, queue: ReviewQueue, chart: SVGChart) {
        let calls = try store.summaries(from: qr.date, to: qr.date).filter(seeing)
        let reviews = try store.reviews()
        let queue = qr.plan.draw(calls, reviewed: Set(reviews.map { $0.contentHash ?? $0.callID }))
        var model = QueueModel(date: qr.date, perAgent: qr.plan.perAgent, seed: qr.plan.seed)
        let zhLine = "\(qr.date)：共 \(calls.count) 通，抽取 \(queue.picks.count) 通，每位坐席 \(qr.plan.perAgent) 通（风险优先，其余随机，种子 \(qr.plan.seed)）"
        let enLine = "\(qr.date): \(calls.count) calls, \(queue.picks.count) drawn, \(qr.plan.perAgent) per agent (risky first, the rest at random, seed \(qr.plan.seed))"
        model.summary = p.t(zhLine, enLine)
        if calls.isEmpty { model.notice = p.t("这一天没有存储的通话。", "No calls stored for this day.") }
        model.hasPicks = !queue.picks.isEmpty
        let chart = linked(ReportCharts(english: p.lang == .en).riskMix(queue), p, "/queue/csv",
                           [("date", qr.date), ("per_agent", String(qr.plan.perAgent)), ("seed", String(qr.plan.seed))])
        model.chart = chart.render()
        model.csvHref = p.link("/queue/csv", [("date", qr.date), ("per_agent", String(qr.plan.perAgent)), ("seed", String(qr.plan.seed))])
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
        model.doneCSVHref = p.link("/queue/csv", [("table", "reviewed"), ("date", qr.date)])
        model.done = done.map { r in
            .init(href: p.link(p.callPath(r.callID, hash: r.contentHash)), call: p.r(r.callID), score: r.score.map(Format.points) ?? "–",
                  confirmed: r.confirmed.joined(separator: ", "), rejected: r.rejected.joined(separator: ", "), reviewer: p.r(r.reviewer ?? "–"), when: r.reviewedAt)
        }
        return (model, queue, chart)
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
                view: CallView.render(result: stored.result, call: stored.call, p, audio: recordingOf(stored, p)),
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

    struct CalibrationModel: TemplateModel {
        struct Rule: TemplateModel { var rule: String; var confirmed: Int; var rejected: Int; var missed: Int; var precision: String; var recall: String }
        struct Missed: TemplateModel { var rule: String; var href: String; var call: String; var turn: Int; var text: String; var note: String; var reviewer: String }
        struct Row: TemplateModel { var key: String; var count: Int; var mean: String; var spread: String }
        struct Differences: TemplateModel { var heading: String; var id: String; var rows: [Row] }
        var notice: String?
        var hasRules: Bool
        /// Precision and recall (``SVGChart``'s HTML); the tables as CSV.
        var chart: String
        var rulesCSVHref: String
        var hasDifferences: Bool
        var differencesCSVHref: String
        var missedCSVHref: String
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
            let c = try calibration(store)
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
                hasRules: !c.rules.isEmpty, chart: linked(ReportCharts(english: p.lang == .en).calibration(c), p, "/calibration/csv").render(),
                rulesCSVHref: p.link("/calibration/csv", [("table", "rules")]), hasDifferences: c.total != nil || !c.bySection.isEmpty || !c.byAgent.isEmpty,
                differencesCSVHref: p.link("/calibration/csv", [("table", "differences")]), missedCSVHref: p.link("/calibration/csv", [("table", "missed")]),
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
