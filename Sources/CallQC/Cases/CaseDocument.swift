/// A case as a document for a training session: Markdown, self-contained HTML,
/// or JSON. Personal data is masked unless the caller opts out.
public enum CaseDocument {
    public static func markdown(_ c: TrainingCase, redact: Bool = true) -> String {
        let m = Masking(c, redact: redact)
        let r = m.redactor, said = m.said
        func t(_ s: String) -> String { m.text(s) }
        func aspect(_ s: String) -> String { m.aspect(s) }
        var out = "# \(c.label) \(t(c.title))\n\n"
        var facts = ["**类别** \(c.category.rawValue)\(c.categorySuggested ? "（建议）" : "")"]
        if let type = c.complaintType { facts.append("**投诉类型** \(type.rawValue)（建议）") }
        facts.append("**通话** \(t(c.callID))")
        if let a = c.agent { facts.append("**坐席** \(a)") }
        if let d = c.date { facts.append("**日期** \(d)") }
        if let s = c.score { facts.append("**机器评分** \(Format.points(s))\(c.grade.map { "（\($0)）" } ?? "")") }
        out += facts.joined(separator: " · ") + "\n\n"
        if let note = c.note { out += "> \(t(note))\n\n" }
        out += "## 通话片段（第\(c.turns.lowerBound)–\(c.turns.upperBound)句）\n\n"
        for (k, turn) in c.excerpt.enumerated() {
            let number = c.turns.lowerBound + k
            let time = turn.start.map { "`\(TranscriptTime.format($0))` " } ?? ""
            let marks = c.findings.filter { $0.turn == number }
            out += "\(number). \(time)**\(turn.speaker.isEmpty ? turn.role.rawValue : turn.speaker)**：\(highlight(turn.text, marks, { _ in said[k] }, open: "**【", close: "】**"))\n"
            for f in marks { out += "   - *\(f.rule)*：\(t(f.message))\(f.suggestion.map { " → 建议：\($0)" } ?? "")\n" }
        }
        let general = c.findings.filter { $0.turn == nil }
        if !general.isEmpty {
            out += "\n## 整通问题\n\n"
            for f in general { out += "- \(t(f.message))\(f.detail.map { "（\(t($0))）" } ?? "")\n" }
        }
        out += "\n## 案例分析\n\n"
        for name in TrainingCase.aspectNames { out += "### \(name)\n\n\(aspect(c.aspects[name] ?? TrainingCase.toComplete))\n\n" }
        return out
    }

