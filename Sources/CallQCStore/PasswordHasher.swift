import CallQC
import Crypto
import Foundation
import HummingbirdBcrypt

/// Workbench passwords: bcrypt (hummingbird-auth's `HummingbirdBcrypt`) at a cost measured on
/// this machine kind (docs/store.md), and the rules a new password must meet.
public struct PasswordHasher: Sendable {
    /// One hash (or check) takes about 93 ms at cost 11 on this machine kind, 47 ms at 10, 187 ms at 12
    /// (release build, 2 cores; docs/store.md).
    public static let defaultCost: UInt8 = 11
    /// bcrypt reads at most 72 bytes of a password: longer ones are refused rather than cut.
    public static let maximumBytes = 72
    public static var minimumCharacters: Int { FloorPassword.minimumLength }

    public var cost: UInt8

    public init(cost: UInt8 = PasswordHasher.defaultCost) {
        self.cost = min(max(cost, 4), 31)
    }

    /// The bcrypt hash (`$2b$11$…`): salted, so two hashes of one password differ.
    public func hash(_ password: String) -> String { Bcrypt.hash(password, cost: cost) }

    /// Whether the password is the one hashed; false for a malformed hash.
    public func verify(_ password: String, hash: String) -> Bool {
        guard hash.hasPrefix("$2") else { return false }
        return Bcrypt.verify(password, hash: hash)
    }

    /// Refuses a password that breaks the floor's rules (``FloorPassword``: at least 10 characters,
    /// not one character repeated, not containing the user name) or is longer than bcrypt reads.
    public static func check(_ password: String, user: String) throws {
        if let problem = FloorPassword.problem(password, user: user) { throw FloorError(problem) }
        if password.utf8.count > maximumBytes {
            throw FloorError("the password is longer than \(maximumBytes) bytes, more than bcrypt reads; use a shorter one")
        }
    }
}

/// Secrets of the floor: random tokens and links, and the SHA-256 digests the store keeps of them.
public enum FloorSecret {
    /// The prefix of personal API tokens, so that a leaked one is recognised.
    public static let tokenPrefix = "cqc_"

    /// SHA-256 of the text's UTF-8 bytes, as 64 lowercase hex digits.
    public static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// `count` random bytes (the system's secure generator) in base64url without padding.
    public static func random(bytes count: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// A new personal API token: `cqc_` and 32 random bytes.
    public static func apiToken() -> String { tokenPrefix + random() }
}
