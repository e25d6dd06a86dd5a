import ArgumentParser
import CallQC
import Foundation

/// Options that choose the rule sets.
struct RuleOptions: ParsableArguments {
    @Option(name: .long, help: "A rule set (a folder with ruleset.yaml, or one YAML file) to use for every call, instead of the language's default.")
    var rules: String?

    /// Loads the catalog; a bad rule set stops the run with exit status 2.
    func catalog() throws -> RuleCatalog {
        let lexicons = RuleCatalog.locateLexicons(environment: ProcessInfo.processInfo.environment,
                                                  currentDirectory: FileManager.default.currentDirectoryPath,
                                                  executable: Bundle.main.executablePath ?? CommandLine.arguments[0])
        do {
            return try RuleCatalog.load(rules: rules, lexicons: lexicons)
        } catch {
            FileHandle.standardError.write(Data("callqc: error: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