    public static func html(_ c: TrainingCase, redact: Bool = true) -> String {
        let m = Masking(c, redact: redact)
        let r = m.redactor, said = m.said
        func t(_ s: String) -> String { m.text(s) }
        func aspect(_ s: String) -> String { m.aspect(s) }
        let e = HTMLReport.escape
        var out = """
        <!doctype html>
        <html lang="zh-CN"><head><meta charset="utf-8"><title>\(e(c.label)) \(e(t(c.title)))</title>
        <style>body{font-family:"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",system-ui,sans-serif;max-width:820px;margin:2rem auto;padding:0 1rem;line-height:1.7;color:#1f2328}
        .meta{color:#656d76}ol{padding-left:2.2rem}li{margin:.3rem 0}.t{color:#8c959f;font-variant-numeric:tabular-nums;margin-right:.4rem}
        mark{background:#ffcecb;border-radius:3px;padding:0 2px}.note{display:block;color:#a40e26;font-size:.9rem}.todo{color:#8c959f}
        h2{border-bottom:2px solid #d0d7de;padding-bottom:.2rem}</style></head><body>
        <h1>\(e(c.label)) \(e(t(c.title)))</h1>

        """
        var facts = ["类别 \(c.category.rawValue)\(c.categorySuggested ? "（建议）" : "")"]
        if let type = c.complaintType { facts.append("投诉类型 \(type.rawValue)（建议）") }
        facts.append("通话 \(t(c.callID))")
        if let a = c.agent { facts.append("坐席 \(a)") }
        if let d = c.date { facts.append(d) }
        if let s = c.score { facts.append("机器评分 \(Format.points(s))\(c.grade.map { "（\($0)）" } ?? "")") }
        out += "<p class=\"meta\">\(e(facts.joined(separator: " · ")))</p>\n"
        if let note = c.note { out += "<blockquote>\(e(t(note)))</blockquote>\n" }
        out += "<h2>通话片段（第\(c.turns.lowerBound)–\(c.turns.upperBound)句）</h2>\n<ol start=\"\(c.turns.lowerBound)\">\n"
        for (k, turn) in c.excerpt.enumerated() {
            let number = c.turns.lowerBound + k
            let marks = c.findings.filter { $0.turn == number }
            let time = turn.start.map { "<span class=\"t\">\(e(TranscriptTime.format($0)))</span>" } ?? ""
            var body = highlight(turn.text, marks, { _ in said[k] }, open: "\u{1}", close: "\u{2}")
            body = e(body).replacingOccurrences(of: "\u{1}", with: "<mark>").replacingOccurrences(of: "\u{2}", with: "</mark>")
            out += "<li>\(time)<b>\(e(turn.speaker.isEmpty ? turn.role.rawValue : turn.speaker))</b>：\(body)"
            for f in marks { out += "<span class=\"note\">\(e(f.rule))：\(e(t(f.message)))\(f.suggestion.map { " → 建议：" + e($0) } ?? "")</span>" }
            out += "</li>\n"
        }
        out += "</ol>\n"
        let general = c.findings.filter { $0.turn == nil }
        if !general.isEmpty {
            out += "<h2>整通问题</h2><ul>" + general.map { "<li>\(e(t($0.message)))\($0.detail.map { "<span class=\"meta\">（\(e(t($0)))）</span>" } ?? "")</li>" }.joined() + "</ul>\n"
        }
        out += "<h2>案例分析</h2>\n"
        for name in TrainingCase.aspectNames {
            let text = e(aspect(c.aspects[name] ?? TrainingCase.toComplete)).replacingOccurrences(of: TrainingCase.toComplete, with: "<span class=\"todo\">\(TrainingCase.toComplete)</span>")
            out += "<h3>\(e(name))</h3><p>\(text)</p>\n"
        }
        return out + "</body></html>\n"
    }

    public static func json(_ c: TrainingCase, redact: Bool = true) -> JSONValue {
        let m = Masking(c, redact: redact)
        let r = m.redactor, said = m.said
        func t(_ s: String) -> String { m.text(s) }
        func aspect(_ s: String) -> String { m.aspect(s) }
        return .object([
            ("schema", .string("callqc.case/1")), ("id", .string(c.label)), ("call", .string(t(c.callID))), ("agent", .string(c.agent)),
            ("date", .string(c.date)), ("category", .string(c.category.rawValue)), ("category_suggested", .bool(c.categorySuggested)),
            ("complaint_type", .string(c.complaintType?.rawValue)), ("title", .string(t(c.title))), ("note", .string(c.note.map(t))),
            ("score", .number(c.score)), ("grade", .string(c.grade)),
            ("turns", .object([("first", .number(Double(c.turns.lowerBound))), ("last", .number(Double(c.turns.upperBound)))])),
            ("excerpt", .array(zip(c.excerpt, said).map { turn, text in
                .object([("role", .string(turn.role.rawValue)), ("speaker", .string(turn.speaker)), ("start", .number(turn.start)),
                         ("end", .number(turn.end)), ("text", .string(text))])
            })),
            ("findings", .array(c.findings.map { f in
                var red = f
                // Personal-data evidence may be a part of a number or a number raised by a word it does not quote.
                red.text = CheckRegistry.quotes(f.kind) == .personalData && redact ? f.text.map(r.detector.maskEvidence) : f.text.map(t)
                red.detail = f.detail.map(t)
                return ResultJSON.encode(red)
            })),
            ("aspects", .object(TrainingCase.aspectNames.map { ($0, .string(aspect(c.aspects[$0] ?? TrainingCase.toComplete))) })),
            ("created_at", .string(c.createdAt)),
        ])
    }

    /// The text with each finding's span wrapped in open/close, redacted piece by piece.
    static func highlight(_ text: String, _ findings: [Finding], _ t: (String) -> String, open: String, close: String) -> String {
        let scalars = Array(text.unicodeScalars)
        let spans = findings.compactMap(\.span).map { max(0, min($0.lowerBound, scalars.count))..<max(0, min($0.upperBound, scalars.count)) }
            .filter { !$0.isEmpty }.sorted { $0.lowerBound < $1.lowerBound }
        // Redact the whole turn first (masks keep length), then cut it.
        let masked = Array(t(text).unicodeScalars)
        let source = masked.count == scalars.count ? masked : scalars
        func piece(_ r: Range<Int>) -> String { String(String.UnicodeScalarView(source[r])) }
        var out = "", at = 0
        for s in spans where s.lowerBound >= at {
            out += piece(at..<s.lowerBound) + open + piece(s) + close
            at = s.upperBound
        }
        return out + piece(at..<source.count)
    }
}

