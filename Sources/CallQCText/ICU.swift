import CICUShim

/// Thin Swift wrappers over the system ICU, through the C shim.
public enum ICU {
    /// The version of the system ICU callqc runs on, e.g. "72.1".
    public static var version: String {
        var buffer = [CChar](repeating: 0, count: 32)
        cqc_icu_version(&buffer, Int32(buffer.count))
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Class bits of one scalar (see ``CharacterClass``).
    public static func characterClass(_ scalar: UInt32) -> CharacterClass {
        CharacterClass(rawValue: cqc_char_class(Int32(bitPattern: scalar)))
    }

    /// NFKC_Casefold of UTF-16 code units; nil when ICU reports a failure.
    static func nfkcCasefold(utf16 source: [UInt16]) -> [UInt16]? {
        if source.isEmpty { return [] }
        var capacity = source.count * 3 + 16
        for _ in 0..<3 {
            var out = [UInt16](repeating: 0, count: capacity)
            var status: Int32 = 0
            let needed = source.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    cqc_nfkc_casefold(src.baseAddress, Int32(src.count), dst.baseAddress, Int32(capacity), &status)
                }
            }
            if status <= 0 { return Array(out.prefix(Int(needed))) }
            if Int(needed) > capacity { capacity = Int(needed) + 1 } else { return nil }
        }
        return nil
    }

    /// NFKC_Casefold of a string (ICU's normaliser, no table).
    public static func nfkcCasefold(_ text: String) -> String {
        guard let out = nfkcCasefold(utf16: Array(text.utf16)) else { return text }
        return String(decoding: out, as: UTF16.self)
    }

    /// Number of words ICU's word break finds (letters, numbers, ideographs).
    public static func wordCount(_ text: String) -> Int {
        let units = Array(text.utf16)
        if units.isEmpty { return 0 }
        var status: Int32 = 0
        let n = units.withUnsafeBufferPointer { cqc_count_words($0.baseAddress, Int32($0.count), &status) }
        return status > 0 ? 0 : Int(n)
    }
}

/// Unicode class bits of a scalar, as ICU reports them.
public struct CharacterClass: OptionSet, Sendable, Hashable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let space = CharacterClass(rawValue: 1)
    public static let punctuation = CharacterClass(rawValue: 2)
    public static let letter = CharacterClass(rawValue: 4)
    public static let digit = CharacterClass(rawValue: 8)
    public static let ideographic = CharacterClass(rawValue: 16)
    public static let joiner = CharacterClass(rawValue: 32)
    public static let control = CharacterClass(rawValue: 64)
    public static let symbol = CharacterClass(rawValue: 128)
    public static let latin = CharacterClass(rawValue: 256)
    public static let otherNumber = CharacterClass(rawValue: 512)

    /// Dropped when folding for matching.
    var isDropped: Bool { !intersection([.space, .punctuation, .control]).isEmpty && !contains(.letter) && !contains(.digit) }
    /// Counted as speech: Han characters, letters, digits.
    public var isCountable: Bool { !intersection([.letter, .digit, .ideographic]).isEmpty }
}

/// An ICU transliterator, used while building the fold table. Not shared across threads.
final class Transliterator {
    private let handle: UnsafeMutableRawPointer

    init?(id: String) {
        let units = Array(id.utf16)
        var status: Int32 = 0
        guard let h = units.withUnsafeBufferPointer({ cqc_translit_open($0.baseAddress, Int32($0.count), &status) }),
              status <= 0 else { return nil }
        handle = h
    }

    deinit { cqc_translit_close(handle) }

    func transliterate(_ units: [UInt16]) -> [UInt16]? {
        if units.isEmpty { return [] }
        var capacity = units.count * 2 + 16
        for _ in 0..<3 {
            var buffer = units + [UInt16](repeating: 0, count: capacity - units.count)
            var status: Int32 = 0
            let length = buffer.withUnsafeMutableBufferPointer {
                cqc_translit(handle, $0.baseAddress, Int32(units.count), Int32(capacity), &status)
            }
            if status <= 0 { return Array(buffer.prefix(Int(length))) }
            capacity *= 2
        }
        return nil
    }
}
