import CallQCText

/// Turns a checked call into a training case: suggests the category and, for
/// complaints, the complaint type; picks the excerpt; pre-fills the six aspects
/// from what the call shows and leaves the rest marked for the trainer.
public struct CaseBuilder: Sendable {
    let folder = TextFolder()

    public init() {}

    static let salesWords = ["套餐", "办理", "升级", "优惠", "资费", "活动", "推荐", "开通", "流量包", "合约"]
    static let claimWords = ["赔偿", "补偿", "退钱", "退费", "退款", "索赔", "损失", "赔"]
    static let fixWords = ["修", "解决", "处理", "什么时候", "怎么办", "上门", "恢复", "查一下", "给个说法"]
    static let ventWords = ["太差", "什么破", "垃圾", "气死", "烦死", "受够", "每次都", "服了", "坑人", "骗人"]

    public func build(from stored: StoredResult, category: TrainingCase.Category? = nil, title: String? = nil,
                      note: String? = nil, turns requested: ClosedRange<Int>? = nil, createdAt: String) -> TrainingCase {
        let call = stored.call
        let findings = ResultJSON.decodeFindings(stored.result)
        let summary = stored.summary
        let suggested = category == nil
        let cat = category ?? suggestCategory(call: call, findings: findings, score: summary.score)
        let range = requested.map { max(1, $0.lowerBound)...min(max(1, call.turns.count), $0.upperBound) } ?? excerptRange(call: call, findings: findings)
        let excerpt = call.turns.isEmpty ? [] : Array(call.turns[(range.lowerBound - 1)..<min(call.turns.count, range.upperBound)])
        let kept = findings.filter { f in f.turn.map { range.contains($0) } ?? true }
        let complaint = cat == .complaint ? complaintType(call) : nil
        return TrainingCase(
            id: 0, callID: call.id, agent: call.agent, date: call.date, category: cat, categorySuggested: suggested,
            title: title ?? defaultTitle(cat, findings: findings, call: call), note: note, turns: range, excerpt: excerpt,
            findings: kept, score: summary.score, grade: summary.grade, complaintType: complaint,
            aspects: aspects(call: call, findings: findings, summary: summary, script: stored.result["script"]),
            createdAt: createdAt)
    }

    /// Complaint cues → 客户投诉类; an exemplary call (95 or more, no errors) → 服务分享类;
    /// enquiry and sales talk → 业务咨询类; another high-scoring call → 服务分享类.
    public func suggestCategory(call: Call, findings: [Finding], score: Double?) -> TrainingCase.Category {
        if findings.contains(where: { $0.kind == .cue }) { return .complaint }
        let clean = !findings.contains(where: { $0.severity >= .error })
        if let s = score, s >= 95, clean { return .serviceSharing }
        let agentText = call.turns.filter { $0.role == .agent }.map(\.text).joined()
        let sales = CaseBuilder.salesWords.filter { agentText.contains($0) }.count
        if call.script != nil || sales >= 2 { return .enquiry }
        if let s = score, s >= 90, clean { return .serviceSharing }
        return .enquiry
    }

    /// 需要索赔型 when the customer asks for compensation; else the more frequent of fixing and venting words.
    public func complaintType(_ call: Call) -> TrainingCase.ComplaintType {
        let words = call.turns.filter { $0.role == .customer }.map(\.text).joined()
        func count(_ list: [String]) -> Int { list.reduce(0) { $0 + words.components(separatedBy: $1).count - 1 } }
        if count(CaseBuilder.claimWords) > 0 { return .compensation }
        return count(CaseBuilder.ventWords) > count(CaseBuilder.fixWords) ? .vent : .solveProblem
    }

    /// The turns around the findings (one before, one after), at most 15; else the first 10.
    func excerptRange(call: Call, findings: [Finding]) -> ClosedRange<Int> {
        let n = max(1, call.turns.count)
        let turns = findings.compactMap(\.turn).sorted()
        guard let first = turns.first, let last = turns.last else { return 1...min(n, 10) }
        let lo = max(1, first - 1)
        let hi = min(n, max(last + 1, lo))
        return lo...min(hi, lo + 14)
    }

