/// The supervisor's report as one self-contained HTML file: no scripts, fonts or
/// links to fetch; charts as inline SVG. An overview (score distribution, findings
/// by rule, agents), then per call the scorecard with every deduction and the
/// transcript with the findings highlighted where they were said.
public struct HTMLReport: Sendable {
    public var title: String
    public var period: String
    public var byAgent: Report
    public var byRule: Report
    public var calls: [StoredResult]
    /// Calls in the period beyond those detailed.
    public var omittedCalls: Int
    /// Mask personal data (the default: a report is for sharing).
    public var redact: Bool
    public var generatedAt: String
    /// Every call of the period, for the charts (``ReportCharts``, as the workbench's report page draws them).
    public var summaries: [CallSummary]

    public init(title: String, period: String, byAgent: Report, byRule: Report, calls: [StoredResult], omittedCalls: Int, redact: Bool, generatedAt: String,
                summaries: [CallSummary] = []) {
        self.summaries = summaries
        self.title = title
        self.period = period
        self.byAgent = byAgent
        self.byRule = byRule
        self.calls = calls
        self.omittedCalls = omittedCalls
        self.redact = redact
        self.generatedAt = generatedAt
    }

    public func render() -> String {
        var h = """
        <!doctype html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(esc(title))</title>
        <style>\(HTMLReport.css)</style>
        </head>
        <body>
        <header><h1>\(esc(title))</h1>
        <p class="meta">\(esc(period)) · 生成于 \(esc(generatedAt)) · callqc \(CallQCVersion.version)\(redact ? " · 个人信息已脱敏" : " · <strong>未脱敏（--no-redact）</strong>")</p></header>

        """
        h += overview()
        h += charts()
        h += agentTable()
        h += "<section><h2>通话明细 <small>Calls</small></h2>\n"
        if calls.isEmpty { h += "<p>没有通话。</p>\n" }
        for c in calls { h += callSection(c) }
        if omittedCalls > 0 { h += "<p class=\"meta\">另有 \(omittedCalls) 通通话未列出明细（按分数从低到高列出；用 --max-calls 调整）。</p>\n" }
        h += "</section>\n</body>\n</html>\n"
        return h
    }

    func overview() -> String {
        let agents = byAgent.rows.count
        let mean = byAgent.meanScore.map(Format.points) ?? "–"
        return """
        <section class="kpis">
        <div><b>\(byAgent.calls)</b><span>通话 calls</span></div>
        <div><b>\(agents)</b><span>坐席 agents</span></div>
        <div><b>\(mean)</b><span>平均分 mean score</span></div>
        <div><b>\(byAgent.vetoes)</b><span>一票否决 vetoes</span></div>
        </section>

        """
    }

    /// The report's charts: the score distribution, findings by rule, then (from the summaries) mean score
    /// by agent, the frequent rules by day and the sections' averages.
    func charts() -> String {
        let charts = ReportCharts(english: false)
        var h = "<section><h2>分数分布 <small>Score distribution</small></h2>\(charts.distribution(of: byAgent).render())</section>\n"
        let rows = Array(byRule.rows.prefix(15))
        let rules = SVGChart(id: "chart-rules", kind: .bars, title: "问题分布（发现数） Findings by rule", categories: rows.map(\.key),
                             series: [.init(name: "发现 findings", values: rows.map { Double($0.findings ?? 0) })], categoryHeading: "规则 Rule", emptyText: "没有发现问题。")
        h += "<section><h2>问题分布 <small>Findings by rule</small></h2>\(rules.render())</section>\n"
        guard !summaries.isEmpty else { return h }
        h += "<section><h2>坐席平均分 <small>Mean score by agent</small></h2>\(charts.agents(summaries).render())</section>\n"
        h += "<section><h2>高频规则趋势 <small>Rules by day</small></h2>\(charts.ruleTrends(summaries).render())</section>\n"
        h += "<section><h2>评分项 <small>Sections</small></h2>\(charts.sections(summaries).render())</section>\n"
        return h
    }

    func agentTable() -> String {
        var h = "<section><h2>坐席 <small>Agents</small></h2>\n<table><thead><tr><th>坐席</th><th>通话</th><th>天数</th><th>日均</th><th>平均分</th><th>最低分</th><th>否决</th><th>语速中位数</th><th>低于日目标(\(byAgent.target))的天数</th><th>主要问题</th></tr></thead><tbody>\n"
        for r in byAgent.rows {
            let perDay = r.spread > 0 ? Format.points((Double(r.calls) / Double(r.spread) * 10).rounded() / 10) : "–"
            let top = r.topFindings.map { "\(esc($0.0)) ×\($0.1)" }.joined(separator: "、")
            h += "<tr><td>\(esc(r.key))</td><td>\(r.calls)</td><td>\(r.spread)</td><td>\(perDay)</td><td>\(r.meanScore.map { Format.points(($0 * 10).rounded() / 10) } ?? "–")</td><td>\(r.minScore.map(Format.points) ?? "–")</td><td>\(r.vetoes)</td><td>\(Report.rateText(r).replacingOccurrences(of: "c/m", with: "字/分").replacingOccurrences(of: "w/m", with: "词/分"))</td><td>\(r.daysUnderTarget ?? 0)</td><td>\(top)</td></tr>\n"
        }
        return h + "</tbody></table></section>\n"
    }

