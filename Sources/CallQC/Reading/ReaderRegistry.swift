/// The readers callqc has, one line each, in the order detection asks them. Each reader's
/// file declares its format, extensions and detection (``ReaderDeclaration``); `--input-format`,
/// the walk of a directory, the detection and docs/formats.md read this list.
public struct ReaderRegistry: Sendable {
    public let readers: [ReaderDeclaration]

    public init(_ readers: [ReaderDeclaration]) { self.readers = readers }

    /// The readers callqc ships.
    public static let standard = ReaderRegistry([
        PlainTranscriptReader.declaration,
        CanonicalJSONReader.declaration,
        CanonicalJSONReader.linesDeclaration,
        AliyunReader.declaration,
        TencentReader.declaration,
        AWSTranscribeReader.declaration,
        AWSCallAnalyticsReader.declaration,
        AWSPCAReader.declaration,
        WhisperReader.declaration,
        AzureSpeechReader.declaration,
        SubtitleReader.vttDeclaration,
        SubtitleReader.srtDeclaration,
        ZoomReader.declaration,
    ])

    public var formats: [InputFormat] { readers.map(\.format) }

    public func declaration(of format: InputFormat) -> ReaderDeclaration? {
        readers.first { $0.format == format }
    }

    public func declaration(named name: String) -> ReaderDeclaration? {
        readers.first { $0.format.rawValue == name }
    }

    /// Every extension a reader declares.
    public var extensions: Set<String> { Set(readers.flatMap(\.extensions)) }

    /// The reader that declares this extension.
    func claimant(ofExtension ext: String) -> ReaderDeclaration? {
        ext.isEmpty ? nil : readers.first { $0.extensions.contains(ext) }
    }

    /// The reader of a shape when no other recognises the input.
    func fallback(_ shape: InputShape) -> ReaderDeclaration? {
        readers.first { $0.shape == shape && $0.isFallback }
    }

    /// The table of formats in docs/formats.md, made from the declarations (a test checks that the docs hold it).
    public var markdownTable: String {
        var out = "| `--input-format` | format | extensions | recognised from its content by |\n| --- | --- | --- | --- |\n"
        for r in readers {
            var by = r.recognisedBy ?? ""
            if r.isFallback, r.shape != .jsonLines { by += (by.isEmpty ? "" : "; ") + "any other \(r.shape == .text ? "text" : r.shape.rawValue)" }
            let extensions = r.extensions.map { "`.\($0)`" }.joined(separator: ", ")
            out += "| `\(r.format.rawValue)` | \(r.summary) | \(extensions.isEmpty ? "-" : extensions) | \(by.isEmpty ? "-" : by) |\n"
        }
        return out
    }

    // MARK: The JSON-or-text guess

    /// What an input is: by the extension its reader declares, else by its first bytes.
    /// This is the one place the guess is made: the loader asks it for the line limit of a
    /// file before reading it, detection asks it for the shape of the content, and the
    /// streaming of standard input asks it whether to read JSON Lines in chunks.
    public func shape(source: String, bytes: ArraySlice<UInt8>) -> InputShape {
        if let claimant = claimant(ofExtension: InputFormat.fileExtension(source)) { return claimant.shape }
        return ReaderRegistry.contentShape(bytes)
    }

    /// The shape of content without a telling extension: `{` or `[{` starts JSON; anything
    /// else is text, including `[00:01.2-00:04.8] 坐席:` and `[Name] 11:02:09`. JSON Lines:
    /// a first line that is a whole JSON object with more text after it (a JSON document
    /// cannot go on after its value), or a first line of anything followed by lines that are
    /// whole objects (``recordsAfter(_:complete:otherwise:)``).
    static func contentShape(_ bytes: ArraySlice<UInt8>) -> InputShape {
        earlyShape(bytes, complete: true) ?? .text
    }

    /// ``contentShape(_:)`` of the first bytes of a stream; nil while they cannot tell yet
    /// (`complete` false: more may come), so that standard input is decided as soon as its
    /// first lines are in, not when 64 KB are.
    static func earlyShape(_ bytes: ArraySlice<UInt8>, complete: Bool) -> InputShape? {
        guard let first = bytes.firstIndex(where: { !isSpace($0) && !isByteOrderMark($0) }) else { return complete ? .text : nil }
        switch bytes[first] {
        case UInt8(ascii: "["):
            guard let next = bytes[(first + 1)...].prefix(64).first(where: { !isSpace($0) }) else { return complete ? .text : nil }
            if next == UInt8(ascii: "{") || next == UInt8(ascii: "]") { return .jsonDocument }
            return recordsAfter(bytes[first...], complete: complete, otherwise: .text)
        case UInt8(ascii: "{"):
            guard let firstEnd = bytes[first...].firstIndex(of: 0x0A) else { return complete ? .jsonDocument : nil }
            if isWholeObject(bytes[first..<firstEnd]) {
                // A JSON document cannot go on after its value.
                if bytes[firstEnd...].contains(where: { !isSpace($0) }) { return .jsonLines }
                return complete ? .jsonDocument : nil
            }
            return recordsAfter(bytes[first...], complete: complete, otherwise: .jsonDocument)
        default:
            return recordsAfter(bytes[first...], complete: complete, otherwise: .text)
        }
    }

