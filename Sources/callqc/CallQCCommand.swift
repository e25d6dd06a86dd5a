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

        Settings come from flags, else from .callqc.yml (the nearest in this folder or a parent, \
        or --config FILE), else the defaults: callqc config shows them; callqc init starts a \
        center's own rule set and .callqc.yml (docs/config.md).

        Exit status: 0 when every input was read, 1 when some could not be \
        (the rest are still reported), 2 for usage errors.
        """,
        version: "\(CallQCVersion.name) \(CallQCVersion.version) (ICU \(ICU.version))",
        subcommands: [Check.self, Live.self, Eval.self, Lint.self, Sample.self, ReviewCommand.self, ReportCommand.self, Convert.self, Redact.self, Cases.self, Rules.self, Serve.self, Init.self, ConfigCommand.self, Purge.self, Users.self, AuditCommand.self, Appeals.self]
    )

    /// Usage errors exit with 2 (ArgumentParser's default is 64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure || error is ValidationError {
                Console.usageError(fullMessage(for: error))
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

    @Option(name: .customLong("agent-label"), help: "A speaker label to read as the agent (repeatable; replaces agent_labels of .callqc.yml).")
    var agentLabels: [String] = []

    @Option(name: .customLong("customer-label"), help: "A speaker label to read as the customer (repeatable; replaces customer_labels of .callqc.yml).")
    var customerLabels: [String] = []

    @Option(name: .customLong("agent-speaker"), help: "A recogniser's speaker label that is the agent (spk_0, SPEAKER_01, a name; a bare number matches spk_N, SPEAKER_0N); the other speakers are customers (repeatable; replaces agent_speakers of .callqc.yml).")
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

    /// The loader for these flags; labels and speakers not given come from the settings.
    func loader(_ settings: Settings) -> TranscriptLoader {
        var options = settings.readOptions(agentLabels: agentLabels, customerLabels: customerLabels, agentSpeakers: agentSpeakers, agentChannels: agentChannels)
        options.maxFileBytes = maxFileSize << 20
        return TranscriptLoader(options: options, format: inputFormat)
    }
}

