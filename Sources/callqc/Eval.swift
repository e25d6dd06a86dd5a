import ArgumentParser
import CallQC
import Foundation

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure the rules on labelled turns: precision, recall and F1 per rule, every miss and false alarm.",
        discussion: """
        Inputs are JSON Lines files (one labelled turn a line: {"text", "role", "expect": [rule ids], \
        "lang", "before", "after", "category"…}), labelled transcripts (a plain transcript whose \
        turns end with '  # expect: rule.id, rule.id' or '# expect: -'), or folders of them \
        (.jsonl, .ndjson, .txt). Only findings on the labelled turn count, and only of the scored \
        kinds. See docs/eval.md.

        Exit status: 1 when a line could not be read (the rest are still scored) or a \
        --min-precision/--min-recall threshold is not met; 2 for usage errors.

        Examples:
          callqc eval eval/
          callqc eval eval/ --format json -o eval.json
          callqc eval eval/ --group taboo+curt --min-precision 0.95 --min-recall 0.85
          callqc eval my-labels.jsonl --rules my-rules/
        """
    )

    @Argument(help: "Labelled files (.jsonl, labelled .txt transcripts) or folders of them.")
    var paths: [String] = []

    @Option(name: .long, help: "A rule set (folder or YAML file) for every turn, instead of the one each record's lang picks, or a folder of rule sets by language (default: rules in .callqc.yml).")
    var rules: String?

    @Option(name: .long, help: "The lexicons folder holding zh-CN/ and en/ (default: rules in .callqc.yml, else as for check).")
    var lexicons: String?

    @Option(name: .long, help: "Check kinds whose findings are scored, comma-separated.")
    var kinds: String = Evaluator.defaultKinds.joined(separator: ",")

    @Option(name: .long, help: "Break the counts down by this field of the labelled turns.")
    var by: EvaluationBreakdown = .category

    @Option(name: .long, help: "Output format.")
    var format: TableOrJSON = .table

    @Option(name: [.short, .long], help: "Write to this file instead of standard output.")
    var output: String?

    @Option(name: .customLong("min-precision"), help: "Exit 1 when the precision of a --group is below this (0.95 or 95%).")
    var minPrecision: String?

    @Option(name: .customLong("min-recall"), help: "Exit 1 when the recall of a --group is below this (0.85 or 85%).")
    var minRecall: String?

    @Option(name: .long, help: "The row the thresholds apply to: taboo+curt, pii, all (every rule together) or a rule id (repeatable; default all).")
    var group: [String] = []

    @Flag(name: .customLong("redact"), inversion: .prefixedNo, help: "--no-redact: show personal data in the listed turns unmasked (default: masked, or as redact in .callqc.yml says).")
    var redactFlag: Bool?

    @OptionGroup var configFile: ConfigOptions

    @Flag(name: .long, help: "Match phrases literally only, as check --no-sound does: measures what the match by sound (recognisers' homophones such as 不知到) brings and costs.")
    var noSound = false

    @Flag(name: [.short, .long], help: "Do not print warnings.")
    var quiet = false

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one labelled file or folder (eval/).") }
        if kindList.isEmpty { throw ValidationError("--kinds names no check kind.") }
        for (name, value) in [("--min-precision", minPrecision), ("--min-recall", minRecall)] {
            if let value, Eval.fraction(value) == nil { throw ValidationError("\(name) takes a fraction (0.95) or a percentage (95%), found '\(value)'.") }
        }
        if !group.isEmpty && minPrecision == nil && minRecall == nil {
            throw ValidationError("--group names the row that --min-precision and --min-recall apply to: give one of them.")
        }
    }

    var kindList: [String] { kinds.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }

    /// `0.95`, `95` or `95%` → 0.95.
    static func fraction(_ text: String) -> Double? {
        var t = text.trimmingCharacters(in: .whitespaces)
        let percent = t.hasSuffix("%")
        if percent { t.removeLast() }
        guard let v = Double(t), v.isFinite, v >= 0 else { return nil }
        let f = percent || v > 1 ? v / 100 : v
        return f <= 1 ? f : nil
    }

    func run() throws {
        let settings = Settings.load(configFile)
        let noRedact = !settings.redact(redactFlag).value
        let catalog: RuleCatalog
        if rules == nil, let lexicons {
            // --lexicons is a flag: it beats the configuration's rules.
            do {
                catalog = try RuleCatalog.load(rules: nil, lexicons: lexicons, soundMatching: !noSound, cache: RuleLoading.ruleCache)
            } catch {
                RuleLoading.fail(error)
            }
        } else {
            catalog = try RuleLoading.catalog(rules: settings.rules(rules).value, soundMatching: !noSound)
        }
        let known = Set(catalog.ruleSets.flatMap { $0.rules.map(\.header.kind.rawValue) })
        let unusedKinds = kindList.filter { !known.contains($0) && !Evaluator.defaultKinds.contains($0) }
        if !unusedKinds.isEmpty, !quiet {
            Console.warn("no rule of kind \(unusedKinds.joined(separator: ", ")) in the rule sets", redact: false)
        }
        let evaluator = Evaluator(checker: Checker(catalog: catalog), kinds: Set(kindList))
        let reader = LabelledDataReader()
        let (files, expandProblems) = reader.expand(paths)
        var errors = 0
        func report(_ p: InputProblem) {
            if p.severity == .error { errors += 1 }
            Console.report(p, quiet: quiet)
        }
        expandProblems.forEach(report)
        var turns: [EvaluatedTurn] = []
        for file in files {
            let outcome = reader.read(file: file)
            outcome.problems.forEach(report)
            for labelled in outcome.calls { turns += evaluator.evaluate(labelled) }
        }
        let evaluation = Evaluation(turns: turns, kinds: kindList, breakdown: by)
        if !quiet {
            if !evaluation.unknownRules.isEmpty {
                Console.warn("expected rules not in the rule set, counted as misses: \(evaluation.unknownRules.joined(separator: ", "))", redact: false)
            }
            if !evaluation.unscoredRules.isEmpty {
                Console.warn("expected rules of kinds not scored (--kinds), left out: \(evaluation.unscoredRules.joined(separator: ", "))", redact: false)
            }
        }
        let redactor = noRedact ? nil : Redactor()
        let sink = try OutputSink(path: output)
        let sets = catalog.ruleSets.map { "\($0.name) \($0.version)" }
        if format == .json {
            sink.write(EvalText.json(evaluation, files: files.count, ruleSets: sets, redactor: redactor).pretty() + "\n")
        } else {
            sink.write(EvalText.table(evaluation, files: files.count, ruleSets: sets, redactor: redactor))
        }

        var failed = false
        let names = group.isEmpty ? ["all"] : group
        for name in names where minPrecision != nil || minRecall != nil {
            guard let counts = evaluation.counts(for: name) else {
                Console.error("--group '\(name)': no such row (groups: \(evaluation.groups.map(\.name).joined(separator: ", ")), all, or a rule id with labelled turns or findings)", redact: false)
                failed = true
                continue
            }
            for (what, threshold, value) in [("precision", minPrecision, counts.precision), ("recall", minRecall, counts.recall)] {
                guard let threshold, let wanted = Eval.fraction(threshold) else { continue }
                // Nothing found means no false alarm; nothing expected means nothing to miss.
                let measured = value ?? 1
                if measured < wanted {
                    Console.say("\(name): \(what) \(EvalText.percent(measured)) is below \(EvalText.percent(wanted))", redact: false)
                    failed = true
                }
            }
        }
        if errors > 0 || failed { throw ExitCode(1) }
    }
}

