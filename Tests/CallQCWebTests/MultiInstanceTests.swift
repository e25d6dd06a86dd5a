import CallQCStore
import Foundation
import XCTest
import CallQCTestSupport

/// Two `callqc serve` processes on one PostgreSQL database, as behind a load balancer: a session
/// made on one works on the other, a review recorded through one shows on the other, a logout on
/// one ends the session on both, and failed logins count across both. (Sessions and failed logins
/// live in the database; the CSRF check is a double-submit cookie, the same on every instance.)
final class MultiInstanceTests: XCTestCase {
    var dir: URL!
    var servers: [Process] = []
    var schemaURL: String?

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-multi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        for s in servers where s.isRunning { s.terminate(); s.waitUntilExit() }
        if let schemaURL { TestPostgres.drop(schemaURL) }
        try? FileManager.default.removeItem(at: dir)
    }

    /// The test database (scripts/install-deps starts it), in a fresh schema; nil off CI without a server.
    func postgresURL() throws -> String? {
        schemaURL = try TestPostgres.require()
        return schemaURL
    }

    struct Reply {
        var status: Int
        var headers: [(String, String)]
        var body: String
        func header(_ name: String) -> [String] { headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1) }
    }

    /// One HTTP/1.1 request over a plain socket (no redirects followed, cookies as given).
    func request(_ base: String, _ method: String, _ path: String, cookies: [String: String], form: [(String, String)]? = nil) throws -> Reply {
        guard let port = base.split(separator: ":").last.flatMap({ UInt16($0) }) else { throw ServeProcess.NoServer(output: base) }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        XCTAssertEqual(rc, 0, "connect to \(base)")
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = form.map { $0.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&") } ?? ""
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if !cookies.isEmpty { head += "Cookie: " + cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") + "\r\n" }
        if form != nil { head += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n" }
        let bytes = Array((head + "\r\n" + body).utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            data += buffer[0..<n]
        }
        let text = String(decoding: data, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw ServeProcess.NoServer(output: text) }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return Reply(status: status, headers: headers, body: String(text[split.upperBound...]))
    }

    func run(_ args: [String], stdin: String? = nil) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = try BrowserTests.binary()
        process.arguments = args
        process.currentDirectoryURL = BrowserTests.root
        let input = Pipe(), err = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let message = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: message, as: UTF8.self))
    }

    func testTwoInstancesShareSessionsReviewsAndThrottling() throws {
        guard let db = try postgresURL() else { return }
        let checked = try run(["check", "samples/rude-agent.txt", "samples/complaint.txt", "--db", db, "--no-progress"])
        XCTAssertEqual(checked.status, 0, checked.stderr)
        for (name, args, password) in [("wang", ["--role", "agent", "--agent-id", "A023", "--team", "north"], "Agent-pass-7Qx!"),
                                       ("zhao", ["--role", "supervisor", "--team", "north"], "Super-pass-3Kd!"),
                                       ("chen", ["--role", "admin"], "Admin-pass-2Vb!")] {
            let added = try run(["users", "add", name] + args + ["--password-stdin", "--db", db], stdin: password + "\n")
            XCTAssertEqual(added.status, 0, added.stderr)
        }
        let (a, addressA) = try ServeProcess.start(["--db", db])
        servers.append(a)
        let (b, addressB) = try ServeProcess.start(["--db", db])
        servers.append(b)
        XCTAssertNotEqual(addressA, addressB)

        // Log in on A.
        let csrf = "0123456789abcdef0123456789abcdef"
        let login = try request(addressA, "POST", "/login", cookies: ["callqc_csrf": csrf],
                                form: [("user", "zhao"), ("password", "Super-pass-3Kd!"), ("csrf", csrf)])
        XCTAssertEqual(login.status, 303, login.body)
        let cookie = try XCTUnwrap(login.header("Set-Cookie").first { $0.hasPrefix("callqc_session=") })
        let session = String(cookie.dropFirst("callqc_session=".count).prefix { $0 != ";" })
        let cookies = ["callqc_csrf": csrf, "callqc_session": session]

        // Use the session on B: the supervisor's call page, not the login form.
        let page = try request(addressB, "GET", "/calls/C20261120-0057", cookies: cookies)
        XCTAssertEqual(page.status, 200, page.body)
        XCTAssertTrue(page.body.contains("zhao"), "B knows who is logged in")
        XCTAssertTrue(page.body.contains("name=\"missed.9\""), "the review form")

        // Record a review through B; A shows it.
        let saved = try request(addressB, "POST", "/calls/C20261120-0057/review", cookies: cookies,
                                form: [("score", "40"), ("verdict.taboo.refusal", "confirm"), ("missed.9", "taboo.refusal"), ("csrf", csrf)])
        XCTAssertEqual(saved.status, 303, saved.body)
        let onA = try request(addressA, "GET", "/calls/C20261120-0057?saved=1", cookies: cookies)
        XCTAssertEqual(onA.status, 200)
        XCTAssertTrue(onA.body.contains("漏检 taboo.refusal@9"), onA.body)
        let store = try SQLStore.open(db)
        defer { (store.database as? PostgresDatabase)?.shutdown() }
        XCTAssertEqual(try store.reviews().map(\.reviewer), ["zhao"])

        // Log out on B: the session is gone on A too.
        let out = try request(addressB, "POST", "/logout", cookies: cookies, form: [("csrf", csrf)])
        XCTAssertEqual(out.status, 303, out.body)
        let after = try request(addressA, "GET", "/calls/C20261120-0057", cookies: cookies)
        XCTAssertEqual(after.status, 303, "A sends the logged-out user to the login page")
        XCTAssertTrue(after.header("Location").first?.hasPrefix("/login") ?? false, "\(after.headers)")

        // Failed logins count across instances: alternate A and B until the account is throttled.
        var throttled: Reply? = nil
        for attempt in 0..<12 {
            let base = attempt % 2 == 0 ? addressA : addressB
            let r = try request(base, "POST", "/login", cookies: ["callqc_csrf": csrf],
                                form: [("user", "wang"), ("password", "wrong password \(attempt)"), ("csrf", csrf)])
            if r.status == 429 { throttled = r; break }
        }
        XCTAssertNotNil(throttled, "wrong passwords on two instances add up")
        let right = try request(addressB, "POST", "/login", cookies: ["callqc_csrf": csrf],
                                form: [("user", "wang"), ("password", "Agent-pass-7Qx!"), ("csrf", csrf)])
        XCTAssertEqual(right.status, 429, "even the right password waits while throttled, on either instance")
        XCTAssertGreaterThanOrEqual(try store.auditLog(from: nil, to: nil, actor: nil, action: .loginFailed).count, 5)
    }
}
