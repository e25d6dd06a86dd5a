import ArgumentParser
import CallQC
import CallQCStore
import Foundation

/// Opens the store named by --db; a database that cannot be opened stops the run.
enum StoreAccess {
    /// Opens the database; only `check --db` may create it (`create`), the others need it to exist.
    static func open(_ path: String, create: Bool = false) throws -> SQLiteResultStore {
        if !create && !FileManager.default.fileExists(atPath: path) {
            Diagnostics.say("error: \(path): no such database; results are stored with callqc check … --db \(path)")
            throw ExitCode(2)
        }
        do {
            return try SQLiteResultStore(path: path)
        } catch {
            Diagnostics.say("error: \(path): cannot open the database: \(error)")
            throw ExitCode(2)
        }
    }

    static func save(_ results: [CallResult], to store: SQLiteResultStore) throws {
        do {
            try store.save(results)
        } catch {
            FileHandle.standardError.write(Data("\n".utf8))
            Diagnostics.say("error: \(store.path): cannot store results: \(error)")
            throw ExitCode(1)
        }
    }
}