    /// Content whose first line is not a whole JSON object: JSON Lines when each of the next
    /// two lines that are not blank (or the one line there is) is a whole object, a stream
    /// whose first record is broken (a transcript or an object over many lines has no such
    /// lines); `otherwise` when one is not. nil while undecided and `complete` is false.
    static func recordsAfter(_ bytes: ArraySlice<UInt8>, complete: Bool, otherwise: InputShape) -> InputShape? {
        guard let firstEnd = bytes.firstIndex(of: 0x0A) else { return complete ? otherwise : nil }
        var next: [ArraySlice<UInt8>] = []
        var start = firstEnd + 1
        while next.count < 2, start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: 0x0A)
            if end == nil && !complete { break }
            let line = bytes[start..<(end ?? bytes.endIndex)]
            if line.contains(where: { !isSpace($0) }) {
                if !isWholeObject(line) { return otherwise }
                next.append(line)
            }
            start = (end ?? bytes.endIndex) + 1
        }
        if next.count == 2 || (complete && next.count == 1) { return .jsonLines }
        return complete ? otherwise : nil
    }

    /// A line that is one JSON object, `{` to `}`, and parses.
    static func isWholeObject(_ line: ArraySlice<UInt8>) -> Bool {
        guard let first = line.firstIndex(where: { !isSpace($0) && !isByteOrderMark($0) }), line[first] == UInt8(ascii: "{"),
              let last = line.lastIndex(where: { !isSpace($0) }), line[last] == UInt8(ascii: "}") else { return false }
        guard case .object = try? JSONParser.parse(Array(line[first...last])) else { return false }
        return true
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
    static func isByteOrderMark(_ b: UInt8) -> Bool { b == 0xEF || b == 0xBB || b == 0xBF }

    // MARK: Detection

    /// The format of validated text from `source` (a path, or `-` for standard input):
    /// an extension a reader declares names its format (the extension of a fallback reader,
    /// `.txt` or `.json`, names only the shape); within the shape, the first reader in
    /// registry order that recognises the content, else the shape's fallback. A JSON document
    /// is parsed here once, and the parsed value goes to the reader.
    public func decide(source: String, text: [UInt8]) -> FormatDecision {
        let claimant = claimant(ofExtension: InputFormat.fileExtension(source))
        if let claimant, !claimant.isFallback { return decision(for: claimant, text: text) }
        switch claimant?.shape ?? ReaderRegistry.contentShape(text[...]) {
        case .text:
            let found = readers.first { r in
                guard r.shape == .text, case .text(let recognises) = r.recognition else { return false }
                return recognises(text[...])
            }
            return FormatDecision(found ?? claimant ?? fallback(.text), shape: .text)
        case .jsonLines:
            return FormatDecision(claimant ?? fallback(.jsonLines), shape: .jsonLines)
        case .jsonDocument:
            let document = Result { () throws(JSONSyntaxError) -> JSONValue in try JSONParser.parse(text) }
            guard case .success(let value) = document else {
                return FormatDecision(claimant ?? fallback(.jsonDocument), shape: .jsonDocument, document: document)
            }
            let found = readers.first { r in
                guard r.shape == .jsonDocument, case .json(let recognises) = r.recognition else { return false }
                return recognises(value)
            }
            if let found, !found.isFallback { return FormatDecision(found, shape: .jsonDocument, document: document) }
            // One object on one line, and nothing says it is a document: one line of JSON Lines.
            if claimant == nil, case .object = value, ReaderRegistry.onOneLine(text), let lines = fallback(.jsonLines) {
                return FormatDecision(lines, shape: .jsonLines, document: document)
            }
            return FormatDecision(claimant ?? fallback(.jsonDocument), shape: .jsonDocument, document: document)
        }
    }

    /// The decision when the format is known (forced with `--input-format`, or named by its extension).
    public func decision(for declaration: ReaderDeclaration, text: [UInt8]) -> FormatDecision {
        guard declaration.shape == .jsonDocument else { return FormatDecision(declaration, shape: declaration.shape) }
        let document = Result { () throws(JSONSyntaxError) -> JSONValue in try JSONParser.parse(text) }
        return FormatDecision(declaration, shape: .jsonDocument, document: document)
    }

    /// Text whose bytes other than blank lines around it are one line.
    static func onOneLine(_ text: [UInt8]) -> Bool {
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) }) else { return true }
        return !text[first...last].contains(0x0A)
    }
}

/// The format decided for an input, with the JSON document parsed on the way.
public struct FormatDecision: Sendable {
    public let format: InputFormat
    public let shape: InputShape
    /// The whole input parsed as JSON while deciding, for the reader: nil unless the input was read as JSON.
    public let document: Result<JSONValue, JSONSyntaxError>?

    init(_ declaration: ReaderDeclaration?, shape: InputShape, document: Result<JSONValue, JSONSyntaxError>? = nil) {
        // Every registry has a fallback for each shape it reads; plain text otherwise.
        format = declaration?.format ?? .plain
        self.shape = shape
        self.document = document
    }
}
