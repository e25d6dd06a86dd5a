/// Something wrong with an input: which file, which line, and why.
/// Errors mean a call (or a whole file) could not be read; warnings mean it was
/// read with something the user should know (an unknown speaker label).
public struct InputProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable { case error, warning }

    public var source: String
    public var line: Int?
    public var message: String
    public var severity: Severity
    /// The speaker label a warning is about ("unknown speaker label"), so the
    /// warning can be dropped once ``SpeakerRoles`` decides that label's role.
    public var speakerLabel: String?
    /// A warning about an input the walk skipped (a dangling link, a link loop): reported as
    /// a warning, but the run did not read everything it was given, so it ends with status 1.
    public var skippedInput = false

    public init(source: String, line: Int? = nil, message: String, severity: Severity = .error, speakerLabel: String? = nil) {
        self.source = source
        self.line = line
        self.message = message
        self.severity = severity
        self.speakerLabel = speakerLabel
    }

    /// The problem with personal data masked in its message and its file name, as in results:
    /// messages quote lines of transcripts, and file names can hold phone numbers.
    public func masked(_ detector: PIIDetector = PIIDetector()) -> InputProblem {
        var p = self
        p.source = detector.redact(source)
        p.message = detector.redact(message)
        return p
    }

    /// `file:line: message`, the form editors and terminals link to.
    public var description: String {
        if let line { return "\(source):\(line): \(message)" }
        return "\(source): \(message)"
    }
}

/// What reading one input gave: the calls, and the problems met on the way.
public struct ReadOutcome: Sendable {
    public var calls: [Call]
    public var errors: [InputProblem]
    public var warnings: [InputProblem]

    public init(calls: [Call] = [], errors: [InputProblem] = [], warnings: [InputProblem] = []) {
        self.calls = calls
        self.errors = errors
        self.warnings = warnings
    }

    static func failure(_ problem: InputProblem) -> ReadOutcome { ReadOutcome(errors: [problem]) }
}

/// How inputs are read.
public struct ReadOptions: Sendable {
    /// Speaker labels and their roles.
    public var roleMap: RoleMap
    /// Lines longer than this many bytes are refused (a transcript line is never a megabyte).
    public var maxLineBytes: Int
    /// Speaker labels that are the agent (`--agent-speaker`): `spk_0`, `SPEAKER_01`,
    /// a name, or a bare number that matches any speaker id with that number.
    public var agentSpeakers: [String]
    /// Recording channels that are the agent (`--agent-channel`), matching `ch_N` labels.
    public var agentChannels: [Int]
    /// Lines of the source before these bytes (a chunk of a JSON Lines file), so that
    /// line numbers and line-based call ids count from the start of the file.
    public var lineOffset = 0
    /// Files larger than this are refused before they are read (`--max-file-size`).
    public var maxFileBytes = FileBytes.defaultLimit
    /// Folders of recordings (`--audio-root`, `audio_root`): a call without a recording gets
    /// `ROOT/CALL_ID.wav` (or .mp3, .m4a, .opus, .ogg) when one exists (``RecordingLink``).
    public var audioRoots: [String] = []

    public init(roleMap: RoleMap = .standard, maxLineBytes: Int = 1 << 20, agentSpeakers: [String] = [], agentChannels: [Int] = []) {
        self.roleMap = roleMap
        self.maxLineBytes = maxLineBytes
        self.agentSpeakers = agentSpeakers
        self.agentChannels = agentChannels
    }
}
