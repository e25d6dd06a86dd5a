/// Shared pieces of the readers for speech-recognition output: parsing the JSON
/// document, reading numbers and times field by field with messages that name
/// the field, building turns from words, and speaker labels.
///
/// Every conversion is guarded: a vendor file that is broken, truncated or of
/// another shape gives a ``VendorError`` naming the field, never a crash.
struct VendorError: Error, Sendable {
    var message: String
    var line: Int?

    init(_ message: String, line: Int? = nil) {
        self.message = message
        self.line = line
    }
}

enum VendorJSON {
    /// The largest time callqc accepts, in seconds (about 115 days).
    static let maxSeconds = 1e7

    /// The error for a document that is not JSON, naming the format in the "truncated?" hint.
    static func syntaxError(_ error: JSONSyntaxError, format: String) -> VendorError {
        var message = "invalid JSON at column \(error.column): \(error.reason)"
        if error.reason.contains("end of input") || error.reason.contains("unterminated") { message += " (is the \(format) file truncated?)" }
        return VendorError(message, line: error.line)
    }

    /// The outcome of a reader that threw.
    static func failure(_ error: VendorError, _ input: TextInput) -> ReadOutcome {
        .failure(InputProblem(source: input.source, line: error.line, message: error.message))
    }

    /// A number, or a number written as a string (`"4.87"`, as Amazon Transcribe writes
    /// times); nil when absent or null.
    static func number(_ object: JSONValue, _ key: String, at: String, stringsAllowed: Bool = false) throws(VendorError) -> Double? {
        guard let v = object[key], !v.isNull else { return nil }
        if let n = v.numberValue, n.isFinite { return n }
        if stringsAllowed, let s = v.stringValue {
            let t = s.trimmed()
            if t.isEmpty { return nil }
            if let n = Double(t), n.isFinite { return n }
            throw VendorError("\(at): '\(key)' is \"\(s)\", not a number")
        }
        throw VendorError("\(at): '\(key)' must be a number, found \(v.typeName)")
    }

    /// Seconds from a value in `unit` seconds (1 for seconds, 0.001 for milliseconds,
    /// 1e-7 for 100-ns ticks), checked to be a time in a call.
    static func seconds(_ value: Double?, unit: Double, key: String, at: String) throws(VendorError) -> Double? {
        guard let value else { return nil }
        let s = value * unit
        guard s.isFinite, s >= 0, s < maxSeconds else {
            throw VendorError("\(at): '\(key)' is \(JSONValue.format(value)), which is not a time in a call")
        }
        return (s * 1000).rounded() / 1000
    }

    /// A time field in `unit` seconds.
    static func time(_ object: JSONValue, _ key: String, unit: Double, at: String, stringsAllowed: Bool = false) throws(VendorError) -> Double? {
        try seconds(number(object, key, at: at, stringsAllowed: stringsAllowed), unit: unit, key: key, at: at)
    }

    /// A string field; numbers are given as their JSON text.
    static func string(_ object: JSONValue, _ key: String, at: String) throws(VendorError) -> String? {
        guard let v = object[key], !v.isNull else { return nil }
        if let s = v.stringValue { return s }
        if let n = v.numberValue { return JSONValue.format(n) }
        throw VendorError("\(at): '\(key)' must be a string, found \(v.typeName)")
    }

    /// The first of several string fields that is present (`display`, `Display`).
    static func string(_ object: JSONValue, _ keys: [String], at: String) throws(VendorError) -> String? {
        for key in keys {
            if let s = try string(object, key, at: at) { return s }
        }
        return nil
    }

    /// An array field; nil when absent or null.
    static func array(_ object: JSONValue, _ key: String, at: String) throws(VendorError) -> [JSONValue]? {
        guard let v = object[key], !v.isNull else { return nil }
        guard let a = v.arrayValue else { throw VendorError("\(at): '\(key)' must be an array, found \(v.typeName)") }
        return a
    }

    /// `PT1H2M3.5S` (ISO-8601 durations, as Azure writes offsets) in seconds.
    static func isoDuration(_ text: String) -> Double? {
        var rest = Substring(text.trimmed().uppercased())
        guard rest.hasPrefix("PT") || rest.hasPrefix("P") else { return nil }
        rest = rest.dropFirst(rest.hasPrefix("PT") ? 2 : 1)
        var total = 0.0, number = "", seen = false
        for ch in rest {
            if ch.isASCIIDigit || ch == "." || ch == "," { number.append(ch == "," ? "." : ch); continue }
            guard let v = Double(number), v.isFinite else { return nil }
            switch ch {
            case "D": total += v * 86_400
            case "H": total += v * 3_600
            case "M": total += v * 60
            case "S": total += v
            case "T": guard number.isEmpty else { return nil }
            default: return nil
            }
            number = ""
            seen = true
        }
        guard seen, number.isEmpty, total.isFinite, total < maxSeconds else { return nil }
        return total
    }

