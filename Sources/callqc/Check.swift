import ArgumentParser
import CallQC
import CallQCText

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check calls against the rules and print findings and scores.",
        discussion: """
        Each call is checked with the rule set of its language (lexicons/zh-CN for Chinese, \
        Simplified or Traditional; lexicons/en for English) unless --rules names one.

        Examples:
          callqc check samples/
          callqc check calls/ --format jsonl -o results.jsonl
          callqc check calls/ --format csv --bom -o results.csv
          callqc check call.txt --fail-on error
        """
    )

    @OptionGroup var input: InputOptions
    @OptionGroup var ruleOptions: RuleOptions

    @Option(name: .long, help: "Output format: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: String = "table"

    @Option(name: [.short, .long], help: "Write results to this file instead of standard output.")
    var output: String?

    @Option(name: .customLong("fail-on"), help: "Exit with status 1 when a finding at or above this severity occurs: info, warning, error, critical.")
    var failOn: String?

    @Flag(name: .long, help: "Start CSV output with a UTF-8 byte-order mark, so Excel shows Chinese correctly.")
    var bom = false

    @Flag(name: .customLong("no-color"), help: "No colours in the table, even on a terminal.")
    var noColor = false

    func validate() throws {
        if OutputFormat(rawValue: format) == nil {
            throw ValidationError("Unknown --format '\(format)'. Use one of: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        if let f = failOn, Severity(rawValue: f) == nil {
            throw ValidationError("Unknown --fail-on '\(f)'. Use info, warning, error or critical.")
        }
    }

    func run() throws {
        let catalog = try ruleOptions.catalog()
        let scripts = try ruleOptions.scripts()
        let checker = Checker(catalog: catalog, scripts: scripts)
        var unknownScripts = Set<String>()
        let sink = try OutputSink(path: output)
        let outputFormat = OutputFormat(rawValue: format) ?? .table
        let renderer = outputFormat.renderer(color: sink.isTerminal && !noColor && ProcessInfo.processInfo.environment["NO_COLOR"] == nil,
                                             sections: catalog.ruleSets[0].scoring.sections, byteOrderMark: bom)
        let threshold = failOn.flatMap(Severity.init(rawValue:))
        let loader = input.loader
        let (inputs, expandProblems) = loader.expand(input.paths)
        var summary = RunSummary()
        var index = 0
        var failed = false
        sink.write(renderer.begin())
        func problem(_ p: InputProblem) {
            Diagnostics.report(p, quiet: input.quiet)
            if p.severity == .error {
                summary.errors += 1
                sink.write(renderer.render(problem: p, index: index))
                index += 1
            } else {
                summary.warnings += 1
            }
        }
        expandProblems.forEach(problem)
        for ref in inputs {
            summary.inputs += 1
            let outcome = loader.load(ref)
            outcome.warnings.forEach(problem)
            outcome.errors.forEach(problem)
            for call in outcome.calls {
                if scripts.fixed == nil, let name = call.script, scripts.script(for: call) == nil, unknownScripts.insert(name).inserted {
                    problem(InputProblem(source: call.source ?? ref.description, message: "call \(call.id) names script '\(name)', which is not in lexicons/scripts (known: \(scripts.scripts.map(\.id).joined(separator: ", "))); its steps are not checked", severity: .warning))
                }
                let result = checker.check(call)
                sink.write(renderer.render(result, index: index))
                index += 1
                summary.add(result)
                if let threshold, let worst = result.worstSeverity, worst >= threshold { failed = true }
            }
        }
        sink.write(renderer.end(summary))
        if summary.errors > 0 || failed { throw ExitCode(1) }
    }
}

import Foundation
