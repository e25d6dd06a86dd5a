import ArgumentParser
import CallQC
import CallQCStore
import Foundation

/// Reads the append-only audit log: logins, unmasked views, reviews, appeals, cases, user changes, exports.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Show the audit log: who did what, to what, when and from where.",
        discussion: """
        The log is append-only: the database refuses to change or delete its lines. Actions: \
        \(AuditAction.allCases.map(\.rawValue).joined(separator: ", ")). The command line appears as cli:OSUSER.

        Example: callqc audit --db qc.sqlite --from 2026-12-01 --to 2026-12-07 --action unmask
        """
    )

    @Option(name: .long, help: "The results database: a SQLite file, or postgres://USER@HOST:5432/DB (default: db in .callqc.yml).") var db: String?
    @OptionGroup var configFile: ConfigOptions
    @Option(name: .long, help: "From this day (YYYY-MM-DD) or time (ISO 8601, UTC).") var from: String?
    @Option(name: .long, help: "To this day (included) or time.") var to: String?
    @Option(name: .long, help: "Only what this user did (cli:OSUSER for the command line).") var user: String?
    @Option(name: .long, help: "Only this action.") var action: AuditAction?
    @Option(name: .long, help: "Output format.") var format: TableOrJSON = .table
    @Flag(name: .customLong("redact"), inversion: .prefixedNo, help: "--no-redact: show targets and details unmasked.") var redactFlag: Bool?

    static func isTime(_ text: String) -> Bool {
        Sample.isDate(text) || ISO8601DateFormatter().date(from: text) != nil
    }

    func validate() throws {
        for (name, value) in [("--from", from), ("--to", to)] {
            if let value, !AuditCommand.isTime(value) { throw ValidationError("\(name) must be YYYY-MM-DD or an ISO 8601 time (2026-12-01T09:00:00Z), found '\(value)'.") }
        }
    }

    func run() throws {
        let settings = Settings.load(configFile)
        let db = try settings.requireDatabase(self.db)
        let noRedact = !settings.redact(redactFlag).value
        let store = try StoreAccess.open(db)
        let entries = try store.auditLog(from: from, to: to, actor: user, action: action)
        let redactor = Redactor()
        func shown(_ text: String?) -> String? { noRedact ? text : redactor.redact(text) }
        if format == .json {
            Console.out(JSONValue.array(entries.map { e in
                .object([("id", .number(Double(e.id))), ("at", .string(e.at)), ("actor", .string(e.actor)), ("action", .string(e.action.rawValue)),
                         ("target", .string(shown(e.target))), ("detail", .string(shown(e.detail))), ("address", .string(e.address))])
            }).pretty())
            return
        }
        if entries.isEmpty {
            Console.say("no audit entries" + (from == nil && to == nil && user == nil && action == nil ? "" : " match"), redact: false)
            return
        }
        Console.out(FloorAccess.table(["ID", "AT", "ACTOR", "ACTION", "TARGET", "ADDRESS", "DETAIL"], entries.map { e in
            [String(e.id), e.at, FloorAccess.cell(e.actor, redact: false), e.action.rawValue, FloorAccess.cell(e.target, redact: !noRedact),
             FloorAccess.cell(e.address, redact: false), FloorAccess.cell(e.detail, redact: !noRedact)]
        }), terminator: "")
    }
}
