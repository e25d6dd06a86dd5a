import Foundation

/// A posted form: `application/x-www-form-urlencoded` or `multipart/form-data`
/// (text fields and uploaded files). Fields may repeat.
struct Form: Sendable {
    struct File: Sendable {
        var name: String
        var filename: String
        var bytes: [UInt8]
    }

    var fields: [(String, String)] = []
    var files: [File] = []

    func value(_ name: String) -> String? { fields.first { $0.0 == name }?.1 }
    func values(_ name: String) -> [String] { fields.filter { $0.0 == name }.map(\.1) }
    func file(_ name: String) -> File? { files.first { $0.name == name && !($0.filename.isEmpty && $0.bytes.isEmpty) } }

    /// Reads a body by its content type; unknown types give an empty form.
    static func parse(contentType: String?, body: [UInt8]) -> Form {
        let type = (contentType ?? "").lowercased()
        if type.hasPrefix("multipart/form-data"), let boundary = parameter("boundary", in: contentType ?? "") {
            return multipart(body, boundary: boundary)
        }
        if type.hasPrefix("application/x-www-form-urlencoded") {
            return Form(fields: urlEncoded(String(decoding: body, as: UTF8.self)))
        }
        return Form()
    }

    static func urlEncoded(_ text: String) -> [(String, String)] {
        text.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = decode(String(parts[0])), !key.isEmpty else { return nil }
            return (key, parts.count > 1 ? (decode(String(parts[1])) ?? "") : "")
        }
    }

    static func decode(_ s: String) -> String? { s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }

    static func encode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    /// `boundary=…` or `name="…"` out of a header value.
    static func parameter(_ name: String, in header: String) -> String? {
        for part in header.split(separator: ";").dropFirst() {
            let kv = part.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            var v = kv[1].trimmingCharacters(in: .whitespaces)
            if v.hasPrefix("\"") && v.hasSuffix("\"") && v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            return v
        }
        return nil
    }

    static func multipart(_ body: [UInt8], boundary: String) -> Form {
        var form = Form()
        let delimiter = Array(("--" + boundary).utf8)
        var starts: [Int] = []
        var i = 0
        while let at = find(delimiter, in: body, from: i) {
            starts.append(at)
            i = at + delimiter.count
        }
        for (k, start) in starts.enumerated() where k + 1 < starts.count {
            var lo = start + delimiter.count
            // Skip the line break after the delimiter.
            if lo + 1 < body.count, body[lo] == 13, body[lo + 1] == 10 { lo += 2 }
            var hi = starts[k + 1]
            if hi >= 2, body[hi - 2] == 13, body[hi - 1] == 10 { hi -= 2 }
            guard lo < hi, let split = find([13, 10, 13, 10], in: Array(body[lo..<hi]), from: 0) else { continue }
            let head = String(decoding: body[lo..<(lo + split)], as: UTF8.self)
            let content = Array(body[(lo + split + 4)..<hi])
            var name: String?, filename: String?
            for line in head.components(separatedBy: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
                name = parameter("name", in: line)
                filename = parameter("filename", in: line)
            }
            guard let name else { continue }
            if let filename {
                form.files.append(File(name: name, filename: filename, bytes: content))
            } else {
                form.fields.append((name, String(decoding: content, as: UTF8.self)))
            }
        }
        return form
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, hay.count >= needle.count, from <= hay.count - needle.count else { return nil }
        let first = needle[0]
        var i = from
        let last = hay.count - needle.count
        while i <= last {
            if hay[i] == first {
                var j = 1
                while j < needle.count && hay[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
