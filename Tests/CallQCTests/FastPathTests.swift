import CallQCText
import Foundation
import XCTest
@testable import CallQC

/// The byte-level paths written for speed (docs/performance.md) must say exactly what
/// the slower, obvious code said: the plain reader on bytes, the pipelined batch run,
/// the readdir walk, the personal-data gate and the JSON writer.
final class FastPathTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-fast-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    // MARK: plain reader on bytes

    func testPlainReaderOnBytesHandlesFullWidthFormsAndCRLF() throws {
        let text = "＃ 通话编号：Ｃ-1\r\n# Agent-ID: A017\r\n【00:01.0-00:03.5】\u{3000}坐席：\u{3000}您好，请问有什么可以帮您？\u{3000}\r\n"
            + "[SPEAKER_01]: 喂，你好\r\n"
            + "   我想问一下账单。\r\n"
            + "[00:07-00:09] 客户: 好的：就这样\r\n"
        let outcome = TranscriptLoader().read(bytes: Array(text.utf8), source: "calls/2026.11.20/rec.0042.txt")
        XCTAssertEqual(outcome.errors, [])
        let call = try XCTUnwrap(outcome.calls.first)
        XCTAssertEqual(call.id, "Ｃ-1")
        XCTAssertEqual(call.agent, "A017", "header keys are folded to lower case")
        XCTAssertEqual(call.turns.count, 3)
        XCTAssertEqual(call.turns[0].speaker, "坐席")
        XCTAssertEqual(call.turns[0].role, .agent)
        XCTAssertEqual(call.turns[0].start, 1.0)
        XCTAssertEqual(call.turns[0].end, 3.5)
        XCTAssertEqual(call.turns[0].text, "您好，请问有什么可以帮您？", "full-width spaces trimmed at both ends")
        XCTAssertEqual(call.turns[1].speaker, "SPEAKER_01")
        XCTAssertEqual(call.turns[1].text, "喂，你好我想问一下账单。", "a continuation joins without a space between Chinese characters")
        XCTAssertEqual(call.turns[2].text, "好的：就这样", "only the first colon ends the label")
        // Without a call header the id comes from the file name, dots in folders notwithstanding.
        let unnamed = TranscriptLoader().read(bytes: Array("坐席：您好\n".utf8), source: "calls/2026.11.20/rec.0042.txt")
        XCTAssertEqual(unnamed.calls.first?.id, "rec.0042")
    }

    func testLabelsAreDecidedPerLabelNotPerLine() throws {
        // 王经理 is unknown, but starts two untimed lines: a speaker. A colon after a comma is text.
        let text = "坐席：您好\n王经理：我来说一下\n王经理：第二句\n坐席：好的，注意：明天生效\n"
        let outcome = TranscriptLoader().read(bytes: Array(text.utf8), source: "a.txt")
        let call = try XCTUnwrap(outcome.calls.first)
        XCTAssertEqual(call.turns.map(\.speaker), ["坐席", "王经理", "王经理", "坐席"])
        XCTAssertEqual(call.turns[3].text, "好的，注意：明天生效")
        XCTAssertEqual(outcome.warnings.filter { $0.speakerLabel == "王经理" }.count, 1, "one warning per unknown label, not per line")
    }

    /// Characters, not bytes: a `#`, `[` or `:` followed by a combining mark or a variation
    /// selector is another character, as the String-based reader saw it.
    func testMarksAfterSyntaxCharactersAreNotSyntax() throws {
        let loader = TranscriptLoader()
        let keycap = try XCTUnwrap(loader.read(bytes: Array("坐席：您好\n#\u{FE0F}\u{20E3} 这是一个话题\n客户：好的\n".utf8), source: "a.txt").calls.first)
        XCTAssertEqual(keycap.turns.map(\.text), ["您好 #\u{FE0F}\u{20E3} 这是一个话题", "好的"], "a keycap line is text, not a comment")
        let mark = loader.read(bytes: Array("[00:01-00:02]\u{0301} 坐席: a\n".utf8), source: "b.txt")
        XCTAssertEqual(mark.errors.count, 1, "']' + U+0301 does not close the time range")
        let hashMark = try XCTUnwrap(loader.read(bytes: Array("#\u{0301} call: X\n坐席：您好\n".utf8), source: "c.txt").calls.first)
        XCTAssertNotEqual(hashMark.id, "X")
        XCTAssertEqual(hashMark.turns.first?.speaker, "#\u{0301} call")
    }

    /// Labels are the same speaker when they are the same characters, however spelled.
    func testCanonicallyEqualLabelsAreOneSpeaker() throws {
        let loader = TranscriptLoader()
        let cafe = try XCTUnwrap(loader.read(bytes: Array("Café: hello\nCafe\u{0301}: again\n".utf8), source: "a.txt").calls.first)
        XCTAssertEqual(cafe.turns.count, 2)
        XCTAssertEqual(cafe.turns.map { Array($0.speaker.utf8) }, [Array("Café".utf8), Array("Cafe\u{0301}".utf8)], "each line keeps its spelling")
        let kana = try XCTUnwrap(loader.read(bytes: Array("# speakers: が=agent\nか\u{3099}: 您好\n客户: 好\n".utf8), source: "b.txt").calls.first)
        XCTAssertEqual(kana.turns.first?.role, .agent, "が and か + U+3099 are one label")
        XCTAssertNil(RoleMap.standard.role(of: "坐席\u{FE0F}"), "坐席 + a variation selector is not the label 坐席")
        XCTAssertEqual(RoleMap.standard.role(of: "坐席"), .agent)
        var map = RoleMap.standard
        map.add(label: "Cafe\u{0301}", role: .customer)
        map.add(label: "Café", role: .agent)
        XCTAssertEqual(map.role(of: "Cafe\u{0301}"), .agent, "the last of two equal labels wins")
    }

    func testManyDistinctLabelsAreEachTheirOwnSpeaker() throws {
        var text = ""
        for i in 0..<60 { text += "[00:\(String(format: "%02d", i))-00:\(String(format: "%02d", i)).5] 说话人\(i): 第\(i)句\n" }
        text += "[01:00-01:01] 说话人7: 又是我\n"
        let call = try XCTUnwrap(TranscriptLoader().read(bytes: Array(text.utf8), source: "many.txt").calls.first)
        XCTAssertEqual(call.turns.count, 61)
        XCTAssertEqual(call.turns.last?.speaker, "说话人7")
        XCTAssertEqual(Set(call.turns.map(\.speaker)).count, 60)
    }

    func testRoleMapMatchesPrefixesByBytes() {
        let map = RoleMap.standard
        XCTAssertEqual(map.role(of: "坐席01"), .agent)
        XCTAssertEqual(map.role(of: "客戶王先生"), .customer)
        XCTAssertEqual(map.role(of: "  AGENT Smith "), .agent)
        XCTAssertNil(map.role(of: "王经理"))
    }

    // MARK: batch run

    func testPipelinedRunDeliversEveryFileOnceInNameOrderAndGoesOnAfterAnUnreadableFile() throws {
        let root = dir.appendingPathComponent("calls")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for i in 0..<37 {
            let name = String(format: "%03d.txt", i)
            try "# call: C\(i)\n[00:00-00:02] 坐席：您好\n[00:02-00:04] 客户：你好\n".write(to: root.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        // A file that is gone by the time it is read (listed, then deleted), before the folder.
        let gone = dir.appendingPathComponent("gone.txt").path
        let inputs: [InputRef] = [.file(gone), .directory(root.path)]
        let runner = BatchRunner(loader: TranscriptLoader(), checker: Shipped.checker, batchSize: 4)
        var ids: [String] = []
        var errors: [InputProblem] = []
        var batches = 0
        runner.run(WorkSource(inputs: inputs, format: nil)) { outcomes in
            batches += 1
            XCTAssertLessThanOrEqual(outcomes.count, 4)
            for o in outcomes {
                ids += o.results.map(\.call.id)
                errors += o.errors
            }
        }
        XCTAssertEqual(ids, (0..<37).map { "C\($0)" }, "in input order, across batches checked while others are written")
        XCTAssertEqual(errors.count, 1)
        XCTAssertEqual(errors.first?.source, gone)
        XCTAssertTrue(errors.first?.message.contains("no such file") ?? false, errors.first?.message ?? "")
        XCTAssertEqual(batches, 10)
    }

    struct Stop: Error {}

    func testAThrowingDeliveryStopsTheRunCleanly() throws {
        let root = dir.appendingPathComponent("calls")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for i in 0..<20 { try "坐席：您好\n".write(to: root.appendingPathComponent("\(i).txt"), atomically: true, encoding: .utf8) }
        let runner = BatchRunner(loader: TranscriptLoader(), checker: Shipped.checker, batchSize: 3)
        var delivered = 0
        XCTAssertThrowsError(try runner.run(WorkSource(inputs: [.directory(root.path)], format: nil)) { _ in
            delivered += 1
            if delivered == 2 { throw Stop() }
        })
        XCTAssertEqual(delivered, 2, "nothing is delivered after the error")
    }

    func testDirectoryWalkFollowsLinkedFoldersAndFiles() throws {
        let real = dir.appendingPathComponent("real")
        try FileManager.default.createDirectory(at: real, withIntermediateDirectories: true)
        try "坐席：您好\n".write(to: real.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        let root = dir.appendingPathComponent("root")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("linked").path, withDestinationPath: real.path)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("b.txt").path, withDestinationPath: real.appendingPathComponent("a.txt").path)
        let walk = DirectoryWalk(root: root.path)
        var paths: [String] = []
        while let p = walk.next() { paths.append(String(p.dropFirst(root.path.count + 1))) }
        XCTAssertEqual(paths, ["b.txt", "linked/a.txt"])
        XCTAssertEqual(FileBytes.contents(of: root.appendingPathComponent("b.txt").path), Array("坐席：您好\n".utf8))
        XCTAssertNil(FileBytes.contents(of: dir.appendingPathComponent("nothing-here.txt").path))
    }

    func testFIFOsDevicesAndUndecodableNamesAreReportedNotHung() throws {
        let root = dir.appendingPathComponent("odd")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try "坐席：您好\n".write(to: root.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        XCTAssertEqual(mkfifo(root.appendingPathComponent("x.srt").path, 0o644), 0)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("z.txt").path, withDestinationPath: "/dev/zero")
        // 通话.txt in GBK: not a UTF-8 name.
        var path = Array(root.path.utf8) + [UInt8(ascii: "/"), 0xCD, 0xA8, 0xBB, 0xB0] + Array(".txt".utf8) + [0]
        let fd = path.withUnsafeMutableBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { open($0, O_CREAT | O_WRONLY, 0o644) }
        }
        XCTAssertGreaterThanOrEqual(fd, 0)
        close(fd)
        let runner = BatchRunner(loader: TranscriptLoader(), checker: Shipped.checker)
        var results = 0, errors: [String] = [], warnings: [String] = []
        runner.run(WorkSource(inputs: [.directory(root.path)], format: nil)) { outcomes in
            for o in outcomes {
                results += o.results.count
                errors += o.errors.map { String($0.source.split(separator: "/").last ?? "") + ": " + $0.message }
                warnings += o.warnings.map(\.message)
            }
        }
        XCTAssertEqual(results, 1)
        XCTAssertEqual(errors.sorted(), ["x.srt: cannot read the file: not a regular file (a FIFO, a device or a socket)",
                                         "z.txt: cannot read the file: not a regular file (a FIFO, a device or a socket)"])
        XCTAssertTrue(warnings.contains { $0.contains("not UTF-8") }, "\(warnings)")
    }

    // MARK: personal-data gate

    func testGateSkipsOrdinarySpeechAndPassesEveryNumberShape() {
        let skipped = [
            "我想问一下我这个月流量怎么这么多？一二三个问题。",        // numerals scattered in speech
            "您好，工号93号为您服务，2026年11月20日",                  // short runs
            "bench-out/corpus-50/c0000/n0123.txt",                      // path: runs broken by letters
            "I have one or two questions about my bill, can you help me with that please",
            "我想问一下这个月的账单，副卡怎么收费，密码忘了，微信上说不清楚",     // context words, no number after them
            "我快点去营业厅，一点钟到，at home by then",                       // 点 and "at", no address
        ]
        for text in skipped {
            let gate = PIIDetector.Gate(text)
            XCTAssertFalse(gate.mayHold, text)
        }
        let passed = [
            "我的手机是13812345678", "号码 138 1234 5678", "幺三八幺二三四五六七八", "１３８１２３４５６７８",
            "身份证11010519491231002X", "卡号6222-0212-3456-7890-128", "010-12345678",
            "five five five two three four five six seven eight", "zhang.san@example.com",
            "138　1234　5678", "138－1234－5678", "138  1234  5678", "13八1234五678", "(0755) 8888 6666", "zhang＠qq.com",
            "zhang at qq dot com", "张三艾特qq点com", "QQ 12345678", "扣扣54321", "微信号zhangsan_88", "密码是889900", "密码qwe789",
            "身份证110105194912310021",
        ]
        for text in passed {
            let gate = PIIDetector.Gate(text)
            XCTAssertTrue(gate.mayHold, text)
            XCTAssertFalse(PIIDetector().find(in: text).isEmpty, text)
        }
    }

    /// The gate's numeral filter (a 256-bit table on the low byte) lets every digit of `PIIDetector.digit` through,
    /// and nothing else: a wrong bit would silently skip a number said in Chinese (幺三八…) or run the detectors
    /// on every Han character.
    func testGateNumeralFilterIsExactlyTheDigitTest() {
        var numerals = 0
        for v in UInt32(0x3007)...UInt32(0x2FFFF) {
            let exact = Unicode.Scalar(v).map { PIIDetector.digit($0) != nil } ?? false
            XCTAssertEqual(PIIDetector.Gate.isNumeral(v), exact, String(v, radix: 16))
            if exact { numerals += 1 }
        }
        XCTAssertEqual(numerals, 33, "零〇洞 一幺壹 二两贰 三叁 四肆 五伍 六陆 七柒 八捌 九玖 and ０–９")
        // Where the first and last digit are, in scalars (an emoji is one), as the split-number search needs them.
        let g = PIIDetector.Gate("工号93号，为您服务😀幺三")
        XCTAssertEqual([g.scalarCount, g.firstDigit, g.lastDigit], [13, 2, 12])
        let none = PIIDetector.Gate("您好，请问有什么可以帮您")
        XCTAssertEqual([none.firstDigit, none.lastDigit], [-1, -1])
        // Numbers read out in Han numerals, in Simplified and Traditional text, still open the gate.
        for text in ["我的号码是幺三八幺二三四五六七八", "帳號零壹叁捌肆伍柒捌玖零", "電話洞幺零捌捌捌捌陆陆陆陆"] {
            XCTAssertTrue(PIIDetector.Gate(text).mayHold, text)
        }
    }

    /// The detectors' word tests without a String per word: `hasDigitWord` says what splitting the text into
    /// lower-cased words and looking each up said, on random mixes of digit words, their prefixes and extensions
    /// (fiver, ONE, Oh, seventeen), Han text and punctuation; and `contextTokens` still finds ids and passwords
    /// after WeChat / PASSWORD / Passcode in any case, and nothing after a longer word that starts with one.
    func testDetectorWordTestsAgreeWithSplittingTheText() {
        var rng = SystemRandomNumberGenerator()
        let pieces = ["one", "ONE", "Oh", "o", "fiver", "seventeen", "nin", "nine", "zero", "eight", "eighty", "two",
                      "您好", "号码", " ", ",", "-", "1", "9", "x", "abc", "Zero", "Wechat", "passwords"]
        func reference(_ chars: [Unicode.Scalar]) -> Bool {
            var words: [String] = [], current = ""
            for c in chars {
                if PIIDetector.isASCIILetter(c) { current.unicodeScalars.append(c) } else if !current.isEmpty { words.append(current); current = "" }
            }
            if !current.isEmpty { words.append(current) }
            return words.contains { PIIDetector.digitWords[$0.lowercased()] != nil }
        }
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 0...8, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            let chars = Array(text.unicodeScalars)
            XCTAssertEqual(PIIDetector.hasDigitWord(chars), reference(chars), text)
        }
        let detector = PIIDetector()
        for (text, kind) in [("我的WeChat是 zhangsan_88", PIIKind.wechat), ("PASSWORD: abc12345", .password),
                             ("the Passcode is qwe789", .password), ("微信号zhangsan_88", .wechat)] {
            XCTAssertEqual(detector.contextTokens(Array(text.unicodeScalars)).map(\.kind), [kind], text)
        }
        for text in ["wechatter zhangsan_88", "passwords abc12345", "mypassword abc12345"] {
            XCTAssertEqual(detector.contextTokens(Array(text.unicodeScalars)).count, 0, text)
        }
    }

    // MARK: JSON writer

    func testJSONWriterWritesWhatTheValueTreeWrote() throws {
        var f = Finding(rule: "taboo", kind: .forbidden, section: "service", severity: .error, message: "说了\"不知道\"\n第二行\u{2028}\u{1}\u{1F}\\")
        f.turn = 3
        f.start = 7.0
        f.end = 7.25
        f.span = 2..<5
        let call = Call(id: "C-1", agent: nil, metadata: ["渠道": "热线", "a": "x\ty"], turns: [Turn(role: .agent, speaker: "坐席", text: "您好")])
        let result = CallResult(call: call, metrics: CallMetrics.measure(call), findings: [f])
        let bytes = ResultJSON.compact(result)
        let text = String(decoding: bytes, as: UTF8.self)
        XCTAssertTrue(text.contains(#""message":"说了\"不知道\"\n第二行\u2028\u0001\u001f\\""#), text)
        XCTAssertTrue(text.contains(#""turn":3,"role":null,"start":7,"end":7.25,"span":{"begin":2,"end":5}"#), text)
        XCTAssertTrue(text.contains(#""metadata":{"a":"x\ty","渠道":"热线"}"#), text)
        XCTAssertTrue(text.contains(#""agent":null"#), text)
        // The value tree parsed back writes the same bytes.
        XCTAssertEqual(Array(ResultJSON.encode(result).compact().utf8), bytes)
        XCTAssertEqual(try JSONParser.parse(bytes)["findings"]?.arrayValue?.count, 1)
    }
}
