import CallQC
import Foundation

/// One checked call on a page: the scorecard with every deduction explained, the
/// findings that concern the whole call, the script's steps with near-misses, and
/// the transcript with each finding highlighted where it was said. Works from the
/// result JSON (`callqc.result/1`), so a fresh check and a stored one look the same.
/// The page is the `call-view` template; only each turn's highlighted text is HTML made here
/// (by `HTMLReport.highlightTurn`, which escapes every piece it cuts).
enum CallView {
    struct Model: TemplateModel {
        struct Score: TemplateModel { var grade: String; var text: String }
        struct Heading: TemplateModel { var id: String; var score: Score?; var facts: String }
        struct Deduction: TemplateModel {
            var first: Bool; var rule: String; var points: String; var turnNumber: Int?; var message: String?; var capped: Bool
            /// Where its finding was said (seconds), and with a playable recording the link there.
            var at: Double? = nil; var href: String? = nil; var seek: String? = nil
        }
        struct Section: TemplateModel { var title: String; var score: String; var deductions: [Deduction] }
        struct General: TemplateModel { var severity: String; var rule: String; var message: String; var detail: String?; var suggestion: String?; var href: String? = nil; var seek: String? = nil }
        struct Near: TemplateModel { var nearTurn: Int; var similarity: Int; var nearText: String; var nearNote: String? }
        struct Step: TemplateModel { var status: String; var label: String; var optional: Bool; var statusText: String; var turn: String; var said: String; var near: Near?; var conflict: String? }
        struct Script: TemplateModel { var title: String; var coverage: Int; var steps: [Step] }
        /// The call's recording: a player (`src`), or a notice that it is missing, unavailable or elsewhere.
        struct Recording: TemplateModel {
            struct Speed: TemplateModel { var rate: String; var label: String }
            var src: String?
            var speeds: [Speed]
            var missing: String?
            var unavailable: Bool
            var remote: String?
        }
        // The models repeated for every turn name their members themselves: no reflection in the
        // loop that a 20,000-turn call runs (reflection made such a page five times slower).
        /// `href`/`seek`: the recording at the finding's (or its turn's) start, when the call has a playable recording.
        struct Note: TemplateModel {
            var severity: String; var rule: String; var message: String; var sound: Bool; var detail: String?; var suggestion: String?; var seeAlso: String?
            var href: String? = nil; var seek: String? = nil
            func child(named name: String) -> Any? {
                switch name {
                case "href": return href
                case "seek": return seek
                case "severity": return severity
                case "rule": return rule
                case "message": return message
                case "sound": return sound
                case "detail": return detail
                case "suggestion": return suggestion
                case "seeAlso": return seeAlso
                default: return nil
                }
            }
        }
        struct Evidence: TemplateModel {
            var evidenceRule: String; var evidenceTurn: Int
            func child(named name: String) -> Any? {
                switch name {
                case "evidenceRule": return evidenceRule
                case "evidenceTurn": return evidenceTurn
                default: return nil
                }
            }
        }
        /// `said`: the turn's text, masked and escaped, with each finding's span marked (HTML).
        struct Turn: TemplateModel {
            var role: String; var time: String; var who: String; var said: String; var notes: [Note]; var evidence: [Evidence]
            /// With a playable recording and a start time: the seconds to seek to, where the turn ends, the link.
            var seek: String? = nil; var seekEnd: String? = nil; var href: String? = nil
            func child(named name: String) -> Any? {
                switch name {
                case "seek": return seek
                case "seekEnd": return seekEnd
                case "href": return href
                case "role": return role
                case "time": return time
                case "who": return who
                case "said": return said
                case "notes": return notes
                case "evidence": return evidence
                default: return nil
                }
            }
        }
        var heading: Heading?
        var hasSections: Bool
        var sections: [Section]
        var hasGeneral: Bool
        var general: [General]
        var script: Script?
        var recording: Recording?
        var turns: [Turn]
    }

    /// The `call-view` template's HTML, for a page's `{{{view}}}`.
    /// `audio`: the address of the call's recording and where its link leads (nil: the call has none).
    static func render(result: JSONValue, call: Call, _ p: PageContext, heading: Bool = true, audio: (src: String, file: RecordingFile)? = nil) -> String {
        Templates.render("call-view", model(result: result, call: call, p, heading: heading, audio: audio), p)
    }

    /// The speeds reviewers listen at.
    static let speeds: [Model.Recording.Speed] = [("1", "1×"), ("1.25", "1.25×"), ("1.5", "1.5×"), ("2", "2×")].map { .init(rate: $0.0, label: $0.1) }

