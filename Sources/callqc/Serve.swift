import ArgumentParser
import CallQC
import CallQCStore
import CallQCWeb
import Foundation

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", 
        abstract: "The web workbench: agents' self-check, the review queue, reports and the case library in a browser.",
        discussion: """
        Listens on 127.0.0.1 (this machine only) unless --host says otherwise; any other \
        address needs an access token (--token or CALLQC_TOKEN), which every request must \
        then carry (Authorization: Bearer TOKEN, or visit /login?token=TOKEN once). Pages \
        are in Chinese (?lang=en or --lang en for English); personal data is masked on \
        every page unless --no-redact. See docs/web.md.

        Examples:
          callqc serve --db qc.sqlite
          callqc serve --db qc.sqlite --port 9000 --lang en
          callqc serve --db qc.sqlite --audio-root /srv/recordings
          CALLQC_TOKEN=s3cret callqc serve --db qc.sqlite --host 0.0.0.0
          PGPASSWORD=… callqc serve --db postgres://qc@db.example:5432/qc --port 8081
        """
    )

    @Option(name: .long, help: "The results database (from callqc check … --db); without it only the self-check works (default: db in .callqc.yml).") var db: String?
    @Option(name: .long, help: "The address to listen on (default: serve.host in .callqc.yml, else 127.0.0.1).") var host: String?
    @Option(name: .long, help: "The port to listen on, 0 for any free port, printed at start (default: serve.port, else 8080).") var port: Int?
    @Option(name: .long, help: "An access token every request must carry (default: CALLQC_TOKEN); required off loopback. Visible in ps: prefer --token-file or CALLQC_TOKEN.") var token: String?
    @Option(name: .customLong("token-file"), help: "Read the access token from this file (its first line), so it does not show in ps (default: CALLQC_TOKEN, else serve.token_file).") var tokenFile: String?
    @Option(name: .customLong("public-url"), help: "The URL users open (https://qc.example.com/): its host name is accepted in Host headers besides the loopback names (repeatable; default: serve.public_url).") var publicURL: [String] = []
    @Option(name: .customLong("max-turns"), help: "The most turns (or draft lines) one request may hold.") var maxTurns: Int = 20_000
    @Option(name: .customLong("read-timeout"), help: "Seconds a connection may stay silent, and a request body may take to arrive.") var readTimeout: Double = 15
    @Option(name: .customLong("max-connections"), help: "Open connections at most; more wait to be accepted.") var maxConnections: Int = 64
    @Option(name: .customLong("live-idle"), help: "Seconds without a turn after which a live call is finalised (its result stored), with a note.") var liveIdle: Double = 120
    @Flag(name: .customLong("live-websocket"), inversion: .prefixedNo, help: "Take live calls over a WebSocket (/api/live) as well as over HTTP.") var liveWebSocket = true
    @Option(name: .long, help: "The pages' language (default: serve.lang, else zh).") var lang: WorkbenchLanguage?
    @Flag(name: .customLong("redact"), inversion: .prefixedNo, help: "--no-redact: show personal data unmasked on the pages (default: masked, or as redact in .callqc.yml says).") var redactFlag: Bool?
    @Option(name: .customLong("max-body"), help: "The largest request accepted, in MB.") var maxBody: Int = 2
    @Flag(name: .customLong("behind-tls"), inversion: .prefixedNo, help: "A TLS proxy is in front: session cookies are Secure, and the client's address is the first of X-Forwarded-For (default: serve.behind_tls, else no).") var behindTLS: Bool?
    @Option(name: .customLong("session-idle"), help: "Minutes without a request after which a login session ends (default: serve.session_idle, else 30).") var sessionIdle: Double?
    @Option(name: .customLong("appeal-days"), help: "Days after a call is checked in which its agent may appeal (default: serve.appeal_days, else 7).") var appealDays: Int?
    @Option(name: .customLong("audio-root"), help: ArgumentHelp("A folder of recordings the call pages may play: only files under these folders are served (repeatable; default: audio_root in .callqc.yml).", valueName: "dir")) var audioRoot: [String] = []
    @OptionGroup var ruleOptions: RuleOptions
    @OptionGroup var configFile: ConfigOptions

    /// Whether the database has accounts (then everyone logs in).
    static func accounts(_ db: String?) -> Bool {
        guard let db, SQLStore.isServerURL(db) || FileManager.default.fileExists(atPath: db), let store = try? StoreAccess.open(db),
              let floor = store as Any as? any FloorStore else { return false }
        return (try? floor.hasUsers()) ?? false
    }

    var flags: Settings.ServeFlags {
        Settings.ServeFlags(host: host, port: port, behindTLS: behindTLS, sessionIdle: sessionIdle, appealDays: appealDays,
                            publicURLs: publicURL, lang: lang, token: token, tokenFile: tokenFile)
    }

    /// The workbench's configuration: each setting from its flag, else .callqc.yml, else its default.
    func config(_ settings: Settings) throws -> WorkbenchConfig {
        let serve: Settings.Serve
        do { serve = try settings.serve(flags) } catch { RuleLoading.fail(error) }
        let db = settings.database(self.db).value
        var c = WorkbenchConfig(host: serve.host.value, port: serve.port.value, token: serve.token.value, language: serve.lang.value,
                                redact: settings.redact(redactFlag).value, maxBodyBytes: maxBody << 20, databasePath: db, maxTurns: maxTurns,
                                readTimeoutSeconds: readTimeout, maxConnections: maxConnections, publicHosts: serve.publicURLs.value)
        c.behindTLS = serve.behindTLS.value
        c.sessionIdleSeconds = serve.sessionIdle.value * 60
        c.appealDays = serve.appealDays.value
        c.liveIdleSeconds = liveIdle
        c.liveWebSocket = liveWebSocket
        let rates = settings.readingRates(nil)
        c.charactersPerMinute = rates.characters.value
        c.wordsPerMinute = rates.words.value
        c.accounts = Serve.accounts(db)
        do { c.audioRoots = try settings.audioRoots(audioRoot).value } catch { RuleLoading.fail(error) }
        return c
    }

    func validate() throws {
        guard liveIdle.isFinite, (0.5...86_400).contains(liveIdle) else { throw ValidationError("--live-idle must be between 0.5 and 86400 seconds.") }
        guard (1...1024).contains(maxBody) else { throw ValidationError("--max-body must be between 1 and 1024 (MB).") }
        guard readTimeout.isFinite, (0.1...3600).contains(readTimeout) else { throw ValidationError("--read-timeout must be between 0.1 and 3600 seconds.") }
        guard (1...100_000).contains(maxConnections) else { throw ValidationError("--max-connections must be between 1 and 100000.") }
        if token != nil && tokenFile != nil { throw ValidationError("Give --token or --token-file, not both.") }
        try Settings.validateAudioRoots(audioRoot)
        if let tokenFile {
            guard FileManager.default.isReadableFile(atPath: tokenFile) else { throw ValidationError("--token-file \(tokenFile): cannot read the file.") }
            if (Settings.firstLine(tokenFile) ?? "").isEmpty { throw ValidationError("--token-file \(tokenFile): the file's first line is empty.") }
        }
    }

    func run() throws {
        let settings = Settings.load(configFile)
        let config = try self.config(settings)
        if let problem = config.problem() {
            Console.error(problem, redact: false)
            throw ExitCode(2)
        }
        let checker = Checker(catalog: try ruleOptions.catalog(settings), scripts: try ruleOptions.scripts(settings))
        let store = try config.databasePath.map { try StoreAccess.open($0) }
        let loader = TranscriptLoader(options: settings.readOptions())
        let app = Workbench(config: config, checker: checker, store: store, loader: loader).application { port in
            let shown = config.host.contains(":") ? "[\(config.host)]" : config.host
            let access = config.accounts ? "accounts: log in required" : config.token == nil ? "no token" : "token required"
            let line = "callqc workbench at http://\(shown):\(port)/ (\(access)\(config.redact ? "" : ", not redacted")\(store == nil ? ", no database: self-check only" : ""))\n"
            Console.out(line, terminator: "")
        }
        let done = DispatchSemaphore(value: 0)
        let failure = Failure()
        Task {
            do { try await app.runService() } catch { failure.set(error) }
            done.signal()
        }
        done.wait()
        if let error = failure.error {
            Console.error("cannot serve on \(config.host):\(config.port): \(error)", redact: false)
            throw ExitCode(1)
        }
    }
}

/// The server's error, handed from its task to the waiting command.
final class Failure: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Error?
    func set(_ e: Error) { lock.lock(); stored = e; lock.unlock() }
    var error: Error? { lock.lock(); defer { lock.unlock() }; return stored }
}
