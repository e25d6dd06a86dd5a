/// The report tables as CSV, as the command line writes them (`callqc report --format csv`,
/// `callqc sample --format csv`, `callqc report calibration --format csv`) and the workbench
/// downloads them: one writer (``CSVRenderer/line(_:)``), so a download and the command's output
/// are the same bytes. The workbench's other tables and its charts' data go through ``table(_:_:byteOrderMark:)``
/// and ``chart(_:byteOrderMark:)``. With `byteOrderMark`, a UTF-8 BOM first, for Excel.
public enum TableCSV {
    static func bom(_ yes: Bool) -> String { yes ? "\u{FEFF}" : "" }

    /// A report's rows (by agent, day or rule).
    public static func report(_ r: Report, byteOrderMark: Bool = false) -> String {
        var out = bom(byteOrderMark) + CSVRenderer.line(["key", "calls", r.grouping == .rule ? "calls_with_finding" : (r.grouping == .agent ? "days" : "agents"),
                                                        "mean_score", "min_score", "vetoes", "median_chars_per_minute", "median_words_per_minute", "days_under_target", "findings", "points", "top_findings"])
        for row in r.rows {
            out += CSVRenderer.line([row.key, String(row.calls), String(row.spread), row.meanScore.map { Format.points(($0 * 100).rounded() / 100) } ?? "",
                                     row.minScore.map(Format.points) ?? "", String(row.vetoes), row.medianRate.map { Format.points($0.rounded()) } ?? "", row.medianWordRate.map { Format.points($0.rounded()) } ?? "",
                                     row.daysUnderTarget.map(String.init) ?? "", row.findings.map(String.init) ?? "", row.points.map(Format.points) ?? "",
                                     row.topFindings.map { "\($0.0)×\($0.1)" }.joined(separator: " ")])
        }
        return out
    }

    /// The review queue's picks; `shown` masks call keys and sources (or not, with --no-redact).
    public static func queue(_ q: ReviewQueue, shown: (String) -> String, byteOrderMark: Bool = false) -> String {
        var out = bom(byteOrderMark) + CSVRenderer.line(["agent", "call", "score", "grade", "reason", "source", "content_hash"])
        for p in q.picks {
            out += CSVRenderer.line([p.agent, shown(p.call.key), p.call.score.map(JSONValue.format) ?? "", p.call.grade ?? "", p.reason, shown(p.call.source ?? ""), p.call.contentHash])
        }
        return out
    }

    /// Calibration's per-rule table: verdict counts, precision and recall (0–1, three decimals).
    public static func calibrationRules(_ c: Calibration, byteOrderMark: Bool = false) -> String {
        func ratio(_ v: Double?) -> String { v.map { JSONValue.format(($0 * 1000).rounded() / 1000) } ?? "" }
        var out = bom(byteOrderMark) + CSVRenderer.line(["rule", "confirmed", "rejected", "missed", "precision", "recall"])
        for r in c.rules {
            out += CSVRenderer.line([r.rule, String(r.confirmed), String(r.rejected), String(r.missed), ratio(r.precision), ratio(r.recall)])
        }
        return out
    }

    /// Calibration's missed turns with the turn's text (`texts`, in the order of `c.missed`; nil where the
    /// call or turn is not stored); `shown` masks call ids, texts and notes (or not, with --no-redact).
    public static func calibrationMissed(_ c: Calibration, texts: [String?], shown: (String) -> String, byteOrderMark: Bool = false) -> String {
        var out = bom(byteOrderMark) + CSVRenderer.line(["rule", "call", "turn", "text", "note", "reviewer", "reviewed_at"])
        for (i, m) in c.missed.enumerated() {
            let text = i < texts.count ? texts[i] : nil
            out += CSVRenderer.line([m.rule, shown(m.callID), String(m.turn), text.map(shown) ?? "", m.note.map(shown) ?? "", m.reviewer ?? "", m.reviewedAt])
        }
        return out
    }

    /// Calibration's machine-minus-human differences: overall, per section and per agent.
    public static func calibrationDifferences(_ c: Calibration, byteOrderMark: Bool = false) -> String {
        var out = bom(byteOrderMark) + CSVRenderer.line(["scope", "key", "calls", "mean_difference", "spread"])
        var scoped: [(String, Calibration.Difference)] = c.total.map { [("total", $0)] } ?? []
        scoped += c.bySection.map { ("section", $0) }
        scoped += c.byAgent.map { ("agent", $0) }
        for (scope, d) in scoped {
            out += CSVRenderer.line([scope, d.key, String(d.count), JSONValue.format((d.mean * 100).rounded() / 100), JSONValue.format((d.spread * 100).rounded() / 100)])
        }
        return out
    }

    /// Any table: a header and its rows, each row as many cells as the header (the workbench's page tables).
    public static func table(_ header: [String], _ rows: [[String]], byteOrderMark: Bool = false) -> String {
        rows.reduce(bom(byteOrderMark) + CSVRenderer.line(header)) { $0 + CSVRenderer.line($1) }
    }

    /// A chart's data table: a row per category, a column per series (the series' name, with the unit
    /// in brackets when there is one), each value as the chart's `data-value` holds it (two decimals at
    /// most), empty where the chart has no value.
    public static func chart(_ c: SVGChart, byteOrderMark: Bool = false) -> String {
        let unit = c.unit.trimmingCharacters(in: .whitespaces)
        let header = [c.categoryHeading.isEmpty ? "category" : c.categoryHeading] + c.series.map { unit.isEmpty ? $0.name : "\($0.name) (\(unit))" }
        let rows = c.categories.indices.map { i in
            [c.categories[i]] + c.series.map { s in (i < s.values.count ? s.values[i] : nil).map(SVGChart.number) ?? "" }
        }
        return table(header, rows, byteOrderMark: byteOrderMark)
    }
}
