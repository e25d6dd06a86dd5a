import CallQC
import CallQCStore
import Foundation
import Hummingbird

/// The JSON API (docs/web.md): the same operations as the pages, for other programs.
extension Workbench {
    static func apiError(_ message: String, status: HTTPResponse.Status) -> Response {
        Response.json(.object([("schema", .string(ResultJSON.errorSchema)), ("error", .string(message))]), status: status)
    }

    enum APIBody {
        case bytes([UInt8])
        case refused(Response)
    }

    func apiBody(_ request: Request) async -> APIBody {
        do {
            return .bytes(try await body(request))
        } catch {
            switch error {
            case .tooLarge: return .refused(Workbench.apiError("the request body is larger than the limit of \(Workbench.size(config.maxBodyBytes))", status: .contentTooLarge))
            case .unreadable: return .refused(Workbench.apiError("the request body could not be read", status: .badRequest))
            case .timedOut: return .refused(Workbench.apiError("the request body did not arrive within \(Int(config.readTimeoutSeconds)) s", status: .requestTimeout))
            }
        }
    }

    /// `POST /api/check`: a transcript in any format callqc reads → an array of
    /// `callqc.result/1` (and `callqc.error/1` for what could not be read).
    func apiCheck(_ request: Request) async throws -> Response {
        let bytes: [UInt8]
        switch await apiBody(request) {
        case .refused(let r): return r
        case .bytes(let b): bytes = b
        }
        let q = request.uri.queryParameters
        var loader = self.loader
        if let f = q.get("format"), !f.isEmpty {
            guard let format = InputFormat(rawValue: f) else {
                return Workbench.apiError("unknown format '\(f)'; use one of: \(InputFormat.allCases.map(\.rawValue).joined(separator: ", "))", status: .badRequest)
            }
            loader.format = format
        }
        let source = q.get("source").flatMap { $0.isEmpty ? nil : ($0 as NSString).lastPathComponent } ?? "-"
        let reader = loader, checker = checker, config = config
        let answer: (items: [JSONValue], calls: Int, turns: Int)? = await pool.run(budget: config.workBudgetSeconds) {
            let outcome = reader.read(bytes: bytes, source: source)
            let turns = outcome.calls.reduce(0) { $0 + $1.turns.count }
            if turns > config.maxTurns { return ([], outcome.calls.count, turns) }
            var items: [JSONValue] = outcome.errors.map { ResultJSON.encode(masked ? Workbench.redacted($0) : $0) }
            for call in outcome.calls {
                let result = checker.check(call)
                items.append(ResultJSON.encode(masked ? result.redacted() : result))
            }
            return (items, outcome.calls.count, turns)
        }
        guard let answer else { return Workbench.apiError(overBudget, status: .unprocessableContent) }
        if answer.turns > config.maxTurns { return Workbench.apiError(tooManyTurns(answer.turns), status: .contentTooLarge) }
        return Response.json(.array(answer.items), status: answer.calls == 0 ? .unprocessableContent : .ok)
    }

    var overBudget: String {
        "the check took longer than the workbench's budget of \(JSONValue.format(config.workBudgetSeconds)) s per request; check large inputs with callqc check on the command line"
    }

    func tooManyTurns(_ turns: Int) -> String {
        "the request holds \(turns) turns or lines, more than the workbench checks in one request (\(config.maxTurns), --max-turns); check large calls with callqc check on the command line"
    }

    static func redacted(_ problem: InputProblem) -> InputProblem {
        problem.masked()
    }

