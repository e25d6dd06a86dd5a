import CallQC
import Foundation

/// One checked call on a page: the scorecard with every deduction explained, the
/// findings that concern the whole call, the script's steps with near-misses, and
/// the transcript with each finding highlighted where it was said. Works from the
/// result JSON (`callqc.result/1`), so a fresh check and a stored one look the same.
enum CallView {
    static func render(result: JSONValue, call: Call, _ p: PageContext, heading: Bool = true) -> String {
        let findings = result["findings"]?.arrayValue ?? []
        var h = "<article class=\"call\">\n"
        if heading {
            let score = result["score"]?["total"]?.numberValue
            let grade = result["score"]?["grade"]?.stringValue ?? ""
            let veto = result["score"]?["veto"] == .bool(true)
            h += "<h3 id=\"call-id\">\(esc(p.r(call.id)))"
            if let score {
                h += " <span class=\"score grade-\(esc(grade))\" id=\"score\">\(Format.points(score))/\(Format.points(result["score"]?["max"]?.numberValue ?? 100)) \(esc(grade))\(veto ? p.t(" · 一票否决", " · veto") : "")</span>"
            }
            h += "</h3>\n"
            var facts: [String] = []
            if let a = call.agent { facts.append(p.t("坐席 ", "agent ") + a) }
            if let d = call.date { facts.append(d) }
            if let m = result["metrics"] {
                if let d = m["duration"]?.numberValue { facts.append(p.t("时长 ", "duration ") + Format.duration(d)) }
                if let r = m["agent_chars_per_minute"]?.numberValue { facts.append(p.t("语速 \(Int(r.rounded())) 字/分", "\(Int(r.rounded())) chars/min")) }
                else if let r = m["agent_words_per_minute"]?.numberValue { facts.append(p.t("语速 \(Int(r.rounded())) 词/分", "\(Int(r.rounded())) words/min")) }
            }
            if let rs = result["ruleset"]?["name"]?.stringValue { facts.append(p.t("规则 ", "rules ") + rs + " " + (result["ruleset"]?["version"]?.stringValue ?? "")) }
            h += "<p class=\"meta\">\(esc(p.r(facts.joined(separator: " · "))))</p>\n"
        }
        h += scorecard(result, findings, p)
        h += general(findings, p)
        h += script(result["script"], p)
        h += transcript(call, findings, p)
        return h + "</article>\n"
    }

    static func scorecard(_ result: JSONValue, _ findings: [JSONValue], _ p: PageContext) -> String {
        guard let sections = result["score"]?["sections"]?.arrayValue else { return "" }
        var h = "<table class=\"card\" id=\"scorecard\"><thead><tr><th>\(p.t("评分项", "Section"))</th><th>\(p.t("得分", "Score"))</th><th>\(p.t("扣分明细", "Deductions"))</th></tr></thead><tbody>\n"
        for sec in sections {
            let deductions = (sec["deductions"]?.arrayValue ?? []).map { d -> String in
                let rule = d["rule"]?.stringValue ?? ""
                let idx = Int(d["finding"]?.numberValue ?? -1)
                let f = idx >= 0 && idx < findings.count ? findings[idx] : nil
                var line = "<b>\(esc(rule))</b> −\(Format.points(d["points"]?.numberValue ?? 0))"
                if let turn = f?["turn"]?.numberValue { line += p.t(" 第\(Int(turn))句", " turn \(Int(turn))") }
                if let m = f?["message"]?.stringValue { line += "：\(esc(p.r(m)))" }
                if d["capped"] == .bool(true) { line += p.t("（封顶）", " (capped)") }
                return line
            }
            h += "<tr><td>\(esc(sec["title"]?.stringValue ?? ""))</td><td>\(Format.points(sec["score"]?.numberValue ?? 0))/\(Format.points(sec["max"]?.numberValue ?? 0))</td><td>\(deductions.isEmpty ? "—" : deductions.joined(separator: "<br>"))</td></tr>\n"
        }
        return h + "</tbody></table>\n"
    }

    static func general(_ findings: [JSONValue], _ p: PageContext) -> String {
        let general = findings.filter { $0["turn"]?.isNull ?? true }
        guard !general.isEmpty else { return "" }
        var h = "<h4>\(p.t("整通问题", "Whole-call findings"))</h4>\n<ul class=\"general\">"
        for f in general {
            h += "<li class=\"finding sev-\(esc(f["severity"]?.stringValue ?? "info"))\"><b>\(esc(f["rule"]?.stringValue ?? ""))</b> \(esc(p.r(f["message"]?.stringValue ?? "")))"
            if let d = f["detail"]?.stringValue { h += " <small>\(esc(p.r(d)))</small>" }
            if let s = f["suggestion"]?.stringValue { h += " <span class=\"suggest\">→ \(p.t("建议", "better")): \(esc(s))</span>" }
            h += "</li>"
        }
        return h + "</ul>\n"
    }