    func callSection(_ stored: StoredResult) -> String {
        let s = stored.summary
        let redactor = Redactor()
        func text(_ t: String) -> String { redact ? redactor.redact(t) : t }
        var h = "<article class=\"call\">\n"
        let score = s.score.map(Format.points) ?? "–"
        h += "<h3>\(esc(text(s.key))) <span class=\"score grade-\(esc(s.grade ?? ""))\">\(score)/\(s.maxScore.map(Format.points) ?? "100") \(esc(s.grade ?? ""))\(s.veto ? " · 一票否决" : "")</span></h3>\n"
        h += "<p class=\"meta\">坐席 \(esc(s.agent ?? "–")) · \(esc(s.date ?? "")) · \(esc(text(s.source ?? ""))) · 规则 \(esc(s.ruleSet)) \(esc(s.ruleSetVersion))</p>\n"
        // Scorecard with deductions.
        let findings = stored.result["findings"]?.arrayValue ?? []
        if let sections = stored.result["score"]?["sections"]?.arrayValue {
            h += "<table class=\"card\"><thead><tr><th>评分项</th><th>得分</th><th>扣分明细</th></tr></thead><tbody>\n"
            for sec in sections {
                let deductions = (sec["deductions"]?.arrayValue ?? []).map { d -> String in
                    let rule = d["rule"]?.stringValue ?? ""
                    let points = d["points"]?.numberValue ?? 0
                    let idx = Int(d["finding"]?.numberValue ?? -1)
                    let turn = idx >= 0 && idx < findings.count ? findings[idx]["turn"]?.numberValue.map { " 第\(Int($0))句" } ?? "" : ""
                    return "\(esc(rule)) −\(Format.points(points))\(turn)"
                }
                h += "<tr><td>\(esc(sec["title"]?.stringValue ?? ""))</td><td>\(Format.points(sec["score"]?.numberValue ?? 0))/\(Format.points(sec["max"]?.numberValue ?? 0))</td><td>\(deductions.isEmpty ? "—" : deductions.joined(separator: "；"))</td></tr>\n"
            }
            h += "</tbody></table>\n"
        }
        // Whole-call findings (no turn).
        let general = findings.filter { $0["turn"]?.isNull ?? true }
        if !general.isEmpty {
            h += "<ul class=\"general\">"
            for f in general {
                h += "<li class=\"sev-\(esc(f["severity"]?.stringValue ?? "info"))\">\(esc(f["message"]?.stringValue ?? ""))"
                if let d = f["detail"]?.stringValue { h += " <small>\(esc(text(d)))</small>" }
                h += "</li>"
            }
            h += "</ul>\n"
        }
        // The transcript with findings in place.
        var byTurn: [Int: [JSONValue]] = [:]
        for f in findings { if let t = f["turn"]?.numberValue { byTurn[Int(t), default: []].append(f) } }
        h += "<ol class=\"transcript\">\n"
        // Masked at the level of the call: a number split across two turns is masked in both.
        let maskedTurns = redact ? redactor.redactTurns(stored.call) : stored.call.turns.map(\.text)
        // Turns that are evidence of a finding made elsewhere (both sides of an order rule, repeats).
        var related: [Int: [(rule: String, turn: Int)]] = [:]
        for list in byTurn.values {
            for f in list {
                guard let t = f["turn"]?.numberValue, let rule = f["rule"]?.stringValue else { continue }
                for r in f["related_turns"]?.arrayValue ?? [] { if let n = r.numberValue { related[Int(n), default: []].append((rule, Int(t))) } }
            }
        }
        for (i, turn) in stored.call.turns.enumerated() {
            let time = turn.start.map { TranscriptTime.format($0) } ?? ""
            h += "<li class=\"\(turn.role.rawValue)\"><span class=\"t\">\(esc(time))</span><span class=\"who\">\(esc(text(turn.speaker.isEmpty ? turn.role.rawValue : turn.speaker)))</span>"
            h += "<span class=\"said\">\(highlight(turn.text, byTurn[i + 1] ?? [], redactText: { _ in maskedTurns[i] }))</span>"
            for f in byTurn[i + 1] ?? [] {
                h += "<span class=\"note sev-\(esc(f["severity"]?.stringValue ?? "info"))\">\(esc(f["rule"]?.stringValue ?? "")): \(esc(f["message"]?.stringValue ?? ""))"
                if f["match"]?.stringValue == "sound" { h += " <span class=\"sound\" title=\"按读音匹配（识别同音字），请复核\">音近</span>" }
                if let d = f["detail"]?.stringValue { h += " — \(esc(text(d)))" }
                h += "</span>"
            }
            for r in related[i + 1] ?? [] { h += "<span class=\"note related\">↳ \(esc(r.rule)): 证据，见第 \(r.turn) 轮 (evidence, see turn \(r.turn))</span>" }
            h += "</li>\n"
        }
        return h + "</ol>\n</article>\n"
    }

