import ArgumentParser
import CallQC
import CallQCText
import Foundation

@main
struct CallQCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callqc",
        abstract: "Call quality inspection (质检) and script compliance for call transcripts.",
        discussion: """
        Reads call transcripts (plain text, callqc JSON, JSON Lines, and the output of \
        Aliyun, Tencent, Amazon Transcribe, Azure Speech and Whisper, WebVTT, SRT, Zoom) in Chinese \
        (Simplified or Traditional) or English and checks every call.

        Exit status: 0 when every input was read, 1 when some could not be \
        (the rest are still reported), 2 for usage errors.
        """,
        version: "\(CallQCVersion.name) \(CallQCVersion.version) (ICU \(ICU.version))",
        subcommands: [Check.self, Eval.self, Lint.self, Sample.self, ReviewCommand.self, ReportCommand.self, Convert.self, Redact.self, Cases.self, Rules.self, Serve.self, Purge.self]
    )

    /// Usage errors exit with 2 (ArgumentParser's default is 64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure || error is ValidationError {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// Options shared by the commands that read transcripts.
struct InputOptions: ParsableArguments {
    @Argument(help: "Transcript files, directories (searched recursively) or - for standard input.")
    var paths: [String] = []

    @Option(name: .customLong("input-format"), help: "Read inputs as this format instead of detecting it (docs/formats.md).")
    var inputFormat: InputFormat?

    @Option(name: .customLong("agent-label"), help: "A speaker label to read as the agent (repeatable).")
    var agentLabels: [String] = []

    @Option(name: .customLong("customer-label"), help: "A speaker label to read as the customer (repeatable).")
    var customerLabels: [String] = []

    @Option(name: .customLong("agent-speaker"), help: "A recogniser's speaker label that is the agent (spk_0, SPEAKER_01, a name; a bare number matches spk_N, SPEAKER_0N); the other speakers are customers (repeatable).")
    var agentSpeakers: [String] = []

    @Option(name: .customLong("agent-channel"), help: "The recording channel of the agent (0, 1…): speakers ch_N; the other channels are customers (repeatable).")
    var agentChannels: [Int] = []

    @Flag(name: [.short, .long], help: "Do not print warnings (unknown speaker labels and the like).")
    var quiet = false

    @Option(name: .customLong("max-file-size"), help: "Refuse input files larger than this many MB, before reading them.")
    var maxFileSize: Int = FileBytes.defaultLimit >> 20

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one transcript file, directory, or - for standard input.") }
        if let c = agentChannels.first(where: { $0 < 0 }) { throw ValidationError("--agent-channel \(c): a channel is 0 or more.") }
        if !(1...(1 << 20)).contains(maxFileSize) { throw ValidationError("--max-file-size must be between 1 and 1048576 (MB).") }
    }

    var loader: TranscriptLoader {
        var roles = RoleMap.standard
        for label in agentLabels { roles.add(label: label, role: .agent) }
        for label in customerLabels { roles.add(label: label, role: .customer) }
        var options = ReadOptions(roleMap: roles, agentSpeakers: agentSpeakers, agentChannels: agentChannels)
        options.maxFileBytes = maxFileSize << 20
        return TranscriptLoader(options: options, format: inputFormat)
    }
}

/// `--input-format`: the names the readers declare (``ReaderRegistry``), validated by ArgumentParser.
extension InputFormat: ExpressibleByArgument {}

/// Where output goes: standard output or a file.
struct OutputSink {
    private let handle: FileHandle
    let isTerminal: Bool

    init(path: String?) throws {
        if let path {
            // Open in place (create or truncate), never replace: -o /dev/null must stay a device.
            // Created readable by the owner only: results quote transcripts.
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                throw ValidationError("Cannot write to '\(path)': \(String(cString: strerror(errno))).")
            }
            handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
            isTerminal = isatty(fd) == 1
        } else {
            handle = FileHandle.standardOutput
            isTerminal = isatty(STDOUT_FILENO) == 1
        }
    }

    func write(_ text: String) {
        if !text.isEmpty { handle.write(Data(text.utf8)) }
    }

    func write(bytes: [UInt8]) {
        if !bytes.isEmpty { handle.write(Data(bytes)) }
    }

    /// Writes a whole file readable by its owner only (0600 when created), as exports are.
    static func writeFile(_ path: String, _ text: String) throws {
        try OutputSink(path: path).write(text)
    }
}

enum Diagnostics {
    static func report(_ problem: InputProblem, quiet: Bool, redact: Bool = true) {
        if let line = line(problem, quiet: quiet, redact: redact) { FileHandle.standardError.write(Data(line.utf8)) }
    }

    /// The line `report` writes; nil for a warning under --quiet. Personal data in the message and
    /// the file name is masked unless `redact` is false (--no-redact); control characters are escaped.
    static func line(_ problem: InputProblem, quiet: Bool, redact: Bool = true) -> String? {
        if problem.severity == .warning && quiet { return nil }
        let label = problem.severity == .error ? "error" : "warning"
        return "callqc: \(label): \(TerminalText.safe((redact ? problem.masked() : problem).description))\n"
    }

    /// A message of callqc's own on standard error (`callqc: error: …`), masked and escaped the same way.
    static func say(_ text: String, redact: Bool = true) {
        let shown = TerminalText.safe(redact ? PIIDetector().redact(text) : text)
        FileHandle.standardError.write(Data("callqc: \(shown)\n".utf8))
    }
}

/// Output held for a batch and written in the order it was made: results for standard
/// output (or -o) and diagnostics for standard error, each run of results in one write.
struct OrderedOutput {
    private var chunks: [(toError: Bool, bytes: [UInt8])] = []

    mutating func out(_ bytes: [UInt8]) {
        if bytes.isEmpty { return }
        if let last = chunks.indices.last, !chunks[last].toError { chunks[last].bytes += bytes } else { chunks.append((false, bytes)) }
    }

    mutating func err(_ text: String) { chunks.append((true, Array(text.utf8))) }

    mutating func flush(to sink: OutputSink) {
        for chunk in chunks {
            if chunk.toError { FileHandle.standardError.write(Data(chunk.bytes)) } else { sink.write(bytes: chunk.bytes) }
        }
        chunks.removeAll(keepingCapacity: true)
    }
}