    /// `POST /api/lint`: a draft or a transcript → an array of `callqc.lint/1`.
    func apiLint(_ request: Request) async throws -> Response {
        let bytes: [UInt8]
        switch await apiBody(request) {
        case .refused(let r): return r
        case .bytes(let b): bytes = b
        }
        let asked = request.uri.queryParameters.get("as") ?? "auto"
        guard let mode = SelfCheckMode(rawValue: asked) else { return Workbench.apiError("unknown as '\(asked)'; use auto, draft or transcript", status: .badRequest) }
        let source = request.uri.queryParameters.get("source").flatMap { $0.isEmpty ? nil : ($0 as NSString).lastPathComponent } ?? "-"
        var reports: [LintReport] = []
        let workbench = self
        guard let outcome = await pool.run(budget: config.workBudgetSeconds, { workbench.selfCheck(bytes, source: source, mode: mode) }) else {
            return Workbench.apiError(overBudget, status: .unprocessableContent)
        }
        if case .tooMany(let n) = outcome { return Workbench.apiError(tooManyTurns(n), status: .contentTooLarge) }
        switch outcome {
        case .tooMany:
            break
        case .problem(let problem):
            return Response.json(.array([ResultJSON.encode(masked ? Workbench.redacted(problem) : problem)]), status: .unprocessableContent)
        case .draft(let report):
            reports = [report]
        case .calls(let results, _, _):
            reports = results.map { linter.lint(ScriptLinter.agentLines($0.call), source: results.count > 1 ? "\(source) (\($0.call.id))" : source, mode: .transcript) }
        }
        return Response.json(.array(reports.map { LintRenderer.json(masked ? $0.redactedForOutput() : $0) }))
    }

    /// `GET /api/queue?date=`: the day's review queue as `callqc sample --format json` gives it.
    func apiQueue(_ request: Request) -> Response {
        guard let store else { return Workbench.apiError("no results database: start callqc serve with --db FILE", status: .serviceUnavailable) }
        do {
            switch try queueRequest(request, store) {
            case .failure(.message(let m)):
                return Workbench.apiError(m, status: .badRequest)
            case .success(let qr):
                let queue = qr.plan.draw(try store.summaries(from: qr.date, to: qr.date).filter(seeing), reviewed: Set(try store.reviews().map { $0.contentHash ?? $0.callID }))
                let r = Redactor()
                func t(_ s: String?) -> String? { masked ? r.redact(s) : s }
                return Response.json(.object([
                    ("schema", .string("callqc.queue/1")), ("date", .string(qr.date)), ("per_agent", .number(Double(qr.plan.perAgent))), ("seed", .number(Double(qr.plan.seed))),
                    ("picks", .array(queue.picks.map { p in
                        .object([("agent", .string(p.agent)), ("call", .string(t(p.call.key))), ("score", .number(p.call.score)),
                                 ("grade", .string(p.call.grade)), ("reason", .string(p.reason)), ("source", .string(t(p.call.source))),
                                 ("content_hash", .string(p.call.contentHash))])
                    })),
                    ("short", .array(queue.short.map { s in
                        .object([("agent", .string(s.agent)), ("calls", .number(Double(s.calls))), ("reviewed", .number(Double(s.reviewed))), ("quota", .number(Double(s.quota)))])
                    })),
                ]))
            }
        } catch {
            return Workbench.apiError("the results database failed: \(error)", status: .internalServerError)
        }
    }

