import ArgumentParser
import CallQC
import Foundation

/// `callqc init`: a center's own rule set, copied from the shipped lexicons, with a README for
/// trainers and a `.callqc.yml` that uses it; the copy is tested before the command ends.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Start a center's own rule set: copy the shipped lexicons into callqc-rules/, with a README for trainers, and write a .callqc.yml that uses it.",
        discussion: """
        Copies the rule sets (zh-CN/, en/) and scripts callqc ships into FOLDER/callqc-rules/, writes \
        callqc-rules/README.md (how trainers edit phrase lists, add examples, test and version the \
        set; in Chinese and English) and FOLDER/.callqc.yml with 'rules: callqc-rules' and every other \
        setting commented out at its default. Then runs every example of the copy, as callqc rules \
        test does. callqc commands run in FOLDER or below it use the copy from then on.

        Nothing is overwritten without --force; with it the copied files, the README and \
        .callqc.yml are replaced, and files of your own in callqc-rules/ are kept.

        Examples:
          callqc init
          callqc init /srv/qc --force
        """
    )

    @Argument(help: "The folder to set up (default: the current folder).") var folder: String?
    @Flag(name: .long, help: "Replace callqc-rules/ files, its README and .callqc.yml where they exist.") var force = false

    static let rulesFolder = "callqc-rules"

    func run() throws {
        let fm = FileManager.default
        let base = folder ?? "."
        guard let shipped = RuleLoading.lexicons else {
            Console.error("cannot find the shipped lexicons to copy (a folder holding zh-CN/ruleset.yaml); set CALLQC_LEXICONS=/path/to/lexicons", redact: false)
            throw ExitCode(2)
        }
        let source = (shipped as NSString).resolvingSymlinksInPath
        let target = (base as NSString).appendingPathComponent(Init.rulesFolder)
        let configPath = (base as NSString).appendingPathComponent(CallQCConfig.fileName)
        let present = [target, configPath].filter { fm.fileExists(atPath: $0) }
        if !present.isEmpty && !force {
            Console.error("\(present.joined(separator: " and ")) already exist\(present.count == 1 ? "s" : ""): callqc init overwrites nothing; "
                          + "use --force to replace the copied rule files, the README and .callqc.yml (files of your own in \(Init.rulesFolder)/ are kept)", redact: false)
            throw ExitCode(2)
        }
        if (try? fm.destinationOfSymbolicLink(atPath: target)) != nil || (fm.fileExists(atPath: target) && !isFolder(target)) {
            Console.error("\(target) is not a folder: move it away first", redact: false)
            throw ExitCode(2)
        }
        if (target as NSString).standardizingPath == (source as NSString).standardizingPath {
            Console.error("\(target) is the shipped lexicons folder itself", redact: false)
            throw ExitCode(2)
        }

        var copied = 0
        do {
            try fm.createDirectory(atPath: target, withIntermediateDirectories: true)
            // The rule sets and scripts: every folder of the lexicons (the shipped README is replaced by the trainers').
            let entries = try fm.contentsOfDirectory(atPath: source).sorted()
            for entry in entries where isFolder((source as NSString).appendingPathComponent(entry)) && !entry.hasPrefix(".") {
                copied += try copyTree((source as NSString).appendingPathComponent(entry), to: (target as NSString).appendingPathComponent(entry))
            }
            try write(Init.readme, to: (target as NSString).appendingPathComponent("README.md"))
            try write(Init.configFile, to: configPath)
        } catch {
            Console.error("cannot write \(target): \(error.localizedDescription)", redact: false)
            throw ExitCode(1)
        }

        // The copy is tested as callqc rules test does: a mistake or a failing example is reported here.
        let catalog = try RuleLoading.catalog(rules: target)
        let scripts = try RuleLoading.scripts(fixed: nil, rules: target)
        let checker = Checker(catalog: catalog)
        var failures: [String] = []
        var tested: [String] = []
        for set in catalog.ruleSets {
            let examples = set.rules.reduce(0) { $0 + $1.examples.count }
            let failed = checker.testExamples(of: set)
            failures += failed.map { "\($0)" }
            tested.append("\(set.name) \(set.version): \(set.rules.count) rules, \(examples - failed.count) of \(examples) examples passed")
        }
        var scriptExamples = 0, scriptFailures = 0
        for script in scripts.scripts {
            let failed = script.testExamples()
            failures += failed.map { "\($0)" }
            scriptExamples += script.exampleCount
            scriptFailures += failed.count
        }
        let shownTarget = folder == nil ? Init.rulesFolder : target
        var out = "copied \(copied) files of \(source) into \(shownTarget)/ (\(catalog.ruleSets.map(\.name).joined(separator: ", ")), \(scripts.scripts.count) scripts)\n"
        out += "wrote \(shownTarget)/README.md, for trainers: editing phrase lists, adding examples, testing and versioning the set\n"
        out += "wrote \(folder == nil ? CallQCConfig.fileName : configPath): rules: \(Init.rulesFolder); the other settings are commented out at their defaults (callqc config shows them)\n"
        out += "tested the copy: " + tested.joined(separator: "; ") + "; \(scripts.scripts.count) scripts: \(scriptExamples - scriptFailures) of \(scriptExamples) examples passed\n"
        for f in failures { out += "FAIL \(f)\n" }
        if failures.isEmpty {
            out += "next: edit \(shownTarget)/zh-CN/phrases/*.txt or rules/*.yaml, run callqc rules test, and commit \(shownTarget)/ and .callqc.yml (git)\n"
        }
        Console.out(out, terminator: "")
        if !failures.isEmpty { throw ExitCode(1) }
    }

    private func isFolder(_ path: String) -> Bool {
        var d: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &d) && d.boolValue
    }

    /// Copies the files of a folder (following its tree), each readable by all and writable by its owner:
    /// shipped files may be read-only, and trainers edit the copies. Returns the number of files.
    private func copyTree(_ from: String, to: String) throws -> Int {
        let fm = FileManager.default
        try fm.createDirectory(atPath: to, withIntermediateDirectories: true)
        var count = 0
        for entry in try fm.contentsOfDirectory(atPath: from).sorted() where !entry.hasPrefix(".") {
            let path = (from as NSString).appendingPathComponent(entry)
            let dest = (to as NSString).appendingPathComponent(entry)
            if isFolder(path) {
                count += try copyTree(path, to: dest)
            } else if let data = fm.contents(atPath: path) {
                try write(data, to: dest)
                count += 1
            }
        }
        return count
    }

    private func write(_ text: String, to path: String) throws { try write(Data(text.utf8), to: path) }

    private func write(_ data: Data, to path: String) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: path) { try fm.removeItem(atPath: path) }
        guard fm.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o644]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    // MARK: The files init writes

    /// `.callqc.yml`: the rules set, every other key commented out at its default.
    static let configFile = """
    # callqc settings for this folder and every folder below it (docs/config.md).
    # callqc 的配置：在本目录及其子目录中运行的 callqc 命令都读取本文件。
    #
    # A flag on the command line wins over this file; this file wins over the defaults.
    # callqc config shows every setting in effect and where it came from.
    # Relative paths are relative to this file's folder.
    # Secrets never go here: the workbench's token comes from CALLQC_TOKEN (or the file
    # named by serve.token_file), a PostgreSQL password from PGPASSWORD.

    # The center's own rule sets (zh-CN/, en/) and scripts, made by callqc init.
    # 本中心自己的规则集与话术脚本（callqc init 生成）。
    rules: callqc-rules

    # Speaker labels that mean the agent or the customer, besides the standard ones
    # (坐席, 客服, 话务员, Agent… / 客户, 用户, Customer…).
    # agent_labels: []
    # customer_labels: []
    # Recognisers' speaker labels that are the agent (spk_0, SPEAKER_01…).
    # agent_speakers: []

    # The standard reading rate of callqc lint and the workbench's self-check.
    # The band the pace rules flag is in the rule set: callqc-rules/zh-CN/rules/pace.yaml.
    # speech_rate:
    #   characters: 120        # Chinese characters a minute
    #   words: 150             # English words a minute

    # Mask personal data (phone, ID, card numbers, e-mail) in what callqc writes for people.
    # redact: true

    # The results store (default: none): a SQLite file, or postgres://USER@HOST:5432/DB
    # with the password in PGPASSWORD.
    # db: qc.sqlite

    # The folder of call recordings (default: none), for the workbench once it plays them.
    # audio_root: recordings

    # The workbench, callqc serve.
    # serve:
    #   host: 127.0.0.1
    #   port: 8080
    #   behind_tls: false
    #   session_idle: 30       # minutes without a request before a login session ends
    #   appeal_days: 7
    #   public_url: []         # https://qc.example.com/
    #   lang: zh               # zh or en
    #   token_file: /etc/callqc/token   # (default: none) the token alone on its first line

    """

    /// callqc-rules/README.md, for trainers, in Chinese and English.
    static let readme = """
    # 本中心的质检规则 · The center's own QC rules

    这个目录是 `callqc init` 从 callqc 自带的规则复制来的，属于本中心，由培训师和质检员维护。
    上一级目录的 `.callqc.yml` 写着 `rules: callqc-rules`，所以在那里（及其子目录）运行的
    `callqc check`、`lint`、`serve`、`eval`、`rules test` 都使用这里的规则。

    This folder was copied by `callqc init` from the rules callqc ships. It belongs to the center;
    trainers and QC reviewers keep it. The `.callqc.yml` one level up says `rules: callqc-rules`,
    so `callqc check`, `lint`, `serve`, `eval` and `rules test` run there (or below) use these rules.

    ```
    callqc-rules/
      zh-CN/ruleset.yaml      中文规则集：名称、版本、评分表 · Chinese set: name, version, scorecard
      zh-CN/rules/*.yaml      规则 · rules
      zh-CN/phrases/*.txt     短语表，每行一个 · phrase lists, one phrase a line
      en/…                    英文规则集，结构相同 · the English set, the same layout
      scripts/*.yaml          外呼话术与问卷 · outbound scripts and questionnaires
    ```

    ## 1. 修改短语表 · Editing phrase lists

    短语表是纯文本（UTF-8），每行一个短语，`#` 开头的行是注释。例如结束语
    `zh-CN/phrases/closings.txt`、问候语 `greetings.txt`、道歉 `apologies.txt`。
    加一行就多认一种说法，删一行就少认一种。大小写、全角半角、繁简体、空格和标点都不影响匹配。
    服务忌语（如“不知道”）的短语、近义说法和例外写在 `zh-CN/rules/politeness.yaml` 里
    各条规则的 `phrases`、`paraphrases`、`exceptions` 下。

    Phrase lists are plain UTF-8 text, one phrase a line; a line starting with `#` is a comment:
    closings in `zh-CN/phrases/closings.txt`, greetings in `greetings.txt`, apologies in
    `apologies.txt`. Add a line to accept another wording, remove one to stop accepting it. Case,
    full-width forms, Traditional characters, spaces and punctuation do not matter. Taboo phrases
    (不知道…) are listed in `zh-CN/rules/politeness.yaml`, under each rule's `phrases`,
    `paraphrases` and `exceptions`. The format is in docs/rules.md.

    ## 2. 加例句 · Adding examples

    每条规则都带例句：`flag` 下是必须被找出的说法，`pass` 下是不能被误判的说法。
    质检员发现漏判或误判时，把那句话加进去，再改短语，直到测试通过：

    Every rule carries examples: under `flag` what it must find, under `pass` what it must leave
    alone. When a reviewer finds a miss or a false alarm, add the sentence as an example, then change
    the phrases until the test passes:

    ```yaml
        examples:
          flag:
            - 这个我不知道，你自己去营业厅问吧。
          pass:
            - 您不知道也没关系，我帮您查一下。
    ```

    `callqc rules suggest-examples --db qc.sqlite` 会把质检员复核中标记的漏判和误判整理成例句。
    `callqc rules suggest-examples --db qc.sqlite` turns reviewers' misses and rejections into examples.

    ## 3. 测试 · Testing

    每次修改后运行（在 `.callqc.yml` 所在目录）：
    After every change, run (in the folder of `.callqc.yml`):

    ```sh
    callqc rules test                         # 全部：zh-CN、en 和话术 · everything: zh-CN, en, scripts
    callqc rules test callqc-rules/zh-CN      # 只测中文规则集 · the Chinese set only
    callqc rules list                         # 当前生效的规则 · the rules in effect
    callqc lint 话术草稿.txt                   # 用这些规则检查话术草稿 · lint a script draft with them
    callqc check 通话/                         # 用这些规则质检 · check calls with them
    ```

    `rules test` 列出每个失败的例句（FAIL …），有失败时退出码为 1；规则文件写错时会指出文件、
    行号和改法，退出码为 2。有标注数据时，`callqc eval` 可以比较修改前后的准确率和召回率。

    `rules test` lists every failing example (FAIL …) and exits with status 1 when one fails; a
    mistake in a rule file is reported with its file, line and the fix, with status 2. With labelled
    turns, `callqc eval` measures precision and recall before and after a change.

    ## 4. 版本管理 · Versioning

    把这个目录和 `.callqc.yml` 放进 git，每次修改单独提交，写清原因：
    Keep this folder and `.callqc.yml` in git, one commit per change with its reason:

    ```sh
    git add callqc-rules .callqc.yml
    git commit -m "结束语：加“感谢您的耐心等待”"
    ```

    每次发布修改时，把 `zh-CN/ruleset.yaml`（或 `en/ruleset.yaml`）里的 `version:` 加一，
    例如 `"2026.11.29"` 改成 `"2026.12.05"`。每条质检结果都记录检查它的规则集名称和版本，
    这样复核、申诉和报表都能看出某通电话是按哪一版规则检查的。

    Each time you release a change, bump `version:` in `zh-CN/ruleset.yaml` (or
    `en/ruleset.yaml`), say from `"2026.11.29"` to `"2026.12.05"`. Every stored result records the
    name and version of the rule set that checked it, so reviews, appeals and reports show which
    version checked a call.

    ## 5. 新版 callqc 自带规则 · When callqc ships new rules

    升级 callqc 不会改动这个目录。要看新版自带规则的变化，可在另一个目录运行 `callqc init`，
    再用 `diff -r` 对比，把需要的修改合并进来。

    Upgrading callqc leaves this folder alone. To see what the new shipped rules changed, run
    `callqc init` in another folder and compare with `diff -r`, then merge what you want.

    """
}
