import CallQC
import Foundation

/// The interface language of the workbench's pages.
public enum WorkbenchLanguage: String, Sendable, CaseIterable {
    case zh, en
}

/// How the workbench runs: where it listens, who may use it, what its pages show.
public struct WorkbenchConfig: Sendable {
    public var host: String
    public var port: Int
    /// The access token every request must carry; required when `host` is not loopback.
    public var token: String?
    /// The default interface language (a page's `?lang=` overrides it).
    public var language: WorkbenchLanguage
    /// Mask personal data on every page and in the API's answers.
    public var redact: Bool
    /// The largest request body accepted, in bytes.
    public var maxBodyBytes: Int
    /// The results database's path, for the pages' messages (nil: no store).
    public var databasePath: String?
    /// The most turns (or draft lines) one request may hold; more is refused with 413.
    public var maxTurns: Int
    /// Seconds a check may take before the request is answered 422 (checks run in their own pool).
    public var workBudgetSeconds: Double
    /// Checks running at once; the others wait their turn (the server's own threads stay free).
    public var workers: Int
    /// Seconds a connection may stay silent (the request head, between body parts, or between
    /// requests) and a body may take to arrive in full.
    public var readTimeoutSeconds: Double
    /// Open connections at most; more wait to be accepted.
    public var maxConnections: Int
    /// Host names requests may name in `Host` besides the loopback ones (`--public-url`, a non-wildcard `--host`).
    public var publicHosts: [String]
    /// A TLS proxy is in front (`--behind-tls`): session cookies are `Secure`, and the address
    /// of a request is the first of `X-Forwarded-For`.
    public var behindTLS: Bool = false
    /// The results database has accounts: everyone logs in, so no shared token is needed off loopback.
    public var accounts: Bool = false
    /// A session ends after this long without a request, and after `sessionMaxSeconds` in all.
    public var sessionIdleSeconds: Double = 30 * 60
    public var sessionMaxSeconds: Double = 12 * 3600
    /// The folders of recordings (`--audio-root`, `audio_root`): a call page plays a recording
    /// only when its file is inside one of them, symbolic links resolved.
    public var audioRoots: [String] = []
    /// Days after a call is checked in which its agent may appeal a finding.
    public var appealDays: Int = 7
    /// The self-check's standard reading rate: Chinese characters, English words a minute.
    public var charactersPerMinute: Double = 120
    public var wordsPerMinute: Double = 150
    /// Failed logins allowed per account (and per address) within `loginWindowSeconds`.
    public var maxFailedLoginsPerAccount: Int = 5
    public var maxFailedLoginsPerAddress: Int = 20
    public var loginWindowSeconds: Double = 15 * 60
    /// A live call without a turn for this long is finalised (its result stored), with a note.
    public var liveIdleSeconds: Double = 120
    /// Accept the live stream over a WebSocket (`/api/live`) too (on by default; `--no-live-websocket`).
    public var liveWebSocket: Bool = true

    public init(host: String = "127.0.0.1", port: Int = 8080, token: String? = nil, language: WorkbenchLanguage = .zh,
                redact: Bool = true, maxBodyBytes: Int = 2 << 20, databasePath: String? = nil, maxTurns: Int = 20_000,
                workBudgetSeconds: Double = 20, workers: Int = max(1, ProcessInfo.processInfo.activeProcessorCount - 1),
                readTimeoutSeconds: Double = 15, maxConnections: Int = 64, publicHosts: [String] = []) {
        self.maxTurns = maxTurns
        self.workBudgetSeconds = workBudgetSeconds
        self.workers = workers
        self.readTimeoutSeconds = readTimeoutSeconds
        self.maxConnections = maxConnections
        self.publicHosts = publicHosts
        self.host = host
        self.port = port
        self.token = token
        self.language = language
        self.redact = redact
        self.maxBodyBytes = maxBodyBytes
        self.databasePath = databasePath
    }

    /// True for addresses only this machine reaches: 127.0.0.0/8, ::1, localhost.
    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if h == "localhost" || h == "::1" || h == "0:0:0:0:0:0:0:1" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { p in UInt8(p) != nil }
    }

    /// The host names a request's `Host` header may carry (lowercased, without port): the
    /// loopback names, the listening address unless it is a wildcard, and `publicHosts`. Any other
    /// name is answered 421, so a page of another site that rebinds its DNS name to this machine
    /// cannot read the workbench.
    public var allowedHosts: Set<String> {
        var names: Set<String> = ["localhost", "127.0.0.1", "::1", "[::1]"]
        let h = host.lowercased()
        if !["0.0.0.0", "::", "[::]", ""].contains(h) { names.insert(h); names.insert("[\(h)]") }
        for p in publicHosts {
            let name = WorkbenchConfig.hostName(p)
            if !name.isEmpty { names.insert(name) }
        }
        return names
    }

    /// The host name of a URL or `Host` value, lowercased, without scheme, port or path.
    public static func hostName(_ text: String) -> String {
        var s = Substring(text.lowercased().trimmingCharacters(in: .whitespaces))
        if let r = s.range(of: "://") { s = s[r.upperBound...] }
        if let slash = s.firstIndex(of: "/") { s = s[..<slash] }
        if let at = s.lastIndex(of: "@") { s = s[s.index(after: at)...] }
        if s.hasPrefix("[") {
            if let close = s.firstIndex(of: "]") { return String(s[...close]) }
            return String(s)
        }
        if let colon = s.lastIndex(of: ":"), s.filter({ $0 == ":" }).count == 1 { s = s[..<colon] }
        return String(s)
    }

    /// The configuration's mistakes, worded for the operator; nil when it may start.
    public func problem() -> String? {
        if !(0...65535).contains(port) { return "--port must be between 0 and 65535, found \(port)." }
        if host.isEmpty { return "--host must name an address." }
        if let token, token.isEmpty || token.contains(where: { $0.isWhitespace || $0 == ";" || $0 == "," || $0 == "\"" }) {
            return "the access token must be non-empty, without spaces, quotes, commas or semicolons."
        }
        if !WorkbenchConfig.isLoopback(host) && (token ?? "").isEmpty && !accounts {
            return "refusing to listen on \(host) without an access token or accounts: anyone who reaches this address would see the calls. Create users (callqc users add NAME --role admin --db FILE), give --token T (or set CALLQC_TOKEN), or listen on 127.0.0.1."
        }
        if maxBodyBytes < 1024 { return "the request size limit must be at least 1 KB." }
        if maxTurns < 1 { return "--max-turns must be at least 1." }
        if sessionIdleSeconds < 60 || sessionIdleSeconds > sessionMaxSeconds { return "--session-idle must be at least 1 minute and at most the session's whole life." }
        if appealDays < 0 { return "--appeal-days must not be negative." }
        if let bad = publicHosts.first(where: { WorkbenchConfig.hostName($0).isEmpty }) { return "--public-url '\(bad)' names no host." }
        return nil
    }
}
