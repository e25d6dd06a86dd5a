import ArgumentParser
import CallQC
import CallQCText

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check calls and print a result for each.",
        discussion: "Example: callqc check samples/ --format table"
    )

    @OptionGroup var input: InputOptions

    @Option(name: .long, help: "Output format: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: String = "table"

    @Option(name: [.short, .long], help: "Write results to this file instead of standard output.")
    var output: String?

    func validate() throws {
        if OutputFormat(rawValue: format) == nil {
            throw ValidationError("Unknown --format '\(format)'. Use one of: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
    }

    func run() throws {
        let sink = try OutputSink(path: output)
        let outputFormat = OutputFormat(rawValue: format) ?? .table
        let renderer = outputFormat.renderer(color: sink.isTerminal)
        let loader = input.loader
        let counter = SpeechCounter()
        let (inputs, expandProblems) = loader.expand(input.paths)
        var summary = RunSummary()
        var index = 0
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
                sink.write(renderer.render(CallResult.check(call, counter: counter), index: index))
                index += 1
                summary.calls += 1
            }
        }
        sink.write(renderer.end(summary))
        if summary.errors > 0 { throw ExitCode(1) }
    }
}