/// Text forms of an evaluation.
enum EvalText {
    static func percent(_ v: Double?) -> String {
        guard let v else { return "-" }
        return String(format: "%.1f%%", v * 100)
    }

    static func countsColumns(_ c: EvaluationCounts) -> String {
        DisplayWidth.pad(String(c.truePositives), 6, right: true) + DisplayWidth.pad(String(c.falsePositives), 6, right: true)
            + DisplayWidth.pad(String(c.falseNegatives), 6, right: true) + DisplayWidth.pad(percent(c.precision), 11, right: true)
            + DisplayWidth.pad(percent(c.recall), 8, right: true) + DisplayWidth.pad(percent(c.f1), 8, right: true)
    }

    static func table(_ e: Evaluation, files: Int, ruleSets: [String], redactor: Redactor?) -> String {
        var out = "\(e.turns.count) labelled turn\(e.turns.count == 1 ? "" : "s") from \(files) file\(files == 1 ? "" : "s"); kinds scored: \(e.kinds.joined(separator: ", ")); rule sets: \(ruleSets.joined(separator: ", "))\n\n"
        let width = max(24, (e.rules.map(\.name) + e.groups.map(\.name) + e.categories.map(\.name)).map(DisplayWidth.of).max() ?? 0) + 2
        let header = DisplayWidth.pad("TP", 6, right: true) + DisplayWidth.pad("FP", 6, right: true) + DisplayWidth.pad("FN", 6, right: true)
            + DisplayWidth.pad("PRECISION", 11, right: true) + DisplayWidth.pad("RECALL", 8, right: true) + DisplayWidth.pad("F1", 8, right: true)
        out += DisplayWidth.pad("RULE", width) + header + "\n"
        for r in e.rules { out += DisplayWidth.pad(r.name, width) + countsColumns(r.counts) + "\n" }
        out += DisplayWidth.pad("all", width) + countsColumns(e.all) + "\n\n"
        out += DisplayWidth.pad("GROUP (turns)", width) + header + "\n"
        for g in e.groups { out += DisplayWidth.pad(g.name, width) + countsColumns(g.counts) + "\n" }
        if !e.categories.isEmpty {
            out += "\n" + DisplayWidth.pad(e.breakdown.rawValue.uppercased(), width) + DisplayWidth.pad("TURNS", 6, right: true) + DisplayWidth.pad("EXACT", 7, right: true) + header + "\n"
            for c in e.categories {
                out += DisplayWidth.pad(c.name, width) + DisplayWidth.pad(String(c.turns), 6, right: true)
                    + DisplayWidth.pad(String(c.exact), 7, right: true) + countsColumns(c.counts) + "\n"
            }
        }
        func list(_ title: String, _ turns: [EvaluatedTurn]) {
            out += "\n\(title) (\(turns.count))\n"
            for t in turns {
                let found = t.found.isEmpty ? "nothing" : t.found.joined(separator: ", ")
                let expected = t.expected.isEmpty ? "nothing" : t.expected.joined(separator: ", ")
                var line = "\(redact(t.label.id, redactor))  \(redact(t.label.file, redactor)):\(t.label.line)"
                if let c = t.label.category { line += "  [\(c)]" }
                line += "  expected \(expected) · found \(found)\n"
                out += line + "    \(t.role.rawValue): \(redact(t.text, redactor))\n"
            }
        }
        list("MISSES", e.misses)
        list("FALSE ALARMS", e.falseAlarms)
        return out
    }

