import CICUShim

/// An ICU regular expression, compiled once. ICU's matcher is measured ~30× faster than
/// Swift's `Regex` on folded Chinese turns (docs/performance.md), so patterns use it, through
/// the C shim. A compiled pattern is used by one thread at a time: ``matcher()`` gives each
/// check of a call its own copy.
public final class ICURegex: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer
    /// The pattern as written.
    public let pattern: String

    /// Why a pattern did not compile: ICU's status name and where in the pattern.
    public struct CompileError: Error, Sendable {
        public var status: Int32
        /// Character offset in the pattern, when ICU knows it.
        public var offset: Int?
    }

    public init(_ pattern: String) throws(CompileError) {
        let units = Array(pattern.utf16)
        var status: Int32 = 0
        var offset: Int32 = -1
        let h = units.withUnsafeBufferPointer { cqc_regex_open($0.baseAddress, Int32($0.count), &status, &offset) }
        guard let h, status <= 0 else { throw CompileError(status: status, offset: offset >= 0 ? Int(offset) : nil) }
        self.handle = h
        self.pattern = pattern
    }

    private init(handle: UnsafeMutableRawPointer, pattern: String) {
        self.handle = handle
        self.pattern = pattern
    }

    deinit { cqc_regex_close(handle) }

    /// A copy of the compiled pattern for one thread's use.
    public func matcher() -> ICURegex {
        var status: Int32 = 0
        guard let copy = cqc_regex_clone(handle, &status) else { return (try? ICURegex(pattern)) ?? self }
        return ICURegex(handle: copy, pattern: pattern)
    }

    /// The byte ranges of the matches in UTF-8 bytes (at most `limit`).
    public func matches(in bytes: [UInt8], limit: Int = 64) -> [Range<Int>] {
        if bytes.isEmpty { return [] }
        var ranges = [Int32](repeating: 0, count: limit * 2)
        var status: Int32 = 0
        let n = bytes.withUnsafeBufferPointer { b in
            ranges.withUnsafeMutableBufferPointer { r in
                b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) {
                    cqc_regex_matches_utf8(handle, $0, Int32(b.count), r.baseAddress, Int32(limit), &status)
                }
            }
        }
        guard n > 0 else { return [] }
        return (0..<min(Int(n), limit)).compactMap { i in
            let s = Int(ranges[2 * i]), e = Int(ranges[2 * i + 1])
            return s >= 0 && e >= s && e <= bytes.count ? s..<e : nil
        }
    }
}
