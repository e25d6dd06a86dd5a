import ArgumentParser
import CallQC
import CallQCStore
import Foundation

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rules", 
        abstract: "List, test and inspect rule sets.",
        subcommands: [List.self, Test.self, Kinds.self, Phrases.self, SuggestExamples.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Show the active rules: id, kind, section, points, severity, message.")
        @OptionGroup var ruleOptions: RuleOptions
        @OptionGroup var configFile: ConfigOptions

        func run() throws {
            for set in try ruleOptions.catalog(Settings.load(configFile)).ruleSets {
                Console.out("\(set.name) \(set.version) (\(set.language)) — \(set.path): \(set.rules.count) rules, \(set.automatonStates) automaton states")
                for rule in set.rules {
                    let h = rule.header
                    let points = h.veto ? "veto" : "-" + JSONValue.format(h.deduction)
                    Console.out("  " + [pad(h.id, 24), pad(h.kind.rawValue, 12), pad(h.section, 17), pad(points, 5), pad(h.severity.rawValue, 8), h.message].joined(separator: " "))
                }
                let sections: [String] = set.scoring.sections.map { s in s.id + " " + JSONValue.format(s.points) }
                let grades: [String] = set.scoring.grades.map { g in g.grade + " ≥ " + JSONValue.format(g.minimum) }
                Console.out("  scoring: " + sections.joined(separator: ", ") + "; grades: " + grades.joined(separator: ", "))
            }
        }

        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "test", 
            abstract: "Run every rule's examples: those it must flag and those it must pass.",
            discussion: """
            Tests a rule set (a folder with ruleset.yaml, or one YAML file), or a folder of rule sets \
            by language with its scripts (callqc init's callqc-rules/). Without a path: the rules of \
            .callqc.yml, else the shipped rule sets and scripts. Exit status 1 when an example fails.

            Examples:
              callqc rules test
              callqc rules test callqc-rules/zh-CN
              callqc rules test --rules my-rules/
            """
        )
        @Argument(help: "A rule set folder or file, or a folder of rule sets by language (default: rules in .callqc.yml, else the shipped rule sets).")
        var path: String?

        @Option(name: .long, help: "The same as PATH, as check spells it.")
        var rules: String?

        @OptionGroup var configFile: ConfigOptions

        func validate() throws {
            if path != nil && rules != nil { throw ValidationError("Give the rule set as PATH or as --rules, not both.") }
        }

        func run() throws {
            let chosen = Settings.load(configFile).rules(path ?? rules).value
            let catalog = try RuleLoading.catalog(rules: chosen)
            let checker = Checker(catalog: catalog)
            var failures = 0
            // The scripts go with the language sets: the shipped ones, or a lexicons folder's own.
            if chosen == nil || RuleLoading.isLexiconsFolder(chosen!) {
                for script in try RuleLoading.scripts(fixed: nil, rules: chosen).scripts {
                    let failed = script.testExamples()
                    for f in failed { Console.out("FAIL \(f)") }
                    Console.out("script \(script.id): \(script.exampleCount - failed.count) passed, \(failed.count) failed")
                    failures += failed.count
                }
            }
            for set in catalog.ruleSets {
                let examples = set.rules.reduce(0) { $0 + $1.examples.count }
                let failed = checker.testExamples(of: set)
                for f in failed { Console.out("FAIL \(f)") }
                let noExamples = set.rules.filter { $0.examples.isEmpty && CheckRegistry.examplesNeed($0.header.kind) != .none }.map(\.header.id)
                if !noExamples.isEmpty { Console.out("note: \(set.name): rules without examples: \(noExamples.joined(separator: ", "))") }
                Console.out("\(set.name): \(examples - failed.count) passed, \(failed.count) failed")
                failures += failed.count
            }
            if failures > 0 { throw ExitCode(1) }
        }
    }

    struct Phrases: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "phrases", abstract: "Print every phrase of the active rule sets, folded, one per line (for other tools: rg -F -f).")
        @OptionGroup var ruleOptions: RuleOptions
        @OptionGroup var configFile: ConfigOptions

        func run() throws {
            var seen = Set<String>()
            for set in try ruleOptions.catalog(Settings.load(configFile)).ruleSets {
                for p in set.foldedPhrases where seen.insert(p).inserted { Console.out(p) }
            }
        }
    }

    struct SuggestExamples: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "suggest-examples",
            abstract: "Propose examples from reviewers: missed turns as flag, turns of rejected findings as pass (YAML to paste).",
            discussion: """
            Reviewers mark misses with callqc review CALL --missed RULE@TURN and wrong findings with --reject RULE \
            (or on the web review form). The turns are quoted from the store, grouped by rule, personal data masked.

            Example: callqc rules suggest-examples --db qc.sqlite -o suggestions.yaml
            """
        )
        @Option(name: .long, help: "The results database: a SQLite file, or postgres://USER@HOST:5432/DB (default: db in .callqc.yml).") var db: String?
        @OptionGroup var configFile: ConfigOptions
        @Option(name: [.short, .long], help: "Write to this file instead of standard output.") var output: String?
        @Flag(name: .customLong("redact"), inversion: .prefixedNo, help: "--no-redact: quote personal data unmasked.") var redactFlag: Bool?

        func run() throws {
            let settings = Settings.load(configFile)
            let db = try settings.requireDatabase(self.db)
            let noRedact = !settings.redact(redactFlag).value
            let store = try StoreAccess.open(db)
            let suggestions = try ExampleSuggestions(reviews: try store.reviews(), stored: { try store.detail(callID: $0) })
            // Each rule's first role decides how an example is written; without the lexicons, agent.
            var roles: [String: Role] = [:]
            if let catalog = RuleLoading.catalogIfReadable(rules: settings.rules(nil).value) {
                for set in catalog.ruleSets {
                    for rule in set.rules where roles[rule.header.id] == nil { roles[rule.header.id] = rule.header.roles.first ?? .agent }
                }
            }
            let sink = try OutputSink(path: output)
            sink.write(suggestions.yaml(roles: roles, redactor: noRedact ? nil : Redactor(), source: SQLStore.isServerURL(db) ? StoreAccess.shown(db) : (db as NSString).lastPathComponent))
            if !suggestions.unmatched.isEmpty {
                let ids = suggestions.unmatched.map { noRedact ? $0 : Redactor().redact($0) }
                Console.warn("reviewed calls not in the store: \(ids.joined(separator: ", "))", redact: false)
            }
        }
    }
}
