import ArgumentParser
import CallQC
import Foundation

struct Redact: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "redact", 
        abstract: "Write redacted copies of transcripts, in their own format.",
        discussion: """
        Masks mobile and landline numbers, resident ID numbers (checksum-validated), bank card \
        numbers (Luhn-validated), e-mail addresses, and digits spoken as Chinese numerals or \
        English words: 138****5678. Prices, dates and counts are left alone. JSON keeps its \
        structure (only string values change); line formats keep every line.

        Examples:
          callqc redact call.txt > call.redacted.txt
          callqc redact calls/ --output-dir shared/
        """
    )

    @Argument(help: "Transcript files or directories.") var paths: [String]
    @Option(name: [.short, .long], help: "Write the one redacted transcript to this file.") var output: String?
    @Option(name: .customLong("output-dir"), help: "Write each redacted transcript here, under its own file name.") var outputDir: String?
    @Option(name: .customLong("input-format"), help: "Read inputs as this format instead of detecting it.") var inputFormat: InputFormat?

    func validate() throws {
        if output != nil && outputDir != nil { throw ValidationError("Give --output or --output-dir, not both.") }
    }

    func run() throws {
        let loader = TranscriptLoader(format: inputFormat)
        let (inputs, problems) = loader.expand(paths)
        var failed = !problems.filter { $0.severity == .error }.isEmpty
        problems.forEach { Console.report($0, quiet: false) }
        if inputs.count > 1 && outputDir == nil {
            throw ValidationError("\(inputs.count) transcripts: give --output-dir DIR for more than one.")
        }
        if let dir = outputDir { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        var used = Set<String>()
        for ref in inputs {
            if case .directory = ref { continue }
            let source = ref.description
            // Read as check reads it: the same limits, checks and format decision.
            let result = loader.prepare(ref).flatMap { input in
                TranscriptRedaction.redact(input.text, format: input.format, document: input.decision.shape == .jsonDocument ? input.decision.document : nil)
            }
            switch result {
            case .failure(let problem):
                Console.report(problem, quiet: false)
                failed = true
            case .success(let out):
                if let dir = outputDir {
                    var name = (source as NSString).lastPathComponent
                    if source == "-" { name = "stdin.txt" }
                    while used.contains(name) { name = "redacted-" + name }
                    used.insert(name)
                    try OutputSink(path: (dir as NSString).appendingPathComponent(name)).write(bytes: out.bytes)
                } else {
                    try OutputSink(path: output).write(String(decoding: out.bytes, as: UTF8.self))
                }
                Console.say("\(source): \(out.masked) item\(out.masked == 1 ? "" : "s") of personal data masked")
            }
        }
        if failed { throw ExitCode(1) }
    }
}
