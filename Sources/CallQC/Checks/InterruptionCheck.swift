/// The agent must not start while the customer is still speaking: a finding
/// for each agent turn that starts more than `threshold` seconds before a
/// customer turn ends.
public struct InterruptionCheck: CheckDefinition {
    static let kind = CheckKind.interruption
    static let summary = "A scoped turn that starts while a turn of the interrupted roles still has more than `threshold` seconds to run."
    static let parameters: [CheckParameter] = [
        CheckParameter("threshold", "seconds", default: "0.5", "overlap allowed"),
        CheckParameter("interrupted_roles", "roles", default: "customer", "whose speech must not be cut into"),
    ]
    static let examplesNeed = ExampleNeeds.times
    static let yamlExample = """
        - id: listening.interrupt
          kind: interruption
          message: 抢话、打断客户
          section: listening
          deduction: 3
          threshold: 0.5
          examples:
            flag:
              - |
                [00:00-00:06] 客户: 我想问一下这个月的账单为什么这么高
                [00:02-00:05] 坐席: 这个是正常扣费
            pass:
              - |
                [00:00-00:06] 客户: 我想问一下这个月的账单为什么这么高
                [00:06.3-00:09] 坐席: 我帮您查一下明细
        """

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

    /// 0-based (interrupter, interrupted) turn pairs: for each turn `i` of `roles` that starts at `s`,
    /// the first turn `j` (in turn order) of `interrupted` that started before `s` and ran on more
    /// than `threshold` past it.
    static func interruptions(in call: Call, by roles: [Role], of interrupted: [Role], threshold: Double) -> [(Int, Int)] {
        var steps = 0
        return interruptions(in: call, by: roles, of: interrupted, threshold: threshold, steps: &steps)
    }

    /// The same, counting its steps: O(n log n) in turns. The interrupters are taken by start time;
    /// the turns that started earlier go into a tree over their end times that keeps the lowest
    /// turn number, so each interrupter asks once for the first turn still running.
    static func interruptions(in call: Call, by roles: [Role], of interrupted: [Role], threshold: Double, steps: inout Int) -> [(Int, Int)] {
        // Only roles and times are read: no copies of the turns (and of their texts).
        var queries: [(start: Double, turn: Int)] = []
        var running: [(start: Double, end: Double, turn: Int)] = []
        call.turns.withUnsafeBufferPointer { turns in
            for k in 0..<turns.count {
                if roles.contains(turns[k].role), let s = turns[k].start, !s.isNaN { queries.append((s, k)) }
                if interrupted.contains(turns[k].role), let us = turns[k].start, let ue = turns[k].end, !us.isNaN, !ue.isNaN {
                    running.append((us, ue, k))
                }
            }
        }
        steps += queries.count + running.count
        guard !queries.isEmpty, !running.isEmpty else { return [] }
        queries.sort { $0.start < $1.start }
        running.sort { $0.start < $1.start }
        var ends = running.map(\.end)
        ends.sort()
        let rank = Dictionary(ends.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var tree = MinimumTree(count: ends.count)
        var pairs: [(Int, Int)] = []
        var added = 0
        for q in queries {
            while added < running.count, running[added].start < q.start {
                tree.lower(rank[running[added].end]!, to: running[added].turn, steps: &steps)
                added += 1
            }
            // The first end time that runs on past the threshold (`end - start > threshold` rises with `end`).
            var low = 0, high = ends.count
            while low < high {
                steps += 1
                let mid = (low + high) / 2
                if ends[mid] - q.start > threshold { high = mid } else { low = mid + 1 }
            }
            if low < ends.count, let j = tree.minimum(from: low, steps: &steps) { pairs.append((q.turn, j)) }
        }
        pairs.sort { $0.0 < $1.0 }
        return pairs
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

/// The lowest value over a suffix of positions, with point updates: a segment tree.
struct MinimumTree {
    var size = 1
    var nodes: [Int]

    init(count: Int) {
        while size < count { size *= 2 }
        nodes = Array(repeating: Int.max, count: 2 * size)
    }

    mutating func lower(_ position: Int, to value: Int, steps: inout Int) {
        var i = position + size
        while i >= 1 {
            steps += 1
            if value < nodes[i] { nodes[i] = value } else { break }
            i /= 2
        }
    }

    /// The lowest value at `position` or after; nil when none was set.
    func minimum(from position: Int, steps: inout Int) -> Int? {
        var low = position + size, high = 2 * size
        var best = Int.max
        while low < high {
            steps += 1
            if low & 1 == 1 { best = min(best, nodes[low]); low += 1 }
            if high & 1 == 1 { high -= 1; best = min(best, nodes[high]) }
            low /= 2
            high /= 2
        }
        return best == Int.max ? nil : best
    }
}

extension CheckKind {
    public static let interruption = CheckKind(name: "interruption")
}
