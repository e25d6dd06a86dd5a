import CallQCText
import Foundation

/// A cache of parsed rule files: each file's YAML tree, stored in a compact binary form under a name made from
/// the file's path, its bytes and the tool's version, so that a run whose rule files have not changed skips YAML
/// parsing (a quarter of a single check's start-up; docs/performance.md). A changed file has another name and is
/// parsed again; a file that fails to parse is never cached, so its errors (file:line) appear on every run. The
/// cache is only ever a shortcut: a missing, unreadable, corrupt or unwritable cache means parsing as usual.
///
/// It also keeps each rule set's compiled phrase automata (``matcher(patterns:)``), keyed by their patterns.
public struct RuleFileCache: Sendable {
    /// The folder the trees are kept in; nil turns the cache off.
    public let folder: String?
    /// Written into every key, so that another version of callqc never reads this one's trees.
    public let version: String

    public init(folder: String?, version: String) {
        self.folder = folder
        self.version = version
    }

    /// No cache: every rule file is parsed.
    public static let off = RuleFileCache(folder: nil, version: "")

    /// The cache folder for a process: `$CALLQC_CACHE_DIR`, else `$XDG_CACHE_HOME/callqc/rules`, else
    /// `$HOME/.cache/callqc/rules`; none when `CALLQC_NO_CACHE` is set or no home is known.
    public static func folder(environment: [String: String]) -> String? {
        if let off = environment["CALLQC_NO_CACHE"], !off.isEmpty, off != "0" { return nil }
        if let dir = environment["CALLQC_CACHE_DIR"], !dir.isEmpty { return dir }
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/callqc/rules" }
        if let home = environment["HOME"], home.hasPrefix("/") { return home + "/.cache/callqc/rules" }
        return nil
    }

    /// The tree of `file` (whose bytes are `bytes`): from the cache when it holds it, else parsed by `parse` and
    /// stored for the next run.
    func tree(file: String, bytes: Data, parse: () throws(RuleError) -> YAMLNode?) throws(RuleError) -> YAMLNode? {
        guard let folder else { return try parse() }
        let path = folder + "/" + key(file: file, bytes: bytes) + ".tree"
        if let data = FileManager.default.contents(atPath: path), let node = YAMLTreeCoding.decode(data, file: file) {
            return node
        }
        let node = try parse()
        if let node { store(YAMLTreeCoding.encode(node), at: path, folder: folder) }
        return node
    }

    /// A hex name from the version, the path and the bytes (two FNV-1a 64-bit hashes, different seeds).
    func key(file: String, bytes: Data) -> String {
        var hash = KeyHash()
        hash.add(version.utf8)
        hash.add(YAMLTreeCoding.magic)
        hash.add(file.utf8)
        hash.add(0)
        bytes.withUnsafeBytes { hash.add($0) }
        return hash.name
    }

    /// The compiled automaton of `patterns`: from the cache when it holds it, else compiled and stored for the
    /// next run. Kept under a name made from the version and every pattern's bytes (length-delimited), so any
    /// rule set's phrases (shipped, custom, generated) find theirs, and an edited phrase list has another name.
    public func matcher(patterns: [[UInt8]]) -> PhraseMatcher {
        guard let folder, !patterns.isEmpty else { return PhraseMatcher(patterns: patterns) }
        let path = folder + "/" + key(patterns: patterns) + ".automaton"
        if let data = FileManager.default.contents(atPath: path),
           let matcher = data.withUnsafeBytes({ PhraseMatcher(binaryForm: $0, patterns: patterns) }) {
            return matcher
        }
        let matcher = PhraseMatcher(patterns: patterns)
        store(Data(matcher.binaryForm()), at: path, folder: folder)
        return matcher
    }

    /// A hex name from the version and the patterns' bytes, each preceded by its length.
    func key(patterns: [[UInt8]]) -> String {
        var hash = KeyHash()
        hash.add(version.utf8)
        hash.add(PhraseMatcher.binaryMagic)
        for p in patterns {
            withUnsafeBytes(of: UInt32(p.count).littleEndian) { hash.add($0) }
            hash.add(p)
        }
        return hash.name
    }

    /// Two FNV-1a-style 64-bit hashes with different seeds, as a 32-digit hex name.
    struct KeyHash {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325, b: UInt64 = 0x84222325_cbf29ce4

        @inline(__always) mutating func add(_ byte: UInt8) {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 ^ (b >> 29)
        }

        mutating func add<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
            for byte in bytes { add(byte) }
        }

