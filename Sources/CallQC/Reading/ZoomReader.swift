/// Reads Zoom's plain-text meeting transcripts.
///
/// ```
/// [Wang Fang] 11:02:09
/// 您好，很高兴为您服务。
///
/// [Li Lei] 11:02:13
/// 我想查一下话费。
/// ```
///
/// A `[Name] HH:MM:SS` line starts a turn; the lines after it are its text. The
/// times are wall-clock start times: turns start at their offset from the first
/// one (the first clock time is kept as metadata `start_clock`) and have no end.
public struct ZoomReader: TranscriptReader {
    public init() {}

    /// `[Name] 11:02:09` → (name, seconds of the day, the time as written).
    static func header(_ line: String) -> (String, Double, String)? {
        let t = line.trimmed()
        guard t.hasPrefix("["), let close = t.firstIndex(of: "]") else { return nil }
        let name = t[t.index(after: t.startIndex)..<close].trimmingCharacters()
        let time = t[t.index(after: close)...].trimmingCharacters()
        guard !name.isEmpty, name.count <= 80, time.contains(":"), TranscriptTime.parse(Substring(name)) == nil,
              let seconds = TranscriptTime.parse(Substring(time)) else { return nil }
        return (name, seconds, time)
    }

    /// The time of a `[Name] 25:61:61` line that is shaped like a header but is no clock time.
    static func badClock(_ line: String) -> String? {
        let t = line.trimmed()
        guard t.hasPrefix("["), let close = t.firstIndex(of: "]") else { return nil }
        let time = t[t.index(after: close)...].trimmingCharacters()
        let parts = time.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 2 && $0.allSatisfy(\.isASCIIDigit) }) else { return nil }
        let h = Int(parts[0]) ?? 0, m = Int(parts[1]) ?? 0, s = Int(parts[2]) ?? 0
        return h > 23 || m > 59 || s > 59 ? time : nil
    }

    public func read(_ input: TextInput, options: ReadOptions) -> ReadOutcome {
        var call = Call(id: PlainTranscriptReader.callID(fromSource: input.source), source: input.source)
        var turns = TurnCollector(source: input.source)
        var current: (name: String, start: Double, line: Int, text: String)?
        var first: Double?
        var previous = 0.0
        var dayOffset = 0.0

        func flush() {
            guard let c = current else { return }
            turns.add(speaker: c.name, role: VendorJSON.role(of: c.name, options), start: c.start, end: nil, text: c.text, at: "the turn at line \(c.line)")
        }

        for (number, raw) in input.lines {
            let line = String(decoding: raw, as: UTF8.self)
            if let bad = ZoomReader.badClock(line) {
                return .failure(InputProblem(source: input.source, line: number, message: "'\(bad)' is not a clock time (hours 0–23, minutes and seconds 0–59) in a '[Name] HH:MM:SS' line"))
            }
            if let (name, clock, written) = ZoomReader.header(line) {
                flush()
                if first == nil {
                    first = clock
                    call.metadata["start_clock"] = written
                }
                // A clock that goes back by hours has passed midnight.
                if clock + dayOffset < previous - 3600 { dayOffset += 86_400 }
                previous = clock + dayOffset
                let start = min(max(0, previous - (first ?? clock)), VendorJSON.maxSeconds - 1)
                current = (name, (start * 1000).rounded() / 1000, number, "")
                continue
            }
            let text = line.trimmed()
            if text.isEmpty { continue }
            guard var c = current else {
                return .failure(InputProblem(source: input.source, line: number, message: "text before the first '[Name] HH:MM:SS' line: a Zoom transcript starts with a speaker and a time"))
            }
            c.text = PlainTranscriptReader.join(c.text, text)
            current = c
        }
        flush()
        return turns.outcome(call, what: "'[Name] HH:MM:SS' turns")
    }
}

extension InputFormat {
    /// Zoom plain-text transcript (`[Name] HH:MM:SS`, then text).
    public static let zoom = InputFormat(declaring: "zoom")
}

extension ZoomReader {
    public static let declaration = ReaderDeclaration(
        format: .zoom, summary: "Zoom plain-text transcript", shape: .text,
        recognition: .text(ZoomReader.looksLikeZoom),
        recognisedBy: "a first line `[Name] HH:MM:SS`", reader: ZoomReader())

    /// A Zoom transcript begins with a `[Name] HH:MM:SS` line.
    static func looksLikeZoom(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let start = bytes.firstIndex(where: { !ReaderRegistry.isSpace($0) }) else { return false }
        let end = bytes[start...].prefix(400).firstIndex(of: 0x0A) ?? min(bytes.endIndex, start + 400)
        guard start < end else { return false }
        let first = String(decoding: bytes[start..<end], as: UTF8.self)
        // A header with an impossible clock (25:61:61) is still a Zoom header: its reader says what is wrong.
        return ZoomReader.header(first) != nil || ZoomReader.badClock(first) != nil
    }
}
