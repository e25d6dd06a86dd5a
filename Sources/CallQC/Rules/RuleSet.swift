import CallQCText

/// A rule set: rules, their phrases compiled into one automaton, and the
/// scoring scheme. Loaded from a folder under `lexicons/` (see docs/rules.md).
public struct RuleSet: Sendable {
    public var name: String
    public var version: String
    /// The language the rule set is for (`zh`, `en`).
    public var language: String
    public var description: String?
    public var rules: [Rule]
    public var scoring: ScoringScheme
    /// Where it was loaded from.
    public var path: String

    /// All phrases of all rules: one automaton over folded UTF-8 bytes.
    let matcher: PhraseMatcher
    /// For each pattern of the automaton, the phrases it stands for.
    let owners: [[PhraseOwner]]
    /// Each phrase list of each rule, numbered: hits are kept per number, not per (rule, name).
    let listNumbers: [PhraseOwner.List: Int]
    /// The same, by rule: each rule's lists' names and numbers (what a check looks up on every call).
    let listsByRule: [[(name: String, number: Int)]]
    /// The phrases that also match by sound (recognisers' homophones); nil when none do.
    let sound: SoundIndex?

    init(name: String, version: String, language: String, description: String?, rules: [Rule], scoring: ScoringScheme, path: String,
         soundMatching: Bool = true, cache: RuleFileCache = .off) {
        self.name = name
        self.version = version
        self.language = language
        self.description = description
        self.rules = rules
        self.scoring = scoring
        self.path = path
        let lists = rules.map { $0.check.phraseLists }
        let phraseCount = lists.reduce(0) { $0 + $1.reduce(0) { $0 + $1.phrases.count } }
        var patternIndex: [FoldedKey: Int] = Dictionary(minimumCapacity: phraseCount)
        var patterns: [[UInt8]] = []
        var owners: [[PhraseOwner]] = []
        patterns.reserveCapacity(phraseCount)
        owners.reserveCapacity(phraseCount)
        var soundPhrases: [(owner: PhraseOwner, folded: [UInt8])] = []
        var listNumbers: [PhraseOwner.List: Int] = Dictionary(minimumCapacity: lists.reduce(0) { $0 + $1.count })
        func number(_ list: PhraseOwner.List) -> Int {
            if let n = listNumbers[list] { return n }
            listNumbers[list] = listNumbers.count
            return listNumbers.count - 1
        }
        for (r, rule) in rules.enumerated() {
            // A list is numbered when its first phrase is met (an empty list never is).
            if let c = rule.check as? ForbiddenPhraseCheck, c.sound {
                for (name, phrases) in c.phraseLists where !phrases.isEmpty {
                    let list = number(.init(rule: r, name: name))
                    for (p, phrase) in phrases.enumerated() { soundPhrases.append((PhraseOwner(list: list, phrase: p), phrase.folded)) }
                }
            }
            for (name, phrases) in lists[r] where !phrases.isEmpty {
                let list = number(.init(rule: r, name: name))
                for (p, phrase) in phrases.enumerated() {
                    let owner = PhraseOwner(list: list, phrase: p, latinStart: phrase.latinStart, latinEnd: phrase.latinEnd)
                    let key = FoldedKey(phrase.folded)
                    if let existing = patternIndex[key] {
                        owners[existing].append(owner)
                    } else {
                        patternIndex[key] = patterns.count
                        patterns.append(phrase.folded)
                        owners.append([owner])
                    }
                }
            }
        }
        self.needsPersonalData = rules.contains { $0.check.allChecks.contains { $0 is PIICheck } }
        self.headers = Dictionary(rules.map { ($0.header.id, $0.header) }, uniquingKeysWith: { a, _ in a })
        self.matcher = cache.matcher(patterns: patterns)
        self.owners = owners
        self.listNumbers = listNumbers
        var byRule = [[(name: String, number: Int)]](repeating: [], count: rules.count)
        for (list, number) in listNumbers.sorted(by: { $0.value < $1.value }) where list.rule < rules.count { byRule[list.rule].append((list.name, number)) }
        self.listsByRule = byRule
        self.sound = soundPhrases.isEmpty || !soundMatching ? nil : SoundIndex(phrases: soundPhrases, cache: cache)
    }

    /// Whether a rule (or a condition of one) looks for personal data: the call is searched once for all.
    let needsPersonalData: Bool

    /// Rule headers by id.
    public let headers: [String: RuleHeader]

    /// Every phrase of the rule set, folded, once each, in rule order: what the automaton looks for.
    public var foldedPhrases: [String] { matcher.patterns.map { String(decoding: $0, as: UTF8.self) } }

    /// Number of states of the compiled automaton.
    public var automatonStates: Int { matcher.stateCount }
}
