/// The agent must not start while the customer is still speaking: a finding
/// for each agent turn that starts more than `threshold` seconds before a
/// customer turn ends.
public struct InterruptionCheck: CheckDefinition {
    public var threshold: Double
    /// Whose speech the scoped roles must not cut into.
    public var interrupted: [Role]

    var phraseLists: [(name: String, phrases: [Phrase])] { [] }

    static func parse(_ fields: inout FieldReader, _ context: inout RuleParseContext) throws(RuleError) -> InterruptionCheck {
        var interrupted: [Role] = [.customer]
        if let list = try fields.strings("interrupted_roles") {
            interrupted = []
            for (text, node) in list {
                guard let role = Role(rawValue: text) else { throw node.error("unknown role '\(text)'", fix: "use agent, customer or other") }
                interrupted.append(role)
            }
        }
        return InterruptionCheck(threshold: try fields.number("threshold", min: 0) ?? 0.5, interrupted: interrupted)
    }

    /// 0-based (interrupter, interrupted) turn pairs.
    static func interruptions(in call: Call, by roles: [Role], of interrupted: [Role], threshold: Double) -> [(Int, Int)] {
        // Only roles and times are read: no copies of the turns (and of their texts).
        call.turns.withUnsafeBufferPointer { turns in
            var pairs: [(Int, Int)] = []
            for i in 0..<turns.count where roles.contains(turns[i].role) {
                guard let s = turns[i].start else { continue }
                for j in 0..<turns.count where j != i && interrupted.contains(turns[j].role) {
                    guard let us = turns[j].start, let ue = turns[j].end else { continue }
                    if us < s && ue - s > threshold { pairs.append((i, j)); break }
                }
            }
            return pairs
        }
    }

    func evaluate(_ context: CheckContext, rule: Int, header: RuleHeader) -> [Finding] {
        InterruptionCheck.interruptions(in: context.call, by: header.roles, of: interrupted, threshold: threshold).map { i, j in
            let t = context.call.turns[i], u = context.call.turns[j]
            let overlap = (u.end ?? 0) - (t.start ?? 0)
            return context.finding(header, turn: i,
                                   detail: "started at \(CheckContext.time(t.start)) while turn \(j + 1) (\(u.role.rawValue)) ran until \(CheckContext.time(u.end)): \(JSONValue.format((overlap * 10).rounded() / 10)) s over")
        }
    }
}
