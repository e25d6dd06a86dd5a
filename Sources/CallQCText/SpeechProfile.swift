/// What a piece of speech is made of: countable characters, words and scripts,
/// and from those a guess at its language.
public struct SpeechProfile: Sendable, Hashable {
    /// Han characters.
    public var han = 0
    /// Han characters that are Traditional forms (changed by Traditional→Simplified).
    public var traditionalHan = 0
    /// Letters of the Latin script.
    public var latinLetters = 0
    /// Letters of other scripts (kana, Hangul, Cyrillic…), not Han.
    public var otherLetters = 0
    /// Decimal digits.
    public var digits = 0
    /// Words by ICU word break, counted only for text with Latin letters.
    public var words = 0
    /// English function words seen among the words ("the", "you", "and"…).
    public var englishWords = 0

    public init() {}

    /// Countable characters: Han characters, letters and digits; never punctuation or spaces.
    public var countableCharacters: Int { han + latinLetters + otherLetters + digits }

    /// Adds another profile (a call's profile is the sum of its turns').
    public static func + (a: SpeechProfile, b: SpeechProfile) -> SpeechProfile {
        var r = a
        r.han += b.han; r.traditionalHan += b.traditionalHan
        r.latinLetters += b.latinLetters; r.otherLetters += b.otherLetters
        r.digits += b.digits; r.words += b.words; r.englishWords += b.englishWords
        return r
    }

    /// The language and script this speech most likely is.
    public var guess: LanguageGuess {
        if han == 0 && latinLetters == 0 && otherLetters == 0 { return .unknown }
        // A Han character carries about as much as a Latin word.
        if han > 0 && han >= words {
            // Traditional text changes under T→S in roughly a fifth of its characters;
            // Simplified text hardly ever (a few shared variant forms).
            let hant = traditionalHan >= 2 && traditionalHan * 20 >= han
            return hant ? .chineseTraditional : .chineseSimplified
        }
        if latinLetters > otherLetters {
            return englishWords * 4 >= words || words < 4 ? .english : .latinOther
        }
        return .unknown
    }
}

/// A guess at the language and script of speech.
public enum LanguageGuess: String, Sendable, Hashable, CaseIterable {
    case chineseSimplified = "zh-Hans"
    case chineseTraditional = "zh-Hant"
    case english = "en"
    case latinOther = "und-Latn"
    case unknown = "und"

    /// The language code alone: `zh`, `en` or `und`.
    public var language: String {
        switch self {
        case .chineseSimplified, .chineseTraditional: return "zh"
        case .english: return "en"
        case .latinOther, .unknown: return "und"
        }
    }

    /// The ISO 15924 script, where known.
    public var script: String? {
        switch self {
        case .chineseSimplified: return "Hans"
        case .chineseTraditional: return "Hant"
        case .english, .latinOther: return "Latn"
        case .unknown: return nil
        }
    }

    /// Whether speed is measured in words (Latin script) rather than characters.
    public var countsWords: Bool { self == .english || self == .latinOther }
}

/// Counts speech: countable characters with a fast path over UTF-8, and words
/// with ICU's word break where the text has Latin letters.
public struct SpeechCounter: Sendable {
    public let table: FoldTable

    public init(table: FoldTable = .shared) { self.table = table }

    /// The profile of one text.
    public func profile(_ text: String) -> SpeechProfile {
        var p = SpeechProfile()
        let letter = UInt16(CharacterClass.letter.rawValue)
        let digit = UInt16(CharacterClass.digit.rawValue)
        let han = UInt16(CharacterClass.ideographic.rawValue)
        let latin = UInt16(CharacterClass.latin.rawValue)
        var text = text
        text.withUTF8 { utf8 in
            var i = 0
            // Scalars decoded by hand: the scalar view's iterator costs several times more.
            while i < utf8.count {
                let (v, length) = TextFolder.decode(utf8, at: i)
                i += length
                if v < 0x80 {
                    switch v {
                    case 0x30...0x39: p.digits += 1
                    case 0x41...0x5A, 0x61...0x7A: p.latinLetters += 1
                    default: break
                    }
                    continue
                }
                let bits = table.classBits(v)
                if bits & han != 0 {
                    p.han += 1
                    if bits & FoldTable.traditionalBit != 0 { p.traditionalHan += 1 }
                } else if bits & letter != 0 {
                    if bits & latin != 0 { p.latinLetters += 1 } else { p.otherLetters += 1 }
                } else if bits & digit != 0 {
                    p.digits += 1
                }
            }
        }
        // Words matter for Latin-script speech; ICU's word break on Chinese text runs its
        // dictionary and costs more than all the rest of a check.
        if p.latinLetters > 0 && p.latinLetters >= p.han {
            p.words = ICU.wordCount(text)
            p.englishWords = SpeechCounter.englishFunctionWords(text)
        }
        return p
    }

    /// Common English words; their share tells English from other Latin-script languages.
    static let englishMarkers: Set<String> = [
        "the", "and", "you", "your", "to", "is", "i", "of", "for", "my", "it", "that",
        "this", "can", "have", "with", "on", "in", "please", "thank", "thanks", "what", "we",
        "me", "be", "are", "was", "not", "do", "hi", "hello", "yes", "no", "okay", "ok", "sure",
        "how", "help", "will", "would", "there", "here", "just", "so", "but", "if", "at",
        "i'm", "it's", "don't", "that's", "let", "sorry", "call", "calling",
    ]

    static func englishFunctionWords(_ text: String) -> Int {
        var count = 0
        var word: [UInt8] = []
        func flush() {
            if !word.isEmpty, englishMarkers.contains(String(decoding: word, as: UTF8.self)) { count += 1 }
            word.removeAll(keepingCapacity: true)
        }
        for b in text.utf8 {
            switch b {
            case 0x41...0x5A: word.append(b | 0x20)
            case 0x61...0x7A, 0x27: word.append(b)
            default: flush()
            }
        }
        flush()
        return count
    }
}