    static func redact(_ text: String, _ r: Redactor?) -> String { r?.redact(text) ?? text }

    static func counts(_ c: EvaluationCounts) -> [(String, JSONValue)] {
        [("tp", .number(Double(c.truePositives))), ("fp", .number(Double(c.falsePositives))), ("fn", .number(Double(c.falseNegatives))),
         ("precision", .number(c.precision)), ("recall", .number(c.recall)), ("f1", .number(c.f1))]
    }

    static func json(_ e: Evaluation, files: Int, ruleSets: [String], redactor: Redactor?) -> JSONValue {
        func turn(_ t: EvaluatedTurn) -> JSONValue {
            .object([
                ("id", .string(redact(t.label.id, redactor))), ("file", .string(redact(t.label.file, redactor))), ("line", .number(Double(t.label.line))),
                ("turn", .number(Double(t.label.turn))), ("role", .string(t.role.rawValue)), ("category", .string(t.label.category)),
                ("channel", .string(t.label.channel)), ("source", .string(t.label.source)), ("lang", .string(t.lang)), ("rule_set", .string(t.ruleSet)),
                ("expected", .array(t.expected.map(JSONValue.string))), ("found", .array(t.found.map(JSONValue.string))),
                ("missed", .array(t.missed.map(JSONValue.string))), ("false_alarms", .array(t.falseAlarms.map(JSONValue.string))),
                ("text", .string(redact(t.text, redactor))),
            ])
        }
        return .object([
            ("schema", .string("callqc.eval/1")),
            ("turns", .number(Double(e.turns.count))), ("files", .number(Double(files))),
            ("kinds", .array(e.kinds.map(JSONValue.string))), ("rule_sets", .array(ruleSets.map(JSONValue.string))),
            ("rules", .array(e.rules.map { .object([("rule", .string($0.name))] + counts($0.counts)) })),
            ("all", .object(counts(e.all))),
            ("groups", .array(e.groups.map { .object([("group", .string($0.name))] + counts($0.counts)) })),
            ("breakdown", .string(e.breakdown.rawValue)),
            ("categories", .array(e.categories.map { c in
                .object([("category", .string(c.name)), ("turns", .number(Double(c.turns))), ("exact", .number(Double(c.exact)))] + counts(c.counts))
            })),
            ("unknown_rules", .array(e.unknownRules.map(JSONValue.string))),
            ("unscored_rules", .array(e.unscoredRules.map(JSONValue.string))),
            ("misses", .array(e.misses.map(turn))),
            ("false_alarms", .array(e.falseAlarms.map(turn))),
        ])
    }
}
