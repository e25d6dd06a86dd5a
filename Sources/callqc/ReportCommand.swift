import ArgumentParser
import CallQC
import CallQCStore
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reports from the results store: by agent, day or rule; an HTML report; calibration.",
        subcommands: [Summary.self, CalibrationReport.self],
        defaultSubcommand: Summary.self
    )

    struct Summary: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "summary",
            abstract: "Calls, scores, vetoes, frequent findings, speech rate and daily volume, by agent, day or rule.",
            discussion: """
            Examples:
              callqc report --db qc.sqlite --by agent --from 2026-11-20 --to 2026-11-21
              callqc report --db qc.sqlite --format html -o report.html
            """
        )

        @Option(name: .long, help: "The results database: a SQLite file, or postgres://USER@HOST:5432/DB (default: db in .callqc.yml).") var db: String?
        @OptionGroup var configFile: ConfigOptions
        @Option(name: .long, help: "How to group the calls.") var by: Report.Grouping = .agent
        @Option(name: .long, help: "First day (YYYY-MM-DD).") var from: String?
        @Option(name: .long, help: "Last day (YYYY-MM-DD).") var to: String?
        @Option(name: .long, help: "Output format.") var format: ReportFormat = .table
        @Option(name: [.short, .long], help: "Write to this file instead of standard output.") var output: String?
        @Option(name: .long, help: "Daily volume target per agent.") var target: Int = 60
        @Option(name: .customLong("max-calls"), help: "HTML: calls shown in detail (lowest scores first).") var maxCalls: Int = 200
        @Flag(name: .customLong("redact"), inversion: .prefixedNo, help: "--no-redact: hTML: show personal data (phone, ID and card numbers) unmasked. Reports are for sharing: masked by default.") var redactFlag: Bool?
        @Flag(name: .long, help: "CSV: start with a UTF-8 byte-order mark, so Excel shows Chinese correctly (as the workbench's downloads do).") var bom = false

        func validate() throws {
            for d in [from, to].compactMap({ $0 }) where !Sample.isDate(d) { throw ValidationError("Dates are YYYY-MM-DD, found '\(d)'.") }
            guard maxCalls >= 0 else { throw ValidationError("--max-calls must be 0 or more.") }
            guard target >= 1 else { throw ValidationError("--target must be at least 1.") }
        }

        func run() throws {
            let settings = Settings.load(configFile)
            let db = try settings.requireDatabase(self.db)
            let noRedact = !settings.redact(redactFlag).value
            let store = try StoreAccess.open(db)
            let calls = try store.summaries(from: from, to: to)
            let report = Report(calls, by: by, target: target)
            let sink = try OutputSink(path: output)
            // A report written to a file leaves the tool: the audit log records it.
            if let output { try FloorAccess.audit(store, .reportExported, target: output, detail: "\(format.rawValue), \(calls.count) calls\(noRedact ? ", not redacted" : "")") }
            let period = [from, to].compactMap { $0 }.isEmpty ? "all dates" : "\(from ?? "…") – \(to ?? "…")"
            switch format {
            case .html:
                let detailed = calls.sorted { ($0.score ?? 0, $0.callID) < ($1.score ?? 0, $1.callID) }.prefix(maxCalls)
                let stored = try detailed.compactMap { try store.detail(callID: $0.contentHash) }
                let html = HTMLReport(title: "callqc 质检报告", period: period, byAgent: Report(calls, by: .agent, target: target),
                                      byRule: Report(calls, by: .rule, target: target), calls: stored,
                                      omittedCalls: calls.count - stored.count, redact: !noRedact,
                                      generatedAt: ISO8601DateFormatter().string(from: Date()), summaries: calls)
                sink.write(html.render())
            case .json:
                sink.write(ReportText.json(report, period: period).pretty() + "\n")
            case .csv:
                sink.write(TableCSV.report(report, byteOrderMark: bom))
            case .table:
                sink.write(ReportText.table(report, period: period))
            }
        }
    }

    struct CalibrationReport: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "calibration",
            abstract: "How far machine and reviewers agree: per rule precision and recall, the missed turns, score differences per section and agent.",
            discussion: "Recall is confirmed ÷ (confirmed + missed): reviewers mark misses with callqc review CALL --missed RULE@TURN."
        )

        @Option(name: .long, help: "The results database: a SQLite file, or postgres://USER@HOST:5432/DB (default: db in .callqc.yml).") var db: String?
        @OptionGroup var configFile: ConfigOptions
        @Option(name: .long, help: "Output format.") var format: CalibrationFormat = .table
        @Option(name: .long, help: "CSV: the table to write: rules (precision and recall), missed (the missed turns, masked unless --no-redact) or differences (machine minus human, overall, per section and per agent).") var table: CalibrationTable = .rules
        @Flag(name: .long, help: "CSV: start with a UTF-8 byte-order mark, so Excel shows Chinese correctly.") var bom = false
        @Flag(name: .customLong("redact"), inversion: .prefixedNo, help: "--no-redact: show personal data in the missed turns unmasked.") var redactFlag: Bool?

        /// The text of each missed turn, masked unless --no-redact; nil where the call or turn is not stored.
        func missedTexts(_ c: Calibration, _ store: SQLStore, noRedact: Bool) throws -> [String?] {
            var calls: [String: Call?] = [:]
            let redactor = Redactor()
            return try c.missed.map { m in
                // By content hash: another stored call may share its id.
                if calls[m.reference] == nil { calls[m.reference] = .some(try store.detail(callID: m.reference)?.call) }
                guard let call = calls[m.reference] ?? nil, m.turn <= call.turns.count else { return nil }
                let text = call.turns[m.turn - 1].text
                return noRedact ? text : redactor.redact(text)
            }
        }

        func run() throws {
            let settings = Settings.load(configFile)
            let db = try settings.requireDatabase(self.db)
            let noRedact = !settings.redact(redactFlag).value
            let store = try StoreAccess.open(db)
            let c = Calibration(reviews: try store.reviews(), calls: try store.summaries(from: nil, to: nil),
                                appeals: try store.appeals(status: .accepted))
            if format == .csv {
                switch self.table {
                case .rules: Console.out(TableCSV.calibrationRules(c, byteOrderMark: bom), terminator: "")
                case .differences: Console.out(TableCSV.calibrationDifferences(c, byteOrderMark: bom), terminator: "")
                case .missed:
                    let redactor = Redactor()
                    Console.out(TableCSV.calibrationMissed(c, texts: try missedTexts(c, store, noRedact: true), shown: { noRedact ? $0 : redactor.redact($0) },
                                                           byteOrderMark: bom), terminator: "")
                }
                return
            }
            let texts = try missedTexts(c, store, noRedact: noRedact)
            if format == .json {
                func diff(_ d: Calibration.Difference) -> JSONValue {
                    .object([("key", .string(d.key)), ("calls", .number(Double(d.count))), ("mean", .number(d.mean)), ("spread", .number(d.spread))])
                }
                Console.out(JSONValue.object([
                    ("schema", .string("callqc.calibration/1")),
                    ("rules", .array(c.rules.map { r in
                        .object([("rule", .string(r.rule)), ("confirmed", .number(Double(r.confirmed))), ("rejected", .number(Double(r.rejected))),
                                 ("missed", .number(Double(r.missed))), ("precision", .number(r.precision)), ("recall", .number(r.recall))])
                    })),
                    ("missed", .array(zip(c.missed, texts).map { m, text in
                        .object([("call", .string(noRedact ? m.callID : Redactor().redact(m.callID))), ("rule", .string(m.rule)), ("turn", .number(Double(m.turn))),
                                 ("text", .string(text)), ("note", .string(m.note)), ("reviewer", .string(m.reviewer)), ("reviewed_at", .string(m.reviewedAt))])
                    })),
                    ("total", c.total.map(diff) ?? .null),
                    ("sections", .array(c.bySection.map(diff))),
                    ("agents", .array(c.byAgent.map(diff))),
                    ("unmatched_reviews", .array(c.unmatched.map(JSONValue.string))),
                ]).pretty())
                return
            }
            var out = "Calibration: machine findings and scores against reviewers' verdicts\n\n"
            if c.rules.isEmpty && c.total == nil { out += "No reviews yet: record them with callqc review CALL_ID --db \(StoreAccess.shown(db)) --score N --confirm RULE --reject RULE --missed RULE@TURN\n" }
            func percent(_ v: Double?) -> String { v.map { "\(Int(($0 * 100).rounded()))%" } ?? "-" }
            if !c.rules.isEmpty {
                out += "RULE                      CONFIRMED  REJECTED  MISSED  PRECISION  RECALL\n"
                for r in c.rules {
                    out += DisplayWidth.pad(r.rule, 26) + DisplayWidth.pad(String(r.confirmed), 11) + DisplayWidth.pad(String(r.rejected), 10)
                        + DisplayWidth.pad(String(r.missed), 8) + DisplayWidth.pad(percent(r.precision), 11) + percent(r.recall) + "\n"
                }
                if let worst = c.rules.first, let p = worst.precision, p < 0.8 {
                    out += "\nlowest precision: \(worst.rule) — reviewers rejected \(worst.rejected) of \(worst.confirmed + worst.rejected); look at its phrases and exceptions\n"
                }
                if let blind = c.rules.filter({ ($0.recall ?? 1) < 0.8 }).min(by: { ($0.recall ?? 1, $0.rule) < ($1.recall ?? 1, $1.rule) }) {
                    out += "\nlowest recall: \(blind.rule) — reviewers marked \(blind.missed) missed turn\(blind.missed == 1 ? "" : "s"); callqc rules suggest-examples --db \(StoreAccess.shown(db)) proposes them as examples\n"
                }
            }
            if !c.missed.isEmpty {
                out += "\nMISSED TURNS (\(c.missed.count))\n"
                let redactor = Redactor()
                for (m, text) in zip(c.missed, texts) {
                    // Ids, names, notes and turns as the terminal shows them: no escape sequence, no line break.
                    var line = "\(TerminalText.safe(m.rule))  \(TerminalText.safe(noRedact ? m.callID : redactor.redact(m.callID))) turn \(m.turn)"
                    if let who = m.reviewer { line += "  (\(TerminalText.safe(who)))" }
                    if let note = m.note { line += "  \(TerminalText.safe(noRedact ? note : redactor.redact(note)))" }
                    out += line + "\n    " + (text.map(TerminalText.safe) ?? "(turn not in the store)") + "\n"
                }
            }
            func table(_ title: String, _ rows: [Calibration.Difference]) {
                guard !rows.isEmpty else { return }
                out += "\n\(title)                CALLS  MACHINE−HUMAN (mean)  SPREAD\n"
                for d in rows {
                    out += DisplayWidth.pad(TerminalText.safe(d.key), 24) + DisplayWidth.pad(String(d.count), 7) + DisplayWidth.pad(JSONValue.format((d.mean * 10).rounded() / 10), 22) + JSONValue.format((d.spread * 10).rounded() / 10) + "\n"
                }
            }
            table("ALL     ", c.total.map { [$0] } ?? [])
            table("SECTION ", c.bySection)
            table("AGENT   ", c.byAgent)
            if !c.unmatched.isEmpty { out += "\nreviews of calls not in the store: \(c.unmatched.map(TerminalText.safe).joined(separator: ", "))\n" }
            Console.out(out, terminator: "")
        }
    }
}

