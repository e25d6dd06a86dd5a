/// Text from transcripts, ids and file names made safe for a terminal: control characters
/// (C0, DEL, C1: ESC and OSC sequences, bells, backspaces) and line breaks are shown as
/// visible escapes (`\e`, `\n`, `\x07`), and bidirectional overrides as `\u{202E}`, so a
/// transcript cannot clear the screen, retitle the window, hide text or split a row.
public enum TerminalText {
    public static func safe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for s in text.unicodeScalars {
            guard needsEscape(s) else { out.unicodeScalars.append(s); continue }
            switch s.value {
            case 0x1B: out += "\\e"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += " "
            case 0..<0x100: out += "\\x" + hex(s.value, 2)
            default: out += "\\u{" + hex(s.value, 4) + "}"
            }
        }
        return out
    }

    @inline(__always)
    static func needsEscape(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x2028 || v == 0x2029
            || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    static func hex(_ v: UInt32, _ width: Int) -> String {
        let h = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - h.count)) + h
    }
}
