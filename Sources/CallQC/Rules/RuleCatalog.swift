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
    /// Without either, the error names `searched`: the places looked at for the lexicons (by
    /// default those `lexiconCandidates` gives for this process: its environment, current folder
    /// and executable).
    public static func load(rules: String?, lexicons: String?, searched: [String]? = nil, folder: TextFolder = TextFolder(), soundMatching: Bool = true,
                            cache: RuleFileCache = .off) throws(RuleError) -> RuleCatalog {
        let loader = RuleSetLoader(folder: folder, soundMatching: soundMatching, cache: cache)
        if let rules { return RuleCatalog(ruleSets: [try loader.load(rules)], fixed: true) }
        guard let lexicons else { throw lexiconsNotFound(searched: searched ?? processLexiconCandidates()) }
        var sets: [RuleSet] = []
        for name in defaultSetNames {
            sets.append(try loader.load((lexicons as NSString).appendingPathComponent(name)))
        }
        return RuleCatalog(ruleSets: sets, fixed: false)
    }

    /// The error of a run that found no lexicons folder, naming the places searched.
    public static func lexiconsNotFound(searched: [String]) -> RuleError {
        let places = searched.isEmpty ? "" : " in " + searched.joined(separator: ", ")
        return RuleError(file: "lexicons", message: "cannot find the lexicons folder (zh-CN/ruleset.yaml)\(places)",
                         fix: "install callqc with its lexicons (make install, or the .deb), set CALLQC_LEXICONS=/path/to/lexicons, run callqc from the project folder, or pass --rules PATH")
    }

    /// The folders installs put the lexicons in when the executable's own prefix does not hold
    /// them (a binary copied elsewhere): `make install`'s default prefix, then the Debian package's.
    public static let systemLexiconFolders = ["/usr/local/share/callqc/lexicons", "/usr/share/callqc/lexicons"]

    /// Where the lexicons folder is looked for, in order:
    /// 1. `$CALLQC_LEXICONS`, when set (then only there);
    /// 2. `lexicons/` in the current folder (a project's own rules);
    /// 3. `PREFIX/share/callqc/lexicons` for an executable at `PREFIX/bin/callqc` (symbolic links
    ///    resolved): where `make install` and the Debian package put them;
    /// 4. `lexicons/` next to the executable or in a folder above it, up to six levels (a build
    ///    folder inside the project: `.build/release/callqc`);
    /// 5. `systemFolders`: `/usr/local/share/callqc/lexicons`, `/usr/share/callqc/lexicons`.
    public static func lexiconCandidates(environment: [String: String], currentDirectory: String, executable: String,
                                         systemFolders: [String] = systemLexiconFolders) -> [String] {
        if let env = environment["CALLQC_LEXICONS"], !env.isEmpty { return [env] }
        var candidates = [(currentDirectory as NSString).appendingPathComponent("lexicons")]
        var dir = ((executable as NSString).resolvingSymlinksInPath as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            candidates.append(((dir as NSString).deletingLastPathComponent as NSString).appendingPathComponent("share/callqc/lexicons"))
            for _ in 0..<6 {
                candidates.append((dir as NSString).appendingPathComponent("lexicons"))
                let parent = (dir as NSString).deletingLastPathComponent
                if parent == dir || parent.isEmpty { break }
                dir = parent
            }
        }
        var seen = Set<String>()
        return (candidates + systemFolders).filter { seen.insert(($0 as NSString).standardizingPath).inserted }
    }

    /// `lexiconCandidates` for this process: its environment, current folder and executable.
    public static func processLexiconCandidates() -> [String] {
        lexiconCandidates(environment: ProcessInfo.processInfo.environment,
                          currentDirectory: FileManager.default.currentDirectoryPath,
                          executable: Bundle.main.executablePath ?? CommandLine.arguments.first ?? "")
    }

    /// The lexicons folder: `$CALLQC_LEXICONS` when set (whether or not it holds a rule set, so
    /// that loading names it), else the first of `lexiconCandidates` that holds `zh-CN/ruleset.yaml`.
    public static func locateLexicons(environment: [String: String], currentDirectory: String, executable: String,
                                      systemFolders: [String] = systemLexiconFolders) -> String? {
        if let env = environment["CALLQC_LEXICONS"], !env.isEmpty { return env }
        return lexiconCandidates(environment: environment, currentDirectory: currentDirectory, executable: executable,
                                 systemFolders: systemFolders)
            .first { FileManager.default.fileExists(atPath: ($0 as NSString).appendingPathComponent("zh-CN/ruleset.yaml")) }
    }
}
