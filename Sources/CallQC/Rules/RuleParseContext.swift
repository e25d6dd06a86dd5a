import CallQCText
import Foundation

/// What a rule's parameters are read with: the folder that folds phrases, and
/// the place of the rule file, for phrase files named relative to it.
struct RuleParseContext {
    let folder: TextFolder
    /// The rule file being read.
    let file: String
    /// The rule set's language (`zh`, `en`…), for defaults such as speech-rate units.
    let language: String
    /// Phrase files already read, by path.
    var phraseFiles: [String: [Phrase]] = [:]
    /// The rule file's folder, once worked out (phrase files are named relative to it).
    var directory: String? = nil

    /// The phrases of `key` (inline) and `key_file` (files of one phrase a line, `#` comments).
    mutating func phrases(_ fields: inout FieldReader, key: String, required: Bool) throws(RuleError) -> [Phrase] {
        var result: [Phrase] = []
        if let inline = try fields.strings(key) {
            for (text, node) in inline {
                result.append(try phrase(text, file: node.file, line: node.line, column: node.column))
            }
        }
        if let files = try fields.strings(key + "_file") {
            for (path, node) in files {
                result.append(contentsOf: try phraseFile(path, node: node))
            }
        }
        if required && result.isEmpty {
            throw fields.node.error("\(fields.what) has no '\(key)'", fix: "add '\(key): [...]' or '\(key)_file: FILE.txt'")
        }
        var seen: Set<FoldedKey> = Set(minimumCapacity: result.count)
        return result.filter { seen.insert(FoldedKey($0.folded)).inserted }
    }

    func phrase(_ text: String, file: String, line: Int, column: Int? = nil) throws(RuleError) -> Phrase {
        if text.trimmed().isEmpty {
            throw RuleError(file: file, line: line, column: column, message: "empty phrase", fix: "remove it or write the phrase")
        }
        let folded = Array(folder.foldedString(text).utf8)
        if folded.isEmpty {
            throw RuleError(file: file, line: line, column: column, message: "phrase '\(text)' folds to nothing (only punctuation and spaces)",
                            fix: "matching ignores punctuation and spaces: write the words")
        }
        return Phrase(text: text, folded: folded, file: file, line: line)
    }

    mutating func phraseFile(_ path: String, node: YAMLNode) throws(RuleError) -> [Phrase] {
        let directory = self.directory ?? (file as NSString).deletingLastPathComponent
        self.directory = directory
        let full = path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path)
        if let cached = phraseFiles[full] { return cached }
        guard let data = FileManager.default.contents(atPath: full) else {
            throw node.error("phrase file '\(path)' not found (looked for \(full))", fix: "paths are relative to the folder of \((file as NSString).lastPathComponent)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw RuleError(file: full, message: "not UTF-8 text", fix: "save the phrase file as UTF-8")
        }
        var phrases: [Phrase] = []
        for (i, raw) in text.lineTexts().enumerated() {
            let line = String(raw).trimmed()
            if line.isEmpty || line.hasPrefix("#") { continue }
            phrases.append(try phrase(line, file: full, line: i + 1))
        }
        if phrases.isEmpty {
            throw RuleError(file: full, message: "the phrase file has no phrases", fix: "write one phrase a line")
        }
        phraseFiles[full] = phrases
        return phrases
    }
}

/// Folded phrase bytes as a dictionary key, hashed in one go (an array of bytes is hashed byte
/// by byte); equal exactly when the bytes are.
struct FoldedKey: Hashable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
