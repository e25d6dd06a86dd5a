import ArgumentParser
import CallQC
import CallQCText
import Foundation

/// The one road out of the executable: results on standard output (or the file of `-o`),
/// diagnostics on standard error as `callqc: error: …`, `callqc: warning: …` or `callqc: …`,
/// with personal data masked (unless --no-redact) and control characters escaped.
/// The commands write nothing any other way: a test fails on a `print(` or a standard
/// stream written outside this file.
enum Console {
    // MARK: Results

    /// A result on standard output.
    static func out(_ text: String, terminator: String = "\n") {
        let all = text + terminator
        if !all.isEmpty { FileHandle.standardOutput.write(Data(all.utf8)) }
    }

    // MARK: Diagnostics

    /// `callqc: error: …` on standard error.
    static func error(_ message: String, redact: Bool = true) { say("error: " + message, redact: redact) }

    /// `callqc: warning: …` on standard error.
    static func warn(_ message: String, redact: Bool = true) { say("warning: " + message, redact: redact) }

    /// `callqc: error: FILE:LINE: reason`, the form editors and terminals link to.
    static func error(file: String, line: Int?, reason: String, redact: Bool = true) {
        report(InputProblem(source: file, line: line, message: reason), quiet: false, redact: redact)
    }

    /// A problem with an input, as an error or a warning (none for a warning under --quiet).
    static func report(_ problem: InputProblem, quiet: Bool, redact: Bool = true) {
        if let line = line(problem, quiet: quiet, redact: redact) { standardError(line) }
    }

    /// The line `report` writes; nil for a warning under --quiet. Personal data in the message and
    /// the file name is masked unless `redact` is false (--no-redact); control characters are escaped.
    static func line(_ problem: InputProblem, quiet: Bool, redact: Bool = true) -> String? {
        if problem.severity == .warning && quiet { return nil }
        let label = problem.severity == .error ? "error" : "warning"
        return "callqc: \(label): \(TerminalText.safe((redact ? problem.masked() : problem).description))\n"
    }

    /// A message of callqc's own on standard error (`callqc: 3 results stored in qc.sqlite`),
    /// masked and escaped as problems are.
    static func say(_ text: String, redact: Bool = true) {
        let shown = TerminalText.safe(redact ? PIIDetector().redact(text) : text)
        standardError("callqc: \(shown)\n")
    }

    /// ArgumentParser's own message for a usage error, as it wrote it.
    static func usageError(_ message: String) { standardError(message + "\n") }

    /// The progress line (carriage return and erase-line sequences included), written as it is.
    static func progress(_ raw: String) { standardError(raw) }

    fileprivate static func standardError(_ text: String) {
        if !text.isEmpty { FileHandle.standardError.write(Data(text.utf8)) }
    }
}

/// Where results go: standard output or a file.
struct OutputSink {
    private let handle: FileHandle
    let isTerminal: Bool

    init(path: String?) throws {
        if let path {
            // Open in place (create or truncate), never replace: -o /dev/null must stay a device.
            // Created readable by the owner only: results quote transcripts.
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                throw ValidationError("Cannot write to '\(path)': \(String(cString: strerror(errno))).")
            }
            handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
            isTerminal = isatty(fd) == 1
        } else {
            handle = FileHandle.standardOutput
            isTerminal = isatty(STDOUT_FILENO) == 1
        }
    }

    func write(_ text: String) {
        if !text.isEmpty { handle.write(Data(text.utf8)) }
    }

    func write(bytes: [UInt8]) {
        if !bytes.isEmpty { handle.write(Data(bytes)) }
    }

    /// Writes a whole file readable by its owner only (0600 when created), as exports are.
    static func writeFile(_ path: String, _ text: String) throws {
        try OutputSink(path: path).write(text)
    }
}

/// Output held for a batch and written in the order it was made: results for standard
/// output (or -o) and diagnostics for standard error, each run of results in one write.
struct OrderedOutput {
    private var chunks: [(toError: Bool, bytes: [UInt8])] = []

    mutating func out(_ bytes: [UInt8]) {
        if bytes.isEmpty { return }
        if let last = chunks.indices.last, !chunks[last].toError { chunks[last].bytes += bytes } else { chunks.append((false, bytes)) }
    }

    mutating func err(_ text: String) { chunks.append((true, Array(text.utf8))) }

    mutating func flush(to sink: OutputSink) {
        for chunk in chunks {
            if chunk.toError { Console.standardError(String(decoding: chunk.bytes, as: UTF8.self)) } else { sink.write(bytes: chunk.bytes) }
        }
        chunks.removeAll(keepingCapacity: true)
    }
}
