import CallQCStore
import Foundation
import XCTest
import CallQCTestSupport

/// Issue 17: the recipe of docs/scale.md, "Batch checks on Spark", run as written: PySpark with
/// master local[2] pipes 5,000 generated calls (and lines that are not calls) through
/// `callqc check -` partition by partition, and its results are the same, byte for byte, as one
/// `callqc check - --format jsonl` over the same lines. In CI (CI set) a missing pyspark or Java
/// fails the test (scripts/install-deps installs them); on a developer's machine it skips.
final class SparkRecipeTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        try requireSpark()
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-spark-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let dir { try? FileManager.default.removeItem(at: dir) }
    }

    func requireSpark() throws {
        var missing: [String] = []
        if (try? Self.run(["python3", "-c", "import pyspark"]).status) != 0 { missing.append("pyspark (python3 -m pip install pyspark)") }
        if (try? Self.run(["java", "-version"]).status) != 0 { missing.append("Java (apt-get install default-jre-headless)") }
        guard !missing.isEmpty else { return }
        let message = "the Spark recipe needs \(missing.joined(separator: " and ")): scripts/install-deps installs them"
        if ProcessInfo.processInfo.environment["CI"] != nil { throw Missing(description: "CI is set, so this test must run, but " + message) }
        throw XCTSkip(message)
    }

    struct Missing: Error, CustomStringConvertible { let description: String }

    struct Run { var status: Int32; var stderr: String }

    /// Runs a command from the package root; standard input from a file, standard output to a file.
    @discardableResult
    static func run(_ args: [String], stdin: URL? = nil, stdout: URL? = nil, in folder: URL = CLITests.root) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = args
        process.currentDirectoryURL = folder
        if let stdin { process.standardInput = try FileHandle(forReadingFrom: stdin) } else { process.standardInput = FileHandle.nullDevice }
        if let stdout {
            FileManager.default.createFile(atPath: stdout.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: stdout)
        } else {
            process.standardOutput = FileHandle.nullDevice
        }
        let err = Pipe()
        process.standardError = err
        try process.run()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stderr: String(decoding: e, as: UTF8.self))
    }

    /// scripts/spark_check.py with master local[2], run in the test's folder (Spark and Derby
    /// leave their files where they run).
    func spark(_ args: [String], stdout: URL? = nil) throws -> Run {
        try Self.run(["python3", CLITests.root.appendingPathComponent("scripts/spark_check.py").path, "--master", "local[2]",
                      "--conf", "spark.ui.enabled=false"] + args, stdout: stdout, in: dir)
    }

    /// The lines of a JSON Lines output by call id (errors by line), for a readable failure.
    static func byKey(_ text: String) -> [String: String] {
        var map: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            let key = ((object?["call"] as? [String: Any])?["id"] as? String) ?? "error at line \(object?["line"] as? Int ?? -1)"
            map[key] = String(line)
        }
        return map
    }

    func assertSameResults(_ spark: String, _ single: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let a = Self.byKey(spark), b = Self.byKey(single)
        XCTAssertEqual(a.count, b.count, "\(what): results", file: file, line: line)
        let differing = b.keys.filter { a[$0] != b[$0] }.sorted()
        XCTAssertEqual(differing.count, 0, "\(what): results that differ from the single run, first: \(differing.first.map { "\($0)\nspark:  \(a[$0]?.prefix(400) ?? "missing")\nsingle: \(b[$0]?.prefix(400) ?? "")" } ?? "")", file: file, line: line)
    }

    func testSparkLocalRunGivesTheResultsOfOneRun() throws {
        let binary = try CLI.binary().path
        // 5,000 lines over two day files: 4,980 calls and 20 lines that are not calls, a blank line.
        let all = dir.appendingPathComponent("all.jsonl")
        let gen = try Self.run(["python3", "bench/gen_calls.py", all.path, "5000", "--bad-every", "250"])
        XCTAssertEqual(gen.status, 0, gen.stderr)
        let lines = try String(contentsOf: all, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(lines.count, 5000)
        let days = dir.appendingPathComponent("days")
        try FileManager.default.createDirectory(at: days, withIntermediateDirectories: true)
        let first = lines.prefix(2600).joined(separator: "\n") + "\n"
        let second = lines.dropFirst(2600).prefix(1000).joined(separator: "\n") + "\n\n" + lines.dropFirst(3600).joined(separator: "\n") + "\n"
        try first.write(to: days.appendingPathComponent("2026-12-01.jsonl"), atomically: true, encoding: .utf8)
        try second.write(to: days.appendingPathComponent("2026-12-02.jsonl"), atomically: true, encoding: .utf8)
        // The single run: the same files, in name order, on standard input.
        let concatenated = dir.appendingPathComponent("concatenated.jsonl")
        try (first + second).write(to: concatenated, atomically: true, encoding: .utf8)
        let reference = dir.appendingPathComponent("single.jsonl")
        let single = try Self.run([binary, "check", "-", "--format", "jsonl", "--no-progress"], stdin: concatenated, stdout: reference)
        XCTAssertEqual(single.status, 0, "bad lines are records: \(single.stderr.prefix(500))")
        let expected = try String(contentsOf: reference, encoding: .utf8)
        XCTAssertEqual(expected.split(separator: "\n").count, 5000)
        XCTAssertEqual(expected.components(separatedBy: "\"schema\":\"callqc.error/1\"").count - 1, 20)

        // Spark, local[2]: four partitions (each file split in two), a callqc process each.
        let out = dir.appendingPathComponent("results")
        let piped = try spark(["--input", days.path, "--out", out.path, "--out-format", "jsonl", "--partitions", "3", "--callqc", binary])
        XCTAssertEqual(piped.status, 0, piped.stderr.suffix(3000).description)
        XCTAssertTrue(piped.stderr.contains("spark_check: 4980 results, 20 error lines, "), piped.stderr.suffix(2000).description)
        let parts = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasPrefix("part-") }.sorted()
        XCTAssertGreaterThanOrEqual(parts.count, 3, "at least --partitions part files: \(parts)")
        let got = try parts.map { try String(contentsOf: out.appendingPathComponent($0), encoding: .utf8) }.joined()
        assertSameResults(got, expected, "Spark (JSON Lines)")
        XCTAssertTrue(got == expected, "the part files, in name order, are the single run's output byte for byte (input order; error lines name the line)")
    }

    /// The recipe into PostgreSQL: every partition's callqc writes its own results (`--db`, nothing
    /// collected on the driver); the store then holds what one `callqc check --db` stores, and a
    /// second run of the job (as a retried task would) replaces the results instead of doubling them.
    func testSparkWritesIntoPostgreSQLFromEachPartition() throws {
        let binary = try CLI.binary().path
        guard let sparkDB = try TestPostgres.require(), let singleDB = TestPostgres.fresh() else { return }
        defer { [sparkDB, singleDB].forEach(TestPostgres.drop) }
        let calls = dir.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: calls, withIntermediateDirectories: true)
        let day = calls.appendingPathComponent("2026-12-01.jsonl")
        let gen = try Self.run(["python3", "bench/gen_calls.py", day.path, "1200", "--bad-every", "300"])
        XCTAssertEqual(gen.status, 0, gen.stderr)
        let single = try Self.run([binary, "check", "-", "--db", singleDB, "--format", "jsonl", "--no-progress"], stdin: day)
        XCTAssertEqual(single.status, 0, single.stderr.prefix(500).description)
        for attempt in 1...2 {
            let piped = try spark(["--input", calls.path, "--db", sparkDB, "--partitions", "3", "--callqc", binary])
            XCTAssertEqual(piped.status, 0, "run \(attempt): \(piped.stderr.suffix(3000))")
        }
        let a = try SQLStore.open(sparkDB), b = try SQLStore.open(singleDB)
        defer { [a, b].forEach { ($0.database as? PostgresDatabase)?.shutdown() } }
        XCTAssertEqual(try a.resultCount(), 1196, "1,200 lines, 4 of them not calls; twice run, each call once")
        let fromSpark = try a.summaries(from: nil, to: nil), fromOne = try b.summaries(from: nil, to: nil)
        XCTAssertEqual(fromSpark.count, fromOne.count)
        XCTAssertTrue(fromSpark == fromOne, "the stored summaries (scores, findings, sections) are one run's")
        let findings = try a.database.read { db in try db.int("SELECT COUNT(*) FROM findings") }
        let findingsOne = try b.database.read { db in try db.int("SELECT COUNT(*) FROM findings") }
        XCTAssertEqual(findings, findingsOne)
    }

    /// A run callqc refuses (a rule set that cannot be read) stops before Spark starts, saying why.
    func testAUsageErrorStopsTheJobBeforeSparkStarts() throws {
        let calls = dir.appendingPathComponent("calls.jsonl")
        try (PipeStageCLITests.callLine("R1", kind: 0) + "\n").write(to: calls, atomically: true, encoding: .utf8)
        let refused = try spark(["--input", calls.path, "--out", dir.appendingPathComponent("out").path,
                                 "--rules", "/no/such/rules", "--callqc", try CLI.binary().path])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("spark_check: callqc refuses the run (status 2)"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("no such rule set"), refused.stderr)
        XCTAssertFalse(refused.stderr.contains("SparkContext"), "Spark never started: \(refused.stderr.prefix(500))")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
    }

    /// Tables: a view over a JSON data source (one column per field) to Parquet, read back in
    /// order; a JDBC table (embedded Derby, which Spark ships) holding each call's JSON in a column.
    func testTablesAndJDBCGiveTheResultsOfOneRun() throws {
        let binary = try CLI.binary().path
        let all = dir.appendingPathComponent("all.jsonl")
        XCTAssertEqual(try Self.run(["python3", "bench/gen_calls.py", all.path, "400", "--seed", "7"]).status, 0)
        let reference = dir.appendingPathComponent("single.jsonl")
        XCTAssertEqual(try Self.run([binary, "check", "-", "--format", "jsonl", "--no-progress"], stdin: all, stdout: reference).status, 0)
        let expected = try String(contentsOf: reference, encoding: .utf8)

        let parquet = dir.appendingPathComponent("results.parquet")
        let viaTable = try spark(["--sql", "CREATE TEMPORARY VIEW calls USING json OPTIONS (path '\(all.path)')",
                                  "--table", "calls", "--order-by", "id", "--partitions", "2",
                                  "--out", parquet.path, "--out-format", "parquet", "--callqc", binary])
        XCTAssertEqual(viaTable.status, 0, viaTable.stderr.suffix(3000).description)
        XCTAssertTrue(viaTable.stderr.contains("spark_check: 400 results, 0 error lines, 2 partitions"), viaTable.stderr.suffix(2000).description)
        let shown = dir.appendingPathComponent("shown.jsonl")
        let show = try spark(["--show", parquet.path], stdout: shown)
        XCTAssertEqual(show.status, 0, show.stderr.suffix(3000).description)
        let fromTable = try String(contentsOf: shown, encoding: .utf8)
        let ids = fromTable.split(separator: "\n").map { line in Self.byKey(String(line)).keys.first ?? "" }
        XCTAssertEqual(ids.count, 400)
        XCTAssertEqual(ids, ids.sorted(), "Parquet results come back in --order-by order")
        assertSameResults(fromTable, expected, "Spark (a table's columns, to Parquet)")

        let derby = "jdbc:derby:\(dir.appendingPathComponent("derby").path)"
        let driver = "org.apache.derby.iapi.jdbc.AutoloadedDriver"
        let out = dir.appendingPathComponent("from-jdbc")
        let viaJDBC = try spark(["--sql", "CREATE TEMPORARY VIEW source USING json OPTIONS (path '\(all.path)')",
                                 "--sql", "CREATE TABLE derby_calls USING jdbc OPTIONS (url '\(derby);create=true', dbtable 'CALLS', driver '\(driver)') AS SELECT id, to_json(struct(*)) AS call FROM source",
                                 "--jdbc", derby, "--jdbc-table", "CALLS", "--jdbc-driver", driver, "--json-column", "call",
                                 "--out", out.path, "--callqc", binary])
        XCTAssertEqual(viaJDBC.status, 0, viaJDBC.stderr.suffix(3000).description)
        let parts = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasPrefix("part-") }.sorted()
        let fromJDBC = try parts.map { try String(contentsOf: out.appendingPathComponent($0), encoding: .utf8) }.joined()
        assertSameResults(fromJDBC, expected, "Spark (a JDBC table, the call's JSON in a column)")
    }
}
