import CallQC
import Foundation
import Hummingbird

/// What a pasted or uploaded text turned out to be, as `callqc lint` decides it:
/// a transcript with agent turns is checked (scorecard, findings, script), anything
/// else is linted as a script draft.
enum SelfCheckOutcome: Sendable {
    case calls([CallResult], readingSeconds: [Double], warnings: [InputProblem])
    case draft(LintReport)
    case problem(InputProblem)
    /// More turns or lines than one request may hold.
    case tooMany(Int)
}

enum SelfCheckMode: String, Sendable { case auto, transcript, draft }

extension Workbench {
    /// Reads the text through the loader `callqc check` uses (format decided once), then
    /// decides as `callqc lint` does what to do with it.
    func selfCheck(_ bytes: [UInt8], source: String, mode: SelfCheckMode) -> SelfCheckOutcome {
        let input: PreparedInput
        switch loader.prepare(bytes: bytes, source: source) {
        case .failure(let problem): return .problem(problem)
        case .success(let prepared): input = prepared
        }
        if mode != .draft {
            let outcome = loader.read(input)
            let turns = outcome.calls.reduce(0) { $0 + $1.turns.count }
            if turns > config.maxTurns { return .tooMany(turns) }
            let calls = outcome.calls.filter { $0.turns.contains { $0.role == .agent } }
            if !calls.isEmpty {
                let results = calls.map(checker.check)
                let seconds = calls.map { linter.lint(ScriptLinter.agentLines($0), source: source, mode: .transcript).readingSeconds }
                return .calls(results, readingSeconds: seconds, warnings: outcome.warnings)
            }
            // JSON, subtitles or timed lines are meant as a transcript: their reading errors are
            // worth showing rather than linting the text as a draft.
            if mode == .transcript || (input.looksLikeTranscript && !outcome.errors.isEmpty) {
                return .problem(outcome.errors.first ?? InputProblem(source: source, message: "no agent turns found in this transcript"))
            }
        }
        let lines = ScriptLinter.draftLines(String(decoding: input.text.bytes, as: UTF8.self))
        if lines.isEmpty { return .problem(InputProblem(source: source, message: "nothing to lint: the draft has no lines")) }
        if lines.count > config.maxTurns { return .tooMany(lines.count) }
        return .draft(linter.lint(lines, source: source, mode: .draft))
    }

    // MARK: Pages

    struct SelfCheckFormModel: TemplateModel {
        struct Mode: TemplateModel { var value: String; var label: String; var checked: Bool }
        var action: String
        var text: String
        var modes: [Mode]
    }

    struct SelfCheckModel: TemplateModel {
        struct Checked: TemplateModel { var reading: String; var view: String }
        var error: String?
        var warnings: [String] = []
        var hasCalls = false
        var calls: [Checked] = []
        var draft: String?
        var form: SelfCheckFormModel
    }

    func selfCheckForm(_ request: Request) -> Response {
        let p = page(request)
        let model = SelfCheckModel(form: selfCheckFormModel(p, text: ""))
        return Response.html(Templates.page("self-check", title: p.t("自检", "Self-check"), model, p, active: "self-check"), p)
    }

    func selfCheckFormModel(_ p: PageContext, text: String, mode: SelfCheckMode = .auto) -> SelfCheckFormModel {
        let modes: [(SelfCheckMode, String)] = [(.auto, p.t("自动判断", "decide for me")), (.transcript, p.t("通话文本", "transcript")), (.draft, p.t("话术草稿", "script draft"))]
        return SelfCheckFormModel(action: p.link("/self-check"), text: text, modes: modes.map { .init(value: $0.0.rawValue, label: $0.1, checked: $0.0 == mode) })
    }

    func selfCheckPost(_ request: Request) async throws -> Response {
        let (parsed, refusal) = await form(request)
        guard let form = parsed else { return refusal! }
        let p = page(request, form: form)
        let mode = form.value("as").flatMap(SelfCheckMode.init(rawValue:)) ?? .auto
        var bytes: [UInt8] = []
        var source = p.t("粘贴的文本", "pasted text")
        if let file = form.file("file") {
            bytes = file.bytes
            source = file.filename.isEmpty ? source : (file.filename as NSString).lastPathComponent
        } else if let text = form.value("text") {
            bytes = Array(text.utf8)
        }
        // The text goes back into the form for another try, unless it holds personal data to mask.
        var shown = String(decoding: bytes.prefix(200_000), as: UTF8.self)
        if p.redact && p.r(shown) != shown { shown = "" }
        var model = SelfCheckModel(form: selfCheckFormModel(p, text: shown, mode: mode))
        var status = HTTPResponse.Status.ok
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            model.error = p.t("请粘贴通话文本或话术草稿，或上传一个文件。", "Paste a transcript or a script draft, or upload a file.")
            status = .badRequest
        } else {
            let workbench = self, input = bytes, name = source
            switch await pool.run(budget: config.workBudgetSeconds, { workbench.selfCheck(input, source: name, mode: mode) }) {
            case nil:
                model.error = p.t("检查超过了每次请求 \(JSONValue.format(config.workBudgetSeconds)) 秒的时限：请在命令行用 callqc check 检查大文件。", overBudget)
                status = .unprocessableContent
            case .tooMany(let n)?:
                model.error = p.t("内容有 \(n) 轮对话或行，超过工作台每次检查的上限（\(config.maxTurns)）：请在命令行用 callqc check 检查。", tooManyTurns(n))
                status = .contentTooLarge
            case .problem(let problem)?:
                model.error = "callqc: error: \(p.r(problem.description))"
                status = .unprocessableContent
            case .calls(let results, let seconds, let warnings)?:
                model.warnings = warnings.map { p.r($0.description) }
                recordSelfChecks(results.map { r in
                    (results.count == 1 ? name : "\(name) · \(r.call.id)", .transcript, r.scorecard?.total, r.scorecard?.max, r.scorecard?.grade, r.findings.map(\.severity))
                }, into: &model, p)
                model.hasCalls = true
                // CallView's HTML (escaped there) goes into the template as it is.
                model.calls = zip(results, seconds).map { result, secs in
                    .init(reading: Format.duration(secs), view: CallView.render(result: ResultJSON.encode(result), call: result.call, p))
                }
            case .draft(let report)?:
                model.draft = LintView.render(p.redact ? report.redactedForOutput() : report, p)
                recordSelfChecks([(name, .draft, nil, nil, nil, report.allIssues.map(\.severity))], into: &model, p)
            }
        }
        return Response.html(Templates.page("self-check-result", title: p.t("自检结果", "Self-check result"), model, p, active: "self-check"), status: status, p)
    }
}

