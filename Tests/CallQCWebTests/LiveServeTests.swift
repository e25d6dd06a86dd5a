import CallQC
import Foundation
import HTTPTypes
import Logging
import WSClient
import XCTest
import CallQCStore

/// Live QC against a real `callqc serve`: turns over HTTP and over the WebSocket, alerts back,
/// the final result equal to a batch check, the board's event stream, the producers' token,
/// idle calls finalised and stored.
final class LiveServeTests: XCTestCase {
    static let token = "live-token-for-tests-abcdef0123456789"
    static let catalog = try! RuleCatalog.load(rules: nil, lexicons: BrowserTests.root.appendingPathComponent("lexicons").path)
    var dir: URL!
    var server: Process?

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-live-serve-\(UUID().pathSafe)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let server, server.isRunning {
            server.terminate()
            server.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: dir)
    }

    func serve(_ args: [String]) throws -> String {
        var env = ProcessInfo.processInfo.environment
        env["CALLQC_TOKEN"] = LiveServeTests.token
        let (process, address) = try ServeProcess.start(["--no-config"] + args, environment: env)
        server = process
        return address
    }

    /// The rude-agent sample's turns.
    func sampleTurns(_ name: String = "rude-agent.txt") -> [Turn] {
        TranscriptLoader().load(.file(BrowserTests.root.appendingPathComponent("samples/\(name)").path)).calls[0].turns
    }

    static func json(_ turn: Turn, final: Bool = true) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.member("role", turn.role.rawValue)
        w.member("speaker", turn.speaker)
        w.member("start", turn.start)
        w.member("end", turn.end)
        w.member("text", turn.text)
        if !final { w.member("final", false) }
        w.endObject()
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// What a batch check gives for the same call, as the server answers it (masked).
    func batch(_ id: String, agent: String?, _ turns: [Turn]) -> String {
        let result = Checker(catalog: LiveServeTests.catalog).check(Call(id: id, agent: agent, turns: turns))
        return String(decoding: ResultJSON.compact(result.redacted()), as: UTF8.self)
    }

    func testTurnsOverHTTPRaiseAlertsOnceAndEndWithTheBatchResult() throws {
        let base = try serve([])
        let turns = sampleTurns()
        // Without the token: refused.
        let refused = try LiveHTTP.request(base, "POST", "/api/live/H1/turns?agent=A023", body: LiveServeTests.json(turns[0]))
        XCTAssertEqual(refused.status, 401)
        var alerts: [[String: Any]] = []
        var k = 0
        var chunk = 1
        while k < turns.count {
            let part = Array(turns[k..<min(turns.count, k + chunk)])
            var items = part.map { LiveServeTests.json($0) }
            // A partial of the next turn before it: alerts, never kept.
            if part.count == 1, part[0].role == .agent { items.insert(LiveServeTests.json(part[0], final: false), at: 0) }
            let r = try LiveHTTP.request(base, "POST", "/api/live/H1/turns?agent=A023", body: "[" + items.joined(separator: ",") + "]", token: LiveServeTests.token)
            XCTAssertEqual(r.status, 200, r.body)
            alerts += try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [[String: Any]])
            k += part.count
            chunk = chunk % 3 + 1
        }
        let dontKnow = alerts.filter { $0["rule"] as? String == "taboo.dont-know" }
        XCTAssertEqual(dontKnow.count, 1, "one alert for one finding, partial or final: \(dontKnow)")
        XCTAssertEqual(dontKnow.first?["turn"] as? Int, 7)
        XCTAssertNotNil(dontKnow.first?["suggestion"] as? String)
        XCTAssertTrue(alerts.contains { $0["kind"] as? String == "complaint" && $0["turn"] as? Int == 20 })
        let seqs = alerts.compactMap { $0["seq"] as? Int }
        XCTAssertEqual(Set(seqs).count, seqs.count, "no alert twice")
        let end = try LiveHTTP.request(base, "POST", "/api/live/H1/end", body: "", token: LiveServeTests.token)
        XCTAssertEqual(end.status, 200, end.body)
        XCTAssertEqual(end.body, batch("H1", agent: "A023", turns) + "\n", "the final result is the batch result, byte for byte")
        let again = try LiveHTTP.request(base, "POST", "/api/live/H1/end", body: "", token: LiveServeTests.token)
        XCTAssertEqual(again.status, 404)
        // Bad input: a clear error naming the item, the call goes on.
        let bad = try LiveHTTP.request(base, "POST", "/api/live/H2/turns", body: #"[{"role":"agent","text":"您好"},{"role":"agent"}]"#, token: LiveServeTests.token)
        XCTAssertEqual(bad.status, 400)
        XCTAssertTrue(bad.body.contains("item 2: a turn needs 'text'"), bad.body)
    }

    /// A call that stops sending turns is finalised by the server after --live-idle seconds and stored like a batch
    /// result, with a note saying why; a call that is ended normally carries no note.
    func testIdleCallsAreFinalisedWithANoteAndStored() throws {
        let db = dir.appendingPathComponent("live.sqlite").path
        do {
            let store = try SQLStore(path: db)
            try store.save([Checker(catalog: LiveServeTests.catalog).check(Call(id: "SEED", agent: "A001", turns: sampleTurns("good-call-broadband.txt")))])
        }
        let base = try serve(["--db", db, "--live-idle", "1"])
        let turns = sampleTurns()
        let r = try LiveHTTP.request(base, "POST", "/api/live/IDLE-1/turns?agent=A023", body: "[" + turns.prefix(3).map { LiveServeTests.json($0) }.joined(separator: ",") + "]",
                                     token: LiveServeTests.token)
        XCTAssertEqual(r.status, 200, r.body)
        var stored: StoredResult?
        for _ in 0..<60 where stored == nil {
            Thread.sleep(forTimeInterval: 0.25)
            stored = try? SQLStore(path: db).detail(callID: "IDLE-1")
        }
        let found = try XCTUnwrap(stored, "the idle call was not stored within 15 s")
        XCTAssertEqual(found.call.turns.count, 3)
        XCTAssertEqual(found.result["call"]?["metadata"]?["live_note"]?.stringValue, "finalised after 1 s without a turn")
        // Gone from the live calls: more turns open a new call rather than reviving the finalised one's state.
        let end = try LiveHTTP.request(base, "POST", "/api/live/IDLE-1/end", body: "", token: LiveServeTests.token)
        XCTAssertEqual(end.status, 404, end.body)
    }

    func testWebSocketStream() async throws {
        let base = try serve(["--live-websocket"])
        let turns = sampleTurns()
        let frames = Frames()
        var logger = Logger(label: "live-test")
        logger.logLevel = .warning
        let url = base.replacingOccurrences(of: "http://", with: "ws://") + "/api/live"
        var headers = HTTPFields()
        headers[.authorization] = "Bearer \(LiveServeTests.token)"
        try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 1 << 22, additionalHeaders: headers), logger: logger) { inbound, outbound, _ in
            try await outbound.write(.text(#"{"event":"open","call":"W1","agent":"A023"}"#))
            for (i, turn) in turns.enumerated() {
                if i == 6 { try await outbound.write(.text(LiveServeTests.json(Turn(role: .agent, speaker: "坐席", text: "不知"), final: false))) }
                try await outbound.write(.text(LiveServeTests.json(turn)))
            }
            try await outbound.write(.text(#"{"role":"narrator","text":"x"}"#))
            try await outbound.write(.text(#"{"event":"end"}"#))
            for try await message in inbound.messages(maxSize: 1 << 22) {
                guard case .text(let text) = message else { continue }
                frames.append(text)
                if text.hasPrefix(#"{"type":"result""#) { break }
            }
        }
        let received = frames.all.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        XCTAssertEqual(received.first?["type"] as? String, "opened")
        let alerts = received.filter { $0["type"] as? String == "alert" }.compactMap { $0["alert"] as? [String: Any] }
        XCTAssertEqual(alerts.filter { $0["rule"] as? String == "taboo.dont-know" }.count, 1, "\(alerts)")
        XCTAssertEqual(alerts.filter { $0["rule"] as? String == "taboo.dont-know" }.first?["turn"] as? Int, 7)
        XCTAssertTrue(received.contains { $0["type"] as? String == "error" && ($0["error"] as? String ?? "").contains("narrator") })
        let result = try XCTUnwrap(frames.all.last)
        XCTAssertEqual(result, #"{"type":"result","call":"W1","result":"# + batch("W1", agent: "A023", turns) + "}")
        // Without the token, no WebSocket.
        do {
            try await WebSocketClient.connect(url: url, logger: logger) { _, _, _ in XCTFail("upgraded without a token") }
        } catch {}
    }

    /// The load generator's small run (bench/live/run.py, 30 calls): no alert dropped or duplicated.
    func testLoadGeneratorSmallRun() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["bench/live/run.py", "--binary", try BrowserTests.binary().path, "--calls", "30", "--turns", "6", "--json"]
        process.currentDirectoryURL = BrowserTests.root
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any], String(decoding: data, as: UTF8.self))
        XCTAssertEqual(process.terminationStatus, 0, "\(report)")
        XCTAssertEqual(report["completed"] as? Int, 30)
        XCTAssertEqual(report["alerts_expected"] as? Int, 60, "two taboo rules at each call's 3rd agent turn")
        XCTAssertEqual(report["dropped"] as? Int, 0)
        XCTAssertEqual(report["duplicated"] as? Int, 0)
        XCTAssertEqual(report["unexpected"] as? Int, 0)
    }
}

/// Frames collected by a WebSocket handler.
final class Frames: @unchecked Sendable {
    private let lock = NSLock()
    private var frames: [String] = []
    func append(_ s: String) { lock.withLock { frames.append(s) } }
    var all: [String] { lock.withLock { frames } }
}

/// HTTP/1.1 over a plain socket, for the live routes: one request, or a stream read as it comes.
enum LiveHTTP {
    struct Reply { var status: Int; var headers: String; var body: String }

    static func connect(_ base: String) throws -> Int32 {
        guard let port = base.split(separator: ":").last.flatMap({ UInt16($0) }) else { throw ServeProcess.NoServer(output: base) }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0 else { close(fd); throw ServeProcess.NoServer(output: "cannot connect to \(base)") }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    static func send(_ fd: Int32, _ base: String, _ method: String, _ path: String, body: String?, token: String?, close: Bool) {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(base.replacingOccurrences(of: "http://", with: ""))\r\n"
        if close { head += "Connection: close\r\n" }
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
        let bytes = Array((head + "\r\n" + (body ?? "")).utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    static func request(_ base: String, _ method: String, _ path: String, body: String?, token: String? = nil) throws -> Reply {
        let fd = try connect(base)
        defer { Glibc.close(fd) }
        send(fd, base, method, path, body: body, token: token, close: true)
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            data += buffer[0..<n]
        }
        let text = String(decoding: data, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw ServeProcess.NoServer(output: text) }
        let head = String(text[..<split.lowerBound])
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        var body = String(text[split.upperBound...])
        if head.lowercased().contains("transfer-encoding: chunked") { body = dechunk(body) }
        return Reply(status: status, headers: head, body: body)
    }

    static func dechunk(_ s: String) -> String {
        var bytes = Array(s.utf8)[...]
        var out: [UInt8] = []
        while let crlf = bytes.firstIndex(of: 0x0D), let size = Int(String(decoding: bytes[bytes.startIndex..<crlf], as: UTF8.self), radix: 16), size > 0 {
            let start = crlf + 2
            out += bytes[start..<min(bytes.endIndex, start + size)]
            bytes = bytes[min(bytes.endIndex, start + size + 2)...]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A response read as it arrives (Server-Sent Events).
    final class Stream {
        let fd: Int32
        var seen = ""

        init(_ base: String, _ path: String, token: String?) throws {
            fd = try LiveHTTP.connect(base)
            LiveHTTP.send(fd, base, "GET", path, body: nil, token: token, close: false)
            _ = try read(until: "callqc live board")
        }

        /// Everything read so far once `marker` has arrived (20 s at most per read).
        func read(until marker: String) throws -> String {
            var buffer = [UInt8](repeating: 0, count: 65536)
            var bytes = Array(seen.utf8)
            while !String(decoding: bytes, as: UTF8.self).contains(marker) {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { throw ServeProcess.NoServer(output: "the stream ended before '\(marker)': \(String(decoding: bytes, as: UTF8.self))") }
                bytes += buffer[0..<n]
            }
            seen = String(decoding: bytes, as: UTF8.self)
            return seen
        }

        func close() { Glibc.close(fd) }
    }
}

extension UUID {
    /// The UUID with its digits written as letters (as in the CLI tests): a masked digit run never changes a path.
    var pathSafe: String {
        String(uuidString.map { c -> Character in
            guard let d = c.wholeNumberValue, c.isASCII else { return c }
            return Character(UnicodeScalar(UInt8(ascii: "g") + UInt8(d)))
        })
    }
}
