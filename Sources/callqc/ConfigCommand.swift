import ArgumentParser
import CallQC
import CallQCStore
import CallQCWeb
import Foundation

/// `callqc config`: the effective settings and where each came from.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show the effective settings and where each came from: a flag, a line of .callqc.yml, the environment, or the default.",
        discussion: """
        The configuration file is --config FILE, else $CALLQC_CONFIG, else the nearest .callqc.yml \
        in this folder or a parent. A flag wins over the file and the file over the default: give \
        this command the flags another command would get to see what that command would use. \
        Secrets (the workbench's token, a PostgreSQL password) are shown as set or unset only. \
        A mistake in the file exits with status 2, naming its line. See docs/config.md.

        Examples:
          callqc config
          callqc config --format json
          callqc config --config /etc/callqc/serve.yml --port 9000
        """
    )

    enum Format: String, CaseIterable, ExpressibleByArgument { case text, json }

    @Option(name: .long, help: "Output format.") var format: Format = .text
    @OptionGroup var configFile: ConfigOptions

    @Option(name: .long, help: "As check --rules.") var rules: String?
    @Option(name: .long, help: "As check --db.") var db: String?
    @Option(name: .customLong("agent-label"), help: "As check --agent-label.") var agentLabels: [String] = []
    @Option(name: .customLong("customer-label"), help: "As check --customer-label.") var customerLabels: [String] = []
    @Option(name: .customLong("agent-speaker"), help: "As check --agent-speaker.") var agentSpeakers: [String] = []
    @Option(name: .long, help: "As lint --rate.") var rate: Double?
    @Flag(name: .customLong("redact"), inversion: .prefixedNo, help: "As check --no-redact.") var redactFlag: Bool?
    @Option(name: .long, help: "As serve --host.") var host: String?
    @Option(name: .long, help: "As serve --port.") var port: Int?
    @Flag(name: .customLong("behind-tls"), inversion: .prefixedNo, help: "As serve --behind-tls.") var behindTLS: Bool?
    @Option(name: .customLong("session-idle"), help: "As serve --session-idle.") var sessionIdle: Double?
    @Option(name: .customLong("appeal-days"), help: "As serve --appeal-days.") var appealDays: Int?
    @Option(name: .customLong("public-url"), help: "As serve --public-url.") var publicURL: [String] = []
    @Option(name: .long, help: "As serve --lang.") var lang: WorkbenchLanguage?
    @Option(name: .customLong("token-file"), help: "As serve --token-file.") var tokenFile: String?
    @Option(name: .customLong("audio-root"), help: "As check and serve --audio-root.") var audioRoot: [String] = []

    /// One line of the output.
    struct Row {
        var key: String
        var value: JSONValue
        var shown: String
        var origin: Origin
    }

    func run() throws {
        let settings = Settings.load(configFile)
        let rows: [Row]
        do { rows = try ConfigCommand.rows(settings, self) } catch { RuleLoading.fail(error) }
        let file = settings.config?.file
        switch format {
        case .json:
            let fileJSON: JSONValue = .object([("path", file.map(JSONValue.string) ?? .null)] + settings.chosenBy.json + [("from", .string(settings.chosenBy.description))])
            let settingsJSON = JSONValue.array(rows.map { row in
                .object([("key", .string(row.key)), ("value", row.value), ("from", .string(row.origin.description))] + row.origin.json)
            })
            Console.out(JSONValue.object([("schema", .string("callqc.config/1")), ("config_file", fileJSON), ("settings", settingsJSON)]).pretty())
        case .text:
            var out = "configuration file: " + (file.map { "\($0) (\(settings.chosenBy))" } ?? "none (\(settings.chosenBy == .default ? "no .callqc.yml here or in a parent" : settings.chosenBy.description))") + "\n"
            let keyWidth = max(7, rows.map { DisplayWidth.of($0.key) }.max() ?? 0) + 2
            let valueWidth = max(5, rows.map { DisplayWidth.of($0.shown) }.max() ?? 0) + 2
            out += DisplayWidth.pad("SETTING", keyWidth) + DisplayWidth.pad("VALUE", valueWidth) + "FROM\n"
            for row in rows {
                out += DisplayWidth.pad(TerminalText.safe(row.key), keyWidth) + DisplayWidth.pad(TerminalText.safe(row.shown), valueWidth) + TerminalText.safe(row.origin.description) + "\n"
            }
            Console.out(out, terminator: "")
        }
    }

    /// Every setting, resolved as the commands resolve it.
    static func rows(_ settings: Settings, _ flags: ConfigCommand) throws(RuleError) -> [Row] {
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        func list(_ items: [String]) -> (JSONValue, String) { (.array(items.map(JSONValue.string)), items.isEmpty ? "(none)" : items.joined(separator: ", ")) }
        func number(_ n: Double) -> (JSONValue, String) { (.number(n), JSONValue.format(n)) }
        func secret(_ set: Bool) -> (JSONValue, String) { (.string(set ? "set" : "unset"), set ? "set" : "unset") }
        var rows: [Row] = []
        func add<T>(_ key: String, _ setting: Setting<T>, _ show: (T) -> (JSONValue, String)) {
            let (value, shown) = show(setting.value)
            rows.append(Row(key: key, value: value, shown: shown, origin: setting.origin))
        }

        let env = settings.environment
        let lexicons = RuleLoading.lexicons
        let rules = settings.rules(flags.rules)
        add("rules", rules) { path in
            guard let path else { return (.null, "(the shipped rule sets, by each call's language)") }
            return (.string(path), path + (RuleLoading.isLexiconsFolder(path) ? " (rule sets by language)" : " (for every call)"))
        }
        add("lexicons", Setting(value: lexicons, origin: env["CALLQC_LEXICONS"].map { $0.isEmpty ? .found : .env("CALLQC_LEXICONS") } ?? .found)) { path in
            (text(path), path ?? "(not found: set CALLQC_LEXICONS)")
        }
        add("agent_labels", settings.agentLabels(flags.agentLabels), list)
        add("customer_labels", settings.customerLabels(flags.customerLabels), list)
        add("agent_speakers", settings.agentSpeakers(flags.agentSpeakers), list)
        let rates = settings.readingRates(flags.rate)
        add("speech_rate.characters", rates.characters, number)
        add("speech_rate.words", rates.words, number)
        add("redact", settings.redact(flags.redactFlag)) { (.bool($0), $0 ? "true" : "false") }
        let db = settings.database(flags.db)
        add("db", db) { value in
            guard let value else { return (.null, "(none: results are not stored)") }
            return (.string(StoreAccess.shown(value)), StoreAccess.shown(value))
        }
        if let url = db.value, SQLStore.isServerURL(url) {
            let set = !(env["PGPASSWORD"] ?? "").isEmpty
            add("db.password", Setting(value: set, origin: set ? .env("PGPASSWORD") : .default), secret)
        }
        // One folder is a string (as the file writes it), several (repeated --audio-root) a list.
        add("audio_root", try settings.audioRoots(flags.audioRoot)) { roots in
            (roots.count > 1 ? .array(roots.map(JSONValue.string)) : text(roots.first), roots.isEmpty ? "(none)" : roots.joined(separator: ", "))
        }
        let serve = try settings.serve(Settings.ServeFlags(host: flags.host, port: flags.port, behindTLS: flags.behindTLS, sessionIdle: flags.sessionIdle,
                                                            appealDays: flags.appealDays, publicURLs: flags.publicURL, lang: flags.lang, tokenFile: flags.tokenFile))
        add("serve.host", serve.host) { (.string($0), $0) }
        add("serve.port", serve.port) { (.number(Double($0)), String($0)) }
        add("serve.behind_tls", serve.behindTLS) { (.bool($0), $0 ? "true" : "false") }
        add("serve.session_idle", serve.sessionIdle) { n in (.number(n), JSONValue.format(n) + " min") }
        add("serve.appeal_days", serve.appealDays) { (.number(Double($0)), String($0)) }
        add("serve.public_url", serve.publicURLs, list)
        add("serve.lang", serve.lang) { (.string($0.rawValue), $0.rawValue) }
        add("serve.token", serve.token) { secret($0 != nil) }
        return rows
    }
}
