/// A JSON value with object keys kept in order, so that what callqc writes has
/// a stable, readable layout (`"schema"` first).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public func hash(into h: inout Hasher) {
        switch self {
        case .null: h.combine(0)
        case .bool(let b): h.combine(b)
        case .number(let n): h.combine(n)
        case .string(let s): h.combine(s)
        case .array(let a): h.combine(a)
        case .object(let o): for (k, v) in o { h.combine(k); h.combine(v) }
        }
    }

    /// The value of `key` in an object (nil when absent or not an object).
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members.first { $0.0 == key }?.1 }
        return nil
    }

    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var numberValue: Double? { if case .number(let n) = self { return n }; return nil }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var objectValue: [(String, JSONValue)]? { if case .object(let o) = self { return o }; return nil }
    public var isNull: Bool { if case .null = self { return true }; return false }

    /// A short name of the value's type, for error messages.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// A number, or null for nil and non-finite values.
    public static func number(_ value: Double?) -> JSONValue {
        guard let v = value, v.isFinite else { return .null }
        return .number(v)
    }

    /// A string, or null for nil.
    public static func string(_ value: String?) -> JSONValue {
        value.map(JSONValue.string) ?? .null
    }
}

// MARK: - Writing

extension JSONValue {
    /// Compact JSON on one line (for JSON Lines).
    public func compact() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(to: &out, indent: false, level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// Indented JSON, two spaces a level.
    public func pretty() -> String {
        var out: [UInt8] = []
        write(to: &out, indent: true, level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes UTF-8 bytes: no String is built until the end.
    private func write(to out: inout [UInt8], indent: Bool, level: Int) {
        func newline(_ level: Int) {
            out.append(0x0A)
            for _ in 0..<(level * 2) { out.append(0x20) }
        }
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): out.append(contentsOf: JSONValue.format(n).utf8)
        case .string(let s): JSONValue.writeString(s, to: &out)
        case .array(let items):
            if items.isEmpty { out.append(contentsOf: "[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if indent { newline(level + 1) }
                item.write(to: &out, indent: indent, level: level + 1)
            }
            if indent { newline(level) }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if indent { newline(level + 1) }
                JSONValue.writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                if indent { out.append(0x20) }
                value.write(to: &out, indent: indent, level: level + 1)
            }
            if indent { newline(level) }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A number as JSON writes it: `7`, `7.5`.
    public static func format(_ n: Double) -> String {
        guard n.isFinite else { return "null" }
        if n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
        return "\(n)"
    }

    static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        var copy = s
        copy.withUTF8 { bytes in JSONValue.escape(bytes) { out.append(contentsOf: $0) } }
        out.append(0x22)
    }

    /// JSON string escaping, the one definition both writers use (the value tree's and
    /// ``JSONWriter``): `emit` gets runs of `bytes` that need no escape, whole, and the
    /// escapes between them. Escaped: quote, backslash, control characters, and U+2028 and
    /// U+2029 (they break JavaScript string literals).
    @inline(__always)
    static func escape(_ bytes: UnsafeBufferPointer<UInt8>, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        var run = 0, i = 0
        let n = bytes.count
        @inline(__always) func flush(_ upTo: Int) {
            if upTo > run { emit(UnsafeBufferPointer(rebasing: bytes[run..<upTo])) }
        }
        @inline(__always) func literal(_ s: StaticString) {
            emit(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
        }
        while i < n {
            let b = bytes[i]
            var skip = 1
            switch b {
            case 0x22: flush(i); literal("\\\"")
            case 0x5C: flush(i); literal("\\\\")
            case 0x0A: flush(i); literal("\\n")
            case 0x0D: flush(i); literal("\\r")
            case 0x09: flush(i); literal("\\t")
            case 0..<0x20:
                flush(i)
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                let escaped: [UInt8] = [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)], hex[Int(b & 0xF)]]
                escaped.withUnsafeBufferPointer { emit($0) }
            case 0xE2 where i + 2 < n && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
                flush(i)
                literal(bytes[i + 2] == 0xA8 ? "\\u2028" : "\\u2029")
                skip = 3
            default:
                i += 1
                continue
            }
            i += skip
            run = i
        }
        flush(n)
    }
}
