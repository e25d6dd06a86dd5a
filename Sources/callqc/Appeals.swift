import ArgumentParser
import CallQC
import CallQCStore
import Foundation

/// Appeals (申诉) of findings and scores: the queue, decisions, and adding one from a script.
struct Appeals: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "appeals", 
        abstract: "List, decide and add appeals (申诉) of findings and call scores.",
        discussion: """
        Accepting an appeal of a finding strikes it: the stored result stays as checked, and what \
        reports, queues and the workbench read carries the strike (the finding's points given back, \
        a veto lifted, the score and grade recomputed). Accepting an appeal of the whole score \
        records the decision; the new score comes from a review (callqc review). New appeals and \
        decisions are recorded in the audit log.

        Examples:
          callqc appeals list --db qc.sqlite --status pending
          callqc appeals decide 3 --accept --note '客户先骂人，坐席未违规' --db qc.sqlite
          callqc appeals add C20261120-0057 --finding 3 --reason '系统误判' --agent wangfang --db qc.sqlite
        """,
        subcommands: [List.self, Decide.self, Add.self]
    )

    static func what(_ a: Appeal) -> String {
        a.findingIndex.map { "finding #\($0 + 1)" + (a.rule.map { " (\($0))" } ?? "") } ?? "score"
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List appeals, oldest first.")

        @Option(name: .long, help: "The results database: a SQLite file, or postgres://USER@HOST:5432/DB (default: db in .callqc.yml).") var db: String?
        @OptionGroup var configFile: ConfigOptions
        @Option(name: .long, help: "Only appeals of this status.") var status: Appeal.Status?
        @Option(name: .long, help: "Output format.") var format: TableOrJSON = .table
        @Flag(name: .customLong("redact"), inversion: .prefixedNo, help: "--no-redact: show call ids, reasons and notes unmasked.") var redactFlag: Bool?

        func run() throws {
            let settings = Settings.load(configFile)
            let db = try settings.requireDatabase(self.db)
            let noRedact = !settings.redact(redactFlag).value
            let store = try StoreAccess.open(db)
            let appeals = try store.appeals(status: status)
            let redactor = Redactor()
            func shown(_ text: String?) -> String? { noRedact ? text : redactor.redact(text) }
            if format == .json {
                Console.out(JSONValue.array(appeals.map { a in
                    .object([("id", .number(Double(a.id))), ("call", .string(shown(a.callKey))), ("call_id", .string(shown(a.callID))),
                             ("finding", a.findingIndex.map { .number(Double($0 + 1)) } ?? .null), ("rule", .string(a.rule)),
                             ("agent", .string(a.agent)), ("reason", .string(shown(a.reason))), ("status", .string(a.status.rawValue)),
                             ("created_at", .string(a.createdAt)), ("decided_by", .string(a.decidedBy)), ("decided_at", .string(a.decidedAt)),
                             ("note", .string(shown(a.note)))])
                }).pretty())
                return
            }
            if appeals.isEmpty {
                Console.say("no \(status.map { $0.rawValue + " " } ?? "")appeals in \(StoreAccess.shown(db))", redact: false)
                return
            }
            Console.out(FloorAccess.table(["ID", "STATUS", "CALL", "DISPUTES", "AGENT", "CREATED", "DECIDED BY", "REASON / NOTE"], appeals.map { a in
                [String(a.id), a.status.rawValue, FloorAccess.cell(a.callKey, redact: !noRedact), Appeals.what(a), FloorAccess.cell(a.agent, redact: false),
                 a.createdAt, FloorAccess.cell(a.decidedBy, redact: false),
                 FloorAccess.cell(a.reason, redact: !noRedact) + (a.note.map { " / " + FloorAccess.cell($0, redact: !noRedact) } ?? "")]
            }), terminator: "")
        }
    }

    enum Decision: String, EnumerableFlag {
        case accept, reject

        static func help(for value: Decision) -> ArgumentHelp? {
            value == .accept ? "Accept: a finding is struck, the score recomputed." : "Reject: the result stands; say why with --note."
        }
    }

    struct Decide: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "decide", abstract: "Accept or reject a pending appeal.")

        @Argument(help: "The appeal's id (callqc appeals list).") var id: Int
        @Flag var decision: Decision
        @Option(name: .long, help: "The reason for the decision.") var note: String?
        @Option(name: .customLong("by"), help: "The supervisor or admin deciding (a workbench user); default cli:OSUSER.") var decider: String?
        @Option(name: .long, help: "The results database: a SQLite file, or postgres://USER@HOST:5432/DB (default: db in .callqc.yml).") var db: String?
        @OptionGroup var configFile: ConfigOptions

        func run() throws {
            let settings = Settings.load(configFile)
            let db = try settings.requireDatabase(self.db)
            let store = try StoreAccess.open(db)
            guard let appeal = try store.appeal(id: id) else {
                Console.error("no appeal \(id) in \(StoreAccess.shown(db))", redact: false)
                throw ExitCode(1)
            }
            let by: String
            if let decider {
                guard let user = try store.user(named: decider), !user.disabled, user.role == .supervisor || user.role == .admin else {
                    Console.error("--by \(decider): not an enabled supervisor or admin of the workbench", redact: false)
                    throw ExitCode(1)
                }
                by = user.name
            } else {
                by = FloorAccess.actor
            }
            let before = try? store.detail(callID: appeal.contentHash ?? appeal.callKey)?.summary
            try FloorAccess.refusing {
                try store.decideAppeal(id: id, accept: decision == .accept, by: by, note: note, at: ISO8601DateFormatter().string(from: Date()))
            }
            let call = TerminalText.safe(Redactor().redact(appeal.callKey))
            var line = "appeal \(id) of \(Appeals.what(appeal)) of call \(call) \(decision == .accept ? "accepted" : "rejected")"
            if decision == .accept, appeal.findingIndex != nil, let before, let after = try? store.detail(callID: appeal.contentHash ?? appeal.callKey)?.summary {
                func score(_ s: CallSummary) -> String { (s.score.map(JSONValue.format) ?? "–") + (s.grade.map { " (\($0))" } ?? "") }
                line += ": finding struck; score \(score(before)) → \(score(after))"
                if before.veto && !after.veto { line += ", veto lifted" }
            } else if decision == .accept {
                line += ": the score stands until a review gives a new one (callqc review \(call) --score N)"
            }
            Console.out(line)
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add an appeal of a stored call's finding or score (for scripts).")

        @Argument(help: "The stored call (its id, or key such as ID@DATE).") var call: String
        @Option(name: .long, help: "The finding disputed, numbered from 1 in the order callqc check lists them (the workbench's #N).") var finding: Int?
        @Flag(name: .long, help: "Dispute the call's score rather than one finding.") var score = false
        @Option(name: .long, help: "Why the agent disputes it.") var reason: String
        @Option(name: .long, help: "The user who appeals.") var agent: String
        @Option(name: .long, help: "The results database: a SQLite file, or postgres://USER@HOST:5432/DB (default: db in .callqc.yml).") var db: String?
        @OptionGroup var configFile: ConfigOptions

        func validate() throws {
            if (finding == nil) == !score { throw ValidationError("Give either --finding N or --score.") }
            if let finding, finding < 1 { throw ValidationError("--finding counts from 1.") }
            if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("--reason must say why.") }
        }

        func run() throws {
            let settings = Settings.load(configFile)
            let db = try settings.requireDatabase(self.db)
            let store = try StoreAccess.open(db)
            if try store.user(named: agent) == nil, try store.hasUsers() {
                Console.warn("--agent \(agent) is not a user of the workbench", redact: false)
            }
            if let finding {
                let stored = try StoreAccess.call(call, in: store)
                guard finding <= stored.findingPlaces.count else {
                    Console.error("call \(TerminalText.safe(Redactor().redact(stored.summary.key))) has \(stored.findingPlaces.count) findings: --finding takes 1 to \(stored.findingPlaces.count)", redact: false)
                    throw ExitCode(1)
                }
            }
            let id = try FloorAccess.refusing {
                try store.addAppeal(Appeal(callKey: call, callID: call, findingIndex: finding.map { $0 - 1 }, agent: agent, reason: reason,
                                           createdAt: ISO8601DateFormatter().string(from: Date())))
            }
            guard let appeal = try store.appeal(id: id) else { return }
            Console.out("appeal \(id) of \(Appeals.what(appeal)) of call \(TerminalText.safe(Redactor().redact(appeal.callKey))) added (pending)")
        }
    }
}