/// Candidate cases from the store: the best calls to share, representative
/// complaint calls, and a call showing each frequent finding.
public struct CaseSuggester: Sendable {
    public struct Suggestion: Sendable, Hashable {
        public var callID: String
        public var category: TrainingCase.Category
        public var reason: String
    }

    public init() {}

    public func suggest(_ calls: [CallSummary], existing: Set<String>, perKind: Int = 3) -> [Suggestion] {
        let pool = calls.filter { !existing.contains($0.callID) }
        var out: [Suggestion] = []
        var taken = Set<String>()
        func add(_ c: CallSummary, _ cat: TrainingCase.Category, _ reason: String) {
            // The key: where two stored calls share an id, `cases add` needs to know which.
            if taken.insert(c.callID).inserted { out.append(Suggestion(callID: c.key, category: cat, reason: reason)) }
        }
        let complaints = pool.filter { $0.findings.contains { $0.rule.hasSuffix("cue") || $0.rule.hasPrefix("complaint") } }
        let best = pool.filter { c in (c.score ?? 0) >= 95 && !c.findings.contains { $0.severity >= .error } && !complaints.contains(c) }
            .sorted { ($0.score ?? 0, $1.callID) > ($1.score ?? 0, $0.callID) }
        for c in best.prefix(perKind) { add(c, .serviceSharing, "score \(Format.points(c.score ?? 0)), no errors") }
        // Complaints: the best handled and the worst handled.
        let sorted = complaints.sorted { ($0.score ?? 0, $0.callID) > ($1.score ?? 0, $1.callID) }
        if let good = sorted.first { add(good, .complaint, "complaint handled well: score \(Format.points(good.score ?? 0))") }
        if let bad = sorted.last, sorted.count > 1 { add(bad, .complaint, "complaint handled badly: score \(Format.points(bad.score ?? 0))") }
        // Each frequent deducting finding: the call that shows it most.
        var counts: [String: Int] = [:]
        for c in pool { for f in c.findings where f.points > 0 { counts[f.rule, default: 0] += 1 } }
        for (rule, _) in counts.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }).prefix(perKind + 2) {
            let showing = pool.filter { c in !taken.contains(c.callID) && c.findings.contains { $0.rule == rule } }
                .max { a, b in (a.findings.filter { $0.rule == rule }.count, b.callID) < (b.findings.filter { $0.rule == rule }.count, a.callID) }
            if let c = showing { add(c, complaints.contains(c) ? .complaint : .enquiry, "shows \(rule) (\(c.findings.filter { $0.rule == rule }.count)×)") }
        }
        return out
    }
}

/// How a case document masks what it quotes: the excerpt as a call (a number split across
/// two of its turns is masked in both), free text on its own, and aspects that quote a turn
/// (客户最后说：「…」) as the excerpt masks that turn.
private struct Masking {
    let redactor = Redactor()
    let redact: Bool
    let excerpt: [Turn]
    /// Each excerpt turn's text as the document shows it.
    let said: [String]

    init(_ c: TrainingCase, redact: Bool) {
        self.redact = redact
        self.excerpt = c.excerpt
        self.said = redact ? redactor.redactTurns(Call(id: "", turns: c.excerpt)) : c.excerpt.map(\.text)
    }

    func text(_ s: String) -> String { redact ? redactor.redact(s) : s }

    func aspect(_ s: String) -> String {
        guard redact else { return s }
        var s = s
        for (turn, masked) in zip(excerpt, said) where turn.text != masked && turn.text.count >= 4 {
            s = s.replacingOccurrences(of: turn.text, with: masked)
        }
        return text(s)
    }
}
