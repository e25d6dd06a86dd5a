import CallQCText

/// Digits said as English words (five five five one two…).
extension PIIDetector {
    // MARK: English digit words

    static let digitWords: [String: Int] = [
        "zero": 0, "oh": 0, "o": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
        "six": 6, "seven": 7, "eight": 8, "nine": 9,
    ]

    /// Whether a word of the text (a run of ASCII letters) is a digit word, in any case.
    static func hasDigitWord(_ chars: [Unicode.Scalar]) -> Bool {
        var packed: UInt64 = 0, letters = 0
        for c in chars {
            if isASCIILetter(c) {
                if letters < 6 { packed = packed << 8 | UInt64(c.value | 0x20) }
                letters += 1
                continue
            }
            if letters > 0 && letters <= 5 && Gate.isDigitWord(packed) { return true }
            packed = 0
            letters = 0
        }
        return letters > 0 && letters <= 5 && Gate.isDigitWord(packed)
    }

    /// "five five five one two three four five six seven": digits said as words.
    func wordRuns(_ chars: [Unicode.Scalar]) -> [Hit] {
        // Nothing to find without a digit word: decided without making a String of every word.
        guard PIIDetector.hasDigitWord(chars) else { return [] }
        // Words with their ranges.
        var words: [(String, Range<Int>)] = []
        var i = 0
        var sawWord = false
        while i < chars.count {
            if PIIDetector.isASCIILetter(chars[i]) {
                var j = i
                while j < chars.count, PIIDetector.isASCIILetter(chars[j]) { j += 1 }
                let w = String(String.UnicodeScalarView(chars[i..<j])).lowercased()
                if PIIDetector.digitWords[w] != nil { sawWord = true }
                words.append((w, i..<j))
                i = j
            } else if PIIDetector.isASCIIDigit(chars[i]) {
                words.append((String(chars[i]), i..<(i + 1)))
                i += 1
            } else {
                i += 1
            }
        }
        if !sawWord { return [] }
        var out: [Hit] = []
        var k = 0
        while k < words.count {
            var run: [(Int, Range<Int>)] = []
            var m = k
            while m < words.count, let v = PIIDetector.digitWords[words[m].0] ?? Int(words[m].0) {
                // Only spaces, commas or hyphens between the words.
                if let last = run.last, !chars[last.1.upperBound..<words[m].1.lowerBound].allSatisfy({ $0 == " " || $0 == "," || $0 == "-" }) { break }
                run.append((v, words[m].1))
                m += 1
            }
            let wordCount = run.filter { $0.1.count > 1 }.count
            if run.count >= 7, wordCount >= 3, let (kind, head, tail) = PIIDetector.classify(run.map(\.0)) {
                let positions = Array(run.first!.1.lowerBound..<run.last!.1.upperBound)
                var masked = Set<Int>()
                for (idx, w) in run.enumerated() where idx >= head && idx < run.count - tail { masked.formUnion(w.1) }
                let context = PIIContext.before(chars, positions[0])
                if !PIIContext.lowers(context, after: PIIContext.after(chars, positions.last!), kind: kind, groups: [], chars: chars) {
                    out.append(Hit(kind: kind, positions: positions, masked: masked))
                }
                k = m
            } else {
                k = max(m, k + 1)
            }
        }
        return out
    }
}
