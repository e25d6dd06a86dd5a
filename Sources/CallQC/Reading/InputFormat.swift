/// Reads one kind of transcript file into calls.
public protocol TranscriptReader: Sendable {
    /// Reads a validated input. Never throws: problems are in the outcome.
    func read(_ input: TextInput, options: ReadOptions) -> ReadOutcome

    /// Reads an input whose JSON document was parsed while its format was decided, so that
    /// the bytes are never parsed twice. Readers of text ignore the document.
    func read(_ input: TextInput, document: Result<JSONValue, JSONSyntaxError>, options: ReadOptions) -> ReadOutcome
}

extension TranscriptReader {
    public func read(_ input: TextInput, document: Result<JSONValue, JSONSyntaxError>, options: ReadOptions) -> ReadOutcome {
        read(input, options: options)
    }
}

/// The name of an input format (`plain`, `aliyun`, `aws-pca`…), as `--input-format` takes it.
///
/// Each reader's file declares its format as a static member (`InputFormat.aliyun` in
/// `AliyunReader.swift`) together with its ``ReaderDeclaration``; ``ReaderRegistry/standard``
/// lists the declarations, and the names, the detection and the docs come from there.
public struct InputFormat: RawRepresentable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    public let rawValue: String

    /// The format of that name among the standard readers; nil for a name no reader declares.
    public init?(rawValue: String) {
        guard ReaderRegistry.standard.declaration(named: rawValue) != nil else { return nil }
        self.rawValue = rawValue
    }

    /// A format as its reader declares it (the name is not looked up).
    public init(declaring name: String) { rawValue = name }

    /// Every format of the standard readers, in the registry's order.
    public static var allCases: [InputFormat] { ReaderRegistry.standard.formats }

    public var description: String { rawValue }

    /// Read as one JSON document (no limit on line length: recognisers write one long line).
    public var isJSONDocument: Bool { ReaderRegistry.standard.declaration(of: self)?.shape == .jsonDocument }

    /// The standard reader of this format.
    public var reader: any TranscriptReader { ReaderRegistry.standard.declaration(of: self)?.reader ?? PlainTranscriptReader() }

    /// File extensions callqc picks up when it walks a directory: those the readers declare.
    public static var transcriptExtensions: Set<String> { ReaderRegistry.standard.extensions }

    /// The format of an input, from its extension first and its content second (``ReaderRegistry/decide(source:text:)``).
    public static func detect(path: String, bytes: [UInt8]) -> InputFormat {
        ReaderRegistry.standard.decide(source: path, text: bytes).format
    }

    /// The format judged from content alone (standard input, unknown extensions).
    public static func detect(content bytes: [UInt8]) -> InputFormat {
        ReaderRegistry.standard.decide(source: "-", text: bytes).format
    }

    /// The extension of the path's file name, lower case: `a/B.TXT` → `txt`; `""` for none
    /// (and for a name that only starts with a dot).
    static func fileExtension(_ path: String) -> String {
        // The last path component, as `split(separator: "/")` gives it (trailing slashes dropped).
        var path = Substring(path)
        while path.utf8.count > 1, path.utf8.last == UInt8(ascii: "/") { path = path.dropLast() }
        let u = path.utf8
        var i = u.endIndex
        while i > u.startIndex {
            let j = u.index(before: i)
            switch u[j] {
            case UInt8(ascii: "/"): return ""
            case UInt8(ascii: "."):
                if j == u.startIndex || u[u.index(before: j)] == UInt8(ascii: "/") { return "" }
                return String(decoding: u[u.index(after: j)...], as: UTF8.self).lowercased()
            default: i = j
            }
        }
        return ""
    }
}

/// What the bytes of an input are before any reader looks at them: the JSON-or-text
/// guess, made by ``ReaderRegistry/shape(source:bytes:)`` and nowhere else.
public enum InputShape: String, Sendable {
    /// One JSON document (an object or an array), read whole: no limit on line length.
    case jsonDocument = "JSON document"
    /// One JSON value a line.
    case jsonLines = "JSON Lines"
    /// Lines of text.
    case text
}

/// How a reader recognises its input among those of its shape, when the extension does not
/// name its format.
public enum Recognition: Sendable {
    /// Only by the extensions it declares (or by name, with `--input-format`).
    case extensionOnly
    /// A test of the parsed top-level JSON value (an object's keys, an array's first item).
    case json(@Sendable (JSONValue) -> Bool)
    /// A test of the text, from its start (a header line such as `WEBVTT`).
    case text(@Sendable (ArraySlice<UInt8>) -> Bool)
}

/// Everything callqc needs to know of a reader, declared once, in the reader's own file.
public struct ReaderDeclaration: Sendable {
    /// The name `--input-format` takes.
    public let format: InputFormat
    /// One line for the docs and the help: what the format is.
    public let summary: String
    /// One document, JSON Lines, or text.
    public let shape: InputShape
    /// Extensions (lower case, no dot) whose files are read with this reader, and that a walk
    /// of a directory picks up. The extension of a fallback names its shape only.
    public let extensions: [String]
    /// How the reader recognises an input of its shape.
    public let recognition: Recognition
    /// What the docs say it is recognised by (`Result.Sentences`, `WEBVTT`…); nil for none.
    public let recognisedBy: String?
    /// The reader of its shape when no other recognises the input (plain text, callqc JSON,
    /// JSON Lines): one per shape.
    public let isFallback: Bool
    /// The reader.
    public let reader: any TranscriptReader

    public init(format: InputFormat, summary: String, shape: InputShape, extensions: [String] = [],
                recognition: Recognition = .extensionOnly, recognisedBy: String? = nil, isFallback: Bool = false,
                reader: any TranscriptReader) {
        self.format = format
        self.summary = summary
        self.shape = shape
        self.extensions = extensions
        self.recognition = recognition
        self.recognisedBy = recognisedBy
        self.isFallback = isFallback
        self.reader = reader
    }
}
