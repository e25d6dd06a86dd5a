/// Reads callqc's canonical JSON: one call object, an array of them, or (with
/// `lines`) one call object per line. See docs/formats.md.
public struct CanonicalJSONReader: TranscriptReader {
    /// JSON Lines instead of one JSON document.
    public let lines: Bool

    public init(lines: Bool) { self.lines = lines }

    public func read(_ input: TextInput, options: ReadOptions) -> ReadOutcome {
        var outcome = ReadOutcome()
        if lines {
            for (chunkLine, raw) in input.lines {
                if raw.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                // A call without an id is named after its line: unique across the whole file.
                let number = chunkLine + options.lineOffset
                do {
                    let value = try JSONParser.parse(Array(raw), firstLine: number)
                    let call = try CallJSON.decode(value, source: input.source, index: number, roleMap: options.roleMap)
                    outcome.calls.append(call)
                } catch let e as JSONSyntaxError {
                    outcome.errors.append(InputProblem(source: input.source, line: number, message: "invalid JSON at column \(e.column): \(e.reason)" + CallJSON.truncationHint(e)))
                } catch let e as CallJSON.DecodeError {
                    outcome.errors.append(InputProblem(source: input.source, line: number, message: e.message))
                } catch {
                    outcome.errors.append(InputProblem(source: input.source, line: number, message: "\(error)"))
                }
            }
            if outcome.calls.isEmpty && outcome.errors.isEmpty {
                outcome.errors.append(InputProblem(source: input.source, message: "no calls found"))
            }
            return outcome
        }

        return read(input, document: Result { () throws(JSONSyntaxError) -> JSONValue in try JSONParser.parse(input.bytes) }, options: options)
    }

    /// Reads the document the loader parsed while deciding the format. For JSON Lines the
    /// document is the input's one line (an object alone on its line, read from content).
    public func read(_ input: TextInput, document parsed: Result<JSONValue, JSONSyntaxError>, options: ReadOptions) -> ReadOutcome {
        if lines {
            guard case .success(let value) = parsed else { return read(input, options: options) }
            // The line of the object: blank lines may come before it.
            let first = input.bytes.firstIndex { !ReaderRegistry.isSpace($0) } ?? 0
            let number = input.bytes[..<first].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) } + options.lineOffset
            do {
                return ReadOutcome(calls: [try CallJSON.decode(value, source: input.source, index: number, roleMap: options.roleMap)])
            } catch {
                return .failure(InputProblem(source: input.source, line: number, message: error.message))
            }
        }
        var outcome = ReadOutcome()
        let document: JSONValue
        switch parsed {
        case .success(let value): document = value
        case .failure(let error):
            var message = "invalid JSON at column \(error.column): \(error.reason)" + CallJSON.truncationHint(error)
            if error.reason.hasPrefix("unexpected text after") && error.line > 1 {
                message += " (one object per line is JSON Lines: name the file .jsonl or pass --input-format jsonl)"
            }
            return .failure(InputProblem(source: input.source, line: error.line, message: message))
        }
        let items: [JSONValue]
        if case .array(let array) = document {
            if array.isEmpty { return .failure(InputProblem(source: input.source, message: "an empty array: no calls to read")) }
            items = array
        } else {
            items = [document]
        }
        for (i, item) in items.enumerated() {
            do {
                outcome.calls.append(try CallJSON.decode(item, source: input.source, index: items.count > 1 ? i + 1 : nil, roleMap: options.roleMap))
            } catch {
                let prefix = items.count > 1 ? "call \(i + 1) of \(items.count): " : ""
                outcome.errors.append(InputProblem(source: input.source, message: prefix + error.message))
            }
        }
        return outcome
    }
}

/// The canonical JSON form of a call, both ways.
///
/// ```json
/// {"schema": "callqc.call/1", "id": "C20261120-0042", "agent": "A017", "date": "2026-11-20",
///  "language": null, "script": null, "source": "samples/good-call.txt", "metadata": {},
///  "turns": [{"role": "agent", "speaker": "坐席", "start": 0.3, "end": 4.8, "text": "您好"}]}
/// ```
public enum CallJSON {
    public static let schema = "callqc.call/1"

