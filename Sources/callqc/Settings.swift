import ArgumentParser
import CallQC
import CallQCWeb
import Foundation

/// `--config FILE` and `--no-config`, on every command that reads settings.
struct ConfigOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: ArgumentHelp("Read settings from this file instead of the .callqc.yml found in this folder or the nearest parent (also: CALLQC_CONFIG).", valueName: "file"))
    var file: String?

    @Flag(name: .customLong("no-config"), help: "Read no configuration file: flags and defaults only.")
    var none = false

    func validate() throws {
        if file != nil && none { throw ValidationError("Give --config or --no-config, not both.") }
    }
}

/// Where a setting's value came from.
enum Origin: Equatable, CustomStringConvertible {
    /// A command-line flag (its name).
    case flag(String)
    /// A line of the configuration file.
    case file(String, Int)
    /// An environment variable.
    case env(String)
    /// Looked for where callqc looks (the configuration file, the shipped lexicons).
    case found
    case `default`

    var description: String {
        switch self {
        case .flag(let name): return "flag \(name)"
        case .file(let path, let line): return "\(path):\(line)"
        case .env(let name): return "env \(name)"
        case .found: return "found"
        case .default: return "default"
        }
    }

    var json: [(String, JSONValue)] {
        switch self {
        case .flag(let name): return [("origin", .string("flag")), ("flag", .string(name))]
        case .file(let path, let line): return [("origin", .string("file")), ("file", .string(path)), ("line", .number(Double(line)))]
        case .env(let name): return [("origin", .string("env")), ("variable", .string(name))]
        case .found: return [("origin", .string("found"))]
        case .default: return [("origin", .string("default"))]
        }
    }
}

/// A setting's effective value and where it came from.
struct Setting<Value> {
    var value: Value
    var origin: Origin
}

/// The effective settings of a run: each is its flag when the flag was given, else the
/// configuration file's value, else the default. Every command resolves its settings here,
/// and `callqc config` shows the same resolution (docs/config.md).
struct Settings {
    /// The configuration file read, if any.
    let config: CallQCConfig?
    /// How the file was chosen: `--config`, `CALLQC_CONFIG`, found by discovery; `.default` for none.
    let chosenBy: Origin
    let environment: [String: String]

    /// The settings for a command; a configuration file with a mistake stops the run with status 2.
    static func load(_ options: ConfigOptions) -> Settings {
        do {
            return try read(options, environment: ProcessInfo.processInfo.environment, currentDirectory: FileManager.default.currentDirectoryPath)
        } catch {
            RuleLoading.fail(error)
        }
    }

    /// `--config`, else `$CALLQC_CONFIG`, else the nearest `.callqc.yml` (this folder, then each
    /// parent up to the root); none with `--no-config`.
    static func read(_ options: ConfigOptions, environment: [String: String], currentDirectory: String) throws(RuleError) -> Settings {
        let path: String?
        let chosenBy: Origin
        if options.none {
            (path, chosenBy) = (nil, .flag("--no-config"))
        } else if let file = options.file {
            (path, chosenBy) = (file, .flag("--config"))
        } else if let file = environment["CALLQC_CONFIG"], !file.isEmpty {
            (path, chosenBy) = (file, .env("CALLQC_CONFIG"))
        } else if let file = CallQCConfig.discover(from: currentDirectory) {
            (path, chosenBy) = (file, .found)
        } else {
            (path, chosenBy) = (nil, .default)
        }
        let config = try path.map { p throws(RuleError) in try CallQCConfig.load(p, currentDirectory: currentDirectory) }
        if let lang = config?.serve.lang, WorkbenchLanguage(rawValue: lang.value) == nil {
            throw RuleError(file: config!.file, line: lang.line, message: "'lang' must be one of \(WorkbenchLanguage.allCases.map(\.rawValue).joined(separator: ", ")), found '\(lang.value)'")
        }
        return Settings(config: config, chosenBy: chosenBy, environment: environment)
    }

    // MARK: Resolution

