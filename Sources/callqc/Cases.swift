import ArgumentParser
import CallQC
import Foundation

struct Cases: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cases", 
        abstract: "The trainers' case library (案例库): turn checked calls into anonymised training cases.",
        discussion: """
        Examples:
          callqc cases add C20261121-0022 --db qc.sqlite --title 断网投诉的安抚与跟进
          callqc cases list --db qc.sqlite --category 客户投诉类
          callqc cases search 不知道 --db qc.sqlite
          callqc cases export --db qc.sqlite --format md --output cases/
          callqc cases suggest --db qc.sqlite --from 2026-11-20 --to 2026-11-21
        """,
        subcommands: [Add.self, List.self, Search.self, Show.self, Share.self, Export.self, Suggest.self]
    )

    static func category(_ text: String?) throws -> TrainingCase.Category? {
        guard let text else { return nil }
        guard let c = TrainingCase.Category(rawValue: text) else {
            throw ValidationError("Unknown category '\(text)'. Use \(TrainingCase.Category.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return c
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Make a case of a checked call: category, excerpt, findings, and the six aspects pre-filled.")
        @Argument(help: "The call id.") var callID: String
        @Option(name: .long, help: "The results database: a SQLite file, or postgres://USER@HOST:5432/DB (default: db in .callqc.yml).") var db: String?
        @OptionGroup var configFile: ConfigOptions
        @Option(name: .long, help: "服务分享类, 客户投诉类 or 业务咨询类 (suggested when not given).") var category: String?
        @Option(name: .long, help: "The case's title.") var title: String?
        @Option(name: .long, help: "A note for the trainer.") var note: String?
        @Option(name: .long, help: "The excerpt's turns, as FIRST-LAST (default: the turns around the findings).") var turns: String?

        func validate() throws {
            _ = try Cases.category(category)
            if let t = turns, Add.range(t) == nil { throw ValidationError("--turns takes FIRST-LAST, such as 3-9, found '\(t)'.") }
        }

        static func range(_ text: String) -> ClosedRange<Int>? {
            let p = text.split(separator: "-").compactMap { Int($0) }
            guard p.count == 2, p[0] >= 1, p[1] >= p[0] else { return nil }
            return p[0]...p[1]
        }

        func run() throws {
            let settings = Settings.load(configFile)
            let db = try settings.requireDatabase(self.db)
            let store = try StoreAccess.open(db)
            let stored = try StoreAccess.call(callID, in: store)
            var c = CaseBuilder().build(from: stored, category: try Cases.category(category), title: title, note: note,
                                        turns: turns.flatMap(Add.range), createdAt: ISO8601DateFormatter().string(from: Date()))
            c.id = try store.addCase(c)
            try FloorAccess.audit(store, .caseAdded, target: "case \(c.id)", detail: stored.summary.key)
            Console.out("added \(c.label): \(c.category.rawValue)\(c.categorySuggested ? " (suggested)" : "")\(c.complaintType.map { ", \($0.rawValue) (suggested)" } ?? ""), turns \(c.turns.lowerBound)–\(c.turns.upperBound), \(c.findings.count) finding\(c.findings.count == 1 ? "" : "s") — \(Redactor().redact(c.title))")
            let open = TrainingCase.aspectNames.filter { (c.aspects[$0] ?? "").contains(TrainingCase.toComplete) }
            if !open.isEmpty { Console.out("to complete: \(open.joined(separator: "、")) (callqc cases show \(c.id) --db \(StoreAccess.shown(db)))") }
        }
    }

    /// Filters shared by list and search.
    struct Filters: ParsableArguments {
        @Option(name: .long, help: "The results database: a SQLite file, or postgres://USER@HOST:5432/DB (default: db in .callqc.yml).") var db: String?
        @OptionGroup var configFile: ConfigOptions
        @Option(name: .long, help: "Only this category.") var category: String?
        @Option(name: .long, help: "Only cases with a finding of this rule.") var rule: String?
        @Option(name: .long, help: "Only this agent's cases.") var agent: String?

        func select(_ text: String?) throws -> [TrainingCase] {
            let store = try StoreAccess.open(try Settings.load(configFile).requireDatabase(db))
            let wanted = try Cases.category(category)
            return try store.cases().filter { c in
                (wanted == nil || c.category == wanted)
                    && (rule == nil || c.findings.contains { $0.rule == rule })
                    && (agent == nil || c.agent == agent)
                    && (text == nil || [c.title, c.note ?? "", c.callID].contains { $0.contains(text!) } || c.excerpt.contains { $0.text.contains(text!) }
                        || c.aspects.values.contains { $0.contains(text!) })
            }
        }

        static func list(_ cases: [TrainingCase]) {
            if cases.isEmpty { Console.out("no cases"); return }
            for c in cases {
                let score = c.score.map { Format.points($0) } ?? "-"
                let r = Redactor(), safe = TerminalText.safe
                Console.out("\(c.label)  \(c.category.rawValue)  \(DisplayWidth.pad(safe(r.redact(c.callID)), 16)) \(DisplayWidth.pad(safe(c.agent ?? "-"), 6)) \(DisplayWidth.pad(score, 4)) \(safe(r.redact(c.title)))")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List cases, by category, rule or agent.")
        @OptionGroup var filters: Filters
        func run() throws { Filters.list(try filters.select(nil)) }
    }

    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "search", abstract: "Find cases whose title, note, excerpt or analysis contains a text.")
        @Argument(help: "The text to find.") var text: String
        @OptionGroup var filters: Filters
        func run() throws { Filters.list(try filters.select(text)) }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one case (Markdown, redacted).")
        @Argument(help: "The case id (7 or CASE-0007).") var id: String
        @Option(name: .long, help: "The results database: a SQLite file, or postgres://USER@HOST:5432/DB (default: db in .callqc.yml).") var db: String?
        @OptionGroup var configFile: ConfigOptions
        @Flag(name: .customLong("redact"), inversion: .prefixedNo, help: "--no-redact: show personal data unmasked.") var redactFlag: Bool?

        func run() throws {
            let settings = Settings.load(configFile)
            let db = try settings.requireDatabase(self.db)
            let noRedact = !settings.redact(redactFlag).value
            let store = try StoreAccess.open(db)
            guard let c = try store.cases().first(where: { $0.id == Show.number(id) }) else {
                Console.error("no case '\(id)' in \(StoreAccess.shown(db))")
                throw ExitCode(1)
            }
            Console.out(CaseDocument.markdown(c, redact: !noRedact), terminator: "")
        }

        static func number(_ id: String) -> Int? { Int(id.uppercased().replacingOccurrences(of: "CASE-", with: "")) }
    }

    struct Share: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "share", 
            abstract: "Share a case with the agent of its call (they then read it in the workbench), or stop sharing it.",
            discussion: "Example: callqc cases share 7 --db qc.sqlite; callqc cases share 7 --unshare --db qc.sqlite"
        )
        @Argument(help: "The case id (7 or CASE-0007).") var id: String
        @Option(name: .long, help: "The results database: a SQLite file, or postgres://USER@HOST:5432/DB (default: db in .callqc.yml).") var db: String?
        @OptionGroup var configFile: ConfigOptions
        @Flag(name: .long, help: "Stop sharing it.") var unshare = false

        func run() throws {
            let settings = Settings.load(configFile)
            let db = try settings.requireDatabase(self.db)
            let store = try StoreAccess.open(db)
            guard let n = Show.number(id), try store.cases().contains(where: { $0.id == n }) else {
                Console.error("no case '\(id)' in \(StoreAccess.shown(db))")
                throw ExitCode(1)
            }
            try store.shareCase(id: n, shared: !unshare)
            try FloorAccess.audit(store, .caseShared, target: "case \(n)", detail: unshare ? "unshared" : "shared with the agent")
            Console.out(unshare ? "case \(n) is no longer shared" : "case \(n) is shared with the agent of its call")
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "export", abstract: "Write cases as documents for a training session, one file each, redacted.")
        @Argument(help: "Case ids (default: all, or those the filters select).") var ids: [String] = []
        @OptionGroup var filters: Filters
        @Option(name: .long, help: "Document format.") var format: CaseFormat = .md
        @Option(name: .long, help: "The folder to write into.") var output: String = "cases"
        @Flag(name: .customLong("redact"), inversion: .prefixedNo, help: "--no-redact: keep personal data unmasked.") var redactFlag: Bool?

        func run() throws {
            let settings = Settings.load(filters.configFile)
            let noRedact = !settings.redact(redactFlag).value
            var cases = try filters.select(nil)
            if !ids.isEmpty {
                let wanted = Set(ids.compactMap(Show.number))
                cases = cases.filter { wanted.contains($0.id) }
            }
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            for c in cases {
                let name = "\(c.label)-\(c.category.rawValue).\(format.rawValue)"
                let text: String
                switch format {
                case .html: text = CaseDocument.html(c, redact: !noRedact)
                case .json: text = CaseDocument.json(c, redact: !noRedact).pretty() + "\n"
                case .md: text = CaseDocument.markdown(c, redact: !noRedact)
                }
                try OutputSink.writeFile((output as NSString).appendingPathComponent(name), text)
            }
            if let store = try? StoreAccess.open(try settings.requireDatabase(filters.db)) {
                for c in cases { try FloorAccess.audit(store, .caseExported, target: "case \(c.id)", detail: "\(format.rawValue) to \(output)\(noRedact ? ", not redacted" : "")") }
            }
            Console.out("wrote \(cases.count) case\(cases.count == 1 ? "" : "s") to \(output)/\(noRedact ? " (not redacted)" : "")")
        }
    }

    struct Suggest: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "suggest", abstract: "Propose calls for the library: the best to share, representative complaints, each frequent finding.")
        @Option(name: .long, help: "The results database: a SQLite file, or postgres://USER@HOST:5432/DB (default: db in .callqc.yml).") var db: String?
        @OptionGroup var configFile: ConfigOptions
        @Option(name: .long, help: "First day (YYYY-MM-DD).") var from: String?
        @Option(name: .long, help: "Last day (YYYY-MM-DD).") var to: String?

        func run() throws {
            let settings = Settings.load(configFile)
            let db = try settings.requireDatabase(self.db)
            let store = try StoreAccess.open(db)
            let existing = Set(try store.cases().map(\.callID))
            let suggestions = CaseSuggester().suggest(try store.summaries(from: from, to: to), existing: existing)
            if suggestions.isEmpty { Console.out("no candidates"); return }
            for s in suggestions {
                Console.out("\(DisplayWidth.pad(s.callID, 16)) \(s.category.rawValue)  \(s.reason)   → callqc cases add \(s.callID) --db \(StoreAccess.shown(db)) --category \(s.category.rawValue)")
            }
        }
    }
}
