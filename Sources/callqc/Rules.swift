import ArgumentParser
import CallQC
import Foundation

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, test and inspect rule sets.",
        subcommands: [List.self, Test.self, Phrases.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the active rules: id, kind, section, points, severity, message.")
        @OptionGroup var ruleOptions: RuleOptions

        func run() throws {
            for set in try ruleOptions.catalog().ruleSets {
                print("\(set.name) \(set.version) (\(set.language)) — \(set.path): \(set.rules.count) rules, \(set.automatonStates) automaton states")
                for rule in set.rules {
                    let h = rule.header
                    let points = h.veto ? "veto" : "-" + JSONValue.format(h.deduction)
                    print("  " + [pad(h.id, 24), pad(h.kind.rawValue, 12), pad(h.section, 17), pad(points, 5), pad(h.severity.rawValue, 8), h.message].joined(separator: " "))
                }
                let sections: [String] = set.scoring.sections.map { s in s.id + " " + JSONValue.format(s.points) }
                let grades: [String] = set.scoring.grades.map { g in g.grade + " ≥ " + JSONValue.format(g.minimum) }
                print("  scoring: " + sections.joined(separator: ", ") + "; grades: " + grades.joined(separator: ", "))
            }
        }

        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run every rule's examples: those it must flag and those it must pass.",
            discussion: "Exit status 1 when an example fails. Example: callqc rules test my-rules/"
        )
        @Argument(help: "A rule set folder or file (default: the shipped rule sets).")
        var path: String?

        func run() throws {
            let catalog = try RuleLoading.catalog(rules: path)
            let checker = Checker(catalog: catalog)
            var failures = 0
            if path == nil {
                for script in try RuleLoading.scripts(fixed: nil).scripts {
                    let failed = script.testExamples()
                    for f in failed { print("FAIL \(f)") }
                    print("script \(script.id): \(script.exampleCount - failed.count) passed, \(failed.count) failed")
                    failures += failed.count
                }
            }
            for set in catalog.ruleSets {
                let examples = set.rules.reduce(0) { $0 + $1.examples.count }
                let failed = checker.testExamples(of: set)
                for f in failed { print("FAIL \(f)") }
                let noExamples = set.rules.filter { $0.examples.isEmpty && $0.header.kind != .scriptStep && $0.header.kind != .scriptOrder }.map(\.header.id)
                if !noExamples.isEmpty { print("note: \(set.name): rules without examples: \(noExamples.joined(separator: ", "))") }
                print("\(set.name): \(examples - failed.count) passed, \(failed.count) failed")
                failures += failed.count
            }
            if failures > 0 { throw ExitCode(1) }
        }
    }

    struct Phrases: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every phrase of the active rule sets, folded, one per line (for other tools: rg -F -f).")
        @OptionGroup var ruleOptions: RuleOptions

        func run() throws {
            var seen = Set<String>()
            for set in try ruleOptions.catalog().ruleSets {
                for p in set.foldedPhrases where seen.insert(p).inserted { print(p) }
            }
        }
    }
}
