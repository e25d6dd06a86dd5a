import Foundation

/// A value read from a configuration file, with the line that holds it.
public struct ConfigValue<Value: Sendable>: Sendable {
    public var value: Value
    public var line: Int

    public init(_ value: Value, line: Int) {
        self.value = value
        self.line = line
    }
}

/// A center's settings, `.callqc.yml` (docs/config.md): the default rules, speaker labels,
/// the reading rate, redaction, the store, the audio root and the workbench's settings.
///
/// Read strictly, as rule files are: an unknown key is an error with a did-you-mean, a value
/// of the wrong type names its line and the type expected. Relative paths are made absolute
/// against the file's folder. Secrets never live here: a `token` or `password` key is refused,
/// and so is a database URL holding a password (`CALLQC_TOKEN`, `PGPASSWORD` carry them).
/// Which value wins over which (a flag over the file over the default) is the caller's.
public struct CallQCConfig: Sendable {
    /// The name discovery looks for.
    public static let fileName = ".callqc.yml"

    /// The file, absolute.
    public var file: String
    /// A rule set (folder or file) for every call, or a lexicons folder holding `zh-CN/`, `en/`
    /// and `scripts/` (what `callqc init` writes), absolute.
    public var rules: ConfigValue<String>?
    public var agentLabels: ConfigValue<[String]>?
    public var customerLabels: ConfigValue<[String]>?
    public var agentSpeakers: ConfigValue<[String]>?
    /// The standard reading rate of `lint` and the self-check: Chinese characters a minute.
    public var charactersPerMinute: ConfigValue<Double>?
    /// The same for English: words a minute.
    public var wordsPerMinute: ConfigValue<Double>?
    public var redact: ConfigValue<Bool>?
    /// A SQLite file (absolute) or a `postgres://` URL without a password.
    public var db: ConfigValue<String>?
    /// The folder of call recordings (absolute); not checked to exist here.
    public var audioRoot: ConfigValue<String>?
    public var serve = Serve()

    /// The `serve:` section: the workbench.
    public struct Serve: Sendable {
        public var host: ConfigValue<String>?
        public var port: ConfigValue<Int>?
        public var behindTLS: ConfigValue<Bool>?
        /// Minutes without a request after which a login session ends.
        public var sessionIdle: ConfigValue<Double>?
        public var appealDays: ConfigValue<Int>?
        public var publicURLs: ConfigValue<[String]>?
        /// `zh` or `en`, as written (the workbench checks it).
        public var lang: ConfigValue<String>?
        /// A file whose first line is the access token (absolute): the token itself is never here.
        public var tokenFile: ConfigValue<String>?

        public init() {}
    }

    public init(file: String) { self.file = file }

    /// Every key, as written, for messages and the documentation.
    public static let topKeys = ["rules", "agent_labels", "customer_labels", "agent_speakers", "speech_rate", "redact", "db", "audio_root", "serve"]
    public static let serveKeys = ["host", "port", "behind_tls", "session_idle", "appeal_days", "public_url", "lang", "token_file"]
    public static let speechRateKeys = ["characters", "words"]
    /// Keys that would hold a secret: refused wherever they appear.
    static let secretKeys: Set<String> = ["token", "password", "pgpassword", "secret", "api_key", "access_token"]

    // MARK: Discovery

    /// The nearest `.callqc.yml`: in `directory`, else in each of its parents up to the root.
    public static func discover(from directory: String) -> String? {
        var dir = (directory as NSString).standardizingPath
        while true {
            let candidate = (dir as NSString).appendingPathComponent(fileName)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue { return candidate }
            let parent = (dir as NSString).deletingLastPathComponent
            if parent == dir || parent.isEmpty { return nil }
            dir = parent
        }
    }

    // MARK: Reading

