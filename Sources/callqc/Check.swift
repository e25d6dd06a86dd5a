import ArgumentParser
import CallQC
import CallQCText
import Foundation

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", 
        abstract: "Check calls against the rules and print findings and scores.",
        discussion: """
        Each call is checked with the rule set of its language (lexicons/zh-CN for Chinese, \
        Simplified or Traditional; lexicons/en for English) unless --rules names one. Inputs \
        are files, directories (recursively), @LIST files naming one path a line, or - for \
        standard input (JSON Lines are streamed). All cores are used; memory stays flat.

        Examples:
          callqc check samples/
          callqc check calls/ --format jsonl -o results.jsonl
          callqc check calls/ --db qc.sqlite
          callqc check calls/ --db qc.sqlite --audio-root recordings/
          callqc check calls/ --format csv --bom -o results.csv
          callqc check call.txt --fail-on error
        """
    )

    @OptionGroup var input: InputOptions
    @OptionGroup var ruleOptions: RuleOptions
    @OptionGroup var configFile: ConfigOptions

    @Option(name: .long, help: "Output format.")
    var format: OutputFormat = .table

    @Option(name: [.short, .long], help: "Write results to this file instead of standard output.")
    var output: String?

    @Option(name: .long, help: "Also store results in this database: a SQLite file (created if missing), or postgres://USER@HOST:5432/DB (default: db in .callqc.yml).")
    var db: String?

    @Option(name: .customLong("fail-on"), help: "Exit with status 1 when a finding at or above this severity occurs: info, warning, error, critical.")
    var failOn: String?

    @Flag(name: .long, help: "Start CSV output with a UTF-8 byte-order mark, so Excel shows Chinese correctly.")
    var bom = false

    @Flag(name: .customLong("no-color"), help: "No colours in the table, even on a terminal.")
    var noColor = false

    @Flag(name: .customLong("no-progress"), help: "No progress line on standard error.")
    var noProgress = false

    @Option(name: .customLong("audio-root"), help: ArgumentHelp("A folder of recordings: a call without a recording gets DIR/CALL_ID.wav (or .mp3, .m4a, .opus, .ogg) when it exists (repeatable; default: audio_root in .callqc.yml).", valueName: "dir"))
    var audioRoot: [String] = []

    @Option(name: .long, help: "Calls read and checked at once (memory grows with it).")
    var batch: Int = 256

    @Flag(name: .customLong("redact"), inversion: .prefixedNo, help: "--no-redact: show personal data (phone, ID, card numbers, e-mail) unmasked in the output. Masked by default (or as redact in .callqc.yml says); the --db store always keeps the original.")
    var redactFlag: Bool?

    func validate() throws {
        if let f = failOn, Severity(rawValue: f) == nil {
            throw ValidationError("Unknown --fail-on '\(f)'. Use info, warning, error or critical.")
        }
        if batch < 1 { throw ValidationError("--batch must be at least 1.") }
        try Settings.validateAudioRoots(audioRoot)
    }

    func run() throws {
        let settings = Settings.load(configFile)
        let noRedact = !settings.redact(redactFlag).value
        let db = settings.database(self.db).value
        let catalog = try ruleOptions.catalog(settings)
        let scripts = try ruleOptions.scripts(settings)
        let checker = Checker(catalog: catalog, scripts: scripts)
        let store = try db.map { try StoreAccess.open($0, create: true) }
        let sink = try OutputSink(path: output)
        let renderer = format.renderer(color: sink.isTerminal && !noColor && ProcessInfo.processInfo.environment["NO_COLOR"] == nil,
                                             sections: catalog.ruleSets[0].scoring.sections, byteOrderMark: bom)
        let threshold = failOn.flatMap(Severity.init(rawValue:))
        let redactor = Redactor()
        var loader = input.loader(settings)
        do { loader.options.audioRoots = try settings.audioRoots(audioRoot).value } catch { RuleLoading.fail(error) }
        // Folders are walked as the run goes: their paths are never all held at once.
        let (inputs, expandProblems) = loader.expand(input.paths, walkDirectories: false)
        let walking = inputs.contains { if case .directory = $0 { return true }; return false }
        let progress = Progress(enabled: !noProgress && isatty(STDERR_FILENO) == 1, total: walking ? 0 : inputs.count)
        var summary = RunSummary()
        var index = 0
        var failed = false
        var unknownScripts = Set<String>()
        sink.write(renderer.begin())
        // A batch's results, error records and diagnostics, written in order once per batch.
        var pending = OrderedOutput()
        // `unreadable` false: a line of JSON Lines on standard input that is not a call. It is
        // answered in its place like any error, but a pipe stage does not fail for its input's
        // records (docs/output.md, "Standard input as a pipe stage").
        func problem(_ p: InputProblem, unreadable: Bool = true) {
            if let line = Console.line(p, quiet: input.quiet, redact: !noRedact) { pending.err(line) }
            if p.severity == .error {
                summary.errors += 1
                if unreadable { failed = true }
                pending.out(Array(renderer.render(problem: noRedact ? p : p.masked(), index: index).utf8))
                index += 1
            } else {
                summary.warnings += 1
                if p.skippedInput { failed = true }
            }
        }
        expandProblems.forEach { problem($0) }
        pending.flush(to: sink)
        // Chunks of JSON Lines small enough that a batch is several items for the cores to share.
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let source = WorkSource(inputs: inputs, format: loader.format, linesPerChunk: max(1, min(64, batch / (2 * max(1, cores)))),
                                maxLineBytes: loader.options.maxLineBytes)
        let runner = BatchRunner(loader: loader, checker: checker, batchSize: batch)
        var lastStream: String?
        try runner.run(source) { outcomes in
            var stored: [CallResult] = []
            for outcome in outcomes {
                // A JSON Lines stream is one input however many chunks it comes in.
                if outcome.lineRecords {
                    if !outcome.records.isEmpty, lastStream != outcome.source { summary.inputs += 1; lastStream = outcome.source }
                } else if !outcome.records.isEmpty {
                    summary.inputs += 1
                    lastStream = nil
                }
                let pipeRecords = outcome.lineRecords && outcome.source == "-"
                outcome.warnings.forEach { problem($0) }
                for record in outcome.records {
                    guard case .result(let result) = record else {
                        if case .error(let e) = record { problem(e, unreadable: !pipeRecords) }
                        continue
                    }
                    let call = result.call
                    if scripts.fixed == nil, let name = call.script, result.script == nil, unknownScripts.insert(name).inserted {
                        problem(InputProblem(source: call.source ?? outcome.source, message: "call \(call.id) names script '\(name)', which is not in lexicons/scripts (known: \(scripts.scripts.map(\.id).joined(separator: ", "))); its steps are not checked", severity: .warning))
                    }
                    pending.out(renderer.renderBytes(noRedact ? result : result.redacted(redactor), index: index))
                    index += 1
                    summary.add(result)
                    stored.append(result)
                    if let threshold, let worst = result.worstSeverity, worst >= threshold { failed = true }
                }
            }
            if let store {
                // Two transcripts with one id are both kept; say so, naming both sources.
                for c in (try? store.collisions(stored)) ?? [] {
                    problem(InputProblem(source: c.source ?? "-", message: c.message, severity: .warning))
                }
            }
            progress.clear()
            pending.flush(to: sink)
            if let store { try StoreAccess.save(stored, to: store) }
            progress.update(calls: summary.calls, errors: summary.errors, inputsTaken: source.inputsTaken)
        }
        progress.clear()
        sink.write(renderer.end(summary))
        if let db, !noProgress {
            Console.say("\(summary.calls) result\(summary.calls == 1 ? "" : "s") stored in \(StoreAccess.shown(db))", redact: !noRedact)
        }
        if failed { throw ExitCode(1) }
    }
}

/// The progress line on standard error: calls done, rate, errors, time left.
final class Progress {
    let enabled: Bool
    let total: Int
    let started = Date()
    var shown = false

    init(enabled: Bool, total: Int) {
        self.enabled = enabled
        self.total = total
    }

    func update(calls: Int, errors: Int, inputsTaken: Int) {
        guard enabled else { return }
        let elapsed = max(Date().timeIntervalSince(started), 0.001)
        var line = "\(calls) calls · \(Int(Double(calls) / elapsed))/s · \(errors) error\(errors == 1 ? "" : "s")"
        if total > 1, inputsTaken > 0, inputsTaken < total {
            let left = elapsed / Double(inputsTaken) * Double(total - inputsTaken)
            line += " · \(inputsTaken)/\(total) inputs · ~\(Int(left.rounded()))s left"
        }
        Console.progress("\r\u{1B}[K\(line)")
        shown = true
    }

    func clear() {
        if shown { Console.progress("\r\u{1B}[K"); shown = false }
    }
}
