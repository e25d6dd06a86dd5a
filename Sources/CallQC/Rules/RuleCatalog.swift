import CallQCText
import Foundation

/// The rule sets in use: one per language (the calls' language picks), or one
/// named by the user for every call.
public struct RuleCatalog: Sendable {
    public var ruleSets: [RuleSet]
    /// When set, every call uses this rule set, whatever its language.
    public var fixed: Bool

    public init(ruleSets: [RuleSet], fixed: Bool) {
        self.ruleSets = ruleSets
        self.fixed = fixed
    }

    /// The rule set for a call's language: Chinese (Simplified or Traditional,
    /// through folding) → the `zh` set; English and other Latin-script text → the
    /// `en` set; otherwise the first.
    public func ruleSet(for language: LanguageGuess) -> RuleSet {
        if fixed || ruleSets.count == 1 { return ruleSets[0] }
        let wanted = language.language == "und" && language.script == "Latn" ? "en" : language.language
        return ruleSets.first { $0.language == wanted } ?? ruleSets[0]
    }

    /// The default rule sets shipped in `lexicons/`: zh-CN and en.
    public static let defaultSetNames = ["zh-CN", "en"]

    /// Loads `--rules PATH` if given, else the default rule sets from the lexicons folder.
    public static func load(rules: String?, lexicons: String?, folder: TextFolder = TextFolder(), soundMatching: Bool = true) throws(RuleError) -> RuleCatalog {
        let loader = RuleSetLoader(folder: folder, soundMatching: soundMatching)
        if let rules { return RuleCatalog(ruleSets: [try loader.load(rules)], fixed: true) }
        guard let lexicons else {
            throw RuleError(file: "lexicons", message: "cannot find the lexicons folder (lexicons/zh-CN/ruleset.yaml)",
                            fix: "run callqc from the project folder, set CALLQC_LEXICONS=/path/to/lexicons, or pass --rules PATH")
        }
        var sets: [RuleSet] = []
        for name in defaultSetNames {
            sets.append(try loader.load((lexicons as NSString).appendingPathComponent(name)))
        }
        return RuleCatalog(ruleSets: sets, fixed: false)
    }

    /// Finds the lexicons folder: `$CALLQC_LEXICONS`, then `lexicons/` in the current
    /// folder, then next to the executable or above it (a build folder inside the project),
    /// then `share/callqc/lexicons` beside the executable's folder.
    public static func locateLexicons(environment: [String: String], currentDirectory: String, executable: String) -> String? {
        func ok(_ dir: String) -> Bool { FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("zh-CN/ruleset.yaml")) }
        if let env = environment["CALLQC_LEXICONS"], !env.isEmpty { return env }
        let cwd = (currentDirectory as NSString).appendingPathComponent("lexicons")
        if ok(cwd) { return cwd }
        var dir = ((executable as NSString).resolvingSymlinksInPath as NSString).deletingLastPathComponent
        let share = ((dir as NSString).deletingLastPathComponent as NSString).appendingPathComponent("share/callqc/lexicons")
        for _ in 0..<6 {
            let candidate = (dir as NSString).appendingPathComponent("lexicons")
            if ok(candidate) { return candidate }
            let parent = (dir as NSString).deletingLastPathComponent
            if parent == dir { break }
            dir = parent
        }
        return ok(share) ? share : nil
    }
}