    func highlight(_ original: String, _ findings: [JSONValue], redactText: (String) -> String) -> String {
        HTMLReport.highlightTurn(original, findings: findings, redact: redactText)
    }

    /// A turn's text as HTML, masked, with each finding's span (Unicode scalar offsets)
    /// in a `<mark>`. The whole text is masked first: masks keep its length, so the spans
    /// still point at the right words, and no number is cut by a mark.
    public static func highlightTurn(_ original: String, findings: [JSONValue], redact: (String) -> String) -> String {
        let masked = Array(redact(original).unicodeScalars)
        let scalars = masked.count == original.unicodeScalars.count ? masked : Array(original.unicodeScalars)
        var marks: [(Int, Int, String, String)] = []
        for f in findings {
            guard let b = f["span"]?["begin"]?.numberValue, let e = f["span"]?["end"]?.numberValue, b.isFinite, e.isFinite else { continue }
            let lo = max(0, min(Int(b), scalars.count)), hi = max(lo, min(Int(e), scalars.count))
            if hi > lo { marks.append((lo, hi, f["severity"]?.stringValue ?? "info", f["rule"]?.stringValue ?? "")) }
        }
        marks.sort { $0.0 < $1.0 }
        func piece(_ r: Range<Int>) -> String { escape(String(String.UnicodeScalarView(scalars[r]))) }
        var out = "", at = 0
        for (lo, hi, sev, rule) in marks where lo >= at {
            out += piece(at..<lo)
            out += "<mark class=\"sev-\(escape(sev))\" title=\"\(escape(rule))\">\(piece(lo..<hi))</mark>"
            at = hi
        }
        return out + piece(at..<scalars.count)
    }

    func esc(_ s: String) -> String { HTMLReport.escape(s) }

    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    public static let css = """
    body{font-family:"PingFang SC","Hiragino Sans GB","Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","WenQuanYi Micro Hei",system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1f2328;line-height:1.6}
    h1{margin-bottom:.2rem}h2{border-bottom:2px solid #d0d7de;padding-bottom:.2rem;margin-top:2.2rem}h2 small,h3 small{color:#656d76;font-weight:normal;font-size:.7em}
    .meta{color:#656d76;font-size:.9rem}
    .kpis{display:flex;gap:1rem;flex-wrap:wrap}.kpis div{border:1px solid #d0d7de;border-radius:8px;padding:.8rem 1.2rem;min-width:8rem}.kpis b{display:block;font-size:1.8rem}.kpis span{color:#656d76}
    table{border-collapse:collapse;width:100%;margin:.6rem 0;font-size:.92rem}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f6f8fa}
    svg text{font-size:11px;fill:#1f2328}figure.chart{margin:.8rem 0}figure.chart figcaption{font-weight:600;margin-bottom:.3rem}
    details.chart-data summary{color:#656d76;font-size:.85rem;cursor:pointer}details.chart-data table{width:auto}
    .call{border:1px solid #d0d7de;border-radius:8px;padding:.4rem 1rem 1rem;margin:1.2rem 0}
    .score{float:right;font-size:1rem;padding:.1rem .6rem;border-radius:1rem;background:#f6f8fa}
    .grade-A{background:#dafbe1}.grade-B{background:#eef7e4}.grade-C{background:#fff8c5}.grade-D{background:#ffebd9}.grade-E{background:#ffebe9}
    ul.general li.sev-error,ul.general li.sev-critical{color:#a40e26}ul.general small{color:#656d76}
    ol.transcript{list-style:none;padding:0}ol.transcript li{display:grid;grid-template-columns:5.5rem 5rem 1fr;gap:.4rem;padding:.25rem 0;border-bottom:1px dotted #eaeef2}
    ol.transcript li.customer .said{color:#0550ae}.t{color:#8c959f;font-variant-numeric:tabular-nums}.who{color:#656d76}
    .note{grid-column:3;font-size:.85rem;color:#656d76}.note.sev-error,.note.sev-critical{color:#a40e26}.note.sev-warning{color:#7d4e00}
    .sound{background:#fff1c2;color:#7d4e00;border-radius:3px;padding:0 3px}
    mark{border-radius:3px;padding:0 2px}mark.sev-critical,mark.sev-error{background:#ffcecb}mark.sev-warning{background:#fff1a8}mark.sev-info{background:#ddf4ff}
    @media print{.call{break-inside:avoid}}
    """
}
