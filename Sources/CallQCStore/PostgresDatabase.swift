import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL store is: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?OPTIONS]`.
/// Options: `sslmode=disable|prefer|require` (default `prefer`, `disable` on loopback),
/// `schema=NAME` (the store's tables in that schema, created if missing; default `public`),
/// `pool=N` (connections, default 4), `host=/run/postgresql` (a Unix socket folder). The
/// password may instead come from the `PGPASSWORD` environment variable.
public struct PostgresLocation: Sendable, Hashable {
    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var socketPath: String?
    public var sslMode: String
    public var schema: String?
    public var pool: Int

    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    public init(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard PostgresLocation.isURL(text), let url = URLComponents(string: text) else {
            throw SQLStoreError("'\(PostgresLocation.redacted(text))' is not a PostgreSQL URL: write postgres://USER@HOST:5432/DATABASE")
        }
        user = url.user.flatMap { $0.removingPercentEncoding } ?? environment["PGUSER"] ?? environment["USER"] ?? "postgres"
        password = url.password.flatMap { $0.removingPercentEncoding } ?? environment["PGPASSWORD"]
        host = url.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        port = url.port ?? 5432
        let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        database = path.removingPercentEncoding ?? path
        if database.isEmpty { throw SQLStoreError("\(PostgresLocation.redacted(text)): the URL names no database (postgres://USER@HOST:5432/DATABASE)") }
        let options = Dictionary((url.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        let known: Set<String> = ["sslmode", "schema", "pool", "host"]
        if let unknown = options.keys.sorted().first(where: { !known.contains($0) }) {
            throw SQLStoreError("\(PostgresLocation.redacted(text)): unknown option '\(unknown)' (known: sslmode, schema, pool, host)")
        }
        socketPath = options["host"].flatMap { $0.hasPrefix("/") ? $0 + "/.s.PGSQL.\(url.port ?? 5432)" : nil }
        let loopback = ["127.0.0.1", "localhost", "::1"].contains(host) || socketPath != nil
        sslMode = options["sslmode"] ?? (loopback ? "disable" : "prefer")
        guard ["disable", "prefer", "require"].contains(sslMode) else {
            throw SQLStoreError("\(PostgresLocation.redacted(text)): sslmode must be disable, prefer or require, found '\(sslMode)'")
        }
        schema = options["schema"].flatMap { $0.isEmpty ? nil : $0 }
        if let schema, schema.count > 63 || !schema.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_") }) {
            throw SQLStoreError("\(PostgresLocation.redacted(text)): schema '\(schema)' must be letters, digits and _ (at most 63)")
        }
        if let p = options["pool"] {
            guard let n = Int(p), (1...64).contains(n) else { throw SQLStoreError("\(PostgresLocation.redacted(text)): pool must be 1 to 64, found '\(p)'") }
            pool = n
        } else {
            pool = 4
        }
    }

    /// The URL without its password, for messages and logs.
    public var display: String {
        var s = "postgres://\(user)@\(socketPath == nil ? "\(host):\(port)" : "localhost")/\(database)"
        var options: [String] = []
        if let schema { options.append("schema=\(schema)") }
        if let socketPath { options.append("host=\((socketPath as NSString).deletingLastPathComponent)") }
        if !options.isEmpty { s += "?" + options.joined(separator: "&") }
        return s
    }

    /// A URL with any password replaced by `***`.
    public static func redacted(_ text: String) -> String {
        guard var url = URLComponents(string: text), url.password != nil else { return text }
        url.password = "***"
        return url.string ?? "postgres://***"
    }
}

/// The PostgreSQL backend (postgres-nio): a small pool of connections on event-loop threads of
/// its own. Callers block on a query's future from their own thread, never from one of the
/// pool's event loops, so a synchronous store over an asynchronous driver cannot deadlock.
/// Reads run in a read-only snapshot; writes in a transaction, retried on a serialization
/// failure or deadlock. Migrations run once, under an advisory lock (``PostgresSchema``).
public final class PostgresDatabase: SQLDatabase, @unchecked Sendable {
    public let settings: PostgresLocation
    public var kind: SQLBackendKind { .postgres }
    public var location: String { settings.display }

    let group: MultiThreadedEventLoopGroup
    let configuration: PostgresConnection.Configuration
    let logger: Logger
    // The pool: idle connections and how many are open, under `condition`.
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var open = 0
    private var nextID = 0
    private var closed = false

    public convenience init(url: String) throws {
        try self.init(try PostgresLocation(url: url))
    }

    /// `migrate: false` only connects (for administration, such as dropping a test schema).
    public init(_ settings: PostgresLocation, migrate: Bool = true) throws {
        self.settings = settings
        // The library never prints: the driver's log goes nowhere.
        self.logger = Logger(label: "callqc.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var tls: PostgresConnection.Configuration.TLS = .disable
        if settings.sslMode != "disable" {
            var tlsConfig = TLSConfiguration.makeClientConfiguration()
            if settings.sslMode == "prefer" { tlsConfig.certificateVerification = .none }
            let context = try NIOSSLContext(configuration: tlsConfig)
            tls = settings.sslMode == "require" ? .require(context) : .prefer(context)
        }
        if let socket = settings.socketPath {
            configuration = .init(unixSocketPath: socket, username: settings.user, password: settings.password, database: settings.database)
        } else {
            configuration = .init(host: settings.host, port: settings.port, username: settings.user, password: settings.password,
                                  database: settings.database, tls: tls)
        }
        do {
            if migrate { try PostgresSchema.migrate(self) }
        } catch {
            shutdown()
            throw error
        }
    }

    deinit { shutdown() }

    /// Closes the pool's connections and stops its threads.
    public func shutdown() {
        condition.lock()
        if closed { condition.unlock(); return }
        closed = true
        let connections = idle
        idle = []
        condition.unlock()
        for c in connections { _ = try? c.close().wait() }
        try? group.syncShutdownGracefully()
    }

    // MARK: The pool

    func acquire() throws -> PostgresConnection {
        condition.lock()
        while idle.isEmpty && open >= settings.pool && !closed { condition.wait() }
        if closed { condition.unlock(); throw SQLStoreError("the PostgreSQL store \(location) is closed") }
        if let c = idle.popLast() {
            condition.unlock()
            if !c.isClosed { return c }
            condition.lock(); open -= 1; condition.unlock()
            return try acquire()
        }
        open += 1
        nextID += 1
        let id = nextID
        condition.unlock()
        do {
            let c = try PostgresConnection.connect(on: group.next(), configuration: configuration, id: id, logger: logger).wait()
            if let schema = settings.schema {
                _ = try c.query(PostgresQuery(unsafeSQL: "SET search_path TO \"\(schema)\""), logger: logger).wait()
            }
            return c
        } catch {
            condition.lock(); open -= 1; condition.signal(); condition.unlock()
            throw PostgresDatabase.describe(error, connecting: location)
        }
    }

    func release(_ c: PostgresConnection, broken: Bool) {
        condition.lock()
        if broken || c.isClosed || closed {
            open -= 1
            condition.signal()
            condition.unlock()
            _ = try? c.close().wait()
            return
        }
        idle.append(c)
        condition.signal()
        condition.unlock()
    }

    /// Runs `body` on a pooled connection; a connection that failed is closed, not reused.
    @discardableResult
    func withConnection<T>(_ body: (PGConnection) throws -> T) throws -> T {
        let c = try acquire()
        let connection = PGConnection(connection: c, logger: logger)
        do {
            let value = try body(connection)
            release(c, broken: connection.inFailedTransaction)
            return value
        } catch {
            release(c, broken: true)
            throw error
        }
    }

    // MARK: SQLDatabase

    /// `body` between `begin` and COMMIT on a pooled connection; ROLLBACK when it throws.
    func inTransaction<T>(_ begin: String, _ body: (any SQLConnection) throws -> T) throws -> T {
        try withConnection { c in
            try c.execute(begin)
            do {
                let value = try body(c)
                try c.execute("COMMIT")
                return value
            } catch {
                _ = try? c.execute("ROLLBACK")
                throw error
            }
        }
    }

    public func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try inTransaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    @discardableResult
    public func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try inTransaction("BEGIN", body)
            } catch let error as PostgresServerError where error.retryable && attempt < 5 {
                usleep(useconds_t(5_000 * attempt))
            }
        }
    }

    public func transaction(_ body: (any SQLConnection) throws -> Bool) throws {
        try withConnection { c in
            try c.execute("BEGIN")
            do {
                try c.execute(try body(c) ? "COMMIT" : "ROLLBACK")
            } catch {
                _ = try? c.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// VACUUM FULL rewrites the tables that hold call text, so deleted transcripts do not linger in dead rows.
    public func compact() throws {
        try withConnection { c in
            try c.execute("VACUUM FULL calls, results, findings, sections, reviews, review_sections, review_verdicts, review_misses, appeals, cases")
        }
    }

    public func appliedMigrations() throws -> [String] {
        try read { db in try db.rows("SELECT name FROM callqc_migrations ORDER BY seq").map { $0["name"] } }
    }

    /// A clear message for a driver error: the server's own message and SQLSTATE, or why the connection failed.
    static func describe(_ error: any Error, connecting location: String? = nil) -> any Error {
        if let e = error as? PSQLError {
            if let message = e.serverInfo?[.message] {
                return PostgresServerError(message: message, sqlState: e.serverInfo?[.sqlState] ?? "", detail: e.serverInfo?[.detail],
                                           location: location)
            }
            let reason = e.underlying.map { "\($0)" } ?? "\(e.code)"
            return SQLStoreError(location.map { "cannot connect to PostgreSQL at \($0): \(reason)" } ?? "PostgreSQL: \(reason)")
        }
        if let location { return SQLStoreError("cannot connect to PostgreSQL at \(location): \(error)") }
        return error
    }
}

/// An error the PostgreSQL server reported: its message and SQLSTATE.
public struct PostgresServerError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var sqlState: String
    public var detail: String?
    public var location: String?

    /// A serialization failure or a deadlock: the transaction may simply be run again.
    public var retryable: Bool { sqlState == "40001" || sqlState == "40P01" }

    public var description: String {
        var s = (location.map { "PostgreSQL at \($0): " } ?? "PostgreSQL: ") + message + " (SQLSTATE \(sqlState))"
        if let detail, !detail.isEmpty { s += ": " + detail }
        return s
    }
}

/// One pooled connection inside a read or a transaction: `?` placeholders become `$1, $2…`.
final class PGConnection: SQLConnection {
    let connection: PostgresConnection
    let logger: Logger
    private(set) var inFailedTransaction = false

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    @discardableResult
    func execute(_ sql: String, _ arguments: [any SQLBindable]) throws -> Int {
        if arguments.isEmpty {
            var changed = 0
            for statement in PGConnection.statements(sql) { changed = try run(statement, []).metadata.rows ?? 0 }
            return changed
        }
        return try run(sql, arguments).metadata.rows ?? 0
    }

    func rows(_ sql: String, _ arguments: [any SQLBindable]) throws -> [SQLRow] {
        let result = try run(sql, arguments)
        var out: [SQLRow] = []
        out.reserveCapacity(result.rows.count)
        var columns: [String]? = nil
        for row in result.rows {
            var values: [SQLValue] = []
            var names: [String] = []
            for cell in row {
                if columns == nil { names.append(cell.columnName) }
                values.append(PGConnection.value(cell))
            }
            if columns == nil { columns = names }
            out.append(SQLRow(columns: columns!, values: values))
        }
        return out
    }

    private func run(_ sql: String, _ arguments: [any SQLBindable]) throws -> PostgresQueryResult {
        var binds = PostgresBindings(capacity: arguments.count)
        for a in arguments {
            switch a.sqlValue.portable {
            case .null: binds.appendNull()
            case .integer(let i): binds.append(i)
            case .real(let d): binds.append(d)
            case .text(let s): binds.append(s)
            }
        }
        let text = arguments.isEmpty ? sql : PGConnection.numberPlaceholders(sql)
        do {
            return try connection.query(PostgresQuery(unsafeSQL: text, binds: binds), logger: logger).wait()
        } catch {
            inFailedTransaction = true
            throw PostgresDatabase.describe(error)
        }
    }

    static func value(_ cell: PostgresCell) -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8, .oid:
            return (try? cell.decode(Int64.self)).map { .integer($0) } ?? .null
        case .float4, .float8:
            return (try? cell.decode(Double.self)).map { .real($0) } ?? .null
        case .bool:
            return (try? cell.decode(Bool.self)).map { .integer($0 ? 1 : 0) } ?? .null
        case .numeric:
            if let s = try? cell.decode(String.self), let d = Double(s) { return .real(d) }
            return .null
        default:
            return (try? cell.decode(String.self)).map { .text($0) } ?? .null
        }
    }

    /// `?` outside quotes becomes `$1`, `$2`…
    static func numberPlaceholders(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var n = 0
        var quote: Character? = nil
        for ch in sql {
            if let q = quote {
                if ch == q { quote = nil }
                out.append(ch)
            } else if ch == "'" || ch == "\"" {
                quote = ch
                out.append(ch)
            } else if ch == "?" {
                n += 1
                out += "$\(n)"
            } else {
                out.append(ch)
            }
        }
        return out
    }

    /// The statements of a script, split at `;` outside quotes and `$$` bodies.
    static func statements(_ sql: String) -> [String] {
        var out: [String] = []
        var current = ""
        var quote: Character? = nil
        var dollar = false
        var previous: Character = " "
        for ch in sql {
            current.append(ch)
            if dollar {
                if ch == "$" && previous == "$" { dollar = false; previous = " "; continue }
            } else if let q = quote {
                if ch == q { quote = nil }
            } else if ch == "'" || ch == "\"" {
                quote = ch
            } else if ch == "$" && previous == "$" {
                dollar = true; previous = " "; continue
            } else if ch == ";" {
                current.removeLast()
                let s = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if !s.isEmpty { out.append(s) }
                current = ""
            }
            previous = ch
        }
        let s = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !s.isEmpty { out.append(s) }
        return out
    }
}
