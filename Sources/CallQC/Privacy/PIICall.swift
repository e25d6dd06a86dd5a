extension PIIDetector {
    /// The matches of each of a call's turns, in order, found at the level of the call:
    /// besides each turn's own matches,
    /// - a number split across two consecutive turns of the same speaker, or across a short
    ///   interjection of the other side (嗯, 对, 好的): one match in each turn, each with
    ///   ``PIIMatch/otherTurn`` pointing at the other;
    /// - a number at the start of a turn raised by a context word at the end of the turn
    ///   before (坐席: 您的身份证号是多少？ 客户: 110105194912310021).
    /// `speaker` tells who speaks a turn (a label or a role); `text` is what was said.
    public func find(inTurns turns: [(speaker: String, text: String)]) -> [[PIIMatch]] {
        let gates = turns.map { Gate($0.text) }
        var out = zip(turns, gates).map { find(in: $0.0.text, gate: $0.1) }
        if turns.count < 2 { return out }
        var chars: [[Unicode.Scalar]?] = Array(repeating: nil, count: turns.count)
        func scalars(_ k: Int) -> [Unicode.Scalar] {
            if let c = chars[k] { return c }
            let c = Array(turns[k].text.unicodeScalars)
            chars[k] = c
            return c
        }
        // Turns with a digit near their start or end: only they can hold a part.
        let hasDigit = gates.map { $0.longestDigitChain > 0 }
        for k in 0..<turns.count where hasDigit[k] {
            // No digit in the first seven scalars nor in the last four: neither test below can hold, and the
            // turn's scalars are not needed (most turns that hold a digit at all: 工号93号, 2026年11月).
            if gates[k].firstDigit > 6 && gates[k].scalarCount - 1 - gates[k].lastDigit > 3 { continue }
            let c = scalars(k)
            // 1. A context word at the end of the turn before.
            if k > 0, let first = c.firstIndex(where: { PIIDetector.digit($0) != nil }), first <= 6,
               !out[k].contains(where: { $0.span.contains(first) }), gates[k - 1].context {
                let prev = scalars(k - 1).suffix(24).filter { !PIIContext.isTerminator($0) }
                let head = Array(c.prefix(60))
                let joined = Array(prev) + ["："] + head
                let offset = prev.count + 1
                for h in scan(joined, latin: false) where h.first >= offset && h.context != nil {
                    let m = matches([Hit(kind: h.kind, positions: h.positions.map { $0 - offset },
                                          masked: Set(h.masked.map { $0 - offset }), context: h.context, checksumFailed: h.checksumFailed)], head)
                    if let m = m.first, !out[k].contains(where: { $0.span.overlaps(m.span) }) {
                        out[k].append(m)
                        out[k].sort { $0.span.lowerBound < $1.span.lowerBound }
                    }
                }
            }
            // 2. A number split across turns: the end of this turn, the start of the next turn of
            // the same speaker (the next one, or the one after a short interjection), and, when
            // that turn holds digits only, the start of the one after it (138 / 1234 / 5678).
            guard let last = c.lastIndex(where: { PIIDetector.digit($0) != nil }), c.count - 1 - last <= 3,
                  c[(last + 1)...].allSatisfy(PIIDetector.isTrailingFiller),
                  !out[k].contains(where: { $0.span.contains(last) && !PIIDetector.mayGrow($0, endingAt: last) }) else { continue }
            var parts: [(turn: Int, range: Range<Int>)] = [(k, max(0, last - 40)..<(last + 1))]
            var cur = k
            while parts.count < 3 {
                guard let j = nextTurn(after: cur, turns, hasDigit), hasDigit[j] else { break }
                let d = scalars(j)
                guard let first = d.firstIndex(where: { PIIDetector.digit($0) != nil }), first <= 6,
                      !d[..<first].contains(where: { PIIDetector.alnum($0) }),
                      !out[j].contains(where: { $0.span.contains(first) }) else { break }
                let digitsOnly = d[first...].allSatisfy { PIIDetector.digit($0) != nil || PIIDetector.isTrailingFiller($0) } && d.count - first <= 24
                parts.append((j, first..<(digitsOnly ? d.count : min(d.count, first + 40))))
                if !digitsOnly { break }
                cur = j
            }
            if parts.count < 2 { continue }
            var joined: [Unicode.Scalar] = []
            var starts: [Int] = []
            for (n, p) in parts.enumerated() {
                if n > 0 { joined.append(" ") }
                starts.append(joined.count)
                joined += scalars(p.turn)[p.range]
            }
            func part(_ q: Int) -> Int { starts.lastIndex { $0 <= q }! }
            for h in scan(joined, latin: !PIIDetector.hasHan(joined)) where part(h.first) != part(h.last) {
                let involved = Array(Set(h.positions.map(part))).sorted()
                var pieces: [(Int, PIIMatch)] = []
                for n in involved {
                    let p = parts[n]
                    let pos = h.positions.filter { part($0) == n }.map { $0 - starts[n] + p.range.lowerBound }
                    let mask = Set(h.masked.filter { part($0) == n }.map { $0 - starts[n] + p.range.lowerBound })
                    guard !pos.isEmpty, !out[p.turn].contains(where: { ($0.span.contains(pos.first!) || $0.span.contains(pos.last!)) && !(n == 0 && PIIDetector.mayGrow($0, endingAt: pos.last!)) }) else { pieces = []; break }
                    pieces.append((p.turn, matches([Hit(kind: h.kind, positions: pos, masked: mask, context: h.context, checksumFailed: h.checksumFailed)], scalars(p.turn))[0]))
                }
                guard pieces.count >= 2 else { continue }
                // Each part points at the turn where the number ends; that one at the turn where it starts.
                let firstTurn = pieces.first!.0, lastTurn = pieces.last!.0
                // A number raised by its context in the first turn grows into the rest.
                out[firstTurn].removeAll { $0.otherTurn == nil && $0.span.overlaps(pieces[0].1.span) }
                for (t, var m) in pieces {
                    m.otherTurn = t == lastTurn ? firstTurn : lastTurn
                    out[t].append(m)
                    out[t].sort { $0.span.lowerBound < $1.span.lowerBound }
                }
            }
        }
        return out
    }

    /// The next turn of the same speaker: the next turn, or the one after a short interjection
    /// of the other side (嗯, 对, 好的: at most six characters, no digit).
    func nextTurn(after k: Int, _ turns: [(speaker: String, text: String)], _ hasDigit: [Bool]) -> Int? {
        let j = k + 1
        guard j < turns.count else { return nil }
        if turns[j].speaker == turns[k].speaker { return j }
        guard !hasDigit[j], turns[j].text.trimmed().unicodeScalars.count <= 6, j + 1 < turns.count,
              turns[j + 1].speaker == turns[k].speaker else { return nil }
        return j + 1
    }

    /// What may follow the digits at the end of a turn that goes on in the next: separators,
    /// punctuation, particles (吧, 呢, 啊, 嗯…).
    static func isTrailingFiller(_ c: Unicode.Scalar) -> Bool {
        isSeparator(c.value) || PIIContext.isTerminator(c) || "，。,.吧呢啊哦呀嗯…~".unicodeScalars.contains(c)
    }

    /// A match at the end of a turn that the next turn may continue: one raised by its context
    /// (no checksum said it was whole), ending at the turn's last digit.
    static func mayGrow(_ m: PIIMatch, endingAt last: Int) -> Bool {
        m.context != nil && m.otherTurn == nil && m.span.upperBound == last + 1
    }

    static func hasHan(_ s: [Unicode.Scalar]) -> Bool { s.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF } }

    /// The turns' texts masked, each with what the call holds (see ``find(inTurns:)``).
    public func redact(turns: [(speaker: String, text: String)]) -> [String] {
        zip(find(inTurns: turns), turns).map { PIIDetector.apply($0.0, to: $0.1.text) }
    }

    // MARK: word timings

    /// Word-level texts masked consistently with their turn: a word is masked where it lies
    /// under a mask of the turn's text (`turnMatches`, the turn's matches), and where the words
    /// read together (space-joined) hold personal data. A word that cannot be placed in the
    /// turn's text keeps no digit when the turn had anything masked.
    public func maskWords(_ words: [String], turnText: String, turnMatches: [PIIMatch]) -> [String] {
        var out = words.map { Array($0.unicodeScalars) }
        // 1. The words read together.
        var joined: [Unicode.Scalar] = []
        var owner: [(Int, Int)] = []          // (word, offset) of each joined scalar; (-1, 0) for the spaces
        for (k, w) in out.enumerated() {
            if !joined.isEmpty { joined.append(" "); owner.append((-1, 0)) }
            for (o, c) in w.enumerated() { joined.append(c); owner.append((k, o)) }
        }
        let joinedText = String(String.UnicodeScalarView(joined))
        if Gate(joinedText).mayHold {
            for h in scan(joined, latin: !PIIDetector.hasHan(joined)) {
                for p in h.masked where owner[p].0 >= 0 {
                    let (k, o) = owner[p]
                    out[k][o] = PIIDetector.mask(out[k][o])
                }
            }
        }
        // 2. The turn's masks, by placing each word in the turn's text.
        var masked = Set<Int>()
        for m in turnMatches {
            let orig = Array(m.text.unicodeScalars), mk = Array(m.masked.unicodeScalars)
            for (o, p) in m.span.enumerated() where o < orig.count && o < mk.count && orig[o] != mk[o] { masked.insert(p) }
        }
        if masked.isEmpty { return out.map { String(String.UnicodeScalarView($0)) } }
        let text = Array(turnText.unicodeScalars)
        var cursor = 0
        for k in out.indices {
            let w = Array(words[k].unicodeScalars)
            guard let lo = w.firstIndex(where: { $0 != " " }) else { continue }
            let hi = w.lastIndex(where: { $0 != " " })! + 1
            let core = Array(w[lo..<hi])
            var found: Int?
            var p = cursor
            let limit = min(text.count - core.count, cursor + 64 + core.count)
            while p <= limit {
                if text[p] == core[0], Array(text[p..<(p + core.count)]) == core { found = p; break }
                p += 1
            }
            if let at = found {
                for o in 0..<core.count where masked.contains(at + o) { out[k][lo + o] = PIIDetector.mask(out[k][lo + o]) }
                cursor = at + core.count
            } else {
                for o in out[k].indices where PIIDetector.digit(out[k][o]) != nil { out[k][o] = "*" }
            }
        }
        return out.map { String(String.UnicodeScalarView($0)) }
    }
}
