/// Writes compact JSON straight into UTF-8 bytes, member by member, without
/// building a ``JSONValue`` tree first (the tree costs an allocation per value:
/// more than all the checks of a call). Numbers and strings are written exactly
/// as ``JSONValue/compact()`` writes them.
public struct JSONWriter {
    /// Room for the output: bytes before `length` are written, the rest is spare capacity
    /// (writes copy into it; an `Array` append checks capacity and uniqueness per call).
    private var storage: [UInt8]
    private var length = 0
    private var needsComma = false

    public init(capacity: Int = 2048) { storage = [UInt8](repeating: 0, count: max(capacity, 64)) }

    /// What was written.
    public var bytes: [UInt8] { Array(storage[..<length]) }

    @inline(__always) private mutating func ensure(_ k: Int) {
        if length + k > storage.count { storage += repeatElement(0, count: max(storage.count, k)) }
    }

    @inline(__always) private mutating func put(_ b: UInt8) {
        ensure(1)
        storage[length] = b
        length += 1
    }

    @inline(__always) private mutating func put(_ p: UnsafePointer<UInt8>, _ n: Int) {
        if n == 0 { return }
        ensure(n)
        let at = length
        storage.withUnsafeMutableBufferPointer { (dst: inout UnsafeMutableBufferPointer<UInt8>) in
            (dst.baseAddress! + at).update(from: p, count: n)
        }
        length += n
    }

    @inline(__always) private mutating func put(_ s: StaticString) { put(s.utf8Start, s.utf8CodeUnitCount) }

    @inline(__always) private mutating func separate() {
        if needsComma { put(UInt8(ascii: ",")) }
    }

    /// A JSON string, escaped by ``JSONValue/escape(_:_:)``.
    private mutating func quoted(_ s: String) {
        put(0x22)
        var s = s
        s.withUTF8 { bytes in JSONValue.escape(bytes) { put($0.baseAddress!, $0.count) } }
        put(0x22)
    }

    /// An integer's decimal digits, without making a String.
    private mutating func digits(_ v: Int64) {
        if v == 0 { put(UInt8(ascii: "0")); return }
        var x = v.magnitude
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)   // 24 bytes: enough for 20 digits and a sign
        withUnsafeMutableBytes(of: &buffer) { raw in
            var at = raw.count
            while x > 0 { at -= 1; raw[at] = UInt8(ascii: "0") + UInt8(x % 10); x /= 10 }
            if v < 0 { at -= 1; raw[at] = UInt8(ascii: "-") }
            put(raw.baseAddress!.assumingMemoryBound(to: UInt8.self) + at, raw.count - at)
        }
    }

    public mutating func beginObject() { separate(); put(UInt8(ascii: "{")); needsComma = false }
    public mutating func endObject() { put(UInt8(ascii: "}")); needsComma = true }
    public mutating func beginArray() { separate(); put(UInt8(ascii: "[")); needsComma = false }
    public mutating func endArray() { put(UInt8(ascii: "]")); needsComma = true }

    /// A member's key; its value follows. Written in one copy (comma, quotes, name, colon): a result line has
    /// about a hundred keys, and byte-by-byte writes checked the capacity and the storage's uniqueness for each.
    public mutating func key(_ k: StaticString) {
        let n = k.utf8CodeUnitCount
        let comma = needsComma
        let total = n + 3 + (comma ? 1 : 0)
        ensure(total)
        let at = length
        storage.withUnsafeMutableBufferPointer { (dst: inout UnsafeMutableBufferPointer<UInt8>) in
            var p = dst.baseAddress! + at
            if comma { p.pointee = UInt8(ascii: ","); p += 1 }
            p.pointee = 0x22
            (p + 1).update(from: k.utf8Start, count: n)
            p += n + 1
            p.pointee = 0x22
            (p + 1).pointee = UInt8(ascii: ":")
        }
        length += total
        needsComma = false
    }

    /// A member's key that is not a literal (metadata keys).
    public mutating func key(_ k: String) {
        separate()
        quoted(k)
        put(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func string(_ s: String?) {
        separate()
        if let s { quoted(s) } else { put("null") }
        needsComma = true
    }

    public mutating func number(_ v: Double?) {
        separate()
        if let v, v.isFinite {
            // Whole numbers as JSONValue.format writes them (`7`), without making a String.
            if v == v.rounded(), abs(v) < 1e15 { digits(Int64(v)) } else { for b in JSONValue.format(v).utf8 { put(b) } }
        } else {
            put("null")
        }
        needsComma = true
    }

    public mutating func number(_ v: Int?) {
        separate()
        if let v { digits(Int64(v)) } else { put("null") }
        needsComma = true
    }

    public mutating func bool(_ b: Bool) {
        separate()
        if b { put("true") } else { put("false") }
        needsComma = true
    }

    public mutating func null() {
        separate()
        put("null")
        needsComma = true
    }

    /// Convenience: `"key": string`.
    public mutating func member(_ k: StaticString, _ s: String?) { key(k); string(s) }
    public mutating func member(_ k: StaticString, _ v: Double?) { key(k); number(v) }
    public mutating func member(_ k: StaticString, _ v: Int?) { key(k); number(v) }
    public mutating func member(_ k: StaticString, _ b: Bool) { key(k); bool(b) }
}
