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
        var out = turns.map { find(in: $0.text) }
        if turns.count < 2 { return out }
        var chars: [[Unicode.Scalar]?] = Array(repeating: nil, count: turns.count)
        func scalars(_ k: Int) -> [Unicode.Scalar] {
            if let c = chars[k] { return c }
            let c = Array(turns[k].text.unicodeScalars)
            chars[k] = c
            return c
        }
        // Turns with a digit near their start or end: only they can hold a part.
        let hasDigit = turns.map { t in t.text.unicodeScalars.contains { PIIDetector.digit($0) != nil } }
        for k in 0..<turns.count where hasDigit[k] {
            let c = scalars(k)
            // 1. A context word at the end of the turn before.
            if k > 0, let first = c.firstIndex(where: { PIIDetector.digit($0) != nil }), first <= 6,
               !out[k].contains(where: { $0.span.contains(first) }) {
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
            // 2. A number split across turns: the end of this turn and the start of the next turn
            // of the same speaker (the next one, or the one after a short interjection).
            guard let last = c.lastIndex(where: { PIIDetector.digit($0) != nil }), c.count - 1 - last <= 3,
                  c[(last + 1)...].allSatisfy({ PIIDetector.isSeparator($0.value) || PIIContext.isTerminator($0) || "，。,.吧呢啊哦呀嗯…~".unicodeScalars.contains($0) }),
                  !out[k].contains(where: { $0.span.contains(last) }) else { continue }
            var j = k + 1
            if j < turns.count, turns[j].speaker != turns[k].speaker {
                let t = turns[j].text.trimmed()
                guard !hasDigit[j], t.unicodeScalars.count <= 6, j + 1 < turns.count, turns[j + 1].speaker == turns[k].speaker else { continue }
                j += 1
            }
            guard j < turns.count, hasDigit[j] else { continue }
            let d = scalars(j)
            guard let first = d.firstIndex(where: { PIIDetector.digit($0) != nil }), first <= 6,
                  !d[..<first].contains(where: { PIIDetector.alnum($0) }),
                  !out[j].contains(where: { $0.span.contains(first) }) else { continue }
            let from = max(0, last - 40)
            let a = Array(c[from...last])
            let b = Array(d[first..<min(d.count, first + 40)])
            let joined = a + [" "] + b
            let split = a.count
            for h in scan(joined, latin: !PIIDetector.hasHan(joined)) where h.first < split && h.last > split {
                let inA = h.positions.filter { $0 < split }.map { $0 + from }
                let inB = h.positions.filter { $0 > split }.map { $0 - split - 1 + first }
                guard !inA.isEmpty, !inB.isEmpty,
                      !out[k].contains(where: { $0.span.contains(inA.first!) || $0.span.contains(inA.last!) }),
                      !out[j].contains(where: { $0.span.contains(inB.first!) || $0.span.contains(inB.last!) }) else { continue }
                let maskA = Set(h.masked.filter { $0 < split }.map { $0 + from })
                let maskB = Set(h.masked.filter { $0 > split }.map { $0 - split - 1 + first })
                var ma = matches([Hit(kind: h.kind, positions: inA, masked: maskA, context: h.context, checksumFailed: h.checksumFailed)], c)[0]
                var mb = matches([Hit(kind: h.kind, positions: inB, masked: maskB, context: h.context, checksumFailed: h.checksumFailed)], d)[0]
                ma.otherTurn = j
                mb.otherTurn = k
                out[k].append(ma)
                out[j].append(mb)
                out[k].sort { $0.span.lowerBound < $1.span.lowerBound }
                out[j].sort { $0.span.lowerBound < $1.span.lowerBound }
            }
        }
        return out
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
