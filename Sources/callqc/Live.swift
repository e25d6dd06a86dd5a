import ArgumentParser
import CallQC
import CallQCText
import Dispatch
import Foundation

/// `callqc live`: checks calls while they go on, from a recogniser's stream of turns
/// (JSON Lines on standard input) or a transcript file that grows (--follow).
struct Live: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "live",
        abstract: "Check calls as they go on: alerts as the words are said, the final result at the end.",
        discussion: """
        Reads turns as JSON Lines from standard input, one a line, as a recogniser's stream \
        emits them: {"call": "C1", "role": "agent", "start": 0.3, "end": 2.2, "text": "您好"} \
        ("final": false marks partial text, checked but never scored; {"call": "C1", "event": \
        "end"} ends a call early). Alerts are printed at once; each call's final result, which \
        is what `callqc check` gives for the whole transcript, is printed when it ends (at the \
        end of the input). --follow FILE tails a growing transcript (plain text or JSON Lines) \
        until it has been idle for --idle seconds, or Ctrl-C. See docs/live.md.

        Examples:
          recogniser | callqc live
          callqc live --format json < turns.jsonl
          callqc live --follow /var/spool/asr/C1.txt --idle 60
        """
    )

    @OptionGroup var ruleOptions: RuleOptions
    @OptionGroup var configFile: ConfigOptions

    @Option(name: .long, help: "text: alerts as lines and the final result as a table; json: alerts (callqc.alert/1) and final results (callqc.result/1) as JSON Lines.")
    var format: LiveFormat = .text

    @Option(name: .long, help: ArgumentHelp("Tail this transcript as it grows, instead of reading standard input.", valueName: "file"))
    var follow: String?

    @Option(name: .long, help: "With --follow: stop after this many seconds without the file growing.")
    var idle: Double = 30

    @Option(name: .long, help: "The call's id when the input names none (default: the file name with --follow, else 'live').")
    var call: String?

    @Option(name: .long, help: "The agent of calls the input opens without one.")
    var agent: String?

    @Option(name: .customLong("silence"), help: "Seconds without speech before a silence alert (default: the silence rule's threshold).")
    var silenceSeconds: Double?

    @Option(name: .customLong("greeting-within"), help: "Seconds into a call by which the agent must have greeted (default: the greeting rule's window).")
    var greetingSeconds: Double?

    @Flag(name: .customLong("redact"), inversion: .prefixedNo, help: "--no-redact: show personal data unmasked in alerts and results.")
    var redactFlag: Bool?

    func validate() throws {
        if idle <= 0 { throw ValidationError("--idle must be more than 0 seconds.") }
        if let s = silenceSeconds, s <= 0 { throw ValidationError("--silence must be more than 0 seconds.") }
        if let g = greetingSeconds, g <= 0 { throw ValidationError("--greeting-within must be more than 0 seconds.") }
    }

    func run() throws {
        let settings = Settings.load(configFile)
        let checker = Checker(catalog: try ruleOptions.catalog(settings), scripts: try ruleOptions.scripts(settings))
        let session = LiveSession(checker: checker, options: LiveOptions(silenceSeconds: silenceSeconds, greetingSeconds: greetingSeconds),
                                  format: format, redact: settings.redact(redactFlag).value, agent: agent)
        let ticker = DispatchSource.makeTimerSource(queue: DispatchQueue.global())
        ticker.schedule(deadline: .now() + 0.25, repeating: 0.25)
        ticker.setEventHandler { session.tick() }
        ticker.resume()
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: DispatchQueue.global())
        interrupt.setEventHandler { session.interrupt() }
        interrupt.resume()
        if let follow {
            try followFile(follow, session: session)
        } else {
            var line = 0
            while !session.interrupted, let text = readLine(strippingNewline: true) {
                line += 1
                if text.allSatisfy(\.isWhitespace) { continue }
                session.take(line: Array(text.utf8), source: "-", number: line, defaultCall: call ?? "live")
            }
        }
        ticker.cancel()
        session.finishAll()
        if session.failed { throw ExitCode(1) }
    }

    /// Tails a file: JSON Lines line by line; a plain or other transcript read again as it grows,
    /// its new turns fed in order.
    func followFile(_ path: String, session: LiveSession) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("No such file: '\(path)'.") }
        let id = call ?? ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        var offset = 0
        var pending: [UInt8] = []
        var all: [UInt8] = []
        var lastGrowth = Date()
        var lineNumber = 0
        var jsonLines: Bool?
        var fed = 0
        while !session.interrupted {
            let data = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
            if data.count < offset { offset = 0; pending = []; all = []; fed = 0 }   // truncated: start over
            if data.count > offset {
                let new = [UInt8](data[offset...])
                offset = data.count
                lastGrowth = Date()
                pending += new
                if jsonLines == nil, let first = pending.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF) }) {
                    jsonLines = first == UInt8(ascii: "{") && !path.hasSuffix(".json")
                }
                // Complete lines only: the last one may still be being written.
                if let lastNewline = pending.lastIndex(of: 0x0A) {
                    let complete = Array(pending[...lastNewline])
                    pending = Array(pending[(lastNewline + 1)...])
                    if jsonLines == true {
                        for raw in complete.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast() {
                            lineNumber += 1
                            var line = Array(raw)
                            if line.last == 0x0D { line.removeLast() }
                            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                            session.take(line: line, source: path, number: lineNumber, defaultCall: id)
                        }
                    } else {
                        all += complete
                        fed = session.takeTranscript(all, source: path, fed: fed)
                    }
                }
            } else if Date().timeIntervalSince(lastGrowth) >= idle {
                break
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }
}

