import Foundation

/// A value bound to or read from an SQL statement, the same on every backend.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

extension SQLValue {
    /// The value as every backend binds it. PostgreSQL's text cannot hold U+0000 (the server refuses
    /// the whole statement) and SQLite's text binding stops at it (the rest of the text is silently
    /// lost), so a NUL is bound as U+FFFD on both, in writes and lookups alike: a text keeps its
    /// length, a lookup finds what a write kept, and neither fails. (JSON columns escape it: `\u0000`.)
    public var portable: SQLValue {
        if case .text(let s) = self, s.utf8.contains(0) { return .text(s.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")) }
        return self
    }
}

/// What a statement can take as an argument (`?` in the SQL, on every backend).
public protocol SQLBindable: Sendable {
    var sqlValue: SQLValue { get }
}

extension String: SQLBindable { public var sqlValue: SQLValue { .text(self) } }
extension Int: SQLBindable { public var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Int64: SQLBindable { public var sqlValue: SQLValue { .integer(self) } }
extension Double: SQLBindable { public var sqlValue: SQLValue { .real(self) } }
extension Bool: SQLBindable { public var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension SQLValue: SQLBindable { public var sqlValue: SQLValue { self } }
extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// What a column can be read as. A NULL or a value of another type reads as ``sqlDefault``
/// where the reader asked for a non-optional value (never a crash on a surprising row).
public protocol SQLReadable {
    static func read(_ value: SQLValue) -> Self?
    static var sqlDefault: Self { get }
}

extension String: SQLReadable {
    public static func read(_ value: SQLValue) -> String? {
        switch value {
        case .text(let s): return s
        case .integer(let i): return String(i)
        case .real(let d): return String(d)
        case .null: return nil
        }
    }
    public static var sqlDefault: String { "" }
}

extension Int64: SQLReadable {
    public static func read(_ value: SQLValue) -> Int64? {
        switch value {
        case .integer(let i): return i
        case .real(let d): return d.isFinite ? Int64(exactly: d.rounded(.towardZero)) : nil
        case .text(let s): return Int64(s)
        case .null: return nil
        }
    }
    public static var sqlDefault: Int64 { 0 }
}

extension Int: SQLReadable {
    public static func read(_ value: SQLValue) -> Int? { Int64.read(value).flatMap { Int(exactly: $0) } }
    public static var sqlDefault: Int { 0 }
}

extension Double: SQLReadable {
    public static func read(_ value: SQLValue) -> Double? {
        switch value {
        case .real(let d): return d
        case .integer(let i): return Double(i)
        case .text(let s): return Double(s)
        case .null: return nil
        }
    }
    public static var sqlDefault: Double { 0 }
}

extension Bool: SQLReadable {
    public static func read(_ value: SQLValue) -> Bool? {
        switch value {
        case .integer(let i): return i != 0
        case .real(let d): return d != 0
        case .text(let s): return ["1", "t", "true"].contains(s.lowercased()) ? true : (["0", "f", "false"].contains(s.lowercased()) ? false : nil)
        case .null: return nil
        }
    }
    public static var sqlDefault: Bool { false }
}

extension Optional: SQLReadable where Wrapped: SQLReadable {
    public static func read(_ value: SQLValue) -> Wrapped?? {
        if case .null = value { return .some(nil) }
        return Wrapped.read(value).map { .some($0) }
    }
    public static var sqlDefault: Wrapped? { nil }
}

/// One row of a result: read a column by name (`row["score"]`) or position (`row[0]`) as the type
/// the context asks for.
public struct SQLRow: Sendable {
    public let columns: [String]
    public let values: [SQLValue]

    public init(columns: [String], values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    public func value(_ name: String) -> SQLValue {
        guard let i = columns.firstIndex(of: name) else { return .null }
        return values[i]
    }

    public subscript<T: SQLReadable>(_ name: String) -> T { T.read(value(name)) ?? T.sqlDefault }
    public subscript<T: SQLReadable>(_ index: Int) -> T { T.read(values.indices.contains(index) ? values[index] : .null) ?? T.sqlDefault }
}

/// A connection inside a read or a transaction. Statements use `?` for their arguments on every
/// backend, and SQL both SQLite and PostgreSQL read (identifiers that are keywords, such as
/// `"user"`, double-quoted).
public protocol SQLConnection {
    /// Runs a statement (or, without arguments, several separated by `;`); returns the rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [any SQLBindable]) throws -> Int
    func rows(_ sql: String, _ arguments: [any SQLBindable]) throws -> [SQLRow]
}

extension SQLConnection {
    @discardableResult
    public func execute(_ sql: String) throws -> Int { try execute(sql, []) }
    public func rows(_ sql: String) throws -> [SQLRow] { try rows(sql, []) }
    public func row(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> SQLRow? { try rows(sql, arguments).first }
    /// The first column of the first row; nil without a row (or for NULL, when T is optional-free).
    public func value<T: SQLReadable>(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> T? {
        guard let row = try rows(sql, arguments).first, let v = row.values.first else { return nil }
        return T.read(v)
    }
    public func int(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> Int? { try value(sql, arguments) }
    public func bool(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> Bool? { try value(sql, arguments) }
    public func string(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> String? { try value(sql, arguments) }
    public func double(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> Double? { try value(sql, arguments) }
    /// Inserts rows in statements of many rows each (`table (columns)` as in an INSERT).
    /// `suffix` follows each statement (an `ON CONFLICT` clause).
    public func insertRows(into table: String, _ rows: [[any SQLBindable]], suffix: String = "") throws {
        guard let width = rows.first?.count, width > 0 else { return }
        let tuple = "(" + Array(repeating: "?", count: width).joined(separator: ", ") + ")"
        let perStatement = max(1, 4000 / width)
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            let chunk = rows[start..<min(start + perStatement, rows.count)]
            try execute("INSERT INTO \(table) VALUES " + Array(repeating: tuple, count: chunk.count).joined(separator: ", ")
                            + (suffix.isEmpty ? "" : " " + suffix),
                        chunk.flatMap { $0 })
        }
    }
    /// Runs an INSERT ending in `RETURNING id` and gives the id.
    public func insert(_ sql: String, _ arguments: [any SQLBindable]) throws -> Int64 {
        guard let id: Int64 = try value(sql, arguments) else { throw SQLStoreError("an insert returned no id: \(sql.prefix(60))") }
        return id
    }
}

/// The backends: the embedded SQLite file and a PostgreSQL server.
public enum SQLBackendKind: String, Sendable {
    case sqlite
    case postgres
}

/// A database the store runs on. The protocol is synchronous, as every caller of the store is:
/// the checks are CPU-bound, SQLite is a library call, and the PostgreSQL backend waits on its
/// own event loop threads (never one the caller runs on), so a workbench request or a CLI run
/// calls it like a function.
public protocol SQLDatabase: Sendable {
    var kind: SQLBackendKind { get }
    /// Where the data is, for messages: a file path, or the URL without its password.
    var location: String { get }
    func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T
    /// One transaction: all of it or none.
    @discardableResult
    func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T
    /// One transaction that `body` commits (true) or rolls back (false).
    func transaction(_ body: (any SQLConnection) throws -> Bool) throws
    /// Gives deleted rows' space back (SQLite VACUUM; PostgreSQL VACUUM of the store's tables).
    func compact() throws
    /// The schema migrations applied, oldest first.
    func appliedMigrations() throws -> [String]
}

/// A store failure that is not the database's own error.
public struct SQLStoreError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
