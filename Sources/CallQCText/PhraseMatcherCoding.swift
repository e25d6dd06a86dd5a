/// The binary form of a compiled ``PhraseMatcher``, for keeping it between runs: the tables as
/// they are in memory, copied in bulk.
///
/// Layout: the magic line `callqc-automaton/1`, then six little-endian `UInt32`s (a byte-order
/// mark, the number of patterns, of byte classes, of states and of outputs, and 0), a `UInt64`
/// checksum of what follows, then the byte classes (256 `UInt16`), the transition table
/// (states × classes `Int32`), the output ranges (states + 1 `Int32`) and the outputs (`Int32`).
/// The patterns themselves are not stored: the reader has them (they are what the cache is keyed on).
extension PhraseMatcher {
    /// The first line of the binary form; another layout has another version.
    public static let binaryMagic = Array("callqc-automaton/1\n".utf8)
    static let byteOrderMark: UInt32 = 0x0102_0304

    /// The tables in their binary form.
    public func binaryForm() -> [UInt8] {
        let header: [UInt32] = [PhraseMatcher.byteOrderMark, UInt32(patterns.count), UInt32(classCount), UInt32(stateCount),
                                UInt32(outputs.count), 0]
        var body: [UInt8] = []
        body.reserveCapacity(512 + 4 * (next.count + outputStart.count + outputs.count))
        byteClass.withUnsafeBytes { body.append(contentsOf: $0) }
        next.withUnsafeBytes { body.append(contentsOf: $0) }
        outputStart.withUnsafeBytes { body.append(contentsOf: $0) }
        outputs.withUnsafeBytes { body.append(contentsOf: $0) }
        var data = PhraseMatcher.binaryMagic
        data.reserveCapacity(data.count + 32 + body.count)
        header.withUnsafeBytes { data.append(contentsOf: $0) }
        let sum = body.withUnsafeBytes { PhraseMatcher.checksum($0) }
        withUnsafeBytes(of: sum.littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: body)
        return data
    }

