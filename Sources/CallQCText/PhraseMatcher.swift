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
    ///
    /// The trie is built directly in the transition table (0 is "no child": the root is
    /// never one), the failure links breadth-first over it, and the outputs by counting: a
    /// state's own patterns (in pattern order), then those of its failure chain.
    public init(patterns: [[UInt8]]) {
        var byteClass = [UInt16](repeating: 0, count: 256)
        var classes = 1
        var totalBytes = 0
        for p in patterns {
            totalBytes += p.count
            for b in p where byteClass[Int(b)] == 0 { byteClass[Int(b)] = UInt16(classes); classes += 1 }
        }
        let width = classes

        // The trie, in the table: one row of `width` entries per state.
        var next = [Int32](repeating: 0, count: width)
        if totalBytes < 1 << 20 { next.reserveCapacity((totalBytes + 1) * width) }
        var ownCount: [Int32] = [0]
        ownCount.reserveCapacity(totalBytes + 1)
        var endState = [Int32](repeating: 0, count: patterns.count)
        var n = 1
        for (id, p) in patterns.enumerated() where !p.isEmpty {
            var state = 0
            for b in p {
                let at = state * width + Int(byteClass[Int(b)])
                let child = next[at]
                if child != 0 {
                    state = Int(child)
                } else {
                    next[at] = Int32(n)
                    state = n
                    n += 1
                    next.append(contentsOf: repeatElement(0, count: width))
                    ownCount.append(0)
                }
            }
            ownCount[state] += 1
            endState[id] = Int32(state)
        }

        // Failure links breadth-first, filling the full transition table: an entry that is
        // 0 below the root is no child, and takes the failure state's transition.
        var fail = [Int32](repeating: 0, count: n)
        var order = [Int32]()
        order.reserveCapacity(n)
        var childClass = [Int](repeating: 0, count: width), child = [Int32](repeating: 0, count: width)
        next.withUnsafeMutableBufferPointer { table in
            let base = table.baseAddress!
            for c in 0..<width where table[c] != 0 { order.append(table[c]) }
            var head = 0
            while head < order.count {
                let s = Int(order[head])
                head += 1
                let row = s * width, failRow = Int(fail[s]) * width
                // The row's children, then the failure state's row copied in bulk (another
                // row: a failure state is shallower), then the children back over it.
                var kids = 0
                for c in 0..<width where table[row + c] != 0 {
                    childClass[kids] = c
                    child[kids] = table[row + c]
                    kids += 1
                }
                (base + row).update(from: base + failRow, count: width)
                for k in 0..<kids {
                    let c = childClass[k], t = child[k]
                    fail[Int(t)] = table[row + c]
                    table[row + c] = t
                    order.append(t)
                }
            }
        }

        // Outputs by counting: a state's own patterns, then those of its failure chain
        // (already counted and written: failure states come first breadth-first).
        var ownStart = [Int32](repeating: 0, count: n + 1)
        for s in 0..<n { ownStart[s + 1] = ownStart[s] + ownCount[s] }
        var own = [Int32](repeating: 0, count: Int(ownStart[n]))
        var cursor = Array(ownStart[0..<n])
        for (id, p) in patterns.enumerated() where !p.isEmpty {
            let s = Int(endState[id])
            own[Int(cursor[s])] = Int32(id)
            cursor[s] += 1
        }
        var total = [Int32](repeating: 0, count: n)
        for s in order { total[Int(s)] = ownCount[Int(s)] + total[Int(fail[Int(s)])] }
        var outputStart = [Int32](repeating: 0, count: n + 1)
        for s in 0..<n { outputStart[s + 1] = outputStart[s] + total[s] }
        var outputs = [Int32](repeating: 0, count: Int(outputStart[n]))
        outputs.withUnsafeMutableBufferPointer { out in
            for s32 in order {
                let s = Int(s32)
                var at = Int(outputStart[s])
                for k in Int(ownStart[s])..<Int(ownStart[s + 1]) { out[at] = own[k]; at += 1 }
                let f = Int(fail[s])
                for k in Int(outputStart[f])..<Int(outputStart[f + 1]) { out[at] = out[k]; at += 1 }
            }
        }

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
