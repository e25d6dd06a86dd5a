import CallQCText

extension PIIDetector {
    /// What one pass over a text tells: whether it may hold an e-mail address (written or
    /// spoken), a context word (身份证, 卡号, 账号, 密码, QQ, 扣扣, 微信…), Han characters, and
    /// upper bounds of the longest digit run and digit-word run the detectors could find.
    /// Every kind of number without a context word needs ten digits at least (a 10-digit
    /// landline or NANP phone), so a text without a chain of ten, an '@' or a context word is
    /// skipped. The bounds are loose on purpose (any digits, at most two separators between
    /// them; digit words and digits with only spaces, commas or hyphens between them, three
    /// words among them at least): a text the detectors would match always passes.
    struct Gate {
        var at = false
        var longestDigitChain = 0
        var longestWordChain = 0
        /// "at" and "dot", or 艾特 and 点, "dot" or ".": a spoken e-mail address may be there.
        var spoken = false
        /// A character or word of a context that raises a number (证 卡 账 帐 密 扣 微, qq, password…).
        var context = false
        var han = false

        /// 微 (微信), 密 (密码), wechat, password: an id or a password of letters may follow.
        var tokenContext = false
        /// The longest run of ASCII letters, digits, '_' and '-'.
        var longestTokenRun = 0
        /// Scalars in the text, and where its first and last digit are (scalar offsets; -1 without a digit):
        /// only a turn with a digit near its start or end can hold part of a number said across turns.
        var scalarCount = 0
        var firstDigit = -1
        var lastDigit = -1

        /// Whether the detectors may find anything: ten digits, an '@', a spoken address, or a
        /// context word with four digits (a QQ number, a password) or a token of letters and digits.
        var mayHold: Bool {
            at || spoken || longestDigitChain >= 10 || longestWordChain >= 10
                || (context && longestDigitChain >= 4) || (tokenContext && longestTokenRun >= 4)
        }

        init(_ text: String) {
            var text = text
            self = text.withUTF8 { Gate(utf8: $0) }
        }

