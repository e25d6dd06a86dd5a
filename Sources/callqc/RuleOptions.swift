import ArgumentParser
import CallQC
import Foundation

/// Options that choose the rule sets and scripts.
struct RuleOptions: ParsableArguments {
    @Option(name: .long, help: "A rule set (a folder with ruleset.yaml, or one YAML file) to use for every call, or a folder of rule sets by language (zh-CN/, en/, scripts/: what callqc init makes). Default: 'rules' in .callqc.yml, else the shipped rule sets.")
    var rules: String?

    @Option(name: .long, help: "A script file (YAML) to check every call against, instead of the script each call names.")
    var script: String?

    @Flag(name: .long, help: "Match phrases literally only: no second, lower-confidence match by sound (recognisers' homophones such as 不知到).")
    var noSound = false

    func catalog(_ settings: Settings) throws -> RuleCatalog { try RuleLoading.catalog(rules: settings.rules(rules).value, soundMatching: !noSound) }
    func scripts(_ settings: Settings) throws -> ScriptCatalog { try RuleLoading.scripts(fixed: script, rules: settings.rules(rules).value) }
}

/// Loads rule sets and scripts for the commands; a mistake in them stops the run with exit status 2.
enum RuleLoading {
    static var lexicons: String? {
        RuleCatalog.locateLexicons(environment: ProcessInfo.processInfo.environment,
                                   currentDirectory: FileManager.default.currentDirectoryPath,
                                   executable: Bundle.main.executablePath ?? CommandLine.arguments[0])
    }

    /// A folder of rule sets by language (`zh-CN/ruleset.yaml`…, as `lexicons/` and the folder
    /// `callqc init` makes), rather than one rule set (a folder with `ruleset.yaml`, or a file).
    static func isLexiconsFolder(_ path: String) -> Bool {
        let fm = FileManager.default
        return !fm.fileExists(atPath: (path as NSString).appendingPathComponent("ruleset.yaml"))
            && RuleCatalog.defaultSetNames.contains { fm.fileExists(atPath: ((path as NSString).appendingPathComponent($0) as NSString).appendingPathComponent("ruleset.yaml")) }
    }

    /// The rule sets: `rules` when given (one set for every call, or a lexicons folder's sets by
    /// language), else the shipped ones.
    static func catalog(rules: String?, soundMatching: Bool = true) throws -> RuleCatalog {
        do {
            return try load(rules: rules, soundMatching: soundMatching)
        } catch {
            fail(error)
        }
    }

    /// As `catalog`, nil when the rule sets cannot be read (for commands that only look rules up).
    static func catalogIfReadable(rules: String?) -> RuleCatalog? { try? load(rules: rules, soundMatching: true) }

    private static func load(rules: String?, soundMatching: Bool) throws(RuleError) -> RuleCatalog {
        if let rules, isLexiconsFolder(rules) { return try RuleCatalog.load(rules: nil, lexicons: rules, soundMatching: soundMatching, cache: ruleCache) }
        return try RuleCatalog.load(rules: rules, lexicons: lexicons, soundMatching: soundMatching, cache: ruleCache)
    }

    /// Parsed rule files kept between runs (docs/rules.md, "The rule cache"); CALLQC_NO_CACHE=1 turns it off.
    static var ruleCache: RuleFileCache {
        RuleFileCache(folder: RuleFileCache.folder(environment: ProcessInfo.processInfo.environment), version: CallQCVersion.version)
    }

    /// The scripts under the lexicons' scripts/ (those of `rules` when it is a lexicons folder),
    /// and the one named by --script.
    static func scripts(fixed: String?, rules: String? = nil) throws -> ScriptCatalog {
        let folder = rules.flatMap { isLexiconsFolder($0) ? $0 : nil } ?? lexicons
        do {
            return try ScriptCatalog.load(directory: folder.map { ($0 as NSString).appendingPathComponent("scripts") }, fixed: fixed, cache: ruleCache)
        } catch {
            fail(error)
        }
    }

    static func fail(_ error: RuleError) -> Never {
        Console.error("\(error)", redact: false)
        Foundation.exit(2)
    }
}
