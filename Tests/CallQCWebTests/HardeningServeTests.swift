import Foundation
import XCTest

/// Issue 13 against a running `callqc serve`: host names, slow clients, the token kept out of ps.
final class HardeningServeTests: XCTestCase {
    var dir: URL!
    var server: Process?

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let server, server.isRunning { server.terminate(); server.waitUntilExit() }
        try? FileManager.default.removeItem(at: dir)
    }

    /// Starts `callqc serve --port 0` and returns the port.
    func serve(_ args: [String]) throws -> UInt16 {
        let (process, address) = try ServeProcess.start(args, environment: ProcessInfo.processInfo.environment.filter { $0.key != "CALLQC_TOKEN" })
        server = process
        guard let port = address.split(separator: ":").last.flatMap({ UInt16($0) }) else { throw ServeProcess.NoServer(output: address) }
        return port
    }

    /// A raw connection to the server.
    func connect(_ port: UInt16) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        XCTAssertEqual(rc, 0)
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    func send(_ fd: Int32, _ text: String) { _ = Array(text.utf8).withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }

    /// Everything the server sends until it closes (or 20 s pass).
    func receiveAll(_ fd: Int32) -> (text: String, closed: Bool) {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return (String(decoding: data, as: UTF8.self), true) }
            if n < 0 { return (String(decoding: data, as: UTF8.self), false) }
            data += buffer[0..<n]
        }
    }

    func request(_ port: UInt16, host: String, token: String?) throws -> String {
        let fd = try connect(port)
        defer { close(fd) }
        send(fd, "GET /api/queue HTTP/1.1\r\nHost: \(host)\r\n\(token.map { "Authorization: Bearer \($0)\r\n" } ?? "")Connection: close\r\n\r\n")
        return receiveAll(fd).text
    }

    func testHostNamesTokenFileAndSlowClients() throws {
        let tokenFile = dir.appendingPathComponent("token")
        try "s3cret-token\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        let port = try serve(["--token-file", tokenFile.path, "--read-timeout", "1", "--public-url", "https://qc.example.com/"])
        XCTAssertFalse(server!.arguments!.joined(separator: " ").contains("s3cret-token"), "the token is not on the command line")
        let ok = try request(port, host: "127.0.0.1:\(port)", token: "s3cret-token")
        XCTAssertTrue(ok.hasPrefix("HTTP/1.1 503"), ok)   // no --db: the queue needs one
        XCTAssertTrue(ok.lowercased().contains("x-content-type-options: nosniff"), ok)
        XCTAssertTrue(try request(port, host: "qc.example.com", token: "s3cret-token").hasPrefix("HTTP/1.1 503"))
        let rebound = try request(port, host: "evil.example.com:\(port)", token: "s3cret-token")
        XCTAssertTrue(rebound.hasPrefix("HTTP/1.1 421"), rebound)
        XCTAssertTrue(try request(port, host: "127.0.0.1", token: "wrong").hasPrefix("HTTP/1.1 401"))
        // A client that trickles its request head is dropped after the read timeout.
        let slow = try connect(port)
        defer { close(slow) }
        send(slow, "GET /self-check HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        let started = Date()
        let (_, closed) = receiveAll(slow)
        XCTAssertTrue(closed, "the server closed the silent connection")
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        // One that trickles its body gets 408 (or is dropped).
        let body = try connect(port)
        defer { close(body) }
        send(body, "POST /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer s3cret-token\r\nContent-Length: 100000\r\n\r\n坐席: 您好")
        // Never silent for the read timeout, but the body takes longer than it: 408.
        let trickling = Date()
        var answered = false
        for _ in 0..<16 {
            Thread.sleep(forTimeInterval: 0.3)
            send(body, "。")
            var ready = pollfd(fd: body, events: Int16(POLLIN), revents: 0)
            if poll(&ready, 1, 0) > 0 { answered = true; break }
        }
        XCTAssertTrue(answered, "answered while the client was still sending")
        XCTAssertLessThan(Date().timeIntervalSince(trickling), 4)
        let answer = receiveAll(body)
        XCTAssertTrue(answer.text.hasPrefix("HTTP/1.1 408"), answer.text)
    }

    func testTheConnectionCapHoldsNewClientsUntilOneLeaves() throws {
        let port = try serve(["--max-connections", "1", "--read-timeout", "30"])
        let first = try connect(port)
        Thread.sleep(forTimeInterval: 0.3)
        let second = try connect(port)
        defer { close(second) }
        send(second, "GET /self-check HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        var ready = pollfd(fd: second, events: Int16(POLLIN), revents: 0)
        XCTAssertEqual(poll(&ready, 1, 1000), 0, "not served while the first connection holds the only place")
        close(first)
        let answer = receiveAll(second)
        XCTAssertTrue(answer.text.hasPrefix("HTTP/1.1 200"), answer.text)
    }
}
