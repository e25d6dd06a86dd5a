import ArgumentParser
import CallQC
import CallQCWeb

// The values of every --format, --to and --by (and --input-format, --lang): enums that
// ArgumentParser validates and lists in the help; an unknown value is its usage error.

extension InputFormat: ExpressibleByArgument {}
extension OutputFormat: ExpressibleByArgument {}
extension EvaluationBreakdown: ExpressibleByArgument {}
extension Report.Grouping: ExpressibleByArgument {}
extension WorkbenchLanguage: ExpressibleByArgument {}

/// `--format` of lint, eval and report calibration.
enum TableOrJSON: String, CaseIterable, ExpressibleByArgument { case table, json }

/// `--format` of report summary.
enum ReportFormat: String, CaseIterable, ExpressibleByArgument { case table, csv, json, html }

/// `--format` of sample.
enum CalibrationFormat: String, CaseIterable, ExpressibleByArgument { case table, json, csv }
enum CalibrationTable: String, CaseIterable, ExpressibleByArgument { case rules, missed, differences }
enum QueueFormat: String, CaseIterable, ExpressibleByArgument { case table, csv, json }

/// `--format` of cases export: the file extension too.
enum CaseFormat: String, CaseIterable, ExpressibleByArgument { case md, html, json }

/// `--to` of convert.
enum CallFormat: String, CaseIterable, ExpressibleByArgument {
    case json, jsonl, plain
    /// The extension of the files --output-dir writes.
    var fileExtension: String { self == .plain ? "txt" : rawValue }
}
