/// A phrase found in folded text: which pattern, and its byte range in the folded bytes.
public struct PhraseMatch: Sendable, Hashable {
    public let pattern: Int
    public let start: Int
    public let end: Int

    public init(pattern: Int, start: Int, end: Int) {
        self.pattern = pattern
        self.start = start
        self.end = end
    }
}

/// Every phrase of a rule set compiled into one Aho-Corasick automaton over
/// folded UTF-8 bytes, as a full transition table over byte classes: one table
/// lookup per byte of text, whatever the number of phrases. It reports every
/// occurrence of every pattern, overlapping ones included.
public struct PhraseMatcher: Sendable {
    /// The patterns, as given (folded UTF-8 bytes).
    public let patterns: [[UInt8]]
    /// Byte → class; bytes that occur in no pattern share class 0.
    let byteClass: [UInt16]
    let classCount: Int
    /// `next[state * classCount + class]`.
    let next: [Int32]
    /// Per state: the range of `outputs` holding the patterns that end there.
    let outputStart: [Int32]
    let outputs: [Int32]

    public var stateCount: Int { outputStart.count - 1 }

    /// The tables as they are, for ``init(binaryForm:patterns:)``.
    init(patterns: [[UInt8]], byteClass: [UInt16], classCount: Int, next: [Int32], outputStart: [Int32], outputs: [Int32]) {
        self.patterns = patterns
        self.byteClass = byteClass
        self.classCount = classCount
        self.next = next
        self.outputStart = outputStart
        self.outputs = outputs
    }

    /// Compiles the patterns. Empty patterns never match.
    public init(patterns: [[UInt8]]) {
        var byteClass = [UInt16](repeating: 0, count: 256)
        var classes = 1
        for p in patterns { for b in p where byteClass[Int(b)] == 0 { byteClass[Int(b)] = UInt16(classes); classes += 1 } }

        // The trie.
        var children: [[(UInt16, Int32)]] = [[]]
        var terminal: [[Int32]] = [[]]
        for (id, p) in patterns.enumerated() where !p.isEmpty {
            var state = 0
            for b in p {
                let c = byteClass[Int(b)]
                if let child = children[state].first(where: { $0.0 == c })?.1 {
                    state = Int(child)
                } else {
                    children.append([])
                    terminal.append([])
                    children[state].append((c, Int32(children.count - 1)))
                    state = children.count - 1
                }
            }
            terminal[state].append(Int32(id))
        }

        // Failure links breadth-first, filling the full transition table.
        let n = children.count
        var next = [Int32](repeating: 0, count: n * classes)
        var fail = [Int32](repeating: 0, count: n)
        var order: [Int] = []
        order.reserveCapacity(n)
        for (c, child) in children[0] {
            next[Int(c)] = child
            order.append(Int(child))
        }
        var head = 0
        while head < order.count {
            let s = order[head]
            head += 1
            let f = Int(fail[s])
            for c in 0..<classes { next[s * classes + c] = next[f * classes + c] }
            for (c, child) in children[s] {
                fail[Int(child)] = next[f * classes + Int(c)]
                next[s * classes + Int(c)] = child
                order.append(Int(child))
            }
        }
        // Outputs: a state's own patterns, then those of its failure chain (already merged, breadth-first).
        var merged = [[Int32]](repeating: [], count: n)
        merged[0] = terminal[0]
        for s in order { merged[s] = terminal[s] + merged[Int(fail[s])] }
        var outputStart = [Int32](repeating: 0, count: n + 1)
        var outputs: [Int32] = []
        for s in 0..<n {
            outputStart[s] = Int32(outputs.count)
            outputs.append(contentsOf: merged[s])
        }
        outputStart[n] = Int32(outputs.count)

        self.patterns = patterns
        self.byteClass = byteClass
        self.classCount = classes
        self.next = next
        self.outputStart = outputStart
        self.outputs = outputs
    }

    /// Every occurrence of every pattern in `bytes`, ordered by end position.
    public func matches(in bytes: [UInt8]) -> [PhraseMatch] {
        var found: [PhraseMatch] = []
        bytes.withUnsafeBufferPointer { buffer in
            next.withUnsafeBufferPointer { table in
                byteClass.withUnsafeBufferPointer { classOf in
                    var state = 0
                    for i in 0..<buffer.count {
                        state = Int(table[state * classCount + Int(classOf[Int(buffer[i])])])
                        let lo = Int(outputStart[state]), hi = Int(outputStart[state + 1])
                        if lo == hi { continue }
                        for k in lo..<hi {
                            let p = Int(outputs[k])
                            found.append(PhraseMatch(pattern: p, start: i + 1 - patterns[p].count, end: i + 1))
                        }
                    }
                }
            }
        }
        return found
    }

    /// How many times any pattern occurs (no positions kept); for counting and benchmarks.
    public func countMatches(in bytes: [UInt8]) -> Int {
        var count = 0
        bytes.withUnsafeBufferPointer { buffer in
            next.withUnsafeBufferPointer { table in
                byteClass.withUnsafeBufferPointer { classOf in
                    var state = 0
                    for i in 0..<buffer.count {
                        state = Int(table[state * classCount + Int(classOf[Int(buffer[i])])])
                        count += Int(outputStart[state + 1] - outputStart[state])
                    }
                }
            }
        }
        return count
    }
}
