import ArgumentParser
import CallQC
import CallQCStore
import Foundation

/// Opens the store named by --db; a database that cannot be opened stops the run.
enum StoreAccess {
    /// Opens the database: a SQLite file, or a PostgreSQL database named by a `postgres://` URL
    /// (migrated on first use). Only `check --db` may create a SQLite file (`create`); the others
    /// need it to exist.
    static func open(_ path: String, create: Bool = false) throws -> SQLStore {
        let server = SQLStore.isServerURL(path)
        let shown = server ? PostgresLocation.redacted(path) : path
        if !server && !create && !FileManager.default.fileExists(atPath: path) {
            Console.error("\(path): no such database; results are stored with callqc check … --db \(path)")
            throw ExitCode(2)
        }
        do {
            return try SQLStore.open(path)
        } catch {
            Console.error("\(shown): cannot open the database: \(error)")
            throw ExitCode(2)
        }
    }

    /// A `--db` value as messages show it: a URL without its password.
    static func shown(_ db: String) -> String { SQLStore.isServerURL(db) ? PostgresLocation.redacted(db) : db }

    /// The stored call a command names (an id, or a key such as `E1@2026-11-20` where calls
    /// share the id); a missing or ambiguous one stops the run with status 1.
    static func call(_ callID: String, in store: SQLStore) throws -> StoredResult {
        let found: StoredResult?
        do {
            found = try store.detail(callID: callID)
        } catch let ambiguous as AmbiguousCallReference {
            Console.error("\(ambiguous)")
            throw ExitCode(1)
        }
        guard let stored = found else {
            Console.error("no call '\(callID)' in \(store.path): check it first (callqc check … --db \(store.path))")
            throw ExitCode(1)
        }
        return stored
    }

    static func save(_ results: [CallResult], to store: SQLStore) throws {
        do {
            try store.save(results)
        } catch {
            Console.progress("\n")
            Console.error("\(store.path): cannot store results: \(error)")
            throw ExitCode(1)
        }
    }
}