    public struct DecodeError: Error, Sendable { public let message: String }

    /// The canonical JSON value of a call.
    public static func encode(_ call: Call) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("schema", .string(schema)),
            ("id", .string(call.id)),
            ("agent", .string(call.agent)),
            ("date", .string(call.date)),
            ("language", .string(call.language)),
            ("script", .string(call.script)),
            ("source", .string(call.source)),
            ("metadata", .object(call.metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
        ]
        if let audio = call.audio { members.append(("audio", .string(audio))) }
        members.append(("turns", .array(call.turns.map { turn in
            var t: [(String, JSONValue)] = [
                ("role", .string(turn.role.rawValue)),
                ("speaker", .string(turn.speaker)),
                ("start", .number(turn.start)),
                ("end", .number(turn.end)),
                ("text", .string(turn.text)),
            ]
            if !turn.words.isEmpty {
                t.append(("words", .array(turn.words.map {
                    .object([("text", .string($0.text)), ("start", .number($0.start)), ("end", .number($0.end))])
                })))
            }
            return .object(t)
        })))
        return .object(members)
    }

    /// A call from its canonical JSON value. `index` numbers calls of a multi-call
    /// input, for an id when the object has none.
    public static func decode(_ value: JSONValue, source: String, index: Int?, roleMap: RoleMap) throws(DecodeError) -> Call {
        guard case .object = value else { throw DecodeError(message: "a call must be a JSON object, found \(value.typeName)") }
        if let schema = value["schema"], !schema.isNull {
            guard let s = schema.stringValue, s.hasPrefix("callqc.call/") else {
                throw DecodeError(message: "'schema' is \(value["schema"]!.compact()), expected \"\(CallJSON.schema)\"")
            }
        }
        guard let turnsValue = value["turns"] else {
            throw DecodeError(message: "missing required field 'turns' (an array of {role, speaker, start, end, text}); nor is it a speech-recognition result callqc knows (docs/formats.md lists them; --input-format names one)")
        }
        guard let turnItems = turnsValue.arrayValue else {
            throw DecodeError(message: "'turns' must be an array, found \(turnsValue.typeName)")
        }
        var fallbackID = PlainTranscriptReader.callID(fromSource: source)
        if let index { fallbackID += "#\(index)" }
        var call = Call(
            id: try optionalString(value, "id", numbersAllowed: true) ?? fallbackID,
            agent: try optionalString(value, "agent", numbersAllowed: true),
            date: try optionalString(value, "date"),
            language: try optionalString(value, "language"),
            script: try optionalString(value, "script"),
            source: try optionalString(value, "source") ?? source
        )
        if let meta = value["metadata"], !meta.isNull {
            guard let members = meta.objectValue else { throw DecodeError(message: "'metadata' must be an object, found \(meta.typeName)") }
            for (k, v) in members {
                switch v {
                case .string(let s): call.metadata[k] = s
                case .number, .bool: call.metadata[k] = v.compact()
                case .null: continue
                default: throw DecodeError(message: "metadata '\(k)' must be a string, number or boolean, found \(v.typeName)")
                }
            }
        }
        // Checked, with a warning for a link that is no recording, where calls are loaded (RecordingLink).
        call.audio = try optionalString(value, "audio")
        for (i, item) in turnItems.enumerated() {
            call.turns.append(try turn(item, number: i + 1, roleMap: roleMap))
        }
        if call.turns.isEmpty { throw DecodeError(message: "'turns' is empty: a call needs at least one turn") }
        return call
    }

