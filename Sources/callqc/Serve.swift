import ArgumentParser
import CallQC
import CallQCStore
import CallQCWeb
import Foundation

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
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
          CALLQC_TOKEN=s3cret callqc serve --db qc.sqlite --host 0.0.0.0
          PGPASSWORD=… callqc serve --db postgres://qc@db.example:5432/qc --port 8081
        """
    )

    @Option(name: .long, help: "The results database (from callqc check … --db); without it only the self-check works.") var db: String?
    @Option(name: .long, help: "The address to listen on.") var host: String = "127.0.0.1"
    @Option(name: .long, help: "The port to listen on (0: any free port, printed at start).") var port: Int = 8080
    @Option(name: .long, help: "An access token every request must carry (default: CALLQC_TOKEN); required off loopback. Visible in ps: prefer --token-file or CALLQC_TOKEN.") var token: String?
    @Option(name: .customLong("token-file"), help: "Read the access token from this file (its first line), so it does not show in ps.") var tokenFile: String?
    @Option(name: .customLong("public-url"), help: "The URL users open (https://qc.example.com/): its host name is accepted in Host headers besides the loopback names (repeatable).") var publicURL: [String] = []
    @Option(name: .customLong("max-turns"), help: "The most turns (or draft lines) one request may hold.") var maxTurns: Int = 20_000
    @Option(name: .customLong("read-timeout"), help: "Seconds a connection may stay silent, and a request body may take to arrive.") var readTimeout: Double = 15
    @Option(name: .customLong("max-connections"), help: "Open connections at most; more wait to be accepted.") var maxConnections: Int = 64
    @Option(name: .long, help: "The pages' language.") var lang: WorkbenchLanguage = .zh
    @Flag(name: .customLong("no-redact"), help: "Show personal data unmasked on the pages.") var noRedact = false
    @Option(name: .customLong("max-body"), help: "The largest request accepted, in MB.") var maxBody: Int = 2
    @Flag(name: .customLong("behind-tls"), help: "A TLS proxy is in front: session cookies are Secure, and the client's address is the first of X-Forwarded-For.") var behindTLS = false
    @Option(name: .customLong("session-idle"), help: "Minutes without a request after which a login session ends.") var sessionIdle: Double = 30
    @Option(name: .customLong("appeal-days"), help: "Days after a call is checked in which its agent may appeal.") var appealDays: Int = 7
    @OptionGroup var ruleOptions: RuleOptions

    /// Whether the database has accounts (then everyone logs in).
    var accounts: Bool {
        guard let db, SQLStore.isServerURL(db) || FileManager.default.fileExists(atPath: db), let store = try? StoreAccess.open(db),
              let floor = store as Any as? any FloorStore else { return false }
        return (try? floor.hasUsers()) ?? false
    }

    var config: WorkbenchConfig {
        let env = ProcessInfo.processInfo.environment["CALLQC_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        var c = WorkbenchConfig(host: host, port: port, token: token ?? fileToken ?? env, language: lang,
                               redact: !noRedact, maxBodyBytes: maxBody << 20, databasePath: db, maxTurns: maxTurns,
                               readTimeoutSeconds: readTimeout, maxConnections: maxConnections, publicHosts: publicURL)
        c.behindTLS = behindTLS
        c.sessionIdleSeconds = sessionIdle * 60
        c.appealDays = appealDays
        c.accounts = accounts
        return c
    }

    /// The first line of --token-file, trimmed.
    var fileToken: String? {
        guard let tokenFile, let data = FileManager.default.contents(atPath: tokenFile) else { return nil }
        let first = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return first.trimmingCharacters(in: .whitespaces)
    }

    func validate() throws {
        guard (1...1024).contains(maxBody) else { throw ValidationError("--max-body must be between 1 and 1024 (MB).") }
        guard readTimeout.isFinite, (0.1...3600).contains(readTimeout) else { throw ValidationError("--read-timeout must be between 0.1 and 3600 seconds.") }
        guard (1...100_000).contains(maxConnections) else { throw ValidationError("--max-connections must be between 1 and 100000.") }
        if token != nil && tokenFile != nil { throw ValidationError("Give --token or --token-file, not both.") }
        if let tokenFile {
            guard FileManager.default.isReadableFile(atPath: tokenFile) else { throw ValidationError("--token-file \(tokenFile): cannot read the file.") }
            if (fileToken ?? "").isEmpty { throw ValidationError("--token-file \(tokenFile): the file's first line is empty.") }
        }
        if let problem = config.problem() { throw ValidationError(problem) }
    }

    func run() throws {
        let checker = Checker(catalog: try ruleOptions.catalog(), scripts: try ruleOptions.scripts())
        let store = try db.map { try StoreAccess.open($0) }
        let config = self.config
        let app = Workbench(config: config, checker: checker, store: store).application { port in
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