extension Workbench {
    /// Keeps a logged-in user's self-checks for their history (`/me`): label, time, score and finding
    /// counts, never the text. Without accounts there is nobody to keep them for.
    func recordSelfChecks(_ checks: [(label: String, kind: SelfCheckRecord.Kind, score: Double?, max: Double?, grade: String?, severities: [Severity])],
                          into model: inout SelfCheckModel, _ p: PageContext) {
        guard let store, let user = FloorRequest.user else { return }
        let now = Workbench.now()
        do {
            for c in checks {
                try store.addSelfCheck(SelfCheckRecord(user: user.name, agentID: user.agentID, label: c.label, kind: c.kind, checkedAt: now,
                                                       score: c.score, maxScore: c.max, grade: c.grade, findings: c.severities.count,
                                                       critical: c.severities.filter { $0 == .critical }.count, errors: c.severities.filter { $0 == .error }.count,
                                                       warnings: c.severities.filter { $0 == .warning }.count))
            }
        } catch {
            model.warnings.append(p.t("自检记录没有保存：", "The self-check was not recorded: ") + "\(error)")
        }
    }
}

/// A lint report of a draft: reading time, the issues of the whole draft, each line
/// with its reading time and its issues marked in place with better phrasings.
enum LintView {
    struct Model: TemplateModel {
        struct Issue: TemplateModel { var severity: String; var rule: String; var message: String; var text: String?; var detail: String?; var better: String? }
        /// `said`: the line, escaped, with each issue's phrase marked (HTML, by `mark`).
        struct Line: TemplateModel { var secs: String; var label: String; var said: String; var issues: [Issue] }
        var facts: String
        var count: String
        var hasIssues: Bool
        var issues: [Issue]
        var lines: [Line]
    }

    /// The `lint` template's HTML, for the self-check result's `{{{draft}}}`.
    static func render(_ r: LintReport, _ p: PageContext) -> String {
        let unit = r.unit == "words" ? p.t("词", "words") : p.t("字", "characters")
        let rate = Format.points(r.rate)
        let perMinute = p.t("每分钟 " + rate + " " + unit, rate + " " + unit + " a minute")
        let facts = [p.t("朗读时长 ", "Reading time ") + Format.duration(r.readingSeconds), "\(r.lines.count) " + p.t("行", "lines"), perMinute, p.t("规则 ", "rules ") + r.ruleSet.name]
        let all = r.allIssues
        let lines = r.lines.map { line in
            Model.Line(secs: line.readingSeconds < 60 ? "\(JSONValue.format((line.readingSeconds * 10).rounded() / 10))s" : Format.duration(line.readingSeconds),
                       label: line.label ?? String(line.number), said: mark(line.text, line.issues.compactMap { i in i.text.map { ($0, i.severity) } }),
                       issues: line.issues.map(issue))
        }
        let model = Model(facts: facts.joined(separator: " · "), count: p.t("共 \(all.count) 个问题", "\(all.count) issue" + (all.count == 1 ? "" : "s")),
                          hasIssues: !r.issues.isEmpty, issues: r.issues.map(issue), lines: lines)
        return Templates.render("lint", model, p)
    }

    static func issue(_ i: LintIssue) -> Model.Issue {
        Model.Issue(severity: i.severity.rawValue, rule: i.rule, message: i.message, text: i.text,
                    detail: i.detail.flatMap { $0.hasPrefix("matches ") ? nil : $0 }, better: i.suggestion)
    }

    /// The line with the first occurrence of each phrase marked by its severity.
    static func mark(_ text: String, _ phrases: [(String, Severity)]) -> String {
        var ranges: [(Range<String.Index>, Severity)] = []
        for (phrase, severity) in phrases where !phrase.isEmpty {
            if let r = text.range(of: phrase), !ranges.contains(where: { $0.0.overlaps(r) }) { ranges.append((r, severity)) }
        }
        ranges.sort { $0.0.lowerBound < $1.0.lowerBound }
        var out = "", at = text.startIndex
        for (r, severity) in ranges {
            out += esc(String(text[at..<r.lowerBound])) + "<mark class=\"sev-\(severity.rawValue)\">" + esc(String(text[r])) + "</mark>"
            at = r.upperBound
        }
        return out + esc(String(text[at...]))
    }
}
