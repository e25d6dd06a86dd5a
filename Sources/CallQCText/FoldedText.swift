/// Text folded for matching, with a map from every folded byte back to the
/// span of the original text it came from.
///
/// Folding applies NFKC case-folding, Traditional→Simplified Chinese and
/// full-width→half-width, and drops whitespace, punctuation and control
/// characters: `您 好 ，`, `您好！` and `您好` all fold to `您好`, and
/// `歡迎致電` folds to `欢迎致电`.
public struct FoldedText: Sendable, Hashable {
    /// The folded text as UTF-8 bytes (what the matcher runs over).
    public let bytes: [UInt8]
    /// For each folded byte, the UTF-8 offset in the original where its source character begins.
    public let sourceStart: [Int32]
    /// For each folded byte, the UTF-8 offset in the original just past its source character.
    public let sourceEnd: [Int32]

    public init(bytes: [UInt8], sourceStart: [Int32], sourceEnd: [Int32]) {
        self.bytes = bytes
        self.sourceStart = sourceStart
        self.sourceEnd = sourceEnd
    }

    /// The folded text as a string.
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    public var isEmpty: Bool { bytes.isEmpty }

    /// The UTF-8 byte range of the original text that produced the folded bytes `range`.
    public func originalUTF8Range(of range: Range<Int>) -> Range<Int> {
        let range = max(0, min(range.lowerBound, bytes.count))..<max(0, min(range.upperBound, bytes.count))
        if range.isEmpty {
            let at = range.lowerBound < bytes.count ? Int(sourceStart[range.lowerBound])
                : (bytes.isEmpty ? 0 : Int(sourceEnd[bytes.count - 1]))
            return at..<at
        }
        return Int(sourceStart[range.lowerBound])..<Int(sourceEnd[range.upperBound - 1])
    }

    /// The original text's span, in Unicode scalar offsets, that produced the folded bytes `range`.
    public func originalScalarRange(of range: Range<Int>, in original: String) -> Range<Int> {
        let bytesRange = originalUTF8Range(of: range)
        return TextOffsets.scalarRange(utf8: bytesRange, in: original)
    }

    /// The original text that produced the folded bytes `range`, exactly as written.
    public func originalText(of range: Range<Int>, in original: String) -> String {
        let r = originalUTF8Range(of: range)
        // The span only: no copy of the whole turn per finding (a long turn has many).
        var copy = original
        return copy.withUTF8 { utf8 in
            guard r.upperBound <= utf8.count else { return "" }
            return String(decoding: UnsafeBufferPointer(rebasing: utf8[r]), as: UTF8.self)
        }
    }
}

/// Conversions between UTF-8 byte offsets and Unicode scalar offsets.
public enum TextOffsets {
    /// Unicode scalar offsets (as Python and most JSON consumers count) of a UTF-8 byte range.
    public static func scalarRange(utf8 range: Range<Int>, in text: String) -> Range<Int> {
        let lower = scalarCount(utf8Prefix: range.lowerBound, in: text)
        let upper = scalarCount(utf8Prefix: range.upperBound, in: text)
        return lower..<max(lower, upper)
    }

    /// Number of Unicode scalars that begin before UTF-8 offset `offset`.
    public static func scalarCount(utf8Prefix offset: Int, in text: String) -> Int {
        var copy = text
        return copy.withUTF8 { utf8 in
            let n = min(max(offset, 0), utf8.count)
            var continuation = 0
            for i in 0..<n where utf8[i] & 0xC0 == 0x80 { continuation += 1 }
            return n - continuation
        }
    }
}
