import Foundation
import XCTest

/// `callqc serve --port 0` started as a process for the tests that talk to a real server:
/// it returns once the server has said where it listens.
enum ServeProcess {
    struct NoServer: Error, CustomStringConvertible {
        var output: String
        var description: String { "callqc serve did not say where it listens: \(output)" }
    }

    /// The started process and the address it printed (`http://127.0.0.1:PORT`).
    static func start(_ args: [String], environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (Process, String) {
        let process = Process()
        process.executableURL = try BrowserTests.binary()
        process.arguments = ["serve", "--port", "0"] + args
        process.currentDirectoryURL = BrowserTests.root
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.standardError
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
        if process.isRunning { process.terminate() }
        throw NoServer(output: seen)
    }
}