/// The output formats of `callqc live`.
enum LiveFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// The live calls of one `callqc live` run: the stream's reader and the ticking timer both
/// come here, one at a time (a lock).
final class LiveSession: @unchecked Sendable {
    let checker: Checker
    let options: LiveOptions
    let format: LiveFormat
    let redact: Bool
    let agent: String?
    let redactor = Redactor()
    let lock = NSLock()
    let started = DispatchTime.now().uptimeNanoseconds
    var calls: [String: LiveCall] = [:]
    var order: [String] = []
    var ended = Set<String>()
    var summary = RunSummary()
    var headerWritten = false
    private(set) var failed = false
    private var interruptedFlag = false

    init(checker: Checker, options: LiveOptions, format: LiveFormat, redact: Bool, agent: String?) {
        self.checker = checker
        self.options = options
        self.format = format
        self.redact = redact
        self.agent = agent
    }

    var now: Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }
    var interrupted: Bool { lock.withLock { interruptedFlag } }

    func interrupt() {
        lock.withLock { interruptedFlag = true }
        // Standard input may be blocked in a read: finish here and leave.
        finishAll()
        Foundation.exit(failed ? 1 : 0)
    }

    /// One line of JSON Lines: a turn or an event.
    func take(line: [UInt8], source: String, number: Int, defaultCall: String) {
        lock.withLock {
            let message: LiveMessage
            do { message = try LiveMessage.parse(line: line) } catch let error as LiveInputError {
                failed = true
                Console.report(InputProblem(source: source, line: number, message: error.reason), quiet: false, redact: redact)
                return
            } catch {
                failed = true
                return
            }
            let id = message.call ?? defaultCall
            if ended.contains(id) {
                Console.report(InputProblem(source: source, line: number, message: "call '\(id)' has ended; a new call needs a new id", severity: .warning), quiet: false, redact: redact)
                return
            }
            if calls[id] == nil {
                calls[id] = LiveCall(call: Call(id: id, agent: message.agent ?? agent, script: message.script, source: source == "-" ? nil : source),
                                     checker: checker, options: options, at: now)
                order.append(id)
            }
            switch message.event {
            case .open: break
            case .end: finish(id)
            case .turn:
                if let turn = message.turn { show(calls[id]!.add(turn, final: message.final, at: now)) }
            }
        }
    }

    /// A transcript file read again: the turns not fed yet; returns how many are fed now.
    func takeTranscript(_ bytes: [UInt8], source: String, fed: Int) -> Int {
        lock.withLock {
            let outcome = TranscriptLoader().read(bytes: bytes, source: source)
            guard let read = outcome.calls.first else { return fed }
            if calls[read.id] == nil {
                var opened = read
                opened.turns = []
                calls[read.id] = LiveCall(call: opened, checker: checker, options: options, at: now)
                order.append(read.id)
            }
            calls[read.id]!.describe(as: read)
            for turn in read.turns.dropFirst(fed) { show(calls[read.id]!.add(turn, at: now)) }
            return max(fed, read.turns.count)
        }
    }

    func tick() {
        lock.withLock {
            let t = now
            for id in order where !ended.contains(id) { show(calls[id]!.tick(now: t)) }
        }
    }

    func finishAll() {
        lock.withLock {
            for id in order where !ended.contains(id) { finish(id) }
            if format == .text, headerWritten { Console.out(TableRenderer(color: false).end(summary), terminator: "") }
            order = []
        }
    }

    /// Called with the lock held.
    private func finish(_ id: String) {
        guard let live = calls[id], ended.insert(id).inserted else { return }
        let result = redact ? live.finish().redacted(redactor) : live.finish()
        summary.add(result)
        summary.inputs += 1
        switch format {
        case .json:
            Console.out(String(decoding: ResultJSON.compact(result), as: UTF8.self))
        case .text:
            let renderer = TableRenderer(color: false)
            if !headerWritten { Console.out(renderer.begin(), terminator: ""); headerWritten = true }
            Console.out(String(decoding: renderer.renderBytes(result, index: summary.calls - 1), as: UTF8.self), terminator: "")
        }
        calls[id] = nil
    }

    /// Called with the lock held.
    private func show(_ alerts: [LiveAlert]) {
        for raw in alerts {
            let a = redact ? raw.redacted(redactor) : raw
            switch format {
            case .json: Console.out(String(decoding: a.json, as: UTF8.self))
            case .text: Console.out(LiveSession.line(a))
            }
        }
    }

    /// An alert as one line of text: call, turn and time, severity, kind, rule, evidence, message, better phrasing.
    static func line(_ a: LiveAlert) -> String {
        var parts = [a.call]
        parts.append(a.turn.map { "turn \($0)" } ?? "call")
        if let at = a.at { parts.append(TranscriptTime.format(at)) }
        parts.append(a.severity.rawValue)
        parts.append(a.partial ? a.kind.rawValue + " (partial)" : a.kind.rawValue)
        if let r = a.rule { parts.append(r) }
        var text = parts.joined(separator: "  ") + "  "
        if let t = a.text { text += "「\(t)」 " }
        text += a.message
        if let d = a.detail { text += " — " + d }
        if !a.steps.isEmpty, a.kind == .stepsMissing { text += " (" + a.steps.joined(separator: ", ") + ")" }
        if let s = a.suggestion { text += " → " + s }
        return TerminalText.safe(text)
    }
}
