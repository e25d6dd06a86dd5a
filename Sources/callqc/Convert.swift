import ArgumentParser
import CallQC
import Foundation

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "convert", 
        abstract: "Write calls in callqc's canonical JSON, JSON Lines or plain format.",
        discussion: "Example: callqc convert samples/good-call-broadband.txt --to json"
    )

    @OptionGroup var input: InputOptions
    @OptionGroup var configFile: ConfigOptions

    @Option(name: .long, help: "Format to write.")
    var to: CallFormat = .jsonl

    @Option(name: [.short, .long], help: "Write to this file instead of standard output.")
    var output: String?

    @Option(name: .customLong("output-dir"), help: "Write one file per call into this directory, named after the call id.")
    var outputDir: String?

    @Flag(name: .customLong("redact"), inversion: .prefixedNo, help: "--no-redact: keep personal data (phone, ID, card numbers, e-mail) as it is. Masked by default (or as redact in .callqc.yml says).")
    var redactFlag: Bool?

    func validate() throws {
        if output != nil && outputDir != nil { throw ValidationError("Give --output or --output-dir, not both.") }
    }

    func run() throws {
        let settings = Settings.load(configFile)
        let noRedact = !settings.redact(redactFlag).value
        let loader = input.loader(settings)
        let (inputs, expandProblems) = loader.expand(input.paths)
        var errors = 0
        for p in expandProblems {
            Console.report(p, quiet: input.quiet, redact: !noRedact)
            if p.severity == .error { errors += 1 }
        }
        var calls: [Call] = []
        for ref in inputs {
            let outcome = loader.load(ref)
            outcome.warnings.forEach { Console.report($0, quiet: input.quiet, redact: !noRedact) }
            outcome.errors.forEach { Console.report($0, quiet: input.quiet, redact: !noRedact) }
            errors += outcome.errors.count
            calls.append(contentsOf: noRedact ? outcome.calls : outcome.calls.map { $0.redacted() })
        }
        if let dir = outputDir {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let ext = to.fileExtension
            var used: Set<String> = []
            for call in calls {
                var name = Convert.safeFileName(call.id)
                var n = 2
                while used.contains(name) { name = Convert.safeFileName(call.id) + "-\(n)"; n += 1 }
                used.insert(name)
                let path = (dir as NSString).appendingPathComponent("\(name).\(ext)")
                try OutputSink.writeFile(path, render([call]))
            }
        } else {
            if to == .plain && calls.count > 1 {
                throw ValidationError("The plain format holds one call per file: use --output-dir DIR for \(calls.count) calls.")
            }
            let sink = try OutputSink(path: output)
            sink.write(render(calls))
        }
        if errors > 0 { throw ExitCode(1) }
    }

    func render(_ calls: [Call]) -> String {
        switch to {
        case .plain: return calls.map { PlainTranscriptWriter.write($0) }.joined(separator: "\n")
        case .json:
            if calls.count == 1 { return CallJSON.encode(calls[0]).pretty() + "\n" }
            return JSONValue.array(calls.map(CallJSON.encode)).pretty() + "\n"
        case .jsonl: return calls.map { CallJSON.encode($0).compact() + "\n" }.joined()
        }
    }

    static func safeFileName(_ id: String) -> String {
        let cleaned = String(id.map { "/\\:*?\"<>|".contains($0) || $0.isWhitespace || $0.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) } ? "_" : $0 })
        return cleaned.isEmpty || cleaned.hasPrefix(".") ? "call" + cleaned : cleaned
    }
}