    /// Reads the file at `path` (made absolute against `currentDirectory`).
    public static func load(_ path: String, currentDirectory: String = FileManager.default.currentDirectoryPath) throws(RuleError) -> CallQCConfig {
        let file = absolute(path, base: currentDirectory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
            throw RuleError(file: path, message: "no such configuration file", fix: "give the path of a .callqc.yml (callqc init writes one)")
        }
        if isDirectory.boolValue { throw RuleError(file: path, message: "a folder, not a configuration file", fix: "give the path of the .callqc.yml inside it") }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw RuleError(file: path, message: "cannot read the configuration file", fix: "check its permissions")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw RuleError(file: file, message: "not UTF-8 text", fix: "save it as UTF-8") }
        return try parse(text, file: file)
    }

    /// Parses the text of a configuration file; `file` is absolute (relative paths in it are
    /// resolved against its folder). An empty file, or one with comments only, sets nothing.
    public static func parse(_ text: String, file: String) throws(RuleError) -> CallQCConfig {
        var config = CallQCConfig(file: file)
        guard let root = try YAMLNode.parse(text, file: file), !root.isNull else { return config }
        let base = (file as NSString).deletingLastPathComponent
        try refuseSecrets(root)
        guard case .mapping = root.value else {
            throw root.error("the configuration must be a mapping of keys and values, found \(root.kindName)", fix: "write 'key: value' lines (docs/config.md)")
        }
        try misplaced(root)
        var fields = try FieldReader(root, what: "the configuration")
        config.rules = try path(&fields, "rules", base: base)
        config.agentLabels = try labels(&fields, "agent_labels")
        config.customerLabels = try labels(&fields, "customer_labels")
        config.agentSpeakers = try labels(&fields, "agent_speakers")
        if var rate = try fields.mapping("speech_rate") {
            config.charactersPerMinute = try positive(&rate, "characters")
            config.wordsPerMinute = try positive(&rate, "words")
            try rate.finish()
        }
        config.redact = try located(&fields, "redact") { (f: inout FieldReader) throws(RuleError) in try f.bool("redact") }
        config.db = try database(&fields, base: base)
        config.audioRoot = try path(&fields, "audio_root", base: base)
        if let node = fields.node("serve") {
            var serve = try FieldReader(node, what: "'serve'")
            config.serve = try parseServe(&serve, base: base)
            try serve.finish()
        }
        try fields.finish()
        return config
    }

    private static func parseServe(_ f: inout FieldReader, base: String) throws(RuleError) -> Serve {
        var s = Serve()
        s.host = try located(&f, "host") { (f: inout FieldReader) throws(RuleError) in try f.string("host") }
        if let host = s.host, host.value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw RuleError(file: f.node.file, line: host.line, message: "'host' names no address", fix: "write 127.0.0.1 (this machine only) or 0.0.0.0 (every address)")
        }
        s.port = try located(&f, "port") { (f: inout FieldReader) throws(RuleError) in try f.integer("port", min: 0) }
        if let port = s.port, port.value > 65535 {
            throw RuleError(file: f.node.file, line: port.line, message: "'port' must be between 0 and 65535, found \(port.value)")
        }
        s.behindTLS = try located(&f, "behind_tls") { (f: inout FieldReader) throws(RuleError) in try f.bool("behind_tls") }
        s.sessionIdle = try located(&f, "session_idle") { (f: inout FieldReader) throws(RuleError) in try f.number("session_idle", min: 1) }
        s.appealDays = try located(&f, "appeal_days") { (f: inout FieldReader) throws(RuleError) in try f.integer("appeal_days", min: 0) }
        s.publicURLs = try labels(&f, "public_url")
        s.lang = try located(&f, "lang") { (f: inout FieldReader) throws(RuleError) in try f.string("lang") }
        s.tokenFile = try path(&f, "token_file", base: base)
        return s
    }

    // MARK: Field helpers

    /// A field's value with its line (the value's own line: a list's first item may be below its key).
    private static func located<T: Sendable>(_ f: inout FieldReader, _ key: String,
                                             _ read: (inout FieldReader) throws(RuleError) -> T?) throws(RuleError) -> ConfigValue<T>? {
        let line = keyLine(f, key)
        guard let value = try read(&f) else { return nil }
        return ConfigValue(value, line: line)
    }

    /// The line of a key in a mapping (where editors should jump).
    private static func keyLine(_ f: FieldReader, _ key: String) -> Int {
        if case .mapping(let pairs) = f.node.value, let k = pairs.first(where: { $0.0.scalar == key })?.0 { return k.line }
        return f.node.line
    }

    private static func positive(_ f: inout FieldReader, _ key: String) throws(RuleError) -> ConfigValue<Double>? {
        let line = keyLine(f, key)
        guard let v = try f.number(key) else { return nil }
        if v <= 0 { throw RuleError(file: f.node.file, line: line, message: "'\(key)' must be above 0, found \(JSONValue.format(v))") }
        return ConfigValue(v, line: line)
    }

    /// A list of non-empty strings (a single string is a list of one).
    private static func labels(_ f: inout FieldReader, _ key: String) throws(RuleError) -> ConfigValue<[String]>? {
        let line = keyLine(f, key)
        guard let items = try f.strings(key) else { return nil }
        for (s, node) in items where s.trimmingCharacters(in: .whitespaces).isEmpty {
            throw node.error("an item of '\(key)' is empty", fix: "remove it")
        }
        return ConfigValue(items.map(\.0), line: line)
    }

    /// A path, made absolute against the configuration file's folder.
    private static func path(_ f: inout FieldReader, _ key: String, base: String) throws(RuleError) -> ConfigValue<String>? {
        let line = keyLine(f, key)
        guard let s = try f.string(key) else { return nil }
        if s.trimmingCharacters(in: .whitespaces).isEmpty {
            throw RuleError(file: f.node.file, line: line, message: "'\(key)' names no path", fix: "write a path (relative ones are relative to this file's folder), or remove the key")
        }
        return ConfigValue(absolute(s, base: base), line: line)
    }

    /// `db`: a SQLite path (made absolute) or a PostgreSQL URL, which must not hold a password.
    private static func database(_ f: inout FieldReader, base: String) throws(RuleError) -> ConfigValue<String>? {
        let line = keyLine(f, "db")
        guard let s = try f.string("db") else { return nil }
        if s.hasPrefix("postgres://") || s.hasPrefix("postgresql://") {
            if let url = URLComponents(string: s), url.password != nil {
                throw RuleError(file: f.node.file, line: line, message: "the database URL holds a password, which must not be in a configuration file",
                                fix: "write postgres://USER@HOST:5432/DB and give the password in the environment: PGPASSWORD")
            }
            return ConfigValue(s, line: line)
        }
        if s.trimmingCharacters(in: .whitespaces).isEmpty {
            throw RuleError(file: f.node.file, line: line, message: "'db' names no database", fix: "write a SQLite file (qc.sqlite) or postgres://USER@HOST:5432/DB")
        }
        return ConfigValue(absolute(s, base: base), line: line)
    }

    /// A secret key anywhere in the file stops it, before any other mistake is reported.
    private static func refuseSecrets(_ node: YAMLNode) throws(RuleError) {
        switch node.value {
        case .mapping(let pairs):
            for (key, value) in pairs {
                if let k = key.scalar, secretKeys.contains(k.lowercased()) {
                    let fix = k.lowercased().contains("password")
                        ? "remove it; give a PostgreSQL password in the environment (PGPASSWORD), never in this file"
                        : "remove it; give the workbench's access token in the environment (CALLQC_TOKEN), or put it alone in a file only callqc can read and name that file with 'token_file:' under 'serve:'"
                    throw key.error("'\(k)' is a secret and does not belong in a configuration file (it is read by everyone who can read the file, and often committed)", fix: fix)
                }
                try refuseSecrets(value)
            }
        case .sequence(let items):
            for item in items { try refuseSecrets(item) }
        case .scalar:
            return
        }
    }

    /// A key of `serve:` written at the top level (or a top-level key under `serve:`) gets a
    /// message that says where it belongs, rather than a bare "unknown key".
    private static func misplaced(_ root: YAMLNode) throws(RuleError) {
        guard case .mapping(let pairs) = root.value else { return }
        for (key, _) in pairs {
            guard let k = key.scalar, !topKeys.contains(k) else { continue }
            if serveKeys.contains(k) {
                throw key.error("unknown key '\(k)' at the top of the configuration", fix: "'\(k)' is a workbench setting: put it under 'serve:' (indented)")
            }
            if speechRateKeys.contains(k) {
                throw key.error("unknown key '\(k)' at the top of the configuration", fix: "put it under 'speech_rate:' (indented)")
            }
        }
        if case .mapping(let top) = root.value, let serve = top.first(where: { $0.0.scalar == "serve" })?.1, case .mapping(let inner) = serve.value {
            for (key, _) in inner {
                guard let k = key.scalar, !serveKeys.contains(k), topKeys.contains(k) else { continue }
                throw key.error("unknown key '\(k)' in 'serve'", fix: "'\(k)' is a setting of every command: write it at the top of the file, not under 'serve:'")
            }
        }
    }

    static func absolute(_ path: String, base: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        let full = expanded.hasPrefix("/") ? expanded : (base as NSString).appendingPathComponent(expanded)
        return (full as NSString).standardizingPath
    }
}