        /// One pass over valid UTF-8, decoding scalars by hand (the scalar view's iterator
        /// costs several times more per character).
        init(utf8 p: UnsafeBufferPointer<UInt8>) {
            var digitChain = 0, gap = 0, gapAllSeparators = true, gapMarks = 0
            var wordChain = 0, wordGapOK = true
            var packed: UInt64 = 0, letters = 0
            var longestDigitChain = 0, longestWordChain = 0, at = false
            var wordsInChain = 0
            var atWord = false, dotWord = false, aiTe = false, dian = false, period = false, context = false, han = false, tokenContext = false, tokenRun = 0, longestTokenRun = 0
            var count = 0, firstDigit = -1, lastDigit = -1
            // A token that can be a digit: a digit word (`isWord`) or an ASCII digit. Digits said
            // as words need three words at least in the run (``wordRuns(_:)``): a run of bare
            // digits is ``digitRuns(_:)``'s.
            @inline(__always) func endToken(_ isDigitToken: Bool, isWord: Bool) {
                if isDigitToken {
                    if wordGapOK && wordChain > 0 { wordChain += 1 } else { wordChain = 1; wordsInChain = 0 }
                    if isWord { wordsInChain += 1 }
                    if wordsInChain >= 3 { longestWordChain = max(longestWordChain, wordChain) }
                } else {
                    wordChain = 0
                    wordsInChain = 0
                }
                wordGapOK = true
            }
            @inline(__always) func endLetters() {
                let word = letters <= 5 && Gate.isDigitWord(packed)
                endToken(word, isWord: word)
                if letters == 2 && packed == 0x6174 { atWord = true }               // at
                else if letters == 3 && packed == 0x646F74 { dotWord = true }       // dot
                else if letters == 2 && packed == 0x7171 { context = true }         // qq
                else if letters >= 6 && letters <= 8 && Gate.contextWords.contains(packed) {
                    context = true
                    if packed != Gate.accountCode { tokenContext = true }
                }
                packed = 0; letters = 0
            }
            // A digit (ASCII, full-width or a numeral) at `position`: the chain goes on when only a few
            // separators stand between it and the last digit.
            @inline(__always) func sawDigit(at position: Int) {
                if firstDigit < 0 { firstDigit = position }
                lastDigit = position
                digitChain = gap == 0 || (gapAllSeparators && (gap <= 2 || (gap == 3 && gapMarks <= 1))) ? digitChain + 1 : 1
                longestDigitChain = max(longestDigitChain, digitChain)
                gap = 0
                gapAllSeparators = true
                gapMarks = 0
            }
            var i = 0
            let n = p.count
            while i < n {
                let (v, length) = UTF8Scalar.decode(p, at: i)
                i += length
                let position = count
                count += 1
                // A Han character, most of a Chinese text: the same steps as below, with what cannot apply to
                // it left out (it is no letter, separator, '@' or '.'), and the numeral test made once.
                if v >= 0x4E00 && v <= 0x9FFF {
                    let numeral = Gate.isNumeral(v)
                    if numeral {
                        tokenRun += 1
                        if tokenRun > longestTokenRun { longestTokenRun = tokenRun }
                    } else {
                        tokenRun = 0
                    }
                    if letters > 0 { endLetters() }
                    if numeral {
                        sawDigit(at: position)
                        wordChain = 0; wordsInChain = 0
                        continue
                    }
                    gap += 1
                    gapAllSeparators = false
                    gapMarks += 1
                    han = true
                    switch v {
                    case 0x8BC1, 0x8B49, 0x5361, 0x8D26, 0x8CEC, 0x5E10, 0x6263, 0x533A, 0x5340: context = true   // 证 證 卡 账 賬 帐 扣 区 區
                    case 0x5BC6, 0x5FAE: context = true; tokenContext = true       // 密 微
                    case 0x827E: aiTe = true                                                    // 艾(特)
                    case 0x70B9: dian = true                                                    // 点
                    default: break
                    }
                    wordGapOK = false
                    continue
                }
                let numeral = v >= 0x3007 && Gate.isNumeral(v)
                // Runs of letters, digits (numerals too), '_', '-' and a password's symbols: a WeChat id or a password.
                if (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39) || v == 0x5F || v == 0x2D
                    || v == 0x40 || v == 0x23 || v == 0x24 || v == 0x25 || v == 0x26 || v == 0x2A || v == 0x21 || v == 0x2E || v == 0x2B || v == 0x3D
                    || numeral {
                    tokenRun += 1
                    if tokenRun > longestTokenRun { longestTokenRun = tokenRun }
                } else {
                    tokenRun = 0
                }
                if (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) {
                    if letters < 8 { packed = packed << 8 | UInt64(v | 0x20) }
                    letters += 1
                    gap += 1
                    gapAllSeparators = false
                    continue
                }
                if letters > 0 { endLetters() }
                if (v >= 0x30 && v <= 0x39) || numeral {
                    sawDigit(at: position)
                    if v < 0x80 { endToken(true, isWord: false) } else { wordChain = 0; wordsInChain = 0 }
                    continue
                }
                gap += 1
                // The separators of ``PIIDetector/isSeparator(_:)``.
                if !PIIDetector.isSeparator(v) { gapAllSeparators = false }
                if v != 0x20 && v != 0x3000 && v != 0xA0 { gapMarks += 1 }
                if v == 0x40 || v == 0xFF20 { at = true }
                if v == 0x2E || v == 0xFF0E { period = true }
                // (Han characters, U+4E00–U+9FFF, took the short path above.)
                if v != 0x20 && v != 0x2C && v != 0x2D { wordGapOK = false }
            }
            if letters > 0 { endLetters() }
            self.at = at
            self.longestDigitChain = longestDigitChain
            self.longestWordChain = longestWordChain
            self.spoken = (atWord && dotWord) || (aiTe && (dian || dotWord || period))
            self.context = context
            self.han = han
            self.tokenContext = tokenContext
            self.longestTokenRun = longestTokenRun
            self.scalarCount = count
            self.firstDigit = firstDigit
            self.lastDigit = lastDigit
        }

        /// Whether a scalar from U+3007 up is a digit of ``PIIDetector/digit(_:)`` (a Chinese numeral or a
        /// full-width digit). A filter of 256 bits on the low byte comes first, which seven Han characters in
        /// eight fail, then the exact test (FastPathTests holds the filter to every numeral).
        @inline(__always) static func isNumeral(_ v: UInt32) -> Bool {
            let low = v & 0xFF
            let word: UInt64
            switch low >> 6 {
            case 0: word = 0x1_0010_43ff_2289
            case 1: word = 0x400_2800_2000_1040
            case 2: word = 0x50_1040
            default: word = 0x240_0000_0804_0002
            }
            guard word & (1 << UInt64(low & 63)) != 0 else { return false }
            return PIIDetector.digit(Unicode.Scalar(v) ?? " ") != nil
        }

        /// `zero`, `oh`, `o`, `one` … `nine`, lower case, packed one letter a byte.
        static func isDigitWord(_ packed: UInt64) -> Bool { digitWordCodes.contains(packed) }

        static let digitWordCodes: [UInt64] = PIIDetector.digitWords.keys.map(pack)

        /// password, passcode, account, wechat (six to eight letters, packed).
        static let contextWords: [UInt64] = ["password", "passcode", "account", "wechat"].map(pack)

        static let accountCode = pack("account")

        static func pack(_ word: String) -> UInt64 { word.utf8.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
    }
}