        var name: String { hex(a) + hex(b) }

        private func hex(_ v: UInt64) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
    }

    /// Writes through a temporary file and a rename, so a reader never sees half a tree; failures are ignored
    /// (the next run parses again).
    private func store(_ data: Data, at path: String, folder: String) {
        let fm = FileManager.default
        try? fm.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temp = path + ".\(getpid()).\(UInt64.random(in: 0...UInt64.max))"
        guard fm.createFile(atPath: temp, contents: data, attributes: [.posixPermissions: 0o600]) else { return }
        if rename(temp, path) != 0 { try? fm.removeItem(atPath: temp) }
    }
}

/// The binary form of a YAML tree: a magic line, then each node as a tag byte (0 plain scalar, 1 quoted scalar,
/// 2 mapping, 3 sequence), its line and column, then its text (length and UTF-8) or its children (count and
/// nodes; a mapping's as key, value pairs). Varints throughout.
enum YAMLTreeCoding {
    static let magic = Array("callqc-yaml-tree/1\n".utf8)

    static func encode(_ node: YAMLNode) -> Data {
        var out = magic
        out.reserveCapacity(4096)
        write(node, into: &out)
        return Data(out)
    }

    private static func varint(_ value: Int, into out: inout [UInt8]) {
        var v = UInt64(max(0, value))
        while v >= 0x80 { out.append(UInt8(v & 0x7f) | 0x80); v >>= 7 }
        out.append(UInt8(v))
    }

    private static func write(_ node: YAMLNode, into out: inout [UInt8]) {
        switch node.value {
        case .scalar(let s, let quoted):
            out.append(quoted ? 1 : 0)
            varint(node.line, into: &out); varint(node.column, into: &out)
            let utf8 = Array(s.utf8)
            varint(utf8.count, into: &out)
            out.append(contentsOf: utf8)
        case .mapping(let pairs):
            out.append(2)
            varint(node.line, into: &out); varint(node.column, into: &out)
            varint(pairs.count, into: &out)
            for (k, v) in pairs { write(k, into: &out); write(v, into: &out) }
        case .sequence(let items):
            out.append(3)
            varint(node.line, into: &out); varint(node.column, into: &out)
            varint(items.count, into: &out)
            for item in items { write(item, into: &out) }
        }
    }

    /// The tree, or nil when the data is not a whole, well-formed tree of this version.
    static func decode(_ data: Data, file: String) -> YAMLNode? {
        data.withUnsafeBytes { raw -> YAMLNode? in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard bytes.count > magic.count, Array(bytes[0..<magic.count]) == magic else { return nil }
            var reader = Reader(bytes: bytes, at: magic.count)
            guard let node = reader.node(file: file, depth: 0), reader.at == bytes.count else { return nil }
            return node
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var at: Int

        mutating func varint() -> Int? {
            var value: UInt64 = 0, shift: UInt64 = 0
            while at < bytes.count, shift < 63 {
                let b = bytes[at]; at += 1
                value |= UInt64(b & 0x7f) << shift
                if b < 0x80 { return value <= UInt64(Int.max) ? Int(value) : nil }
                shift += 7
            }
            return nil
        }

        mutating func node(file: String, depth: Int) -> YAMLNode? {
            guard depth < 512, at < bytes.count else { return nil }
            let tag = bytes[at]; at += 1
            guard let line = varint(), let column = varint(), let count = varint() else { return nil }
            switch tag {
            case 0, 1:
                guard count <= bytes.count - at else { return nil }
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[at..<at + count]), as: UTF8.self)
                at += count
                return YAMLNode(value: .scalar(text, quoted: tag == 1), file: file, line: line, column: column)
            case 2:
                guard count <= bytes.count - at else { return nil }
                var pairs: [(YAMLNode, YAMLNode)] = []
                pairs.reserveCapacity(count)
                for _ in 0..<count {
                    guard let k = node(file: file, depth: depth + 1), let v = node(file: file, depth: depth + 1) else { return nil }
                    pairs.append((k, v))
                }
                return YAMLNode(value: .mapping(pairs), file: file, line: line, column: column)
            case 3:
                guard count <= bytes.count - at else { return nil }
                var items: [YAMLNode] = []
                items.reserveCapacity(count)
                for _ in 0..<count {
                    guard let item = node(file: file, depth: depth + 1) else { return nil }
                    items.append(item)
                }
                return YAMLNode(value: .sequence(items), file: file, line: line, column: column)
            default:
                return nil
            }
        }
    }
}
