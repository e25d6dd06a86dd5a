import ArgumentParser
import CallQC
import CallQCStore
import Foundation

/// Retention: deletes old transcripts, results and reviews from the store, and says what it deleted.
struct Purge: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "purge", 
        abstract: "Delete transcripts, results and reviews older than a date from the results database.",
        discussion: """
        Calls dated before --before (a call without a date goes by the day it was first checked) \
        are deleted with their results, section scores and findings, and so are their reviews and \
        every review made before that date. --keep-reviewed keeps reviewed calls with their \
        results and reviews. Each deleted call is listed (masked), the counts are printed and \
        recorded in the database's purge log, and the file is compacted (VACUUM) so the deleted \
        text does not stay in its free pages. --dry-run lists and deletes nothing.

        Example: callqc purge --db qc.sqlite --before 2026-06-01 --keep-reviewed
        """
    )

    @Option(name: .long, help: "The results database: a SQLite file, or postgres://USER@HOST:5432/DB (default: db in .callqc.yml).") var db: String?
    @OptionGroup var configFile: ConfigOptions
    @Option(name: .long, help: "Delete what is older than this day (YYYY-MM-DD).") var before: String
    @Flag(name: .customLong("keep-reviewed"), help: "Keep calls that have a review, with their results and reviews.") var keepReviewed = false
    @Flag(name: .customLong("dry-run"), help: "List what would be deleted; delete nothing.") var dryRun = false
    @Flag(name: .customLong("redact"), inversion: .prefixedNo, help: "--no-redact: list call ids and sources unmasked.") var redactFlag: Bool?

    func validate() throws {
        guard Sample.isDate(before) else { throw ValidationError("--before must be YYYY-MM-DD, found '\(before)'.") }
    }

    func run() throws {
        let settings = Settings.load(configFile)
        let db = try settings.requireDatabase(self.db)
        let noRedact = !settings.redact(redactFlag).value
        let store = try StoreAccess.open(db)
        let report: SQLStore.PurgeReport
        do {
            report = try store.purge(before: before, keepReviewed: keepReviewed, dryRun: dryRun)
        } catch {
            Console.error("\(StoreAccess.shown(db)): the purge failed and changed nothing: \(error)")
            throw ExitCode(1)
        }
        let r = Redactor()
        func shown(_ s: String) -> String { TerminalText.safe(noRedact ? s : r.redact(s)) }
        let verb = dryRun ? "would delete" : "deleted"
        var out = ""
        for c in report.calls {
            out += "\(verb) call \(shown(c.id)) (\(c.date ?? "no date"), \(shown(c.source ?? "no source")))\n"
        }
        out += "\(dryRun ? "dry run: " : "")\(verb) from \(StoreAccess.shown(db)) before \(before): \(report.calls.count) call\(report.calls.count == 1 ? "" : "s") (transcripts), "
            + "\(report.results) result\(report.results == 1 ? "" : "s") with their findings, \(report.reviews) review\(report.reviews == 1 ? "" : "s")"
        if keepReviewed { out += "; kept \(report.keptReviewed) reviewed call\(report.keptReviewed == 1 ? "" : "s")" }
        out += "\n"
        if report.cases > 0 {
            out += "note: \(report.cases) case\(report.cases == 1 ? "" : "s") in the case library came from these calls; their excerpts are kept\n"
        }
        Console.out(out, terminator: "")
    }
}