    static func script(_ script: JSONValue?, _ p: PageContext) -> String {
        guard let script, !script.isNull, let steps = script["steps"]?.arrayValue else { return "" }
        let coverage = Int(((script["coverage"]?.numberValue ?? 0) * 100).rounded())
        var h = "<h4>\(p.t("话术", "Script")) \(esc(script["title"]?.stringValue ?? script["id"]?.stringValue ?? "")) <small>\(p.t("覆盖", "coverage")) \(coverage)%</small></h4>\n"
        h += "<table id=\"script-steps\"><thead><tr><th>\(p.t("步骤", "Step"))</th><th>\(p.t("状态", "Status"))</th><th>\(p.t("所在句", "Turn"))</th><th>\(p.t("说法 / 最接近的说法", "What was said / nearest miss"))</th></tr></thead><tbody>\n"
        for s in steps {
            let status = s["status"]?.stringValue ?? ""
            let statusText: String
            switch status {
            case "present": statusText = p.t("已完成", "present")
            case "missing": statusText = p.t("缺失", "missing")
            default: statusText = p.t("顺序不对", "out of order")
            }
            var said = esc(p.r(s["text"]?.stringValue ?? ""))
            if let near = s["near_miss"], !near.isNull {
                let sim = Int(((near["similarity"]?.numberValue ?? 0) * 100).rounded())
                said += p.t("最接近：第\(Int(near["turn"]?.numberValue ?? 0))句（相似 \(sim)%）", "nearest: turn \(Int(near["turn"]?.numberValue ?? 0)) (\(sim)% similar)")
                said += " 「\(esc(p.r(near["text"]?.stringValue ?? "")))」"
                if let note = near["note"]?.stringValue { said += " <small>\(esc(note))</small>" }
            }
            if let c = s["conflict"]?.stringValue { said += " <small>\(esc(c))</small>" }
            let turn = s["turn"]?.numberValue.map { String(Int($0)) } ?? "—"
            h += "<tr class=\"step-\(esc(status))\"><td>\(esc(s["label"]?.stringValue ?? s["id"]?.stringValue ?? ""))\(s["required"] == .bool(false) ? p.t("（可选）", " (optional)") : "")</td><td>\(statusText)</td><td>\(turn)</td><td>\(said)</td></tr>\n"
        }
        return h + "</tbody></table>\n"
    }

    static func transcript(_ call: Call, _ findings: [JSONValue], _ p: PageContext) -> String {
        var byTurn: [Int: [JSONValue]] = [:]
        for f in findings { if let t = f["turn"]?.numberValue { byTurn[Int(t), default: []].append(f) } }
        // Turns that are evidence of a finding made elsewhere (both sides of an order rule, repeats).
        var related: [Int: [(rule: String, turn: Int)]] = [:]
        for f in findings {
            guard let t = f["turn"]?.numberValue, let rule = f["rule"]?.stringValue else { continue }
            for r in f["related_turns"]?.arrayValue ?? [] { if let n = r.numberValue { related[Int(n), default: []].append((rule, Int(t))) } }
        }
        var h = "<h4>\(p.t("通话文本", "Transcript"))</h4>\n<ol class=\"transcript\" id=\"transcript\">\n"
        // Masked at the level of the call: a number split across two turns is masked in both.
        let masked = p.redact ? Redactor().redactTurns(call) : call.turns.map(\.text)
        for (i, turn) in call.turns.enumerated() {
            var time = turn.start.map { TranscriptTime.format($0) } ?? ""
            if let e = turn.end, turn.start != nil { time += "–" + TranscriptTime.format(e) }
            let marks = byTurn[i + 1] ?? []
            h += "<li class=\"\(turn.role.rawValue)\"><span class=\"t\">\(esc(time))</span><span class=\"who\">\(esc(p.r(turn.speaker.isEmpty ? turn.role.rawValue : turn.speaker)))</span>"
            h += "<span class=\"said\">\(HTMLReport.highlightTurn(turn.text, findings: marks, redact: { _ in masked[i] }))</span>"
            for f in marks {
                h += "<span class=\"note finding sev-\(esc(f["severity"]?.stringValue ?? "info"))\">\(esc(f["rule"]?.stringValue ?? "")): \(esc(p.r(f["message"]?.stringValue ?? "")))"
                if f["match"]?.stringValue == "sound" {
                    h += " <span class=\"sound\" title=\"\(p.t("按读音匹配（识别同音字），请复核", "matched by sound (a recogniser's homophone); please confirm"))\">音近</span>"
                }
                if let d = f["detail"]?.stringValue { h += " — \(esc(p.r(d)))" }
                if let s = f["suggestion"]?.stringValue { h += " <span class=\"suggest\">→ \(p.t("建议", "better")): \(esc(s))</span>" }
                if let turns = f["related_turns"]?.arrayValue, !turns.isEmpty {
                    h += " <span class=\"related\">(\(p.t("相关", "see also")) \(turns.compactMap { $0.numberValue.map { "#\(Int($0))" } }.joined(separator: ", ")))</span>"
                }
                h += "</span>"
            }
            for r in related[i + 1] ?? [] {
                h += "<span class=\"note related\">↳ \(esc(r.rule)): \(p.t("证据，见第 \(r.turn) 轮", "evidence, see turn \(r.turn)"))</span>"
            }
            h += "</li>\n"
        }
        return h + "</ol>\n"
    }

    /// The turn's text, masked, with each finding's span marked (shared with the HTML report).
    static func highlight(_ original: String, _ findings: [JSONValue], _ p: PageContext) -> String {
        HTMLReport.highlightTurn(original, findings: findings, redact: p.r)
    }
}
