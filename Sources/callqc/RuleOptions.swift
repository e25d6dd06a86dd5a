import ArgumentParser
import CallQC
import Foundation

/// Options that choose the rule sets and scripts.
struct RuleOptions: ParsableArguments {
    @Option(name: .long, help: "A rule set (a folder with ruleset.yaml, or one YAML file) to use for every call, instead of the language's default.")
    var rules: String?

    @Option(name: .long, help: "A script file (YAML) to check every call against, instead of the script each call names.")
    var script: String?

    @Flag(name: .long, help: "Match phrases literally only: no second, lower-confidence match by sound (recognisers' homophones such as 不知到).")
    var noSound = false

    func catalog() throws -> RuleCatalog { try RuleLoading.catalog(rules: rules, soundMatching: !noSound) }
    func scripts() throws -> ScriptCatalog { try RuleLoading.scripts(fixed: script) }
}

/// Loads rule sets and scripts for the commands; a mistake in them stops the run with exit status 2.
enum RuleLoading {
    static var lexicons: String? {
        RuleCatalog.locateLexicons(environment: ProcessInfo.processInfo.environment,
                                   currentDirectory: FileManager.default.currentDirectoryPath,
                                   executable: Bundle.main.executablePath ?? CommandLine.arguments[0])
    }

    static func catalog(rules: String?, soundMatching: Bool = true) throws -> RuleCatalog {
        do {
            return try RuleCatalog.load(rules: rules, lexicons: lexicons, soundMatching: soundMatching)
        } catch {
            fail(error)
        }
    }

    /// The scripts under lexicons/scripts, and the one named by --script.
    static func scripts(fixed: String?) throws -> ScriptCatalog {
        do {
            return try ScriptCatalog.load(directory: lexicons.map { ($0 as NSString).appendingPathComponent("scripts") }, fixed: fixed)
        } catch {
            fail(error)
        }
    }

    static func fail(_ error: RuleError) -> Never {
        Console.error("\(error)", redact: false)
        Foundation.exit(2)
    }
}