    /// The matcher of `patterns` from its binary form; nil unless the data is a whole binary form
    /// of this version, for exactly these patterns' bytes, with its checksum and every table entry
    /// in range (so a damaged or foreign entry is only ever rebuilt, never used).
    public init?(binaryForm raw: UnsafeRawBufferPointer, patterns: [[UInt8]]) {
        var expectedClasses = [UInt16](repeating: 0, count: 256)
        var classes = 1
        for p in patterns { for b in p where expectedClasses[Int(b)] == 0 { expectedClasses[Int(b)] = UInt16(classes); classes += 1 } }
        let decoded: (next: [Int32], outputStart: [Int32], outputs: [Int32])? = {
            let magic = PhraseMatcher.binaryMagic
            let headerSize = magic.count + 24 + 8
            guard raw.count >= headerSize, raw.prefix(magic.count).elementsEqual(magic) else { return nil }
            func word(_ i: Int) -> Int { Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: magic.count + 4 * i, as: UInt32.self))) }
            guard word(0) == Int(PhraseMatcher.byteOrderMark), word(1) == patterns.count, word(2) == classes, word(5) == 0 else { return nil }
            let states = word(3), outputCount = word(4)
            guard states >= 1 else { return nil }
            let (cells, overflow) = states.multipliedReportingOverflow(by: classes)
            guard !overflow, cells < Int(Int32.max), outputCount < Int(Int32.max) else { return nil }
            let body = UnsafeRawBufferPointer(rebasing: raw[headerSize...])
            guard body.count == 512 + 4 * (cells + states + 1 + outputCount) else { return nil }
            let sum = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: magic.count + 24, as: UInt64.self))
            guard sum == PhraseMatcher.checksum(body) else { return nil }
            // The byte classes are exactly those of these patterns.
            for c in 0..<256 where body.loadUnaligned(fromByteOffset: 2 * c, as: UInt16.self) != expectedClasses[c] { return nil }
            var at = 512
            func table(_ count: Int) -> [Int32] {
                let values = [Int32](unsafeUninitializedCapacity: count) { buffer, initialized in
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: body[at..<at + 4 * count]))
                    initialized = count
                }
                at += 4 * count
                return values
            }
            let next = table(cells), outputStart = table(states + 1), outputs = table(outputCount)
            // Every entry in range: states, output ranges (ascending, ending at the outputs' count), pattern numbers.
            let inRange = next.withUnsafeBytes { PhraseMatcher.allBelow(UInt32(states), $0) }
            guard inRange, outputStart[0] == 0, Int(outputStart[states]) == outputCount else { return nil }
            for s in 0..<states where outputStart[s] > outputStart[s + 1] { return nil }
            let patternLimit = UInt32(patterns.count)
            for p in outputs where UInt32(bitPattern: p) >= patternLimit { return nil }
            return (next, outputStart, outputs)
        }()
        guard let decoded else { return nil }
        self.init(patterns: patterns, byteClass: expectedClasses, classCount: classes, next: decoded.next,
                  outputStart: decoded.outputStart, outputs: decoded.outputs)
    }

    /// Whether every `Int32` in `bytes` is in `0..<limit` (`limit` < 2³¹), four at a time: for a
    /// value v, `(v - limit) & ~v` has its top bit set exactly when it is.
    static func allBelow(_ limit: UInt32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        typealias Lanes = SIMD4<UInt32>
        var all0 = Lanes(repeating: .max), all1 = all0, all2 = all0, all3 = all0
        let limits = Lanes(repeating: limit)
        @inline(__always) func inRange(_ v: Lanes) -> Lanes { (v &- limits) & ~v }
        var i = 0
        while i + 64 <= bytes.count {
            all0 &= inRange(bytes.loadUnaligned(fromByteOffset: i, as: Lanes.self))
            all1 &= inRange(bytes.loadUnaligned(fromByteOffset: i + 16, as: Lanes.self))
            all2 &= inRange(bytes.loadUnaligned(fromByteOffset: i + 32, as: Lanes.self))
            all3 &= inRange(bytes.loadUnaligned(fromByteOffset: i + 48, as: Lanes.self))
            i += 64
        }
        let all = all0 & all1 & all2 & all3
        var top = all[0] & all[1] & all[2] & all[3]
        while i + 4 <= bytes.count {
            let v = bytes.loadUnaligned(fromByteOffset: i, as: UInt32.self)
            top &= (v &- limit) & ~v
            i += 4
        }
        return top >> 31 == 1
    }

    /// A Fletcher-style checksum over four 32-bit lanes (sixteen bytes a step): catches a damaged
    /// entry cheaply; not a defence against someone who can write the cache folder, who could as
    /// well change the rules.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        typealias Lanes = SIMD4<UInt32>
        var a0 = Lanes(1, 2, 3, 4), a1 = Lanes(5, 6, 7, 8), a2 = Lanes(9, 10, 11, 12), a3 = Lanes(13, 14, 15, 16)
        var b0 = Lanes(repeating: 0), b1 = b0, b2 = b0, b3 = b0
        var i = 0
        while i + 64 <= bytes.count {
            a0 &+= bytes.loadUnaligned(fromByteOffset: i, as: Lanes.self); b0 &+= a0
            a1 &+= bytes.loadUnaligned(fromByteOffset: i + 16, as: Lanes.self); b1 &+= a1
            a2 &+= bytes.loadUnaligned(fromByteOffset: i + 32, as: Lanes.self); b2 &+= a2
            a3 &+= bytes.loadUnaligned(fromByteOffset: i + 48, as: Lanes.self); b3 &+= a3
            i += 64
        }
        var h = UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15
        for lanes in [a0, b0, a1, b1, a2, b2, a3, b3] {
            for k in 0..<4 { h = (h ^ UInt64(lanes[k])) &* 0x0000_0100_0000_01B3 }
        }
        while i < bytes.count {
            h = (h ^ UInt64(bytes[i])) &* 0x0000_0100_0000_01B3
            i += 1
        }
        return h
    }
}