/// Text forms of a report.
enum ReportText {
    static func table(_ r: Report, period: String) -> String {
        var out = "\(r.calls) calls, \(period), mean score \(r.meanScore.map { Format.points(($0 * 10).rounded() / 10) } ?? "-"), \(r.vetoes) vetoed\n"
        out += "scores: " + r.distribution.map { "\($0.0) \($0.1)" }.joined(separator: " · ") + "\n\n"
        switch r.grouping {
        case .rule:
            out += "RULE                      FINDINGS  CALLS  POINTS  SEVERITY\n"
            for row in r.rows {
                out += DisplayWidth.pad(TerminalText.safe(row.key), 26) + DisplayWidth.pad(String(row.findings ?? 0), 10) + DisplayWidth.pad(String(row.spread), 7)
                    + DisplayWidth.pad(Format.points(row.points ?? 0), 8) + (row.severity?.rawValue ?? "") + "\n"
            }
        case .agent, .day:
            let first = r.grouping == .agent ? "AGENT" : "DAY"
            let spread = r.grouping == .agent ? "DAYS" : "AGENTS"
            out += DisplayWidth.pad(first, 12) + "CALLS  " + DisplayWidth.pad(spread, 7) + "MEAN   MIN    VETO  RATE      " + (r.grouping == .agent ? "UNDER \(r.target)/DAY  " : "") + "TOP FINDINGS\n"
            for row in r.rows {
                let mean: String = row.meanScore.map { Format.points(($0 * 10).rounded() / 10) } ?? "-"
                let low: String = row.minScore.map { Format.points($0) } ?? "-"
                let rate: String = Report.rateText(row)
                let days = row.daysUnderTarget ?? 0
                let under: String = r.grouping == .agent ? DisplayWidth.pad("\(days) day\(days == 1 ? "" : "s")", 15) : ""
                let top: String = row.topFindings.map { "\($0.0)×\($0.1)" }.joined(separator: " ")
                var line = DisplayWidth.pad(TerminalText.safe(row.key), 12) + DisplayWidth.pad(String(row.calls), 7) + DisplayWidth.pad(String(row.spread), 7)
                line += DisplayWidth.pad(mean, 7) + DisplayWidth.pad(low, 7) + DisplayWidth.pad(String(row.vetoes), 6)
                line += DisplayWidth.pad(rate, 10) + under + top
                out += line + "\n"
            }
        }
        return out
    }

