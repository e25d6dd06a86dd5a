import Foundation

/// A call's link to its recording (``Call/audio``): what a link may be, and how the link a
/// transcript names, or the recording an audio root holds, becomes the link a result keeps.
///
/// A link is a path to a `.wav`, `.mp3`, `.m4a`, `.opus` or `.ogg` file, or a URL (`s3://…`,
/// `https://…`) kept as a reference, without its query and fragment (a signed URL's signature
/// is a secret), and never fetched. See docs/formats.md, "Recordings".
public enum RecordingLink {
    /// The extensions of recordings, in the order `--audio-root` looks for them.
    public static let extensions = ["wav", "mp3", "m4a", "opus", "ogg"]

    /// The HTTP content type of a recording, by its extension; nil for any other file.
    public static func contentType(of path: String) -> String? {
        switch fileExtension(path) {
        case "wav": return "audio/wav"
        case "mp3": return "audio/mpeg"
        case "m4a": return "audio/mp4"
        case "opus": return "audio/ogg; codecs=opus"
        case "ogg": return "audio/ogg"
        default: return nil
        }
    }

    /// The lower-cased extension of a path's last component (`""` without one).
    static func fileExtension(_ path: String) -> String {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }

    /// `scheme://…`: a URL, kept as a reference and never fetched or served.
    public static func isURL(_ link: String) -> Bool {
        guard let colon = link.firstIndex(of: ":"), link[colon...].hasPrefix("://") else { return false }
        let scheme = link[..<colon]
        guard let first = scheme.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic else { return false }
        return scheme.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0)) }
    }

    /// A URL without its query and fragment, and without a user name and password before its host (secrets, like
    /// a signed URL's signature); any other link as it is.
    public static func reference(_ link: String) -> String {
        guard isURL(link) else { return link }
        var s = String(link.prefix { $0 != "?" && $0 != "#" })
        if let scheme = s.range(of: "://") {
            let authority = s[scheme.upperBound...].prefix { $0 != "/" }
            if let at = authority.lastIndex(of: "@") { s.removeSubrange(scheme.upperBound...at) }
        }
        return s
    }

    /// Why a link cannot name a recording (an empty value, a control character, a file that is
    /// not audio); nil when it can. A URL without an extension (`https://host/get?id=7`) can.
    public static func problem(_ link: String) -> String? {
        let value = link.trimmed()
        if value.isEmpty { return "is empty" }
        if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return "holds a control character" }
        let path = isURL(value) ? reference(value) : value
        let ext = fileExtension(path)
        if isURL(value), ext.isEmpty || path.hasSuffix("/") { return nil }
        if !extensions.contains(ext) {
            return "is not a recording: a recording's name ends in " + extensions.map { "." + $0 }.joined(separator: ", ")
        }
        return nil
    }

    /// Checks and completes the link of a call just read from `source`; returns a warning for a
    /// link that cannot be a recording (the call is checked without it).
    ///
    /// - A URL loses its query and fragment.
    /// - A relative path is looked for under each root; if no root holds it, it is relative to
    ///   the transcript's folder (standard input, or text that is not a file: kept as written,
    ///   for the workbench's roots).
    /// - A call without a link gets `ROOT/CALL_ID.EXT`, the first that exists, in the order of
    ///   the roots and ``extensions``. A call id with a `/` is never looked up.
    public static func resolve(_ call: inout Call, source: String, fromFile: Bool, roots: [String]) -> String? {
        let fm = FileManager.default
        func isFile(_ path: String) -> Bool {
            var directory: ObjCBool = false
            return fm.fileExists(atPath: path, isDirectory: &directory) && !directory.boolValue
        }
        if let written = call.audio {
            if let problem = problem(written) {
                call.audio = nil
                return "call \(call.id): the recording '\(written)' \(problem); the call is checked without it"
            }
            let link = written.trimmed()
            if isURL(link) { call.audio = reference(link); return nil }
            if link.hasPrefix("/") { call.audio = link; return nil }
            for root in roots where isFile(join(root, link)) {
                call.audio = absolute(join(root, link))
                return nil
            }
            // Only a transcript read from a file has a folder (not standard input, a pasted text, nor a request
            // whose `source` is only a name: looking that name up would tell a client what the server's folder holds).
            if fromFile, source != "-", !source.isEmpty, !isURL(source) {
                let folder = (absolute(source) as NSString).deletingLastPathComponent
                call.audio = absolute(join(folder, link))
            } else {
                call.audio = link
            }
            return nil
        }
        guard !roots.isEmpty, !call.id.isEmpty, !call.id.contains("/"), !call.id.contains("\0"), call.id != "." , call.id != ".." else { return nil }
        for root in roots {
            for ext in extensions where isFile(join(root, call.id + "." + ext)) {
                call.audio = absolute(join(root, call.id + "." + ext))
                return nil
            }
        }
        return nil
    }

    static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// The path made absolute (from the current folder) with `.` and `..` taken out as written.
    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardized.path
    }
}
