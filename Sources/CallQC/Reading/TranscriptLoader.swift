import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One input to read: a file or standard input.
public enum InputRef: Sendable, Hashable, CustomStringConvertible {
    case file(String)
    case standardInput
    /// A folder walked while the run goes (``WorkSource``), so its paths are never all held at once.
    case directory(String)

    public var description: String {
        switch self {
        case .file(let path), .directory(let path): return path
        case .standardInput: return "-"
        }
    }
}

/// Finds inputs on disk and reads them into calls, one input at a time.
public struct TranscriptLoader: Sendable {
    public var options: ReadOptions
    /// Forces a format instead of detecting it.
    public var format: InputFormat?
    /// The readers, and how a format is decided.
    public var registry: ReaderRegistry

    public init(options: ReadOptions = ReadOptions(), format: InputFormat? = nil, registry: ReaderRegistry = .standard) {
        self.options = options
        self.format = format
        self.registry = registry
    }

    /// Expands paths: files as given, directories recursively (transcript
    /// extensions only, hidden files skipped, sorted), `-` for standard input.
    /// Paths that do not exist come back as problems.
    public func expand(_ paths: [String]) -> (inputs: [InputRef], problems: [InputProblem]) {
        expand(paths, walkDirectories: true)
    }

    /// With `walkDirectories` false, folders come back as `.directory` for a ``WorkSource`` to walk.
    public func expand(_ paths: [String], walkDirectories: Bool) -> (inputs: [InputRef], problems: [InputProblem]) {
        var inputs: [InputRef] = []
        var problems: [InputProblem] = []
        let fm = FileManager.default
        for path in paths {
            if path == "-" { inputs.append(.standardInput); continue }
            // @FILE: a list of paths, one a line (# comments), relative to the current folder.
            if path.hasPrefix("@"), path.count > 1 {
                let list = String(path.dropFirst())
                guard let data = fm.contents(atPath: list) else {
                    problems.append(InputProblem(source: list, message: "cannot read the file list"))
                    continue
                }
                let listed = String(decoding: data, as: UTF8.self).lineTexts().map { String($0).trimmed() }
                    .filter { !$0.isEmpty && !$0.hasPrefix("#") && !$0.hasPrefix("@") }
                let (more, moreProblems) = expand(listed, walkDirectories: walkDirectories)
                inputs += more
                problems += moreProblems
                continue
            }
            // A quoted glob (calls/2026-11-2?/*.txt) that the shell did not expand.
            if !fm.fileExists(atPath: path), path.contains(where: { "*?[".contains($0) }) {
                let matches = TranscriptLoader.glob(path)
                if matches.isEmpty { problems.append(InputProblem(source: path, message: "no file matches this pattern")) }
                let (more, moreProblems) = expand(matches, walkDirectories: walkDirectories)
                inputs += more
                problems += moreProblems
                continue
            }
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                // A link to nowhere or a link loop exists, but is not "no such file".
                var info = stat()
                if stat(path, &info) != 0, errno == ELOOP {
                    problems.append(InputProblem(source: path, message: FileBytes.openFailure(ELOOP)))
                } else if lstat(path, &info) == 0 {
                    problems.append(InputProblem(source: path, message: "a dangling symbolic link: its target does not exist"))
                } else {
                    problems.append(InputProblem(source: path, message: "no such file or directory"))
                }
                continue
            }
            if !isDirectory.boolValue { inputs.append(.file(path)); continue }
            if !walkDirectories { inputs.append(.directory(path)); continue }
            guard let walker = fm.enumerator(atPath: path) else {
                problems.append(InputProblem(source: path, message: "cannot read the directory"))
                continue
            }
            var found: [String] = []
            while let relative = walker.nextObject() as? String {
                let name = relative.split(separator: "/").last.map(String.init) ?? relative
                if name.hasPrefix(".") { walker.skipDescendants(); continue }
                guard registry.extensions.contains(InputFormat.fileExtension(name)) else { continue }
                let full = path.hasSuffix("/") ? path + relative : path + "/" + relative
                var isDir: ObjCBool = false
                if fm.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue { found.append(full) }
            }
            if found.isEmpty {
                problems.append(InputProblem(source: path, message: "no transcript files (\(registry.extensions.sorted().map { "." + $0 }.joined(separator: ", "))) in this directory", severity: .warning))
            }
            inputs.append(contentsOf: found.sorted().map(InputRef.file))
        }
        return (inputs, problems)
    }

    /// Paths matching a shell pattern, sorted.
    static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        var paths: [String] = []
        for i in 0..<Int(result.gl_pathc) {
            if let p = result.gl_pathv[i] { paths.append(String(cString: p)) }
        }
        return paths.sorted()
    }

    /// Reads one input; every problem names the input and, where there is one, the line.
    public func load(_ input: InputRef) -> ReadOutcome {
        switch prepare(input) {
        case .success(let prepared): return read(prepared)
        case .failure(let problem): return .failure(problem)
        }
    }

    /// Reads bytes that came from `source`.
    /// `fromFile`: the bytes are the file `source` (a relative recording link is then relative to its folder);
    /// else `source` is only a name (standard input, a request's `?source=`, an upload's file name).
    public func read(bytes raw: [UInt8], source: String, fromFile: Bool = false) -> ReadOutcome {
        switch prepare(bytes: raw, source: source, fromFile: fromFile) {
        case .success(let prepared): return read(prepared)
        case .failure(let problem): return .failure(problem)
        }
    }

    /// An input's bytes, checked to be text, with its format decided: for the commands that
    /// do something else than reading calls with it (`redact` masks the text in place, `lint`
    /// reads a draft as lines).
    public func prepare(_ input: InputRef) -> Result<PreparedInput, InputProblem> {
        let raw: [UInt8]
        switch input {
        case .standardInput:
            raw = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        case .file(let path):
            switch FileBytes.read(path, maxBytes: options.maxFileBytes) {
            case .success(let bytes): raw = bytes
            case .failure(let problem): return .failure(problem)
            }
        case .directory(let path):
            return .failure(InputProblem(source: path, message: "is a directory"))
        }
        if case .file = input { return prepare(bytes: raw, source: input.description, fromFile: true) }
        return prepare(bytes: raw, source: input.description)
    }

    /// Bytes that came from `source`, checked to be text, with their format decided.
    public func prepare(bytes raw: [UInt8], source: String, fromFile: Bool = false) -> Result<PreparedInput, InputProblem> {
        let forced = format.flatMap(registry.declaration(of:))
        // Recognisers write their JSON on one line, megabytes long for an hour's call:
        // the line limit is for line-based text, not for one JSON document.
        let shape = forced?.shape ?? registry.shape(source: source, bytes: raw[...])
        return TextInput.validate(source: source, bytes: raw, maxLineBytes: shape == .jsonDocument ? Int.max : options.maxLineBytes).map { text in
            let decision = forced.map { registry.decision(for: $0, text: text.bytes) } ?? registry.decide(source: source, text: text.bytes)
            return PreparedInput(text: text, decision: decision, fromFile: fromFile)
        }
    }

    /// Reads a prepared input into calls, with the reader of its format; a JSON document
    /// parsed while deciding the format goes to the reader, not parsed again.
    public func read(_ input: PreparedInput) -> ReadOutcome {
        let reader = registry.declaration(of: input.format)?.reader ?? PlainTranscriptReader()
        let outcome = input.decision.document.map { reader.read(input.text, document: $0, options: options) }
            ?? reader.read(input.text, options: options)
        return linkRecordings(decideRoles(refuseOversized(outcome, source: input.text.source), source: input.text.source), source: input.text.source,
                              fromFile: input.fromFile)
    }

    /// Checks each call's link to its recording, and finds the recordings of calls without one
    /// under the audio roots (``RecordingLink/resolve(_:source:fromFile:roots:)``).
    func linkRecordings(_ outcome: ReadOutcome, source: String, fromFile: Bool) -> ReadOutcome {
        if options.audioRoots.isEmpty, !outcome.calls.contains(where: { $0.audio != nil }) { return outcome }
        var outcome = outcome
        for i in outcome.calls.indices {
            if let warning = RecordingLink.resolve(&outcome.calls[i], source: source, fromFile: fromFile, roots: options.audioRoots) {
                outcome.warnings.append(InputProblem(source: source, message: warning, severity: .warning))
            }
        }
        return outcome
    }

    /// A call with a turn longer than the line limit (1 MB: some 46 hours of speech) is an error,
    /// not checked: JSON has no lines to limit, and checking a 100 MB string took gigabytes.
    /// The longest call id, agent, date or script name a call may carry: they name the call in
    /// pages, keys and the store's indexes (PostgreSQL's hold about 2,700 bytes), and no real one
    /// comes near.
    public static let maxNameCharacters = 256

    func refuseOversized(_ outcome: ReadOutcome, source: String) -> ReadOutcome {
        var outcome = outcome
        outcome.calls.removeAll { call in
            let names: [(String, String?)] = [("call id", call.id), ("agent", call.agent), ("date", call.date), ("script", call.script)]
            if let (what, value) = names.first(where: { ($0.1?.count ?? 0) > TranscriptLoader.maxNameCharacters }), let value {
                outcome.errors.append(InputProblem(source: source, message: "the \(what) '\(value.prefix(24))…' has \(value.count) characters, over the limit of \(TranscriptLoader.maxNameCharacters): the call is not checked"))
                return true
            }
            guard let (i, turn) = call.turns.enumerated().first(where: { $0.element.text.utf8.count > options.maxLineBytes }) else { return false }
            outcome.errors.append(InputProblem(source: source, message: "call \(call.id): turn \(i + 1) holds \(FileBytes.size(turn.text.utf8.count)) of text, over the limit of \(FileBytes.size(options.maxLineBytes)) for one turn: the call is not checked (is this a transcript?)"))
            return true
        }
        return outcome
    }

    /// Runs ``SpeakerRoles`` on every call read, whatever the format, and drops
    /// the "unknown speaker label" warnings of the labels it decided.
    func decideRoles(_ outcome: ReadOutcome, source: String) -> ReadOutcome {
        var outcome = outcome
        var decided: Set<String> = []
        var notes: [InputProblem] = []
        for i in outcome.calls.indices {
            let decision = SpeakerRoles.apply(to: &outcome.calls[i], options: options)
            decided.formUnion(decision.decided)
            notes += decision.warnings.map { InputProblem(source: source, message: $0, severity: .warning) }
            for label in decision.undecided where !outcome.warnings.contains(where: { $0.speakerLabel == label }) && !notes.contains(where: { $0.speakerLabel == label }) {
                notes.append(InputProblem(source: source, message: "speaker '\(label)' has no known role: kept with role 'other' (map it with --agent-label/--customer-label or --agent-speaker)", severity: .warning, speakerLabel: label))
            }
        }
        if !decided.isEmpty {
            outcome.warnings.removeAll { $0.speakerLabel.map(decided.contains) ?? false }
        }
        outcome.warnings += notes
        return outcome
    }
}

/// An input checked to be text, with its format decided (``TranscriptLoader/prepare(_:)``).
public struct PreparedInput: Sendable {
    /// The text, valid UTF-8.
    public let text: TextInput
    /// The format, and the JSON document parsed to decide it.
    public let decision: FormatDecision

    public var format: InputFormat { decision.format }
    public var source: String { text.source }
    /// Whether the text is the file `source` (not standard input, a pasted text or an upload that only carries a name).
    public var fromFile = false

    /// Whether the input was meant as a transcript rather than a script draft: JSON, a format
    /// recognised by its content (subtitles, Zoom), or a plain transcript with a timed line
    /// (`[00:01.2-00:04.8] 坐席: …`). `lint` and the web self-check ask this of text whose
    /// calls could not be read: such text has errors to show, not lines to lint.
    public var looksLikeTranscript: Bool {
        if decision.shape != .text || format != .plain { return true }
        return text.bytes.prefix(1 << 16).split(separator: 0x0A).contains { line in
            let b = line.drop { $0 == 0x20 || $0 == 0x09 }
            guard b.first == UInt8(ascii: "["), let next = b.dropFirst().first else { return false }
            return (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(next)
        }
    }
}