    static func json(_ r: Report, period: String) -> JSONValue {
        .object([
            ("schema", .string("callqc.report/1")), ("by", .string(r.grouping.rawValue)), ("period", .string(period)),
            ("calls", .number(Double(r.calls))), ("mean_score", .number(r.meanScore)), ("vetoes", .number(Double(r.vetoes))),
            ("target_per_day", .number(Double(r.target))),
            ("distribution", .array(r.distribution.map { .object([("band", .string($0.0)), ("calls", .number(Double($0.1)))]) })),
            ("rows", .array(r.rows.map { row in
                .object([
                    ("key", .string(row.key)), ("calls", .number(Double(row.calls))), ("spread", .number(Double(row.spread))),
                    ("mean_score", .number(row.meanScore)), ("min_score", .number(row.minScore)), ("vetoes", .number(Double(row.vetoes))),
                    ("grades", .object(row.grades.sorted { $0.key < $1.key }.map { ($0.key, .number(Double($0.value))) })),
                    ("median_chars_per_minute", .number(row.medianRate)),
                    ("median_words_per_minute", .number(row.medianWordRate)),
                    ("days_under_target", row.daysUnderTarget.map { .number(Double($0)) } ?? .null),
                    ("findings", row.findings.map { .number(Double($0)) } ?? .null), ("points", .number(row.points)),
                    ("severity", .string(row.severity?.rawValue)),
                    ("top_findings", .array(row.topFindings.map { .object([("rule", .string($0.0)), ("count", .number(Double($0.1)))]) })),
                ])
            })),
        ])
    }
}