    /// `POST /api/reviews` with a JSON object: `{"call": ID, "score": N, "confirm": [RULE], "reject": [RULE],
    /// "missed": [{"rule": RULE, "turn": N, "note": T}], "sections": {ID: N}, "note": T, "reviewer": T}`.
    /// Only `application/json` is taken, which a page of another site cannot send without the browser asking first.
    func apiReview(_ request: Request) async throws -> Response {
        guard (request.headers[.contentType] ?? "").lowercased().hasPrefix("application/json") else {
            return Workbench.apiError("send the review as Content-Type: application/json", status: .unsupportedMediaType)
        }
        let bytes: [UInt8]
        switch await apiBody(request) {
        case .refused(let r): return r
        case .bytes(let b): bytes = b
        }
        guard let store else { return Workbench.apiError("no results database: start callqc serve with --db FILE", status: .serviceUnavailable) }
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            return Workbench.apiError("invalid JSON at line \(error.line), column \(error.column): \(error.reason)", status: .badRequest)
        }
        guard json.objectValue != nil, let callID = json["call"]?.stringValue, !callID.isEmpty else {
            return Workbench.apiError("a review is a JSON object with at least \"call\" (the call id)", status: .badRequest)
        }
        func strings(_ key: String) -> [String]? {
            guard let v = json[key], !v.isNull else { return [] }
            guard let a = v.arrayValue else { return nil }
            let s = a.compactMap(\.stringValue)
            return s.count == a.count ? s : nil
        }
        guard let confirm = strings("confirm"), let reject = strings("reject") else {
            return Workbench.apiError("\"confirm\" and \"reject\" are arrays of rule ids", status: .badRequest)
        }
        var missed: [MissedFinding] = []
        if let m = json["missed"], !m.isNull {
            guard let items = m.arrayValue else { return Workbench.apiError("\"missed\" is an array of {\"rule\", \"turn\", \"note\"}", status: .badRequest) }
            for item in items {
                guard let rule = item["rule"]?.stringValue, let n = item["turn"]?.numberValue, n == n.rounded(), n >= 1, n < 1e9,
                      let miss = MissedFinding(parsing: "\(rule)@\(Int(n))", note: item["note"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }) else {
                    return Workbench.apiError("each of \"missed\" is {\"rule\": RULE, \"turn\": N (from 1), \"note\": T}", status: .badRequest)
                }
                missed.append(miss)
            }
        }
        var sections: [String: Double] = [:]
        if let s = json["sections"], !s.isNull {
            guard let members = s.objectValue else { return Workbench.apiError("\"sections\" is an object of section id to points", status: .badRequest) }
            for (k, v) in members {
                guard let n = v.numberValue, n.isFinite else { return Workbench.apiError("section \(k): points must be a number", status: .badRequest) }
                sections[k] = n
            }
        }
        var score: String?
        if let s = json["score"], !s.isNull {
            guard let n = s.numberValue else { return Workbench.apiError("\"score\" must be a number", status: .badRequest) }
            score = JSONValue.format(n)
        }
        let p = PageContext(lang: .en, csrf: "", csrfFresh: false, redact: masked, hasStore: true)
        do {
            guard let stored = try store.detail(callID: callID), canSee(agent: stored.summary.agent) else {
                return Workbench.apiError("no call '\(Redactor().redact(callID))' in the results database: check it first (callqc check … --db)", status: .notFound)
            }
            if let problem = missedProblem(missed, stored: stored, p) { return Workbench.apiError(problem, status: .badRequest) }
            switch makeReview(callID: callID, score: score, confirm: confirm, reject: reject, missed: missed, note: json["note"]?.stringValue, reviewer: FloorRequest.user?.name ?? json["reviewer"]?.stringValue, sections: sections, of: stored.summary, p) {
            case .failure(.message(let m)):
                return Workbench.apiError(m, status: .badRequest)
            case .success(var review):
                review.callID = stored.summary.callID
                review.contentHash = stored.summary.contentHash
                try store.record(review)
                try audit(.review, target: stored.summary.key, detail: review.score.map { "score \(Format.points($0))" })
                let rules = Set(stored.summary.findings.map(\.rule))
                let unknown = (confirm + reject).filter { !rules.contains($0) }
                return Response.json(.object([
                    ("schema", .string("callqc.review/1")), ("call", .string(callID)), ("reviewed_at", .string(review.reviewedAt)),
                    ("score", .number(review.score)), ("machine_score", .number(stored.summary.score)),
                    ("confirmed", .array(confirm.map(JSONValue.string))), ("rejected", .array(reject.map(JSONValue.string))),
                    ("missed", .array(missed.map { .object([("rule", .string($0.rule)), ("turn", .number(Double($0.turn))), ("note", .string($0.note))]) })),
                    ("warnings", .array(unknown.map { .string("call \(callID) has no finding of rule '\($0)'") })),
                ]), status: .created)
            }
        } catch let ambiguous as AmbiguousCallReference {
            return Workbench.apiError("\(ambiguous)", status: .conflict)
        } catch {
            return Workbench.apiError("the results database failed: \(error)", status: .internalServerError)
        }
    }
}