    private static func turn(_ item: JSONValue, number: Int, roleMap: RoleMap) throws(DecodeError) -> Turn {
        let at = "turn \(number)"
        guard case .object = item else { throw DecodeError(message: "\(at): must be an object, found \(item.typeName)") }
        guard let textValue = item["text"] else { throw DecodeError(message: "\(at): missing required field 'text'") }
        guard let text = textValue.stringValue else { throw DecodeError(message: "\(at): 'text' must be a string, found \(textValue.typeName)") }
        let speaker = try optionalString(item, "speaker", numbersAllowed: true, at: at)
        var role: Role?
        if let r = try optionalString(item, "role", at: at) {
            guard let parsed = Role(rawValue: r.lowercased()) else {
                throw DecodeError(message: "\(at): 'role' is \"\(r)\", expected \"agent\", \"customer\" or \"other\"")
            }
            role = parsed
        }
        if role == nil, speaker == nil { throw DecodeError(message: "\(at): needs 'role' or 'speaker'") }
        let start = try optionalTime(item, "start", at: at)
        let end = try optionalTime(item, "end", at: at)
        if let s = start, let e = end, e < s {
            throw DecodeError(message: "\(at): 'end' (\(JSONValue.format(e))) is before 'start' (\(JSONValue.format(s)))")
        }
        var words: [Word] = []
        if let w = item["words"], !w.isNull {
            guard let list = w.arrayValue else { throw DecodeError(message: "\(at): 'words' must be an array, found \(w.typeName)") }
            for (k, wv) in list.enumerated() {
                let wat = "\(at), word \(k + 1)"
                guard let wt = wv["text"]?.stringValue else { throw DecodeError(message: "\(wat): missing 'text'") }
                words.append(Word(text: wt, start: try optionalTime(wv, "start", at: wat), end: try optionalTime(wv, "end", at: wat)))
            }
        }
        return Turn(role: role ?? roleMap.role(of: speaker ?? "") ?? .other, speaker: speaker ?? "",
                    start: start, end: end, text: text, words: words)
    }

    private static func optionalString(_ object: JSONValue, _ key: String, numbersAllowed: Bool = false, at: String? = nil) throws(DecodeError) -> String? {
        guard let v = object[key], !v.isNull else { return nil }
        if let s = v.stringValue { return s }
        if numbersAllowed, let n = v.numberValue { return JSONValue.format(n) }
        let prefix = at.map { "\($0): " } ?? ""
        throw DecodeError(message: "\(prefix)'\(key)' must be a string, found \(v.typeName)")
    }

    private static func optionalTime(_ object: JSONValue, _ key: String, at: String) throws(DecodeError) -> Double? {
        guard let v = object[key], !v.isNull else { return nil }
        guard let n = v.numberValue else { throw DecodeError(message: "\(at): '\(key)' must be a number of seconds, found \(v.typeName)") }
        guard n >= 0, n < 1e7 else { throw DecodeError(message: "\(at): '\(key)' is \(JSONValue.format(n)) seconds, which is not a time in a call") }
        return n
    }
}

extension CallJSON {
    /// " (is the file truncated?)" for JSON that ends early, as docs/formats.md promises.
    static func truncationHint(_ error: JSONSyntaxError) -> String {
        error.reason.contains("end of input") || error.reason.hasPrefix("unterminated") ? " (is the file truncated?)" : ""
    }
}

extension InputFormat {
    /// callqc's canonical JSON: one call, or an array of calls.
    public static let json = InputFormat(declaring: "json")
    /// callqc's canonical JSON, one call per line.
    public static let jsonl = InputFormat(declaring: "jsonl")
}

extension CanonicalJSONReader {
    /// A JSON document with `turns` is callqc's own, whatever other keys it has; so is one that
    /// no other reader recognises (its reader says what is missing).
    public static let declaration = ReaderDeclaration(
        format: .json, summary: "callqc JSON: one call or an array of calls", shape: .jsonDocument, extensions: ["json"],
        recognition: .json { value in
            if case .array(let items) = value { return items.first?["turns"] != nil }
            return value["turns"] != nil
        },
        recognisedBy: "`turns`", isFallback: true, reader: CanonicalJSONReader(lines: false))

    /// JSON Lines: by extension, or content with one complete object a line.
    public static let linesDeclaration = ReaderDeclaration(
        format: .jsonl, summary: "callqc JSON Lines: one call a line", shape: .jsonLines, extensions: ["jsonl", "ndjson"],
        recognisedBy: "one complete object a line, or one object alone on one line",
        isFallback: true, reader: CanonicalJSONReader(lines: true))
}
