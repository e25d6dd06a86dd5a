import ArgumentParser
import CallQC
import CallQCStore
import Foundation

extension FloorRole: ExpressibleByArgument {}
extension AuditAction: ExpressibleByArgument {}
extension Appeal.Status: ExpressibleByArgument {}

/// What the floor commands (users, audit, appeals) share: who runs them, refusals, secrets on standard input.
enum FloorAccess {
    /// The operating-system user running callqc (the effective user's account name).
    static var osUser: String {
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "uid\(geteuid())"
    }

    /// The actor the audit log records for the command line: `cli:OSUSER`.
    static var actor: String { "cli:" + osUser }

    /// Runs a floor operation; a refusal (``FloorError``) is reported and ends the run with status 1.
    static func refusing<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let refusal as FloorError {
            Console.error(refusal.message, redact: false)
            throw ExitCode(1)
        } catch let ambiguous as AmbiguousCallReference {
            Console.error("\(ambiguous)")
            throw ExitCode(1)
        }
    }

    /// Appends an audit entry for the command line.
    static func audit(_ store: SQLStore, _ action: AuditAction, target: String?, detail: String?) throws {
        try store.audit(AuditEntry(at: ISO8601DateFormatter().string(from: Date()), actor: actor, action: action, target: target, detail: detail))
    }

    /// A password from standard input (one line; the line ending is dropped), checked against the rules.
    static func passwordFromStandardInput(user: String) throws -> String {
        var text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        if text.hasSuffix("\r") { text.removeLast() }
        if text.contains("\n") {
            Console.error("--password-stdin reads one line; standard input has several")
            throw ExitCode(1)
        }
        try refusing { try PasswordHasher.check(text, user: user) }
        return text
    }

    /// A new one-time set-password link for the user, valid `hours`; the store keeps only the SHA-256 of its secret.
    static func setupLink(_ store: SQLStore, user: String, hours: Int, baseURL: String?) throws -> (link: String, expires: Date) {
        let secret = FloorSecret.random()
        let expires = Date().addingTimeInterval(Double(hours) * 3600)
        try refusing { try store.addSetupLink(user: user, secretHash: FloorSecret.sha256Hex(secret), expires: expires) }
        var base = baseURL ?? ""
        while base.hasSuffix("/") { base.removeLast() }
        return (base + "/set-password?token=" + secret, expires)
    }

    /// Text for a table cell: control characters escaped, personal data masked unless `redact` is false.
    static func cell(_ text: String?, redact: Bool = true) -> String {
        guard let text, !text.isEmpty else { return "–" }
        return TerminalText.safe(redact ? Redactor().redact(text) : text).replacingOccurrences(of: "\n", with: " ")
    }

    /// Rows as columns padded to their widest cell (East Asian characters count two).
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(DisplayWidth.of)
        for row in rows { for (i, c) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], DisplayWidth.of(c)) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == cells.count - 1 ? c : DisplayWidth.pad(c, widths[i]) }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}
