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

    public init(host: String = "127.0.0.1", port: Int = 8080, token: String? = nil, language: WorkbenchLanguage = .zh,
                redact: Bool = true, maxBodyBytes: Int = 2 << 20, databasePath: String? = nil) {
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

    /// The configuration's mistakes, worded for the operator; nil when it may start.
    public func problem() -> String? {
        if !(0...65535).contains(port) { return "--port must be between 0 and 65535, found \(port)." }
        if host.isEmpty { return "--host must name an address." }
        if let token, token.isEmpty || token.contains(where: { $0.isWhitespace || $0 == ";" || $0 == "," || $0 == "\"" }) {
            return "the access token must be non-empty, without spaces, quotes, commas or semicolons."
        }
        if !WorkbenchConfig.isLoopback(host) && (token ?? "").isEmpty {
            return "refusing to listen on \(host) without an access token: anyone who reaches this address would see the calls. Give --token T (or set CALLQC_TOKEN), or listen on 127.0.0.1."
        }
        if maxBodyBytes < 1024 { return "the request size limit must be at least 1 KB." }
        return nil
    }
}
