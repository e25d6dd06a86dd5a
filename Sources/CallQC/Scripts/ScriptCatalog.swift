import CallQCText
import Foundation

/// Scripts by id: the ones under `lexicons/scripts/`, or one given with
/// `--script FILE` for every call.
public struct ScriptCatalog: Sendable {
    public var scripts: [Script]
    /// When set, every call is checked against this script.
    public var fixed: Script?

    public init(scripts: [Script] = [], fixed: Script? = nil) {
        self.scripts = scripts
        self.fixed = fixed
    }

    public static let empty = ScriptCatalog()

    /// The script a call follows: the fixed one, or the one its metadata names.
    public func script(for call: Call) -> Script? {
        if let fixed { return fixed }
        guard let name = call.script else { return nil }
        return scripts.first { $0.id == name }
    }

    /// Loads every `*.yaml` in a folder (sorted), and `fixed` when given; `cache` keeps the files' parsed YAML
    /// between runs, as for rule files.
    public static func load(directory: String?, fixed: String?, folder: TextFolder = TextFolder(),
                            cache: RuleFileCache = .off) throws(RuleError) -> ScriptCatalog {
        let loader = ScriptLoader(folder: folder, cache: cache)
        var scripts: [Script] = []
        if let directory, FileManager.default.fileExists(atPath: directory) {
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            for f in files {
                let script = try loader.load((directory as NSString).appendingPathComponent(f))
                if let other = scripts.first(where: { $0.id == script.id }) {
                    throw RuleError(file: script.file, message: "duplicate script id '\(script.id)' (also in \(other.file))", fix: "give each script its own id")
                }
                scripts.append(script)
            }
        }
        return ScriptCatalog(scripts: scripts, fixed: try fixed.map { path throws(RuleError) in try loader.load(path) })
    }
}

/// Reads and validates a script file: file:line errors with the fix, as for rules.
public struct ScriptLoader {
    let folder: TextFolder
    /// Parsed script files kept between runs (off unless the caller gives one).
    let cache: RuleFileCache
    /// Similarity a step needs when neither the step nor the script says.
    public static let defaultThreshold = 0.6

    public init(folder: TextFolder = TextFolder(), cache: RuleFileCache = .off) {
        self.folder = folder
        self.cache = cache
    }

    public func load(_ file: String) throws(RuleError) -> Script {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw RuleError(file: file, message: "cannot read the script file", fix: "check the path")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw RuleError(file: file, message: "not UTF-8 text", fix: "save it as UTF-8") }
        guard let root = try cache.tree(file: file, bytes: data, parse: { () throws(RuleError) in try YAMLNode.parse(text, file: file) }) else {
            throw RuleError(file: file, message: "the script file is empty")
        }
        var fields = try FieldReader(root, what: "the script")
        let id = try fields.string("id", required: true)!
        guard !id.isEmpty, id.allSatisfy({ RuleSetLoader.idPattern.contains($0) }) else {
            throw root.error("script id '\(id)' must be lower-case letters, digits, '.', '-' or '_'", fix: "for example 'satisfaction-survey'")
        }
        let title = try fields.string("title") ?? id
        let language = try fields.string("language")
        let threshold = try fields.number("threshold", min: 0.05) ?? ScriptLoader.defaultThreshold
        if threshold > 1 { throw root.error("'threshold' must be between 0 and 1") }
        var context = RuleParseContext(folder: folder, file: file, language: language ?? "zh")
        guard let items = try fields.list("steps"), !items.isEmpty else {
            throw root.error("the script has no steps", fix: "add 'steps:' with '- {id: ..., label: ..., say: [...]}'")
        }
        try fields.finish()
        var steps: [ScriptStep] = []
        for item in items {
            var f = try FieldReader(item, what: "a step")
            let stepID = try f.string("id", required: true)!
            if steps.contains(where: { $0.id == stepID }) { throw item.error("duplicate step id '\(stepID)'", fix: "give each step its own id") }
            let phrasings = try context.phrases(&f, key: "say", required: true)
            let keys = try context.phrases(&f, key: "keys", required: false)
            let stepThreshold = try f.number("threshold", min: 0.05) ?? threshold
            if stepThreshold > 1 { throw item.error("'threshold' must be between 0 and 1") }
            var step = ScriptStep(id: stepID, label: try f.string("label") ?? stepID, required: try f.bool("required") ?? true,
                                  phrasings: phrasings, keys: keys, threshold: stepThreshold, examples: [], line: item.line)
            if var e = try f.mapping("examples") {
                for (key, must) in [("match", true), ("no_match", false)] {
                    for (text, node) in try e.strings(key) ?? [] {
                        step.examples.append(ScriptExample(text: text, mustMatch: must, file: node.file, line: node.line))
                    }
                }
                try e.finish()
            }
            try f.finish()
            steps.append(step)
        }
        return Script(id: id, title: title, language: language, steps: steps, file: file)
    }
}

/// A script example whose outcome was not what it says.
public struct ScriptExampleFailure: Sendable, CustomStringConvertible {
    public var script: String
    public var step: String
    public var example: ScriptExample
    public var similarity: Double

    public var description: String {
        let verb = example.mustMatch ? "should count as" : "should not count as"
        return "\(example.file):\(example.line): '\(example.text)' \(verb) step '\(step)' of script '\(script)' (similarity \(JSONValue.format((similarity * 100).rounded() / 100)))"
    }
}

extension Script {
    /// Runs the examples of every step.
    public func testExamples(folder: TextFolder = TextFolder()) -> [ScriptExampleFailure] {
        var failures: [ScriptExampleFailure] = []
        for step in steps {
            for example in step.examples {
                let folded = folder.fold(example.text)
                let s = ScriptMatcher.score(step, folded, scalars: folded.scalars)
                if s.said != example.mustMatch {
                    failures.append(ScriptExampleFailure(script: id, step: step.id, example: example, similarity: s.match.similarity))
                }
            }
        }
        return failures
    }

    /// Number of step examples.
    public var exampleCount: Int { steps.reduce(0) { $0 + $1.examples.count } }
}