    static func recording(_ audio: (src: String, file: RecordingFile)?, link: String?, _ p: PageContext) -> Model.Recording? {
        guard let audio else { return nil }
        switch audio.file {
        case .playable: return .init(src: audio.src, speeds: speeds, missing: nil, unavailable: false, remote: nil)
        case .missing:
            let name = (link ?? "").split(separator: "/").last.map(String.init) ?? ""
            return .init(src: nil, speeds: [], missing: p.r(name), unavailable: false, remote: nil)
        case .refused: return .init(src: nil, speeds: [], missing: nil, unavailable: true, remote: nil)
        case .remote(let url): return .init(src: nil, speeds: [], missing: nil, unavailable: false, remote: p.r(url))
        }
    }

    /// Seconds as a link writes them: `12.34`.
    static func seconds(_ t: Double) -> String { JSONValue.format((t * 1000).rounded() / 1000) }

    static func model(result: JSONValue, call: Call, _ p: PageContext, heading: Bool = true, audio: (src: String, file: RecordingFile)? = nil) -> Model {
        let findings = result["findings"]?.arrayValue ?? []
        var head: Model.Heading?
        if heading {
            var score: Model.Score?
            if let total = result["score"]?["total"]?.numberValue {
                let grade = result["score"]?["grade"]?.stringValue ?? ""
                let veto = result["score"]?["veto"] == .bool(true)
                score = .init(grade: grade, text: "\(Format.points(total))/\(Format.points(result["score"]?["max"]?.numberValue ?? 100)) \(grade)\(veto ? p.t(" · 一票否决", " · veto") : "")")
            }
            var facts: [String] = []
            if let a = call.agent { facts.append(p.t("坐席 ", "agent ") + a) }
            if let d = call.date { facts.append(d) }
            if let m = result["metrics"] {
                if let d = m["duration"]?.numberValue { facts.append(p.t("时长 ", "duration ") + Format.duration(d)) }
                if let r = m["agent_chars_per_minute"]?.numberValue { facts.append(p.t("语速 \(Int(r.rounded())) 字/分", "\(Int(r.rounded())) chars/min")) }
                else if let r = m["agent_words_per_minute"]?.numberValue { facts.append(p.t("语速 \(Int(r.rounded())) 词/分", "\(Int(r.rounded())) words/min")) }
            }
            if let rs = result["ruleset"]?["name"]?.stringValue { facts.append(p.t("规则 ", "rules ") + rs + " " + (result["ruleset"]?["version"]?.stringValue ?? "")) }
            head = .init(id: p.r(call.id), score: score, facts: p.r(facts.joined(separator: " · ")))
        }
        var sections = scorecard(result, findings, p)
        var general = self.general(findings, p)
        let recording = self.recording(audio, link: result["call"]?["audio"]?.stringValue, p)
        var turns = transcript(call, findings, p)
        if let src = recording?.src {
            // Each turn's time and each finding seek the player (JavaScript), or open the recording
            // at that second (a media fragment) without it.
            func link(_ t: Double) -> (String, String) { (src + "#t=" + seconds(t), seconds(t)) }
            let whole = findings.filter { $0["turn"]?.isNull ?? true }
            for (i, f) in whole.enumerated() where i < general.count { if let t = f["start"]?.numberValue { (general[i].href, general[i].seek) = link(t) } }
            for i in (sections ?? []).indices {
                for k in sections![i].deductions.indices {
                    let d = sections![i].deductions[k]
                    guard let t = d.at ?? d.turnNumber.flatMap({ $0 >= 1 && $0 <= call.turns.count ? call.turns[$0 - 1].start : nil }) else { continue }
                    (sections![i].deductions[k].href, sections![i].deductions[k].seek) = link(t)
                }
            }
            var byTurn: [Int: [JSONValue]] = [:]
            for f in findings { if let t = f["turn"]?.numberValue { byTurn[Int(t), default: []].append(f) } }
            for (i, turn) in call.turns.enumerated() where i < turns.count {
                guard let start = turn.start else { continue }
                (turns[i].href, turns[i].seek) = link(start)
                turns[i].seekEnd = turn.end.map(seconds)
                let marks = byTurn[i + 1] ?? []
                for k in turns[i].notes.indices where k < marks.count {
                    (turns[i].notes[k].href, turns[i].notes[k].seek) = link(marks[k]["start"]?.numberValue ?? start)
                }
            }
        }
        return Model(heading: head, hasSections: sections != nil, sections: sections ?? [], hasGeneral: !general.isEmpty, general: general,
                     script: script(result["script"], p), recording: recording, turns: turns)
    }