    /// Seconds since 1970 from an ISO-8601 date-time (`2022-10-19T13:31:02.191Z`,
    /// `+08:00` offsets), as Contact Lens chat transcripts write `AbsoluteTime`.
    static func isoDateTime(_ text: String) -> Double? {
        let t = Array(text.trimmed().utf8)
        func digits(_ from: Int, _ count: Int) -> Int? {
            guard from >= 0, from + count <= t.count else { return nil }
            var v = 0
            for b in t[from..<(from + count)] {
                guard b >= 48, b <= 57 else { return nil }
                v = v * 10 + Int(b - 48)
            }
            return v
        }
        guard t.count >= 19, let y = digits(0, 4), let mo = digits(5, 2), let d = digits(8, 2),
              let h = digits(11, 2), let mi = digits(14, 2), let s = digits(17, 2),
              (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61 else { return nil }
        var i = 19
        var fraction = 0.0
        if i < t.count, t[i] == UInt8(ascii: ".") || t[i] == UInt8(ascii: ",") {
            i += 1
            var scale = 0.1
            while i < t.count, t[i] >= 48, t[i] <= 57 { fraction += Double(t[i] - 48) * scale; scale /= 10; i += 1 }
        }
        var offset = 0
        if i < t.count {
            switch t[i] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"): break
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard let oh = digits(i + 1, 2) else { return nil }
                let om = digits(i + 4, 2) ?? digits(i + 3, 2) ?? 0
                offset = (oh * 3600 + om * 60) * (t[i] == UInt8(ascii: "+") ? 1 : -1)
            default: return nil
            }
        }
        // Days from the civil date (Howard Hinnant's algorithm).
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Double(days * 86_400 + h * 3600 + mi * 60 + s - offset) + fraction
    }

    /// `0`, `1` → `spk_0`, `spk_1`; labels that are not bare numbers stay as written.
    static func speakerLabel(_ raw: String) -> String {
        let t = raw.trimmed()
        if !t.isEmpty, t.count <= 6, t.allSatisfy(\.isASCIIDigit) { return "spk_\(t)" }
        return t
    }

    /// Joins recognised words into text: a space between words of Latin script, none
    /// between Chinese characters, punctuation attached to the word before it.
    static func join(_ text: String, _ word: String, punctuation: Bool = false) -> String {
        if punctuation || text.isEmpty { return text + word }
        return PlainTranscriptReader.join(text, word)
    }

    /// The role a label's standard or user mapping gives, else `other` (decided later
    /// by ``SpeakerRoles``).
    static func role(of speaker: String, _ options: ReadOptions) -> Role {
        options.roleMap.role(of: speaker) ?? .other
    }
}

/// Collects the turns of one call from a vendor file, with the checks every
/// reader needs: empty text is skipped (counted for one warning), an end before
/// its start is dropped with a warning.
struct TurnCollector {
    let source: String
    var turns: [Turn] = []
    var warnings: [InputProblem] = []
    private var emptySegments = 0
    private var firstEmpty: String?

    init(source: String) { self.source = source }

    mutating func add(speaker: String, role: Role, start: Double?, end: Double?, text: String, words: [Word] = [], at: String) {
        let trimmed = text.trimmed()
        if trimmed.isEmpty {
            emptySegments += 1
            if firstEmpty == nil { firstEmpty = at }
            return
        }
        var end = end
        if let s = start, let e = end, e < s {
            warnings.append(InputProblem(source: source, message: "\(at): end \(TranscriptTime.format(e)) is before start \(TranscriptTime.format(s)); the end is dropped", severity: .warning))
            end = nil
        }
        turns.append(Turn(role: role, speaker: speaker, start: start, end: end, text: trimmed, words: words))
    }

    /// Sorts turns by start time (stable: turns without a start keep their place
    /// after the turn before them), for vendors that list channels one after another.
    mutating func sortByStart() {
        var last = -1.0
        let keyed = turns.enumerated().map { (i, t) -> (Double, Int, Turn) in
            if let s = t.start { last = s }
            return (t.start ?? last, i, t)
        }
        turns = keyed.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
    }

    /// The outcome: one call, or an error when nothing was said.
    func outcome(_ call: Call, what: String) -> ReadOutcome {
        var warnings = self.warnings
        if turns.isEmpty {
            let reason = emptySegments > 0 ? "all \(emptySegments) \(what) have empty text" : "no \(what) found"
            return ReadOutcome(errors: [InputProblem(source: source, message: "\(reason): there is nothing to check")], warnings: warnings)
        }
        if emptySegments > 0, let firstEmpty {
            warnings.append(InputProblem(source: source, message: "\(emptySegments) of the \(what) have empty text and were skipped (the first: \(firstEmpty))", severity: .warning))
        }
        var call = call
        call.turns = turns
        return ReadOutcome(calls: [call], warnings: warnings)
    }
}

/// A reader of one recogniser's JSON document: parsing and the error for an unreadable
/// document are the same for all; each reader turns the document into calls.
protocol VendorJSONReader: TranscriptReader {
    /// The name messages give this format ("Whisper", "Azure Speech").
    var formatName: String { get }
    func read(_ document: JSONValue, _ input: TextInput, _ options: ReadOptions) throws(VendorError) -> ReadOutcome
}

extension VendorJSONReader {
    public func read(_ input: TextInput, options: ReadOptions) -> ReadOutcome {
        read(input, document: Result { () throws(JSONSyntaxError) -> JSONValue in try JSONParser.parse(input.bytes) }, options: options)
    }

    /// Reads the document the loader parsed while deciding the format: the bytes are not parsed again.
    public func read(_ input: TextInput, document: Result<JSONValue, JSONSyntaxError>, options: ReadOptions) -> ReadOutcome {
        switch document {
        case .failure(let error):
            return VendorJSON.failure(VendorJSON.syntaxError(error, format: formatName), input)
        case .success(let value):
            do {
                return try read(value, input, options)
            } catch {
                return VendorJSON.failure(error, input)
            }
        }
    }
}