    /// The flag if given, else the file's value, else the default.
    private func pick<T>(_ flag: T?, _ name: String, _ file: ConfigValue<T>?, _ fallback: T) -> Setting<T> {
        if let flag { return Setting(value: flag, origin: .flag(name)) }
        if let file, let config { return Setting(value: file.value, origin: .file(config.file, file.line)) }
        return Setting(value: fallback, origin: .default)
    }

    /// As `pick`, for a setting whose default is none.
    private func pick<T>(_ flag: T?, _ name: String, _ file: ConfigValue<T>?) -> Setting<T?> {
        if let flag { return Setting(value: flag, origin: .flag(name)) }
        if let file, let config { return Setting(value: file.value, origin: .file(config.file, file.line)) }
        return Setting(value: nil, origin: .default)
    }

    /// `--rules` (a rule set for every call, or a lexicons folder), else `rules`, else the shipped
    /// rule sets by each call's language (nil).
    func rules(_ flag: String?) -> Setting<String?> { pick(flag, "--rules", config?.rules) }

    /// `--db`, else `db`; nil: no store.
    func database(_ flag: String?) -> Setting<String?> { pick(flag, "--db", config?.db) }

    /// The store of a command that needs one: missing both `--db` and `db` is a usage error.
    func requireDatabase(_ flag: String?) throws -> String {
        guard let db = database(flag).value else {
            Console.error("no database: give --db FILE (a SQLite file, or postgres://USER@HOST:5432/DB), or set 'db:' in \(config?.file ?? CallQCConfig.fileName)", redact: false)
            throw ExitCode(2)
        }
        return db
    }

    /// `--redact`/`--no-redact`, else `redact`, else true: personal data is masked.
    func redact(_ flag: Bool?) -> Setting<Bool> {
        pick(flag, flag == false ? "--no-redact" : "--redact", config?.redact, true)
    }

    /// A repeatable flag counts as given when it was given at least once; it then replaces the file's list.
    func agentLabels(_ flag: [String]) -> Setting<[String]> { pick(flag.isEmpty ? nil : flag, "--agent-label", config?.agentLabels, []) }
    func customerLabels(_ flag: [String]) -> Setting<[String]> { pick(flag.isEmpty ? nil : flag, "--customer-label", config?.customerLabels, []) }
    func agentSpeakers(_ flag: [String]) -> Setting<[String]> { pick(flag.isEmpty ? nil : flag, "--agent-speaker", config?.agentSpeakers, []) }

    /// How transcripts are read: the standard labels plus the agent and customer labels, and the
    /// recogniser's speakers that are the agent.
    func readOptions(agentLabels flagAgents: [String] = [], customerLabels flagCustomers: [String] = [], agentSpeakers flagSpeakers: [String] = [],
                     agentChannels: [Int] = []) -> ReadOptions {
        var roles = RoleMap.standard
        for label in agentLabels(flagAgents).value { roles.add(label: label, role: .agent) }
        for label in customerLabels(flagCustomers).value { roles.add(label: label, role: .customer) }
        return ReadOptions(roleMap: roles, agentSpeakers: agentSpeakers(flagSpeakers).value, agentChannels: agentChannels)
    }

    /// The standard reading rate: `lint --rate` sets both units; else `speech_rate`, else 120
    /// characters and 150 words a minute.
    func readingRates(_ flag: Double?) -> (characters: Setting<Double>, words: Setting<Double>) {
        (pick(flag, "--rate", config?.charactersPerMinute, 120), pick(flag, "--rate", config?.wordsPerMinute, 150))
    }