    static func scorecard(_ result: JSONValue, _ findings: [JSONValue], _ p: PageContext) -> [Model.Section]? {
        guard let sections = result["score"]?["sections"]?.arrayValue else { return nil }
        return sections.map { sec in
            let deductions = (sec["deductions"]?.arrayValue ?? []).enumerated().map { i, d -> Model.Deduction in
                let idx = Int(d["finding"]?.numberValue ?? -1)
                let f = idx >= 0 && idx < findings.count ? findings[idx] : nil
                return .init(first: i == 0, rule: d["rule"]?.stringValue ?? "", points: Format.points(d["points"]?.numberValue ?? 0),
                             turnNumber: f?["turn"]?.numberValue.map { Int($0) }, message: f?["message"]?.stringValue.map { p.r($0) },
                             capped: d["capped"] == .bool(true), at: f?["start"]?.numberValue)
            }
            return .init(title: sec["title"]?.stringValue ?? "",
                         score: "\(Format.points(sec["score"]?.numberValue ?? 0))/\(Format.points(sec["max"]?.numberValue ?? 0))", deductions: deductions)
        }
    }

    static func general(_ findings: [JSONValue], _ p: PageContext) -> [Model.General] {
        findings.filter { $0["turn"]?.isNull ?? true }.map { f in
            .init(severity: f["severity"]?.stringValue ?? "info", rule: f["rule"]?.stringValue ?? "", message: p.r(f["message"]?.stringValue ?? ""),
                  detail: f["detail"]?.stringValue.map { p.r($0) }, suggestion: f["suggestion"]?.stringValue)
        }
    }

    static func script(_ script: JSONValue?, _ p: PageContext) -> Model.Script? {
        guard let script, !script.isNull, let steps = script["steps"]?.arrayValue else { return nil }
        return .init(title: script["title"]?.stringValue ?? script["id"]?.stringValue ?? "", coverage: Int(((script["coverage"]?.numberValue ?? 0) * 100).rounded()),
                     steps: steps.map { s in
            let status = s["status"]?.stringValue ?? ""
            let statusText: String
            switch status {
            case "present": statusText = p.t("已完成", "present")
            case "missing": statusText = p.t("缺失", "missing")
            default: statusText = p.t("顺序不对", "out of order")
            }
            var near: Model.Near?
            if let n = s["near_miss"], !n.isNull {
                let turn: Double = n["turn"]?.numberValue ?? 0
                let similarity: Double = n["similarity"]?.numberValue ?? 0
                let text: String = n["text"]?.stringValue ?? ""
                near = Model.Near(nearTurn: Int(turn), similarity: Int((similarity * 100).rounded()), nearText: p.r(text), nearNote: n["note"]?.stringValue)
            }
            let label: String = s["label"]?.stringValue ?? s["id"]?.stringValue ?? ""
            let turn: String = s["turn"]?.numberValue.map { String(Int($0)) } ?? "—"
            let said: String = p.r(s["text"]?.stringValue ?? "")
            return Model.Step(status: status, label: label, optional: s["required"] == .bool(false), statusText: statusText, turn: turn, said: said,
                              near: near, conflict: s["conflict"]?.stringValue)
        })
    }

    static func transcript(_ call: Call, _ findings: [JSONValue], _ p: PageContext) -> [Model.Turn] {
        var byTurn: [Int: [JSONValue]] = [:]
        for f in findings { if let t = f["turn"]?.numberValue { byTurn[Int(t), default: []].append(f) } }
        // Turns that are evidence of a finding made elsewhere (both sides of an order rule, repeats).
        var related: [Int: [Model.Evidence]] = [:]
        for f in findings {
            guard let t = f["turn"]?.numberValue, let rule = f["rule"]?.stringValue else { continue }
            for r in f["related_turns"]?.arrayValue ?? [] { if let n = r.numberValue { related[Int(n), default: []].append(.init(evidenceRule: rule, evidenceTurn: Int(t))) } }
        }
        // Masked at the level of the call: a number split across two turns is masked in both.
        let masked = p.redact ? Redactor().redactTurns(call) : call.turns.map(\.text)
        return call.turns.enumerated().map { i, turn in
            var time = turn.start.map { TranscriptTime.format($0) } ?? ""
            if let e = turn.end, turn.start != nil { time += "–" + TranscriptTime.format(e) }
            let marks = byTurn[i + 1] ?? []
            let notes = marks.map { f -> Model.Note in
                let turns = f["related_turns"]?.arrayValue ?? []
                return .init(severity: f["severity"]?.stringValue ?? "info", rule: f["rule"]?.stringValue ?? "", message: p.r(f["message"]?.stringValue ?? ""),
                             sound: f["match"]?.stringValue == "sound", detail: f["detail"]?.stringValue.map { p.r($0) }, suggestion: f["suggestion"]?.stringValue,
                             seeAlso: turns.isEmpty ? nil : turns.compactMap { $0.numberValue.map { "#\(Int($0))" } }.joined(separator: ", "))
            }
            return .init(role: turn.role.rawValue, time: time, who: p.r(turn.speaker.isEmpty ? turn.role.rawValue : turn.speaker),
                         said: HTMLReport.highlightTurn(turn.text, findings: marks, redact: { _ in masked[i] }), notes: notes, evidence: related[i + 1] ?? [])
        }
    }
}
