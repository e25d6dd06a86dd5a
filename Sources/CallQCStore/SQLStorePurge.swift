import CallQC
import Foundation

/// Deleting old calls (`callqc purge`), and the log of what was deleted.
extension SQLStore {
    /// What ``purge(before:keepReviewed:dryRun:)`` deleted.
    public struct PurgeReport: Sendable {
        public var calls: [(id: String, date: String?, source: String?)] = []
        public var results = 0
        public var reviews = 0
        /// Reviewed calls kept because of `keepReviewed`.
        public var keptReviewed = 0
        /// Cases in the library made from purged calls (their excerpts stay: delete them by hand if the rules require).
        public var cases = 0
    }

    /// Deletes the transcripts (calls), their results, sections and findings, and the reviews of
    /// calls dated before `before` (YYYY-MM-DD; a call without a date goes by the day it was first
    /// checked), and reviews made before it; with `keepReviewed`, reviewed calls stay with their
    /// results and reviews. One transaction, recorded in `purge_log`; then VACUUM, so the deleted
    /// text does not linger in free pages of the file. `dryRun` reports and changes nothing.
    public func purge(before: String, keepReviewed: Bool, dryRun: Bool = false) throws -> PurgeReport {
        var report = PurgeReport()
        try database.transaction { db in
            let day = "COALESCE(c.date, (SELECT substr(MIN(r.checked_at), 1, 10) FROM results r WHERE r.content_hash = c.content_hash))"
            let reviewed = "(c.content_hash IN (SELECT content_hash FROM reviews WHERE content_hash IS NOT NULL) OR c.call_id IN (SELECT call_id FROM reviews WHERE content_hash IS NULL))"
            let old = try db.rows("SELECT c.content_hash, c.call_id, c.date, c.source, \(reviewed) AS reviewed FROM calls c WHERE \(day) < ? ORDER BY c.date NULLS FIRST, c.call_id, c.content_hash", [before])
            var hashes: [String] = []
            for row in old {
                if keepReviewed, (row["reviewed"] as Bool?) == true { report.keptReviewed += 1; continue }
                hashes.append(row["content_hash"])
                report.calls.append((row["call_id"], row["date"], row["source"]))
            }
            try db.execute("CREATE TEMP TABLE IF NOT EXISTS purged (content_hash TEXT PRIMARY KEY)")
            try db.execute("DELETE FROM purged")
            for h in hashes { try db.execute("INSERT INTO purged (content_hash) VALUES (?) ON CONFLICT DO NOTHING", [h]) }
            report.results = try db.int("SELECT COUNT(*) FROM results WHERE content_hash IN (SELECT content_hash FROM purged)") ?? 0
            report.cases = try db.int("""
                SELECT COUNT(*) FROM cases WHERE call_id IN (SELECT c.call_id FROM calls c JOIN purged p ON p.content_hash = c.content_hash)
                """) ?? 0
            // Reviews of purged calls, and reviews made before the date of calls that are not kept.
            let doomedReviews = """
                FROM reviews WHERE content_hash IN (SELECT content_hash FROM purged)
                   OR (reviewed_at < ? AND NOT (content_hash IS NOT NULL AND content_hash IN (SELECT content_hash FROM calls WHERE content_hash NOT IN (SELECT content_hash FROM purged)) AND ? = 1))
                """
            report.reviews = try db.int("SELECT COUNT(*) " + doomedReviews, [before, keepReviewed]) ?? 0
            try db.execute("DELETE " + doomedReviews, [before, keepReviewed])
            try db.execute("DELETE FROM results WHERE content_hash IN (SELECT content_hash FROM purged)")
            // Appeals quote the agent's reasons about the call: they go with it (the audit log keeps that they were made).
            try db.execute("DELETE FROM appeals WHERE content_hash IN (SELECT content_hash FROM purged) OR call_key IN (SELECT c.call_id FROM calls c JOIN purged p ON p.content_hash = c.content_hash)")
            try db.execute("DELETE FROM calls WHERE content_hash IN (SELECT content_hash FROM purged)")
            try db.execute("DROP TABLE purged")
            try db.execute("INSERT INTO purge_log (purged_at, before, keep_reviewed, calls, results, reviews) VALUES (?, ?, ?, ?, ?, ?)", [ISO8601DateFormatter().string(from: Date()), before, keepReviewed, report.calls.count, report.results, report.reviews])
            return !dryRun
        }
        if !dryRun { try database.compact() }
        return report
    }

    /// The purges done, oldest first: (when, before, calls, results, reviews).
    public func purgeLog() throws -> [(at: String, before: String, calls: Int, results: Int, reviews: Int)] {
        try database.read { db in
            try db.rows("SELECT purged_at, before, calls, results, reviews FROM purge_log ORDER BY id").map {
                ($0["purged_at"], $0["before"], $0["calls"], $0["results"], $0["reviews"])
            }
        }
    }
}
