/// Writes compact JSON straight into UTF-8 bytes, member by member, without
/// building a ``JSONValue`` tree first (the tree costs an allocation per value:
/// more than all the checks of a call). Numbers and strings are written exactly
/// as ``JSONValue/compact()`` writes them.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    private var needsComma = false

    public init(capacity: Int = 2048) { bytes.reserveCapacity(capacity) }

    @inline(__always) private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    public mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); needsComma = false }
    public mutating func endObject() { bytes.append(UInt8(ascii: "}")); needsComma = true }
    public mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); needsComma = false }
    public mutating func endArray() { bytes.append(UInt8(ascii: "]")); needsComma = true }

    /// A member's key; its value follows.
    public mutating func key(_ k: StaticString) {
        separate()
        bytes.append(0x22)
        bytes.append(contentsOf: UnsafeBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount))
        bytes.append(0x22)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// A member's key that is not a literal (metadata keys).
    public mutating func key(_ k: String) {
        separate()
        JSONValue.writeString(k, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func string(_ s: String?) {
        separate()
        if let s { JSONValue.writeString(s, to: &bytes) } else { bytes.append(contentsOf: "null".utf8) }
        needsComma = true
    }

    public mutating func number(_ v: Double?) {
        separate()
        if let v, v.isFinite { bytes.append(contentsOf: JSONValue.format(v).utf8) } else { bytes.append(contentsOf: "null".utf8) }
        needsComma = true
    }

    public mutating func number(_ v: Int?) {
        separate()
        if let v { bytes.append(contentsOf: String(v).utf8) } else { bytes.append(contentsOf: "null".utf8) }
        needsComma = true
    }

    public mutating func bool(_ b: Bool) {
        separate()
        bytes.append(contentsOf: (b ? "true" : "false").utf8)
        needsComma = true
    }

    public mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
        needsComma = true
    }

    /// Convenience: `"key": string`.
    public mutating func member(_ k: StaticString, _ s: String?) { key(k); string(s) }
    public mutating func member(_ k: StaticString, _ v: Double?) { key(k); number(v) }
    public mutating func member(_ k: StaticString, _ v: Int?) { key(k); number(v) }
    public mutating func member(_ k: StaticString, _ b: Bool) { key(k); bool(b) }
}