    /// `audio_root`: the recordings' folder, which must be a folder when set.
    func audioRoot() throws(RuleError) -> Setting<String?> {
        let root = pick(nil as String?, "", config?.audioRoot)
        if let path = root.value, let config, let line = config.audioRoot?.line {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) || !isDirectory.boolValue {
                throw RuleError(file: config.file, line: line, message: "'audio_root' \(path) is not a folder",
                                fix: "create it, or correct the path (relative paths are relative to this file's folder)")
            }
        }
        return root
    }

    /// `--audio-root` (repeatable; each made absolute), else `audio_root`, else none: the folders
    /// of recordings that `check` looks in and `serve` serves from. A file's root must be a folder.
    func audioRoots(_ flag: [String]) throws(RuleError) -> Setting<[String]> {
        if !flag.isEmpty { return Setting(value: flag.map { URL(fileURLWithPath: $0).standardized.path }, origin: .flag("--audio-root")) }
        let file = try audioRoot()
        return Setting(value: file.value.map { [$0] } ?? [], origin: file.origin)
    }

    /// `--audio-root` given on the command line: each must be a folder.
    static func validateAudioRoots(_ roots: [String]) throws {
        for root in roots {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--audio-root \(root) is not a folder.")
            }
        }
    }

    /// The workbench's flags; nil (or empty) where not given.
    struct ServeFlags {
        var host: String?
        var port: Int?
        var behindTLS: Bool?
        var sessionIdle: Double?
        var appealDays: Int?
        var publicURLs: [String] = []
        var lang: WorkbenchLanguage?
        var token: String?
        var tokenFile: String?
    }

    /// The workbench's settings, resolved.
    struct Serve {
        var host: Setting<String>
        var port: Setting<Int>
        var behindTLS: Setting<Bool>
        var sessionIdle: Setting<Double>
        var appealDays: Setting<Int>
        var publicURLs: Setting<[String]>
        var lang: Setting<WorkbenchLanguage>
        /// The access token: never from the file itself. Shown only as set or unset.
        var token: Setting<String?>
    }

    /// The workbench's settings; a `token_file` that cannot be read stops the run.
    func serve(_ flags: ServeFlags) throws(RuleError) -> Serve {
        let s = config?.serve ?? CallQCConfig.Serve()
        let fileLang = s.lang.flatMap { v in WorkbenchLanguage(rawValue: v.value).map { ConfigValue($0, line: v.line) } }
        return Serve(host: pick(flags.host, "--host", s.host, "127.0.0.1"),
                     port: pick(flags.port, "--port", s.port, 8080),
                     behindTLS: pick(flags.behindTLS, flags.behindTLS == false ? "--no-behind-tls" : "--behind-tls", s.behindTLS, false),
                     sessionIdle: pick(flags.sessionIdle, "--session-idle", s.sessionIdle, 30),
                     appealDays: pick(flags.appealDays, "--appeal-days", s.appealDays, 7),
                     publicURLs: pick(flags.publicURLs.isEmpty ? nil : flags.publicURLs, "--public-url", s.publicURLs, []),
                     lang: pick(flags.lang, "--lang", fileLang, .zh),
                     token: try token(flags, file: s.tokenFile))
    }

    /// `--token`, else `--token-file`, else `CALLQC_TOKEN`, else the file's `token_file`.
    private func token(_ flags: ServeFlags, file: ConfigValue<String>?) throws(RuleError) -> Setting<String?> {
        if let token = flags.token { return Setting(value: token, origin: .flag("--token")) }
        if let path = flags.tokenFile { return Setting(value: Settings.firstLine(path), origin: .flag("--token-file")) }
        if let env = environment["CALLQC_TOKEN"], !env.isEmpty { return Setting(value: env, origin: .env("CALLQC_TOKEN")) }
        if let file, let config {
            guard let token = Settings.firstLine(file.value), !token.isEmpty else {
                throw RuleError(file: config.file, line: file.line, message: "'token_file' \(file.value): cannot read the file, or its first line is empty",
                                fix: "put the token alone on the file's first line, readable by callqc only (chmod 600)")
            }
            return Setting(value: token, origin: .file(config.file, file.line))
        }
        return Setting(value: nil, origin: .default)
    }

    /// The first line of a file, trimmed; nil when it cannot be read.
    static func firstLine(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let first = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return first.trimmingCharacters(in: .whitespaces)
    }
}
