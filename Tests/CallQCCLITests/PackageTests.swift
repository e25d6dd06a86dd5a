import CallQC
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

/// Issue 20, "Install and run like a real tool": `make install` puts each file in its standard
/// place and `make uninstall` takes them away; `make deb` builds a package that, installed with
/// dpkg, gives a `callqc` that works from any folder without the Swift toolchain, a manual page,
/// completions and the workbench as a service, and that dpkg removes and purges cleanly.
///
/// Both build the release binary (`make`: in .build-static, so this build does not wait for the
/// lock `swift test` holds on .build). The package test needs root and dpkg: in CI (CI set) it
/// runs and fails when they are missing; on a developer's machine without them it skips, and
/// it skips where a callqc package is already installed rather than replace it.
final class PackageTests: XCTestCase {
    static let root = CLITests.root
    static var inCI: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }
    /// A cold release build on 2 cores takes long; more than this is a failure.
    static let buildTimeout: TimeInterval = 50 * 60

    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-package-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let dir { try? FileManager.default.removeItem(at: dir) }
    }

    struct Missing: Error, CustomStringConvertible { let description: String }
    struct Run { var status: Int32; var output: String; var stderr: String }

    /// Skips on a developer's machine, fails in CI.
    func require(_ ok: Bool, _ what: @autoclosure () -> String) throws {
        guard !ok else { return }
        if Self.inCI { throw Missing(description: "CI is set, so this test must run, but " + what()) }
        throw XCTSkip(what())
    }

    static func which(_ tool: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
            || FileManager.default.isExecutableFile(atPath: "/usr/sbin/\(tool)")
    }

    /// Runs a command; standard output and error go to files (make's output is long), read back.
    @discardableResult
    func run(_ args: [String], in folder: URL? = nil, environment: [String: String]? = nil,
             timeout: TimeInterval = 300) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = args
        process.currentDirectoryURL = folder ?? Self.root
        if let environment { process.environment = environment }
        let id = UUID().uuidString
        let out = dir.appendingPathComponent("out-\(id)"), err = dir.appendingPathComponent("err-\(id)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
        defer { try? outHandle.close(); try? errHandle.close() }
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw Missing(description: "\(args.joined(separator: " ")) did not finish in \(Int(timeout)) s")
        }
        process.waitUntilExit()
        return Run(status: process.terminationStatus,
                   output: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                   stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// `make TARGET …` in the package root, as a user types it.
    func make(_ args: [String]) throws -> Run {
        let r = try run(["make", "--no-print-directory"] + args, timeout: Self.buildTimeout)
        XCTAssertEqual(r.status, 0, "make \(args.joined(separator: " ")):\n\(r.output.suffix(3000))\n\(r.stderr.suffix(3000))")
        return r
    }

    /// Every file under a folder, as paths relative to it.
    static func files(under folder: URL) -> Set<String> {
        let base = folder.standardizedFileURL.path
        var found = Set<String>()
        guard let walker = FileManager.default.enumerator(atPath: base) else { return found }
        while let name = walker.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: base + "/" + name, isDirectory: &isDir), !isDir.boolValue { found.insert(name) }
        }
        return found
    }

    /// Every command path of the tool (`callqc check`, `callqc rules suggest-examples`…), from the tool itself.
    func commandPaths(_ binary: String) throws -> [String] {
        let dump = try run([binary, "--experimental-dump-help"])
        XCTAssertEqual(dump.status, 0, dump.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(dump.output.utf8)) as? [String: Any])
        var paths: [String] = []
        func walk(_ command: [String: Any], _ path: [String]) {
            for sub in command["subcommands"] as? [[String: Any]] ?? [] {
                guard let name = sub["commandName"] as? String, (sub["shouldDisplay"] as? Bool) != false else { continue }
                paths.append((path + [name]).joined(separator: " "))
                walk(sub, path + [name])
            }
        }
        walk(try XCTUnwrap(object["command"] as? [String: Any]), ["callqc"])
        return paths
    }

    /// The manual page names every command, with its own heading, and keeps the help's Chinese.
    func assertManualPage(_ page: String, names paths: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertGreaterThan(paths.count, 30, "the tool's commands", file: file, line: line)
        XCTAssertTrue(page.hasPrefix(".\\\" Generated by scripts/gen-manpage"), String(page.prefix(200)), file: file, line: line)
        XCTAssertTrue(page.contains(".TH CALLQC 1 "), file: file, line: line)
        for path in paths + ["callqc check", "callqc serve", "callqc rules suggest-examples"] {
            let roff = path.replacingOccurrences(of: "-", with: "\\-")
            XCTAssertTrue(page.contains(".SS \"\(roff)\""), "the page has a heading for \(path)", file: file, line: line)
        }
        XCTAssertTrue(page.contains("质检"), "UTF-8 text of the help is kept", file: file, line: line)
        XCTAssertTrue(page.contains("\\fB\\-\\-fail\\-on\\fR"), "options are listed", file: file, line: line)
    }

    /// An environment without this checkout's hints: the lexicons must be found as installed.
    func userEnvironment(path: String) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["CALLQC_LEXICONS"] = nil
        env["PATH"] = path
        env["LANG"] = "C.UTF-8"
        return env
    }

    // MARK: make install, make uninstall

    func testMakeInstallPutsEachFileInItsStandardPlaceAndUninstallRemovesThem() throws {
        try require(Self.which("make"), "make is missing (apt-get install make)")
        try require(Self.which("python3"), "python3 is missing (scripts/gen-manpage)")
        let dest = dir.appendingPathComponent("dest")
        _ = try make(["install", "DESTDIR=\(dest.path)", "PREFIX=/usr/local"])

        // Each file at its standard place under the prefix, and nothing else.
        let lexicons = Self.files(under: Self.root.appendingPathComponent("lexicons"))
        XCTAssertTrue(lexicons.contains("zh-CN/ruleset.yaml") && lexicons.contains("en/ruleset.yaml"), "\(lexicons.count) lexicon files")
        let expected = Set(["usr/local/bin/callqc", "usr/local/share/man/man1/callqc.1",
                            "usr/local/share/bash-completion/completions/callqc",
                            "usr/local/share/zsh/site-functions/_callqc",
                            "usr/local/share/fish/vendor_completions.d/callqc.fish"])
            .union(lexicons.map { "usr/local/share/callqc/lexicons/" + $0 })
        let installed = Self.files(under: dest)
        XCTAssertEqual(installed.subtracting(expected).sorted(), [], "installed but not expected")
        XCTAssertEqual(expected.subtracting(installed).sorted(), [], "expected but not installed")
        let binary = dest.appendingPathComponent("usr/local/bin/callqc").path
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: binary))
        let ruleset = dest.appendingPathComponent("usr/local/share/callqc/lexicons/zh-CN/ruleset.yaml")
        XCTAssertEqual(try Data(contentsOf: ruleset), try Data(contentsOf: Self.root.appendingPathComponent("lexicons/zh-CN/ruleset.yaml")))

        // The installed binary, run from another folder, finds the lexicons under its prefix.
        let elsewhere = dir.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let env = userEnvironment(path: "/usr/bin:/bin")
        let check = try run([binary, "check", Self.root.appendingPathComponent("samples/rude-agent.txt").path, "--format", "jsonl"], in: elsewhere, environment: env)
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertTrue(check.output.contains("taboo.dont-know"), check.output)
        // Without them there, the error names the places searched (when no system-wide install answers instead).
        let share = dest.appendingPathComponent("usr/local/share/callqc/lexicons")
        let moved = dest.appendingPathComponent("usr/local/share/callqc/lexicons.away")
        try FileManager.default.moveItem(at: share, to: moved)
        if RuleCatalog.systemLexiconFolders.allSatisfy({ !FileManager.default.fileExists(atPath: $0 + "/zh-CN/ruleset.yaml") }) {
            let lost = try run([binary, "check", Self.root.appendingPathComponent("samples/rude-agent.txt").path], in: elsewhere, environment: env)
            XCTAssertEqual(lost.status, 2, lost.stderr)
            XCTAssertTrue(lost.stderr.contains("cannot find the lexicons folder"), lost.stderr)
            XCTAssertTrue(lost.stderr.contains(share.path), "names \(share.path): \(lost.stderr)")
            XCTAssertTrue(lost.stderr.contains(elsewhere.appendingPathComponent("lexicons").path), lost.stderr)
            XCTAssertTrue(lost.stderr.contains("/usr/share/callqc/lexicons"), lost.stderr)
        }
        try FileManager.default.moveItem(at: moved, to: share)

        // The manual page: every command, generated from the tool's definitions; man renders it.
        let page = try String(contentsOf: dest.appendingPathComponent("usr/local/share/man/man1/callqc.1"), encoding: .utf8)
        assertManualPage(page, names: try commandPaths(binary))
        if Self.which("man") {
            var manEnv = env
            manEnv["MANWIDTH"] = "100"
            let shown = try run(["man", "-l", "-P", "cat", dest.appendingPathComponent("usr/local/share/man/man1/callqc.1").path], environment: manEnv)
            XCTAssertEqual(shown.status, 0, shown.stderr)
            XCTAssertTrue(shown.output.contains("callqc rules suggest-examples"), String(shown.output.prefix(2000)))
        }

        // The completions, generated by swift-argument-parser, know the subcommands.
        let bash = try String(contentsOf: dest.appendingPathComponent("usr/local/share/bash-completion/completions/callqc"), encoding: .utf8)
        let zsh = try String(contentsOf: dest.appendingPathComponent("usr/local/share/zsh/site-functions/_callqc"), encoding: .utf8)
        let fish = try String(contentsOf: dest.appendingPathComponent("usr/local/share/fish/vendor_completions.d/callqc.fish"), encoding: .utf8)
        XCTAssertTrue(zsh.hasPrefix("#compdef callqc"), String(zsh.prefix(100)))
        XCTAssertTrue(fish.contains("complete -c 'callqc'") || fish.contains("complete -c callqc"), String(fish.prefix(400)))
        for text in [bash, zsh, fish] { XCTAssertTrue(text.contains("suggest-examples"), String(text.prefix(300))) }
        let sourced = try run(["bash", "-c", "source \"$0\" && complete -p callqc", dest.appendingPathComponent("usr/local/share/bash-completion/completions/callqc").path])
        XCTAssertEqual(sourced.status, 0, sourced.stderr)
        XCTAssertTrue(sourced.output.contains("callqc"), sourced.output)

        // The package's serve.yml is a configuration callqc reads without a mistake.
        let serveYML = Self.root.appendingPathComponent("packaging/serve.yml").path
        let config = try run([binary, "config", "--config", serveYML], in: elsewhere, environment: env)
        XCTAssertEqual(config.status, 0, config.stderr)
        for key in ["serve.host ", "serve.port ", "serve.behind_tls ", "serve.session_idle ", "serve.appeal_days ", "serve.lang ", "db ", "redact "] {
            let line = config.output.split(separator: "\n").first { $0.hasPrefix(key) }.map(String.init) ?? ""
            XCTAssertTrue(line.contains(serveYML + ":"), "\(key)from serve.yml: \(config.output)")
        }

        // make uninstall leaves nothing.
        _ = try make(["uninstall", "DESTDIR=\(dest.path)", "PREFIX=/usr/local"])
        XCTAssertEqual(Self.files(under: dest).sorted(), [])
        XCTAssertFalse(FileManager.default.fileExists(atPath: dest.appendingPathComponent("usr/local/share/callqc").path))
    }

    // MARK: the Debian package

    /// dpkg, retried while another apt or dpkg holds its lock.
    @discardableResult
    func dpkg(_ args: [String]) throws -> Run {
        var r = try run(["dpkg"] + args, timeout: 600)
        var tries = 0
        while r.status != 0 && (r.stderr.contains("lock") && r.stderr.contains("dpkg")) && tries < 60 {
            Thread.sleep(forTimeInterval: 2)
            tries += 1
            r = try run(["dpkg"] + args, timeout: 600)
        }
        return r
    }

    func installed() throws -> Bool {
        try run(["dpkg-query", "-W", "-f=${Status}", "callqc"]).output == "install ok installed"
    }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    func testDebianPackageInstallsRunsServesAndRemoves() throws {
        try require(getuid() == 0, "the package test installs a package: it needs root")
        for tool in ["dpkg", "dpkg-deb", "dpkg-shlibdeps", "make", "python3", "runuser", "man", "getent"] {
            try require(Self.which(tool), "\(tool) is missing (scripts/install-deps installs what the package test needs)")
        }
        let already = try run(["dpkg-query", "-W", "-f=${Status}", "callqc"]).output
        if !Self.inCI && already.contains("installed") {
            throw XCTSkip("a callqc package is installed on this machine (\(already)); this test would replace and purge it")
        }

        // make deb: build/callqc_VERSION_ARCH.deb.
        _ = try make(["deb"])
        let arch = try run(["dpkg", "--print-architecture"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let deb = Self.root.appendingPathComponent("build/callqc_\(CallQCVersion.version)_\(arch).deb").path
        XCTAssertTrue(exists(deb), "make deb wrote \(deb)")
        guard exists(deb) else { return }

        let depends = try run(["dpkg-deb", "-f", deb, "Depends"]).output
        for library in ["libicu", "libsqlite3-0", "libc6", "libstdc++6", "libgcc-s1", "adduser"] {
            XCTAssertTrue(depends.contains(library), "Depends names \(library): \(depends)")
        }
        XCTAssertFalse(depends.lowercased().contains("swift"), depends)
        XCTAssertEqual(try run(["dpkg-deb", "-f", deb, "Version"]).output.trimmingCharacters(in: .whitespacesAndNewlines), CallQCVersion.version)
        let conffiles = try run(["dpkg-deb", "--info", deb, "conffiles"]).output
        XCTAssertEqual(conffiles.split(separator: "\n").sorted(), ["/etc/callqc/serve.env", "/etc/callqc/serve.yml"])
        let listing = try run(["dpkg-deb", "--contents", deb]).output
        for path in ["./usr/bin/callqc", "./usr/share/callqc/lexicons/zh-CN/ruleset.yaml", "./usr/share/callqc/lexicons/en/ruleset.yaml",
                     "./usr/share/man/man1/callqc.1.gz", "./usr/share/bash-completion/completions/callqc",
                     "./usr/share/zsh/site-functions/_callqc", "./usr/share/fish/vendor_completions.d/callqc.fish",
                     "./lib/systemd/system/callqc-serve.service", "./etc/callqc/serve.yml", "./etc/callqc/serve.env",
                     "./usr/share/doc/callqc/examples/rude-agent.txt", "./usr/share/doc/callqc/docs/install.md"] {
            XCTAssertTrue(listing.contains(" \(path)\n") || listing.contains(" \(path) "), "the package holds \(path)")
        }
        let envLine = listing.split(separator: "\n").first { $0.hasSuffix(" ./etc/callqc/serve.env") }.map(String.init) ?? ""
        XCTAssertTrue(envLine.hasPrefix("-rw-r----- root/root"), "serve.env is 0640 in the package: \(envLine)")
        XCTAssertFalse(listing.contains("/opt/swift"), "nothing of the toolchain")

        // From here on the machine changes: whatever happens, the package and the server go.
        var server: Process?
        addTeardownBlock { [weak self] in
            if let server, server.isRunning { Self.stop(server) }
            if let self, (try? self.run(["dpkg-query", "-W", "-f=${Status}", "callqc"]).output.contains("installed")) == true {
                _ = try? self.dpkg(["--purge", "callqc"])
            }
        }
        if already.contains("installed") { XCTAssertEqual(try dpkg(["--purge", "callqc"]).status, 0, "a leftover package purged first") }

        // dpkg -i, and apt-get install -f when dependencies are missing.
        var install = try dpkg(["-i", deb])
        if install.status != 0 {
            let fixed = try run(["apt-get", "install", "-f", "-y", "-q"], environment: ProcessInfo.processInfo.environment.merging(["DEBIAN_FRONTEND": "noninteractive"]) { $1 }, timeout: 900)
            install.stderr += "\napt-get install -f: \(fixed.status) \(fixed.stderr)"
        }
        XCTAssertTrue(try installed(), "dpkg -i: \(install.output)\n\(install.stderr)")
        guard try installed() else { return }

        // callqc from any folder, without the Swift toolchain's libraries.
        let ldd = try run(["ldd", "/usr/bin/callqc"]).output
        XCTAssertFalse(ldd.contains("/opt/swift") || ldd.contains("libswift") || ldd.contains("not found"), ldd)
        let home = dir.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        var env = userEnvironment(path: "/usr/local/bin:/usr/bin:/bin")
        env["HOME"] = home.path
        let version = try run(["callqc", "--version"], in: home, environment: env)
        XCTAssertEqual(version.status, 0, version.stderr)
        XCTAssertTrue(version.output.hasPrefix("callqc \(CallQCVersion.version) "), version.output)
        let check = try run(["callqc", "check", "/usr/share/doc/callqc/examples/", "--no-progress"], in: home, environment: env)
        XCTAssertEqual(check.status, 0, check.stderr)
        for expected in ["C20261120-0042", "taboo.dont-know", "zh-Hant"] { XCTAssertTrue(check.output.contains(expected), "\(expected) in \(check.output.prefix(2000))") }
        let manPath = try run(["man", "-w", "callqc"], in: home, environment: env)
        XCTAssertEqual(manPath.status, 0, manPath.stderr)
        XCTAssertEqual(manPath.output.trimmingCharacters(in: .whitespacesAndNewlines), "/usr/share/man/man1/callqc.1.gz")
        var manEnv = env
        manEnv["MANWIDTH"] = "100"
        let manPage = try run(["man", "-P", "cat", "callqc"], in: home, environment: manEnv)
        XCTAssertEqual(manPage.status, 0, manPage.stderr)
        XCTAssertTrue(manPage.output.contains("callqc serve") && manPage.output.contains("质检"), String(manPage.output.prefix(1000)))
        let completion = try run(["bash", "-c", "source /usr/share/bash-completion/completions/callqc && complete -p callqc"], in: home, environment: env)
        XCTAssertEqual(completion.status, 0, completion.stderr)

        // The callqc system user, its state folder, the secrets file readable by its group only.
        let user = try run(["getent", "passwd", "callqc"]).output
        XCTAssertTrue(user.contains(":/var/lib/callqc:"), "callqc's home: \(user)")
        let state = try FileManager.default.attributesOfItem(atPath: "/var/lib/callqc")
        XCTAssertEqual(state[.ownerAccountName] as? String, "callqc")
        let secrets = try FileManager.default.attributesOfItem(atPath: "/etc/callqc/serve.env")
        XCTAssertEqual((secrets[.posixPermissions] as? NSNumber)?.intValue, 0o640)
        XCTAssertEqual(secrets[.ownerAccountName] as? String, "root")
        XCTAssertEqual(secrets[.groupOwnerAccountName] as? String, "callqc")

        // The service, started as systemd would: its unit's user, folder, environment and command,
        // on a free loopback port set where an administrator would (serve.yml; 0: any free port),
        // with an option of serve.env's CALLQC_SERVE_OPTIONS.
        let unitPath = "/lib/systemd/system/callqc-serve.service"
        let unit = try Self.serviceSection(String(contentsOfFile: unitPath, encoding: .utf8))
        XCTAssertEqual(unit["User"], ["callqc"])
        XCTAssertEqual(unit["Restart"], ["on-failure"])
        for hardening in ["NoNewPrivileges", "PrivateTmp"] { XCTAssertEqual(unit[hardening], ["yes"], hardening) }
        XCTAssertEqual(unit["ProtectSystem"], ["strict"])
        XCTAssertEqual(unit["ReadWritePaths"], ["/var/lib/callqc"])
        if Self.which("systemd-analyze") {
            // The unit's keys, its command and its manual page (Documentation=man:callqc(1)), as systemd sees them.
            let verify = try run(["systemd-analyze", "verify", unitPath])
            XCTAssertEqual(verify.status, 0, "systemd-analyze verify: \(verify.stderr)")
            XCTAssertEqual(verify.stderr, "", "systemd-analyze verify")
        }
        let envFile = try XCTUnwrap(unit["EnvironmentFile"]?.first).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        XCTAssertEqual(envFile, "/etc/callqc/serve.env")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: envFile))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\n# the package test\nCALLQC_SERVE_OPTIONS=--max-connections 32\n".utf8))
        try handle.close()
        var serviceEnv = ["PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"]
        for assignment in unit["Environment"] ?? [] { serviceEnv.merge(Self.assignments(assignment)) { $1 } }
        serviceEnv.merge(Self.environmentFile(try String(contentsOfFile: envFile, encoding: .utf8))) { $1 }
        let command = Self.expand(try XCTUnwrap(unit["ExecStart"]?.first), serviceEnv)
        XCTAssertEqual(Array(command.prefix(4)), ["/usr/bin/callqc", "serve", "--config", "/etc/callqc/serve.yml"])
        XCTAssertEqual(Array(command.dropFirst(4)), ["--max-connections", "32"], "serve.env's CALLQC_SERVE_OPTIONS")
        let settings = "/etc/callqc/serve.yml"
        let shipped = try String(contentsOfFile: settings, encoding: .utf8)
        XCTAssertTrue(shipped.contains("\n  port: 8080\n"), shipped)
        try shipped.replacingOccurrences(of: "\n  port: 8080\n", with: "\n  port: 0\n").write(toFile: settings, atomically: true, encoding: .utf8)
        // callqc config shows the service's settings, read from the file as the service reads them.
        let shown = try run(["runuser", "-u", "callqc", "--", "/usr/bin/callqc", "config", "--config", settings], in: URL(fileURLWithPath: "/var/lib/callqc"), environment: serviceEnv)
        XCTAssertEqual(shown.status, 0, shown.stderr)
        let portLine = shown.output.split(separator: "\n").first { $0.hasPrefix("serve.port ") }.map(String.init) ?? ""
        XCTAssertTrue(portLine.contains(" 0 ") && portLine.contains(settings + ":"), "serve.port from serve.yml: \(shown.output)")
        let workingDirectory = unit["WorkingDirectory"]?.first ?? "/"
        let (process, address) = try startService(["runuser", "-u", "callqc", "--"] + command, in: workingDirectory, environment: serviceEnv)
        server = process
        XCTAssertTrue(address.hasPrefix("http://127.0.0.1:") && !address.hasSuffix(":8080"), address)
        let page = try get(address + "/self-check")
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.body.contains("<html") && page.body.contains("callqc"), String(page.body.prefix(500)))
        let rude = try Data(contentsOf: URL(fileURLWithPath: "/usr/share/doc/callqc/examples/rude-agent.txt"))
        let api = try get(address + "/api/check?source=rude-agent.txt", body: rude)
        XCTAssertEqual(api.status, 200, api.body)
        XCTAssertTrue(api.body.contains("taboo.dont-know"), "the service's rules: \(api.body.prefix(500))")
        let store = try FileManager.default.attributesOfItem(atPath: "/var/lib/callqc/qc.sqlite")
        XCTAssertEqual(store[.ownerAccountName] as? String, "callqc", "the service's store belongs to its user")
        Self.stop(process)
        server = nil

        // Installing again (an upgrade) keeps the administrator's settings.
        let edited = try String(contentsOfFile: settings, encoding: .utf8)
        XCTAssertTrue(edited.contains("\n  port: 0\n"))
        let again = try dpkg(["-i", deb])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try String(contentsOfFile: settings, encoding: .utf8), edited, "serve.yml is not overwritten")
        XCTAssertTrue(try String(contentsOfFile: envFile, encoding: .utf8).contains("CALLQC_SERVE_OPTIONS=--max-connections 32"), "serve.env is not overwritten")

        // dpkg -r removes the files and keeps the configuration and the user; dpkg -P removes them too.
        let removed = try dpkg(["-r", "callqc"])
        XCTAssertEqual(removed.status, 0, removed.stderr)
        for path in ["/usr/bin/callqc", "/usr/share/callqc", "/usr/share/man/man1/callqc.1.gz", unitPath,
                     "/usr/share/bash-completion/completions/callqc", "/usr/share/zsh/site-functions/_callqc",
                     "/usr/share/fish/vendor_completions.d/callqc.fish", "/usr/share/doc/callqc"] {
            XCTAssertFalse(exists(path), "dpkg -r removes \(path)")
        }
        XCTAssertTrue(exists(settings), "dpkg -r keeps the configuration")
        XCTAssertEqual(try run(["getent", "passwd", "callqc"]).status, 0, "dpkg -r keeps the user")
        let purged = try dpkg(["-P", "callqc"])
        XCTAssertEqual(purged.status, 0, purged.stderr)
        XCTAssertFalse(exists("/etc/callqc"), "dpkg -P removes /etc/callqc")
        XCTAssertFalse(exists("/var/lib/callqc"), "dpkg -P removes /var/lib/callqc")
        XCTAssertNotEqual(try run(["getent", "passwd", "callqc"]).status, 0, "dpkg -P removes the user")
        XCTAssertNotEqual(try run(["getent", "group", "callqc"]).status, 0, "dpkg -P removes the group")
        XCTAssertFalse(try installed())
    }

    // MARK: the unit file, read as systemd reads it

    /// The [Service] section: each key's values in order (a key may repeat).
    static func serviceSection(_ text: String) -> [String: [String]] {
        var section = "", values: [String: [String]] = [:]
        var pending = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = pending + raw.trimmingCharacters(in: .whitespaces)
            pending = ""
            if line.hasSuffix("\\") { line.removeLast(); pending = line + " "; continue }
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") { section = line; continue }
            guard section == "[Service]", let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            values[key, default: []].append(line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces))
        }
        return values
    }

    /// Words as systemd splits them: on white space, with double or single quotes.
    static func words(_ text: String) -> [String] {
        var words: [String] = [], word = "", quote: Character? = nil, inWord = false
        for c in text {
            if let q = quote {
                if c == q { quote = nil } else { word.append(c) }
            } else if c == "\"" || c == "'" {
                quote = c; inWord = true
            } else if c == " " || c == "\t" {
                if inWord { words.append(word); word = ""; inWord = false }
            } else {
                word.append(c); inWord = true
            }
        }
        if inWord { words.append(word) }
        return words
    }

    /// `Environment=A=1 B=2`.
    static func assignments(_ text: String) -> [String: String] {
        var env: [String: String] = [:]
        for word in words(text) {
            guard let eq = word.firstIndex(of: "=") else { continue }
            env[String(word[..<eq])] = String(word[word.index(after: eq)...])
        }
        return env
    }

    /// An EnvironmentFile: KEY=VALUE lines, comments and blank lines skipped, quotes removed.
    static func environmentFile(_ text: String) -> [String: String] {
        var env: [String: String] = [:]
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.hasPrefix("#"), !line.hasPrefix(";"), let eq = line.firstIndex(of: "=") else { continue }
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let f = value.first, (f == "\"" || f == "'"), value.last == f { value = String(value.dropFirst().dropLast()) }
            env[line[..<eq].trimmingCharacters(in: .whitespaces)] = value
        }
        return env
    }

    /// ExecStart's command: `${VAR}` is replaced inside a word; a word that is `$VAR` alone
    /// becomes the value's words (none when it is empty).
    static func expand(_ command: String, _ env: [String: String]) -> [String] {
        var out: [String] = []
        for word in words(command) {
            if word.hasPrefix("$"), !word.hasPrefix("${"), word.dropFirst().allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                out += words(env[String(word.dropFirst())] ?? "")
                continue
            }
            var expanded = word
            while let start = expanded.range(of: "${"), let end = expanded[start.upperBound...].firstIndex(of: "}") {
                expanded.replaceSubrange(start.lowerBound...end, with: env[String(expanded[start.upperBound..<end])] ?? "")
            }
            out.append(expanded)
        }
        return out
    }

    func testUnitFileReading() {
        let unit = Self.serviceSection("[Unit]\nUser=no\n[Service]\nUser=callqc\nEnvironment=A=1 \"B=two words\"\nExecStart=/usr/bin/x --a ${A} \\\n  $B $C\n")
        XCTAssertEqual(unit["User"], ["callqc"])
        let env = Self.assignments(unit["Environment"]![0])
        XCTAssertEqual(env, ["A": "1", "B": "two words"])
        XCTAssertEqual(Self.expand(unit["ExecStart"]![0], env), ["/usr/bin/x", "--a", "1", "two", "words"])
        XCTAssertEqual(Self.environmentFile("# c\nX=\"y z\"\n\nPORT=0\n"), ["X": "y z", "PORT": "0"])
    }

    // MARK: the server

    /// Starts the service's command; returns once it has said where it listens.
    func startService(_ args: [String], in folder: String, environment: [String: String]) throws -> (Process, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = args
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.environment = environment
        let out = Pipe(), err = dir.appendingPathComponent("serve.err")
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var seen = ""
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            if let line = seen.split(separator: "\n").first(where: { $0.contains("http://") }),
               let start = line.range(of: "http://"), let end = line[start.lowerBound...].firstIndex(of: " ") {
                return (process, String(line[start.lowerBound..<end]).trimmingCharacters(in: CharacterSet(charactersIn: "/")))
            }
        }
        Self.stop(process)
        throw Missing(description: "the service did not say where it listens: \(seen)\n\((try? String(contentsOf: err, encoding: .utf8)) ?? "")")
    }

    /// Stops runuser and the server under it: SIGTERM to both, then SIGKILL after 10 s.
    static func stop(_ process: Process) {
        let pid = process.processIdentifier
        let children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8))?
            .split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? []
        for child in children { kill(child, SIGTERM) }
        if process.isRunning { process.terminate() }
        let deadline = Date().addingTimeInterval(10)
        while (process.isRunning || children.contains { kill($0, 0) == 0 }) && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        for child in children where kill(child, 0) == 0 { kill(child, SIGKILL) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    /// GET, or POST when a body is given.
    func get(_ url: String, body: Data? = nil) throws -> (status: Int, body: String) {
        var request = URLRequest(url: try XCTUnwrap(URL(string: url)))
        request.timeoutInterval = 30
        if let body { request.httpMethod = "POST"; request.httpBody = body }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var answer: (Int, String)? = nil
        nonisolated(unsafe) var failure: Error? = nil
        URLSession.shared.dataTask(with: request) { data, response, error in
            if let error { failure = error }
            answer = ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data ?? Data(), as: UTF8.self))
            done.signal()
        }.resume()
        done.wait()
        if let failure { throw failure }
        return try XCTUnwrap(answer)
    }
}
