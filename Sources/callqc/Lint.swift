import ArgumentParser
import CallQC
import Foundation

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lint", 
        abstract: "An agent's own check of a script draft or of their own call.",
        discussion: """
        Takes a script draft (plain text: every line is what the agent says; # starts a comment), \
        a script file (.yaml), or a call transcript (then only the agent's turns). Reports taboo \
        phrases with a better phrasing, a missing greeting or closing, politeness, clauses too long \
        for one breath, and the reading time of each line at the standard rate.

        Examples:
          callqc lint samples/drafts/survey-draft.txt
          callqc lint lexicons/scripts/satisfaction-survey.yaml
          callqc lint samples/rude-agent.txt --fail-on error
        """
    )

    @Argument(help: "Script drafts, script files or call transcripts.")
    var files: [String]

    @Option(name: .long, help: "Read every input as: draft, script or transcript (default: by extension and content).")
    var `as`: String?

    @Option(name: .long, help: "Output format.")
    var format: TableOrJSON = .table

    @Option(name: .long, help: "Speech rate for reading times, characters a minute for Chinese, words for English (default: speech_rate in .callqc.yml, else 120 characters, 150 words).")
    var rate: Double?

    @Option(name: .customLong("max-clause"), help: "Longest stretch without a pause: characters for Chinese (default 25), words for English (default 20).")
    var maxClause: Int?

    @Option(name: .customLong("fail-on"), help: "Exit with status 1 when an issue at or above this severity occurs: info, warning, error, critical.")
    var failOn: String?

    @Option(name: .long, help: "A rule set to lint with instead of the language's default, or a folder of rule sets by language (default: rules in .callqc.yml).")
    var rules: String?

    @Flag(name: .long, help: "Match phrases literally only in call transcripts too (drafts and scripts are typed: never matched by sound).")
    var noSound = false

    @Flag(name: .customLong("redact"), inversion: .prefixedNo, help: "--no-redact: show personal data unmasked in the report (default: masked, or as redact in .callqc.yml says).")
    var redactFlag: Bool?

    @OptionGroup var configFile: ConfigOptions

    func validate() throws {
        if let a = `as`, LintReport.Mode(rawValue: a) == nil { throw ValidationError("Unknown --as '\(a)'. Use draft, script or transcript.") }
        if let f = failOn, Severity(rawValue: f) == nil { throw ValidationError("Unknown --fail-on '\(f)'. Use info, warning, error or critical.") }
        if let r = rate, r <= 0 { throw ValidationError("--rate must be above 0.") }
        if let m = maxClause, m < 1 { throw ValidationError("--max-clause must be at least 1.") }
    }

    func run() throws {
        let settings = Settings.load(configFile)
        let noRedact = !settings.redact(redactFlag).value
        var linter = ScriptLinter(checker: Checker(catalog: try RuleLoading.catalog(rules: settings.rules(rules).value, soundMatching: !noSound)), rate: rate, maxClause: maxClause)
        let rates = settings.readingRates(rate)
        linter.charactersPerMinute = rates.characters.value
        linter.wordsPerMinute = rates.words.value
        let loader = TranscriptLoader(options: settings.readOptions())
        let threshold = failOn.flatMap(Severity.init(rawValue:))
        let color = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        var reports: [LintReport] = []
        var unreadable = false
        for file in files {
            switch lint(file, linter, loader) {
            case .success(let found):
                for report in found { reports.append(noRedact ? report : report.redactedForOutput()) }
            case .failure(let unread):
                unread.problems.forEach { Console.report($0, quiet: false, redact: !noRedact) }
                unreadable = true
            }
        }
        if format == .json {
            Console.out(JSONValue.array(reports.map(LintRenderer.json)).pretty())
        } else {
            Console.out(reports.map { LintRenderer.table($0, color: color) }.joined(separator: "\n"), terminator: "")
        }
        let failed = threshold.map { t in reports.contains { $0.allIssues.contains { $0.severity >= t } } } ?? false
        if unreadable || failed { throw ExitCode(1) }
    }

    /// What could not be read of one input: each problem names the file and, where there is one, the line.
    struct Unreadable: Error { var problems: [InputProblem] }

    /// One report per call of a transcript file, one for a draft or a script. Transcripts and
    /// drafts are read through the loader `check` uses: the format is decided there, once.
    func lint(_ file: String, _ linter: ScriptLinter, _ loader: TranscriptLoader) -> Result<[LintReport], Unreadable> {
        let ext = (file as NSString).pathExtension.lowercased()
        var mode = `as`.flatMap(LintReport.Mode.init(rawValue:))
        if mode == nil && (ext == "yaml" || ext == "yml") { mode = .script }
        if mode == .script {
            do {
                let script = try ScriptLoader().load(file)
                return .success([linter.lint(ScriptLinter.scriptLines(script), source: file, mode: .script)])
            } catch {
                return .failure(Unreadable(problems: [InputProblem(source: file, line: error.line, message: error.message + (error.fix.map { "; \($0)" } ?? ""))]))
            }
        }
        let input: PreparedInput
        switch loader.prepare(.file(file)) {
        case .failure(let problem): return .failure(Unreadable(problems: [problem]))
        case .success(let prepared): input = prepared
        }
        if mode != .draft {
            // A transcript when it reads as one with agent or customer turns.
            let outcome = loader.read(input)
            let calls = outcome.calls.filter { $0.turns.contains { $0.role == .agent } }
            if !calls.isEmpty {
                let several = outcome.calls.count > 1
                return .success(calls.map { linter.lint(ScriptLinter.agentLines($0), source: several ? "\(file) (\($0.id))" : file, mode: .transcript) })
            }
            // JSON, subtitles or timed lines that cannot be read are reported, not linted as a draft.
            if mode == .transcript || (input.looksLikeTranscript && !outcome.errors.isEmpty) {
                return .failure(Unreadable(problems: outcome.errors.isEmpty ? [InputProblem(source: file, message: "no agent turns found in this transcript")] : outcome.errors))
            }
        }
        let lines = ScriptLinter.draftLines(String(decoding: input.text.bytes, as: UTF8.self))
        if lines.isEmpty { return .failure(Unreadable(problems: [InputProblem(source: file, message: "nothing to lint: the draft has no lines")])) }
        return .success([linter.lint(lines, source: file, mode: .draft)])
    }
}
