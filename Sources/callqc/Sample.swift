import ArgumentParser
import CallQC
import Foundation

struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sample", 
        abstract: "Build the day's review queue: K calls per agent, by risk first, then at random.",
        discussion: """
        Risk picks come first (vetoes, critical findings, lowest scores); the rest are drawn \
        at random with --seed so reviewers also see ordinary calls. Calls already reviewed are \
        not drawn again; agents with fewer calls than the quota are listed.

        Example: callqc sample --db qc.sqlite --date 2026-11-21 --per-agent 2 --seed 7
        """
    )

    @Option(name: .long, help: "The results database: a SQLite file, or postgres://USER@HOST:5432/DB (default: db in .callqc.yml).") var db: String?
    @OptionGroup var configFile: ConfigOptions
    @Option(name: .long, help: "The day to sample (YYYY-MM-DD).") var date: String
    @Option(name: .customLong("per-agent"), help: "Calls per agent (the center reviews 2).") var perAgent: Int = 2
    @Option(name: .long, help: "Random seed: the same seed gives the same queue.") var seed: UInt64 = 1
    @Option(name: .customLong("risk-share"), help: "Share of each agent's picks chosen by risk (0–1).") var riskShare: Double = 0.5
    @Option(name: .customLong("risk-below"), help: "A call scoring below this is a risk candidate.") var riskBelow: Double = 90
    @Option(name: .long, help: "Output format.") var format: QueueFormat = .table
    @Option(name: [.short, .long], help: "Write to this file instead of standard output.") var output: String?
    @Flag(name: .customLong("redact"), inversion: .prefixedNo, help: "--no-redact: show call ids and sources unmasked.") var redactFlag: Bool?
    @Flag(name: .long, help: "CSV: start with a UTF-8 byte-order mark, so Excel shows Chinese correctly (as the workbench's downloads do).") var bom = false

    func validate() throws {
        guard Sample.isDate(date) else { throw ValidationError("--date must be YYYY-MM-DD, found '\(date)'.") }
        guard (1...10_000).contains(perAgent) else { throw ValidationError("--per-agent must be between 1 and 10000.") }
        guard riskBelow.isFinite else { throw ValidationError("--risk-below must be a number.") }
        guard (0...1).contains(riskShare) else { throw ValidationError("--risk-share must be between 0 and 1.") }
    }

    /// A day of the calendar written YYYY-MM-DD: dates compare as text in the store, so
    /// 2026-13-45 (or a day and month swapped) would reach past every day of the year.
    static func isDate(_ s: String) -> Bool {
        let p = s.split(separator: "-", omittingEmptySubsequences: false)
        guard p.count == 3, p[0].count == 4, p[1].count == 2, p[2].count == 2,
              p.allSatisfy({ $0.unicodeScalars.allSatisfy { $0.value >= 0x30 && $0.value <= 0x39 } }),
              let year = Int(p[0]), let month = Int(p[1]), let day = Int(p[2]), (1...12).contains(month) else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }

    func run() throws {
        let settings = Settings.load(configFile)
        let db = try settings.requireDatabase(self.db)
        let noRedact = !settings.redact(redactFlag).value
        let store = try StoreAccess.open(db)
        let calls = try store.summaries(from: date, to: date)
        let reviewed = Set(try store.reviews().map { $0.contentHash ?? $0.callID })
        let plan = SamplingPlan(perAgent: perAgent, riskShare: riskShare, seed: seed, riskBelow: riskBelow)
        let queue = plan.draw(calls, reviewed: reviewed)
        let sink = try OutputSink(path: output)
        // Call ids and sources masked as in every output (a recording named after the caller's
        // number); a call so masked is named for `callqc review` by its content hash.
        let redactor = Redactor()
        func shown(_ s: String) -> String { noRedact ? s : redactor.redact(s) }
        switch format {
        case .csv:
            sink.write(TableCSV.queue(queue, shown: shown, byteOrderMark: bom))
        case .json:
            sink.write(JSONValue.object([
                ("schema", .string("callqc.queue/1")), ("date", .string(date)), ("per_agent", .number(Double(perAgent))), ("seed", .number(Double(seed))),
                ("picks", .array(queue.picks.map { p in
                    .object([("agent", .string(p.agent)), ("call", .string(shown(p.call.key))), ("score", .number(p.call.score)),
                             ("grade", .string(p.call.grade)), ("reason", .string(p.reason)), ("source", .string(p.call.source.map(shown))),
                             ("content_hash", .string(p.call.contentHash))])
                })),
                ("short", .array(queue.short.map { s in
                    .object([("agent", .string(s.agent)), ("calls", .number(Double(s.calls))), ("reviewed", .number(Double(s.reviewed))), ("quota", .number(Double(s.quota)))])
                })),
            ]).pretty() + "\n")
        case .table:
            var out = "Review queue for \(date): \(queue.picks.count) call\(queue.picks.count == 1 ? "" : "s"), \(perAgent) per agent (seed \(seed))\n\n"
            out += pad("AGENT", 8) + pad("CALL", 20) + pad("SCORE", 7) + pad("GRADE", 6) + "REASON\n"
            var hashed: [(String, String)] = []
            for p in queue.picks {
                let key = shown(p.call.key)
                if key != p.call.key { hashed.append((key, p.call.contentHash)) }
                out += pad(p.agent, 8) + pad(key, 20) + pad(p.call.score.map(JSONValue.format) ?? "-", 7) + pad(p.call.grade ?? "-", 6) + p.reason + "\n"
            }
            for (key, hash) in hashed {
                out += "\nnote: \(TerminalText.safe(key)) is named by personal data, masked: review it as callqc review \(hash) --db \(TerminalText.safe(shown(db)))"
            }
            if !hashed.isEmpty { out += "\n" }
            if calls.isEmpty { out += "(no calls stored for \(date))\n" }
            for s in queue.short {
                out += "\nnote: agent \(TerminalText.safe(s.agent)) has \(s.calls) call\(s.calls == 1 ? "" : "s") on \(date) (\(s.reviewed) already reviewed), fewer than the quota of \(s.quota)"
            }
            if !queue.short.isEmpty { out += "\n" }
            sink.write(out)
        }
    }

    func pad(_ s: String, _ n: Int) -> String {
        let s = TerminalText.safe(s)
        return DisplayWidth.pad(s, n) + (DisplayWidth.of(s) >= n ? " " : "")
    }
}

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Record a reviewer's verdict on a call: the human score, which findings were right or wrong, and what the machine missed.",
        discussion: """
        Examples:
          callqc review C20261120-0057 --db qc.sqlite --score 50 --confirm taboo --reject address --note '态度恶劣'
          callqc review C20261120-0057 --db qc.sqlite --missed taboo.dont-know@7 --note '不清楚 = 不知道'

        A call's reviews add up: the latest score, each rule's latest verdict, and every missed turn count \
        in callqc report calibration.
        """
    )

    @Argument(help: "The call id.") var callID: String
    @Option(name: .long, help: "The results database: a SQLite file, or postgres://USER@HOST:5432/DB (default: db in .callqc.yml).") var db: String?
    @OptionGroup var configFile: ConfigOptions
    @Option(name: .long, help: "The reviewer's score for the whole call.") var score: Double?
    @Option(name: .long, help: "A section score, as SECTION=POINTS (repeatable).") var section: [String] = []
    @Option(name: .long, help: "A rule whose findings in this call were right (repeatable).") var confirm: [String] = []
    @Option(name: .long, help: "A rule whose findings in this call were wrong (repeatable).") var reject: [String] = []
    @Option(name: .long, help: "A finding the machine missed, as RULE@TURN (turns numbered from 1, as in the check output; repeatable); --note goes with it.") var missed: [String] = []
    @Option(name: .long, help: "A note.") var note: String?
    @Option(name: .long, help: "The reviewer's name or id (default: the operating-system user).") var reviewer: String?

    func validate() throws {
        if score == nil && section.isEmpty && confirm.isEmpty && reject.isEmpty && missed.isEmpty && note == nil {
            throw ValidationError("Give at least one of --score, --section, --confirm, --reject, --missed, --note.")
        }
        for m in missed where MissedFinding(parsing: m) == nil {
            throw ValidationError("--missed takes RULE@TURN (taboo.dont-know@3), found '\(m)'.")
        }
        if let both = Set(confirm).intersection(reject).sorted().first {
            throw ValidationError("Rule \(both) cannot be both confirmed and rejected.")
        }
        for s in section where s.split(separator: "=").count != 2 || !(Double(s.split(separator: "=").last ?? "")?.isFinite ?? false) {
            throw ValidationError("--section takes SECTION=POINTS, found '\(s)'.")
        }
        if let score, !score.isFinite || score < 0 { throw ValidationError("--score must be a number of points, 0 or more.") }
    }

    func run() throws {
        let settings = Settings.load(configFile)
        let db = try settings.requireDatabase(self.db)
        let store = try StoreAccess.open(db)
        let stored = try StoreAccess.call(callID, in: store)
        let rules = Set(stored.summary.findings.map(\.rule))
        for rule in confirm + reject where !rules.contains(rule) {
            Console.warn("call \(callID) has no finding of rule '\(rule)' (its findings: \(rules.sorted().joined(separator: ", ")))")
        }
        let misses = missed.compactMap { MissedFinding(parsing: $0, note: note) }
        let places = stored.findingPlaces
        for m in misses {
            guard m.turn <= stored.call.turns.count else {
                Console.error("--missed \(m): call \(callID) has \(stored.call.turns.count) turns")
                throw ExitCode(1)
            }
            if places.contains(where: { $0.rule == m.rule && $0.turn == m.turn }) {
                Console.error("--missed \(m): the machine found \(m.rule) on turn \(m.turn); use --confirm \(m.rule)", redact: false)
                throw ExitCode(1)
            }
        }
        if !misses.isEmpty, let catalog = RuleLoading.catalogIfReadable(rules: settings.rules(nil).value),
           let set = catalog.ruleSets.first(where: { $0.name == stored.summary.ruleSet }) {
            for m in misses where set.headers[m.rule] == nil {
                Console.error("--missed \(m): rule set \(set.name) has no rule '\(m.rule)'", redact: false)
                throw ExitCode(1)
            }
        }
        var sections: [String: Double] = [:]
        for s in section {
            let parts = s.split(separator: "=")
            sections[String(parts[0])] = Double(parts[1])
        }
        if let problem = ReviewLimits.problem(score: score, sections: sections, of: stored.summary) {
            Console.error(problem.english, redact: false)
            throw ExitCode(2)
        }
        let review = Review(callID: stored.summary.callID, reviewedAt: ISO8601DateFormatter().string(from: Date()), reviewer: reviewer ?? FloorAccess.osUser, score: score,
                            sectionScores: sections, confirmed: confirm, rejected: reject, missed: misses, note: note, contentHash: stored.summary.contentHash)
        try store.record(review)
        var verdicts: [String] = []
        if let score { verdicts.append("score \(JSONValue.format(score))") }
        if !confirm.isEmpty { verdicts.append("confirmed \(confirm.joined(separator: " "))") }
        if !reject.isEmpty { verdicts.append("rejected \(reject.joined(separator: " "))") }
        if !misses.isEmpty { verdicts.append("missed \(misses.map(\.description).joined(separator: " "))") }
        try FloorAccess.audit(store, .review, target: stored.summary.key, detail: "reviewer \(review.reviewer ?? "?")" + (verdicts.isEmpty ? "" : "; " + verdicts.joined(separator: "; ")))
        var line = "recorded review of \(TerminalText.safe(Redactor().redact(callID)))"
        if let score, let machine = stored.summary.score { line += ": human \(JSONValue.format(score)), machine \(JSONValue.format(machine))" }
        if !misses.isEmpty { line += (score == nil ? ": " : "; ") + "missed \(misses.map(\.description).joined(separator: ", "))" }
        Console.out(line)
    }
}