    func defaultTitle(_ c: TrainingCase.Category, findings: [Finding], call: Call) -> String {
        let type = call.metadata["type"].map { "（\($0)）" } ?? ""
        switch c {
        case .serviceSharing: return "规范服务示范\(type)"
        case .complaint: return "客户投诉处理\(type)"
        case .enquiry:
            if let f = findings.first(where: { $0.severity >= .error }) { return "业务咨询：\(f.message)\(type)" }
            return "业务咨询\(type)"
        }
    }

    func aspects(call: Call, findings: [Finding], summary: CallSummary, script: JSONValue?) -> [String: String] {
        let todo = TrainingCase.toComplete
        var a: [String: String] = [:]
        let firstAgent = call.turns.first { $0.role == .agent }?.text ?? ""
        if findings.contains(where: { $0.rule == "greeting" }) {
            a["客户接触"] = "开场未使用标准问候语：「\(firstAgent)」"
        } else {
            a["客户接触"] = "坐席以标准问候语开场：「\(firstAgent)」"
        }
        let taboo = findings.filter { $0.kind == .forbidden }
        if taboo.isEmpty {
            let polite = findings.contains { $0.rule == "politeness" } ? "礼貌用语不足。" : "用语礼貌规范，未出现服务忌语。"
            a["回答方式"] = polite + todo
        } else {
            a["回答方式"] = "出现不当用语：" + taboo.map { "「\($0.text ?? "")」（第\($0.turn ?? 0)句，\($0.message)）" }.joined(separator: "；")
        }
        let cues = findings.filter { $0.kind == .cue }.compactMap(\.text)
        a["客户态度"] = cues.isEmpty ? "客户态度平和。" + todo : "客户情绪激动，提及：" + Array(Set(cues)).sorted().joined(separator: "、") + "。" + todo
        var process = "通话\(Format.duration(summary.duration))，共\(call.turns.count)句。"
        let listening = findings.filter { $0.kind == .interruption || $0.kind == .silence }
        if !listening.isEmpty { process += "打断客户或冷场\(listening.count)次。" }
        if let s = script, case .object = s, let coverage = s["coverage"]?.numberValue {
            let missing = (s["steps"]?.arrayValue ?? []).filter { $0["status"]?.stringValue == "missing" }.compactMap { $0["label"]?.stringValue }
            process += "问卷完成度\(Int((coverage * 100).rounded()))%"
            process += missing.isEmpty ? "。" : "，漏问：" + missing.joined(separator: "、") + "。"
        }
        a["处理过程"] = process + todo
        let lastCustomer = call.turns.last { $0.role == .customer }?.text
        a["客户感受"] = (lastCustomer.map { "客户最后说：「\($0)」。" } ?? "") + todo
        var impact = "机器评分 \(summary.score.map(Format.points) ?? "-")（\(summary.grade ?? "-")）"
        if summary.veto { impact += "，一票否决（\(summary.vetoRules.joined(separator: "、"))）" }
        a["服务影响"] = impact + "。" + todo
        return a
    }
}

extension ResultJSON {
    /// Findings back from a stored `callqc.result/1` object.
    public static func decodeFindings(_ result: JSONValue) -> [Finding] {
        (result["findings"]?.arrayValue ?? []).compactMap { f in
            guard let rule = f["rule"]?.stringValue, let kind = f["kind"]?.stringValue.flatMap(CheckKind.init(rawValue:)) else { return nil }
            var finding = Finding(rule: rule, kind: kind, section: f["section"]?.stringValue ?? "",
                                  severity: f["severity"]?.stringValue.flatMap(Severity.init(rawValue:)) ?? .info,
                                  message: f["message"]?.stringValue ?? "", deducts: f["deducts"] == .bool(true))
            finding.turn = f["turn"]?.numberValue.map { Int($0) }
            finding.role = f["role"]?.stringValue.flatMap(Role.init(rawValue:))
            finding.start = f["start"]?.numberValue
            finding.end = f["end"]?.numberValue
            if let b = f["span"]?["begin"]?.numberValue, let e = f["span"]?["end"]?.numberValue, b >= 0, e >= b { finding.span = Int(b)..<Int(e) }
            finding.text = f["text"]?.stringValue
            finding.detail = f["detail"]?.stringValue
            finding.suggestion = f["suggestion"]?.stringValue
            finding.match = f["match"]?.stringValue.flatMap(MatchKind.init(rawValue:))
            finding.relatedTurns = (f["related_turns"]?.arrayValue ?? []).compactMap { $0.numberValue.map { Int($0) } }
            return finding
        }
    }
}
