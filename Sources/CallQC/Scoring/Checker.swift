import CallQCText

/// Checks calls against rule sets: one automaton pass per turn, each rule's
/// check over the hits, then the scorecard. Pure: a call in, a result out.
public struct Checker: Sendable {
    public let catalog: RuleCatalog
    public let scripts: ScriptCatalog
    let folder: TextFolder
    let counter: SpeechCounter

    public init(catalog: RuleCatalog, scripts: ScriptCatalog = .empty, folder: TextFolder = TextFolder(), counter: SpeechCounter = SpeechCounter()) {
        self.catalog = catalog
        self.scripts = scripts
        self.folder = folder
        self.counter = counter
    }

    /// Checks a call with the rule set for its language.
    public func check(_ call: Call) -> CallResult {
        let profiles = call.turns.map { counter.profile($0.text) }
        let metrics = CallMetrics.measure(call, profiles: profiles)
        return check(call, with: catalog.ruleSet(for: metrics.language), measured: (profiles, metrics))
    }

    /// Checks a call with a given rule set.
    public func check(_ call: Call, with ruleSet: RuleSet) -> CallResult {
        check(call, with: ruleSet, measured: nil)
    }

    func check(_ call: Call, with ruleSet: RuleSet, measured: ([SpeechProfile], CallMetrics)?) -> CallResult {
        let context = CheckContext(call: call, ruleSet: ruleSet, folder: folder, counter: counter, script: scripts.script(for: call), measured: measured)
        var findings: [Finding] = []
        var late: [Int] = []
        // By index: a `for rule in` copied every rule (its header's strings, its check, its examples) for every call.
        let rules = ruleSet.rules
        for i in rules.indices {
            if rules[i].check.readsFindings { late.append(i); continue }
            findings += rules[i].check.evaluate(context, rule: i, header: rules[i].header)
        }
        findings = Checker.dropContainedForbidden(findings)
        if !late.isEmpty {
            // Rules that combine others' findings (composites with `rule:` conditions) run last.
            var withFindings = context
            withFindings.earlierFindings = findings
            for i in late { findings += ruleSet.rules[i].check.evaluate(withFindings, rule: i, header: ruleSet.rules[i].header) }
        }
        findings.sort { a, b in
            switch (a.turn, b.turn) {
            case (nil, nil): return false
            case (nil, _): return true
            case (_, nil): return false
            case let (x?, y?): return x != y ? x < y : (a.span?.lowerBound ?? 0) < (b.span?.lowerBound ?? 0)
            }
        }
        let scorecard = ruleSet.scoring.score(findings, rules: ruleSet.headers)
        return CallResult(call: call, metrics: context.metrics, ruleSet: RuleSetStamp(name: ruleSet.name, version: ruleSet.version),
                          findings: findings, scorecard: scorecard, script: context.script)
    }

    /// A forbidden phrase inside a longer forbidden phrase in the same turn is one
    /// fault, not two: `不知道` inside `不知道就别说了`, `not my problem` inside
    /// `that's not my problem`.
    static func dropContainedForbidden(_ findings: [Finding]) -> [Finding] {
        // Per turn, spans by start (longest first): a span is inside a longer one when an earlier
        // span (other than its equals) reaches at least as far. O(n log n), however many per turn.
        var byTurn: [Int: [Range<Int>]] = [:]
        for g in findings where g.kind == .forbidden { if let turn = g.turn, let span = g.span { byTurn[turn, default: []].append(span) } }
        var contained = Set<[Int]>()
        for (turn, spans) in byTurn where spans.count > 1 {
            let sorted = spans.sorted { $0.lowerBound != $1.lowerBound ? $0.lowerBound < $1.lowerBound : $0.upperBound > $1.upperBound }
            var reach = Int.min
            var k = 0
            while k < sorted.count {
                var end = k
                while end < sorted.count, sorted[end] == sorted[k] { end += 1 }
                if reach >= sorted[k].upperBound { contained.insert([turn, sorted[k].lowerBound, sorted[k].upperBound]) }
                reach = max(reach, sorted[k].upperBound)
                k = end
            }
        }
        if contained.isEmpty { return findings }
        return findings.filter { f in
            guard f.kind == .forbidden, let span = f.span, let turn = f.turn else { return true }
            return !contained.contains([turn, span.lowerBound, span.upperBound])
        }
    }

    /// Runs every example of every rule: the examples a rule must flag, and those it must pass.
    public func testExamples(of ruleSet: RuleSet) -> [ExampleFailure] {
        var failures: [ExampleFailure] = []
        for rule in ruleSet.rules {
            for example in rule.examples {
                let result = check(example.call, with: ruleSet)
                let own = result.findings.filter { $0.rule == rule.header.id }
                if example.mustFlag && own.isEmpty {
                    failures.append(ExampleFailure(rule: rule.header.id, example: example, findings: own))
                } else if !example.mustFlag && !own.isEmpty {
                    failures.append(ExampleFailure(rule: rule.header.id, example: example, findings: own))
                }
            }
        }
        return failures
    }
}

/// An example whose outcome was not what its rule says.
public struct ExampleFailure: Sendable, CustomStringConvertible {
    public var rule: String
    public var example: RuleExample
    public var findings: [Finding]

    public var description: String {
        let firstLine = example.text.split(separator: "\n").first.map(String.init) ?? example.text
        if example.mustFlag {
            return "\(example.file):\(example.line): rule '\(rule)' should flag this example but did not: \(firstLine)"
        }
        let what = findings.map { $0.text ?? $0.detail ?? $0.message }.joined(separator: "; ")
        return "\(example.file):\(example.line): rule '\(rule)' should pass this example but flagged it (\(what)): \(firstLine)"
    }
}

/// The rule set a result was made with.
public struct RuleSetStamp: Sendable, Hashable {
    public var name: String
    public var version: String
}
