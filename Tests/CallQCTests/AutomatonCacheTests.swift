import XCTest
@testable import CallQC
import CallQCText

/// The compiled-automaton cache: a rule set loaded with it has exactly the automata compiled from
/// its phrases, sees an edited phrase list, rebuilds a damaged entry, and checks every sample as
/// an uncached load does.
final class AutomatonCacheTests: XCTestCase {
    var dir: URL!
    var cacheFolder: String { dir.appendingPathComponent("cache").path }

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callqc-automata-\(UUID().uuidString.filter(\.isLetter))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    /// The cache's automaton entries, by name.
    func entries() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: cacheFolder).filter { $0.hasSuffix(".automaton") }.sorted()
    }

    func inode(_ name: String) throws -> Int {
        try XCTUnwrap(FileManager.default.attributesOfItem(atPath: cacheFolder + "/" + name)[.systemFileNumber] as? Int)
    }

    /// Every automaton of a rule set (the phrases', and the sound index's when it has one).
    func matchers(_ set: RuleSet) -> [PhraseMatcher] { [set.matcher] + (set.sound.map { [$0.matcher] } ?? []) }

    /// A rule set like bench/gen_rules.py's: `count` generated Chinese phrases in one forbidden rule (matched by sound too).
    func generatedRuleSet(count: Int) throws -> URL {
        let set = dir.appendingPathComponent("bench-\(count)")
        try FileManager.default.createDirectory(at: set.appendingPathComponent("rules"), withIntermediateDirectories: true)
        try """
        name: bench
        version: "1"
        language: zh
        scoring:
          sections:
            - {id: politeness, title: 礼貌及服务用语, points: 100}
          grades:
            - {grade: A, min: 90}
            - {grade: E, min: 0}

        """.write(to: set.appendingPathComponent("ruleset.yaml"), atomically: true, encoding: .utf8)
        let chars = Array("的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生自会那后能对着事其里所去行过家十用发天如然作方成者多日都宽带话费流量套餐积分漫游发票账单光猫路由器副卡携号转网服务客户投诉办理查询")
        var rng: UInt64 = 7
        func next(_ n: Int) -> Int { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return Int((rng >> 33) % UInt64(n)) }
        var phrases: Set<String> = ["不知道", "这是规定就不行", "找领导去", "你问我我问谁"]
        while phrases.count < count { phrases.insert(String((0..<(2 + next(5))).map { _ in chars[next(chars.count)] })) }
        try ("# generated\n" + phrases.sorted().joined(separator: "\n") + "\n").write(to: set.appendingPathComponent("phrases.txt"), atomically: true, encoding: .utf8)
        try """
        rules:
          - id: generated
            kind: forbidden
            message: 生成的短语
            section: politeness
            deduction: 1
            phrases_file: ../phrases.txt

        """.write(to: set.appendingPathComponent("rules/generated.yaml"), atomically: true, encoding: .utf8)
        return set
    }

    /// Texts to match: every sample's turns, and some made of the rule set's own phrases.
    func sampleTexts(_ set: RuleSet) throws -> [[UInt8]] {
        let folder = TextFolder()
        let samples = Shipped.root.appendingPathComponent("samples")
        var texts: [[UInt8]] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: samples.path) where name.hasSuffix(".txt") {
            texts.append(Array(folder.foldedString(try String(contentsOf: samples.appendingPathComponent(name), encoding: .utf8)).utf8))
        }
        let phrases = set.foldedPhrases
        texts.append(Array(phrases.prefix(300).joined(separator: "，").utf8))
        texts.append(Array(phrases.suffix(300).joined().utf8))
        return texts
    }

    func assertSame(_ cached: RuleSet, _ plain: RuleSet, file: StaticString = #filePath, line: UInt = #line) throws {
        let a = matchers(cached), b = matchers(plain)
        XCTAssertEqual(a.count, b.count, "same automata", file: file, line: line)
        for (x, y) in zip(a, b) {
            XCTAssertEqual(x.patterns, y.patterns, file: file, line: line)
            XCTAssertEqual(x.binaryForm(), y.binaryForm(), "same tables", file: file, line: line)
        }
        let texts = try sampleTexts(plain)
        for text in texts { XCTAssertEqual(cached.matcher.matches(in: text), plain.matcher.matches(in: text), file: file, line: line) }
        if let x = cached.sound?.matcher, let y = plain.sound?.matcher {
            // Sound tokens: two bytes a syllable; any byte sequence is a fair test of the tables.
            for text in texts { XCTAssertEqual(x.matches(in: text), y.matches(in: text), file: file, line: line) }
        }
    }

    func testEveryShippedAndAGeneratedRuleSetRoundTripsExactly() throws {
        let cache = RuleFileCache(folder: cacheFolder, version: "test")
        let generated = try generatedRuleSet(count: 2000)
        var sets: [(String?, String?)] = [(nil, Shipped.lexicons), (generated.path, nil)]
        let loose = Shipped.root.appendingPathComponent("lexicons").path
        for name in try FileManager.default.contentsOfDirectory(atPath: loose).sorted()
        where FileManager.default.fileExists(atPath: loose + "/" + name + "/ruleset.yaml") {
            sets.append((loose + "/" + name, nil))
        }
        XCTAssertGreaterThanOrEqual(sets.count, 4, "zh-CN and en on their own too")
        for (rules, lexicons) in sets {
            let plain = try RuleCatalog.load(rules: rules, lexicons: lexicons)
            let first = try RuleCatalog.load(rules: rules, lexicons: lexicons, cache: cache)
            let stored = try entries()
            let inodes = try stored.map(inode)
            let second = try RuleCatalog.load(rules: rules, lexicons: lexicons, cache: cache)
            XCTAssertEqual(try entries(), stored, "nothing new on the second load")
            XCTAssertEqual(try stored.map(inode), inodes, "the second load read the entries, rewrote none")
            XCTAssertEqual(plain.ruleSets.count, second.ruleSets.count)
            for (cached, uncached) in zip(first.ruleSets + second.ruleSets, plain.ruleSets + plain.ruleSets) {
                try assertSame(cached, uncached)
            }
        }
        let big = try RuleCatalog.load(rules: generated.path, lexicons: nil, cache: cache).ruleSets[0]
        XCTAssertEqual(big.foldedPhrases.count, 2000)
        XCTAssertNotNil(big.sound, "the generated phrases match by sound too")
        // zh-CN's phrases and sound index, en's phrases, the generated set's two: one entry each.
        XCTAssertGreaterThanOrEqual(try entries().count, 5)
    }

    func testAnEditedPhraseListIsSeen() throws {
        let set = dir.appendingPathComponent("zh-CN")
        try FileManager.default.copyItem(at: Shipped.root.appendingPathComponent("lexicons/zh-CN"), to: set)
        let cache = RuleFileCache(folder: cacheFolder, version: "test")
        let before = try RuleCatalog.load(rules: set.path, lexicons: nil, cache: cache).ruleSets[0]
        let stored = try entries()
        XCTAssertFalse(stored.isEmpty)
        let call = "[00:00:01] 坐席：您好，很高兴为您服务。\n[00:00:05] 客户：我的宽带断了。\n[00:00:09] 坐席：这事儿归别的部门管，您去营业厅问问吧。\n[00:00:15] 坐席：感谢您的来电，再见。\n"
        let text = Array(TextFolder().foldedString("这事儿归别的部门管").utf8)
        XCTAssertFalse(before.matcher.matches(in: text).contains { $0.start == 0 && $0.end == text.count }, "not a phrase yet")

        // One more taboo phrase in politeness.yaml's first inline list.
        let file = set.appendingPathComponent("rules/politeness.yaml")
        let yaml = try String(contentsOf: file, encoding: .utf8)
        let range = try XCTUnwrap(yaml.range(of: "phrases: ["), "politeness.yaml has an inline phrase list")
        try yaml.replacingCharacters(in: range, with: "phrases: [这事儿归别的部门管, ").write(to: file, atomically: true, encoding: .utf8)
        let after = try RuleCatalog.load(rules: set.path, lexicons: nil, cache: cache).ruleSets[0]
        let plain = try RuleCatalog.load(rules: set.path, lexicons: nil).ruleSets[0]
        XCTAssertGreaterThan(try entries().count, stored.count, "a new entry for the new phrase list")
        XCTAssertTrue(after.foldedPhrases.contains(TextFolder().foldedString("这事儿归别的部门管")))
        XCTAssertTrue(after.matcher.matches(in: text).contains { $0.start == 0 && $0.end == text.count }, "the new phrase is found")
        try assertSame(after, plain)
        let outcome = TranscriptLoader().read(bytes: Array(call.utf8), source: "edited.txt")
        let c = try XCTUnwrap(outcome.calls.first)
        let cached = Checker(catalog: RuleCatalog(ruleSets: [after], fixed: true)).check(c, with: after)
        let uncached = Checker(catalog: RuleCatalog(ruleSets: [plain], fixed: true)).check(c, with: plain)
        XCTAssertEqual(ResultJSON.compact(cached), ResultJSON.compact(uncached))
    }

    func testDamagedEntriesAreRebuiltAndRewritten() throws {
        let cache = RuleFileCache(folder: cacheFolder, version: "test")
        let plain = try RuleCatalog.load(rules: nil, lexicons: Shipped.lexicons)
        _ = try RuleCatalog.load(rules: nil, lexicons: Shipped.lexicons, cache: cache)
        let names = try entries()
        XCTAssertGreaterThanOrEqual(names.count, 3, "zh-CN's phrases and sounds, en's phrases")
        var good: [String: Data] = [:]
        for name in names { good[name] = try Data(contentsOf: URL(fileURLWithPath: cacheFolder + "/" + name)) }
        let magic = PhraseMatcher.binaryMagic.count
        let damage: [(String, (Data) -> Data)] = [
            ("empty", { _ in Data() }),
            ("garbage", { _ in Data("not an automaton 不是自动机".utf8) }),
            ("truncated", { $0.prefix($0.count / 2) }),
            ("cut by one byte", { $0.dropLast() }),
            ("another version", { var d = $0; d[magic - 2] = UInt8(ascii: "0"); return d }),
            ("a flipped bit in the table", { var d = $0; d[d.count * 3 / 4] ^= 0x04; return d }),
        ]
        for (what, spoil) in damage {
            for name in names { try spoil(good[name]!).write(to: URL(fileURLWithPath: cacheFolder + "/" + name)) }
            let reloaded = try RuleCatalog.load(rules: nil, lexicons: Shipped.lexicons, cache: cache)
            for (cached, uncached) in zip(reloaded.ruleSets, plain.ruleSets) { try assertSame(cached, uncached) }
            for name in names {
                XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: cacheFolder + "/" + name)), good[name], "\(what): \(name) rewritten")
            }
        }
        XCTAssertEqual(try entries(), names, "rewritten in place, no leftovers")
    }

    func testAnUnwritableCacheFolderStillWorks() throws {
        let blocked = dir.appendingPathComponent("blocked")
        try Data("x".utf8).write(to: blocked)
        let unwritable = RuleFileCache(folder: blocked.appendingPathComponent("rules").path, version: "test")
        let plain = try RuleCatalog.load(rules: nil, lexicons: Shipped.lexicons)
        for _ in 0..<2 {
            let loaded = try RuleCatalog.load(rules: nil, lexicons: Shipped.lexicons, cache: unwritable)
            XCTAssertEqual(loaded.ruleSets.count, 2)
            for (cached, uncached) in zip(loaded.ruleSets, plain.ruleSets) { try assertSame(cached, uncached) }
        }
        // The cache turned off: nothing is written anywhere.
        _ = try RuleCatalog.load(rules: nil, lexicons: Shipped.lexicons, cache: .off)
        XCTAssertEqual(RuleFileCache.off.matcher(patterns: [Array("不知道".utf8)]).patterns, [Array("不知道".utf8)])
    }

    func testCachedAndUncachedRuleSetsCheckEverySampleIdentically() throws {
        let cache = RuleFileCache(folder: cacheFolder, version: "test")
        let plain = Checker(catalog: try RuleCatalog.load(rules: nil, lexicons: Shipped.lexicons))
        _ = try RuleCatalog.load(rules: nil, lexicons: Shipped.lexicons, cache: cache)
        let warm = Checker(catalog: try RuleCatalog.load(rules: nil, lexicons: Shipped.lexicons, cache: cache))
        XCTAssertFalse(try entries().isEmpty)
        let samples = Shipped.root.appendingPathComponent("samples")
        var checked = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: samples.path).sorted() where name.hasSuffix(".txt") {
            let outcome = TranscriptLoader().load(.file(samples.appendingPathComponent(name).path))
            for call in outcome.calls {
                let a = ResultJSON.compact(plain.check(call)), b = ResultJSON.compact(warm.check(call))
                XCTAssertEqual(String(decoding: a, as: UTF8.self), String(decoding: b, as: UTF8.self), name)
                XCTAssertTrue(String(decoding: a, as: UTF8.self).contains("callqc.result/1"), name)
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 20)
    }

    /// The fuzzy pinyin classes, computed on bytes, are those of ``SoundIndex/fuzzy(_:)``'s strings.
    func testFuzzyClassesAgreeWithTheStringRules() {
        let syllables = SoundTable.shared.syllables
        let (classes, liao) = SoundIndex.fuzzyClasses(syllables)
        var numbers: [String: UInt16] = [:]
        var expected = [UInt16](repeating: 0, count: syllables.count)
        for (i, s) in syllables.enumerated() where i > 0 {
            let key = SoundIndex.fuzzy(s)
            if numbers[key] == nil { numbers[key] = UInt16(numbers.count + 1) }
            expected[i] = numbers[key]!
        }
        XCTAssertEqual(classes, expected)
        XCTAssertEqual(liao, numbers[SoundIndex.fuzzy("liao")] ?? 0)
        XCTAssertNotEqual(liao, 0)
        // Made-up syllables for the edges: ng alone, zh alone, long ones, l to n, liao missing.
        let odd = ["", "ng", "n", "zh", "z", "lang", "nan", "shuang", "suan", "zhuangzhuang", "zuangzhuan", "chi", "ci", "le"]
        let (oddClasses, oddLiao) = SoundIndex.fuzzyClasses(odd)
        XCTAssertEqual(oddLiao, 0, "no syllable reads liao or niao")
        XCTAssertEqual(oddClasses[1], oddClasses[2], "ng and n")
        XCTAssertEqual(oddClasses[3], oddClasses[4], "zh and z")
        XCTAssertEqual(oddClasses[5], oddClasses[6], "lang and nan")
        XCTAssertEqual(oddClasses[7], oddClasses[8], "shuang and suan")
        XCTAssertEqual(oddClasses[9], oddClasses[10], "zhuangzhuang and zuangzhuan (longer than eight bytes)")
        XCTAssertEqual(oddClasses[11], oddClasses[12], "chi and ci")
        XCTAssertNotEqual(oddClasses[13], oddClasses[6], "le is not nan")
        XCTAssertEqual(Set(oddClasses.dropFirst()).count, 7)
    }
}
