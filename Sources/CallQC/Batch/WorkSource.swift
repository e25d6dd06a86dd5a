import Foundation

/// Bytes to read into calls: a whole file, or a chunk of JSON Lines.
public struct WorkItem: Sendable {
    public var source: String
    public var bytes: [UInt8]
    /// The line of `source` the bytes start at (chunks of JSON Lines).
    public var firstLine: Int
    /// Forced format for this item (chunks of JSON Lines are JSON Lines).
    public var format: InputFormat?
    /// A problem found before reading (a file that could not be opened).
    public var problem: InputProblem?
    /// Whether `bytes` are still to be read from the file `source` (by the worker
    /// that takes the item, so that files are read on all cores).
    public var unread = false

    /// The item with its file read; a file that cannot be read, or is larger than `maxBytes`, becomes a problem.
    public func loaded(maxBytes: Int = FileBytes.defaultLimit) -> WorkItem {
        guard unread else { return self }
        var item = self
        item.unread = false
        switch FileBytes.read(source, maxBytes: maxBytes) {
        case .success(let bytes): item.bytes = bytes
        case .failure(let problem): item.problem = problem
        }
        return item
    }
}

/// Reads whole files with open(2) and read(2): no `Data`, no attribute lookups.
public enum FileBytes {
    /// The largest file read by default (`--max-file-size`): 256 MB, far above any call's transcript.
    public static let defaultLimit = 256 << 20

    /// The file's bytes; nil when it cannot be opened or read, or is not a regular file (a
    /// FIFO would block the run, a device like /dev/zero never ends).
    public static func contents(of path: String) -> [UInt8]? {
        if case .success(let bytes) = read(path, maxBytes: Int.max) { return bytes }
        return nil
    }

    /// The file's bytes, or a problem that says why not: it cannot be opened (with the system's
    /// reason: permissions, a symbolic link loop…), is not a regular file, or is larger than
    /// `maxBytes` (its size is looked at before anything is read).
    public static func read(_ path: String, maxBytes: Int) -> Result<[UInt8], InputProblem> {
        // O_NONBLOCK: opening a FIFO with no writer must not wait.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if fd < 0 { return .failure(InputProblem(source: path, message: FileBytes.openFailure(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            return .failure(InputProblem(source: path, message: "cannot read the file: not a regular file (a FIFO, a device or a socket)"))
        }
        let expected = Int(info.st_size)
        if expected > maxBytes {
            return .failure(InputProblem(source: path, message: "the file is \(FileBytes.size(expected)), larger than the limit of \(FileBytes.size(maxBytes)): not read (raise it with --max-file-size MB, or split the file)"))
        }
        var bytes = [UInt8](repeating: 0, count: max(expected, 0) + 1)
        var count = 0
        while true {
            if count == bytes.count { bytes.append(contentsOf: repeatElement(0, count: max(bytes.count, 4096))) }
            let n = bytes.withUnsafeMutableBufferPointer { buffer in
                Glibc.read(fd, buffer.baseAddress! + count, buffer.count - count)
            }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(InputProblem(source: path, message: "cannot read the file: \(String(cString: strerror(errno)))"))
            }
            if n == 0 { break }
            count += n
            // A file that grows while it is read is still held to the limit.
            if count > maxBytes {
                return .failure(InputProblem(source: path, message: "the file grew past the limit of \(FileBytes.size(maxBytes)) while read: not read (raise it with --max-file-size MB)"))
            }
        }
        bytes.removeLast(bytes.count - count)
        return .success(bytes)
    }

    /// Why open(2) failed, in plain words.
    static func openFailure(_ code: Int32) -> String {
        switch code {
        case ELOOP: return "a symbolic link loop: the link leads back to itself, so there is no file to read"
        case ENOENT: return "no such file (or a symbolic link whose target is missing)"
        case EACCES, EPERM: return "cannot read the file: permission denied"
        default: return "cannot read the file: \(String(cString: strerror(code)))"
        }
    }

    static func size(_ bytes: Int) -> String {
        bytes >= 1 << 20 ? "\(bytes >> 20) MB" : bytes >= 1024 ? "\(bytes >> 10) KB" : "\(bytes) bytes"
    }
}

/// Produces work items one at a time, so a batch never holds more than it is
/// working on: files as they are listed, and JSON Lines (from standard input or
/// a file) in chunks of lines.
public final class WorkSource {
    /// Lines per chunk of JSON Lines.
    public let linesPerChunk: Int

    private var inputs: [InputRef]
    private var next = 0
    private var stream: LineChunker?
    private var walk: DirectoryWalk?
    private let forced: ReaderDeclaration?
    private let registry: ReaderRegistry

    public init(inputs: [InputRef], format: InputFormat?, linesPerChunk: Int = 64, registry: ReaderRegistry = .standard) {
        self.inputs = inputs
        self.forced = format.flatMap(registry.declaration(of:))
        self.registry = registry
        self.linesPerChunk = linesPerChunk
    }

    /// Number of inputs (files and streams), for progress.
    public var inputCount: Int { inputs.count }
    /// Inputs taken so far.
    public var inputsTaken: Int { next }

    /// The next item, or nil when all inputs are done.
    public func nextItem() -> WorkItem? {
        while true {
            if let s = stream {
                if let chunk = s.nextChunk() { return chunk }
                stream = nil
            }
            var ref: InputRef
            if let w = walk {
                if !w.problems.isEmpty { let p = w.problems.removeFirst(); return WorkItem(source: p.source, bytes: [], firstLine: 1, format: nil, problem: p) }
                if !w.undecodable.isEmpty {
                    let (shown, isFolder) = w.undecodable.removeFirst()
                    return WorkItem(source: shown, bytes: [], firstLine: 1, format: nil,
                                    problem: InputProblem(source: shown, message: "the \(isFolder ? "folder" : "file") name is not UTF-8, so it is skipped: rename it (convmv -f GBK -t UTF-8 --notest)", severity: .warning))
                }
                guard let path = w.next() else {
                    if !w.problems.isEmpty { continue }
                    walk = nil
                    if w.found == 0 {
                        return WorkItem(source: w.root, bytes: [], firstLine: 1, format: nil,
                                        problem: InputProblem(source: w.root, message: "no transcript files (\(registry.extensions.sorted().map { "." + $0 }.joined(separator: ", "))) in this directory", severity: .warning))
                    }
                    continue
                }
                ref = .file(path)
            } else {
                guard next < inputs.count else { return nil }
                ref = inputs[next]
                next += 1
            }
            switch ref {
            case .directory(let path):
                walk = DirectoryWalk(root: path)
                continue
            case .standardInput:
                let chunker = LineChunker(handle: FileHandle.standardInput, source: "-", linesPerChunk: linesPerChunk, forced: forced, registry: registry)
                if let whole = chunker.wholeIfNotJSONLines() { return whole }
                stream = chunker
            case .file(let path):
                // JSON Lines files are streamed in chunks of lines, whatever their size.
                let isLines = (forced.map { $0.shape } ?? registry.claimant(ofExtension: InputFormat.fileExtension(path))?.shape) == .jsonLines
                if isLines, let handle = FileHandle(forReadingAtPath: path) {
                    stream = LineChunker(handle: handle, source: path, linesPerChunk: linesPerChunk, forced: forced ?? registry.fallback(.jsonLines), registry: registry)
                    continue
                }
                return WorkItem(source: path, bytes: [], firstLine: 1, format: forced?.format, problem: nil, unread: true)
            }
        }
    }
}

/// Walks a folder depth first, each level in name order, one path at a time: transcript
/// extensions only, hidden files and folders skipped. It holds one listing per level, never
/// the whole tree.
final class DirectoryWalk {
    let root: String
    private var stack: [(path: String, names: [(name: String, isDirectory: Bool?)], index: Int)] = []
    private(set) var found = 0
    /// Transcripts and folders whose names are not UTF-8 (shown with U+FFFD), not yet reported.
    var undecodable: [(path: String, isFolder: Bool)] = []
    /// Folders that cannot be read (errors), dangling links and link loops (warnings), not yet reported.
    var problems: [InputProblem] = []
    /// The folders walked, by device and inode: a link back to one of them is not followed again.
    private var visited: [String: String] = [:]

    init(root: String) {
        self.root = root
        var info = stat()
        if stat(root, &info) == 0 { visited[DirectoryWalk.identity(info)] = root }
        push(root)
    }

    static func identity(_ info: stat) -> String { "\(info.st_dev):\(info.st_ino)" }

    private func push(_ dir: String) {
        stack.append((dir, list(dir), 0))
    }

    /// The entries of a folder in name order, hidden ones left out, each with whether it
    /// is a folder (from readdir's type, so no stat per file on common file systems).
    func list(_ dir: String) -> [(name: String, isDirectory: Bool?)] {
        guard let handle = opendir(dir) else {
            let reason = errno == EACCES || errno == EPERM ? "permission denied" : String(cString: strerror(errno))
            problems.append(InputProblem(source: dir, message: "cannot read the folder (\(reason)): its transcripts are not checked"))
            return []
        }
        defer { closedir(handle) }
        var entries: [(name: String, isDirectory: Bool?)] = []
        while let entry = readdir(handle) {
            let decoded = withUnsafeBytes(of: &entry.pointee.d_name) { raw -> (String?, String) in
                let bytes = Array(raw.prefix { $0 != 0 })
                return (String(validating: bytes, as: UTF8.self), String(decoding: bytes, as: UTF8.self))
            }
            guard let name = decoded.0 else {
                // A name in another encoding (GBK from a Windows share) cannot be opened through
                // a String path: a folder or a transcript so named is reported, not skipped in silence.
                let shown = decoded.1
                let isFolder = Int32(entry.pointee.d_type) == Int32(DT_DIR)
                if !shown.hasPrefix("."), isFolder || ReaderRegistry.standard.extensions.contains(InputFormat.fileExtension(shown)) {
                    undecodable.append((dir.hasSuffix("/") ? dir + shown : dir + "/" + shown, isFolder))
                }
                continue
            }
            if name.hasPrefix(".") { continue }
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_DIR): entries.append((name, true))
            case Int32(DT_REG): entries.append((name, false))
            default: entries.append((name, nil))   // a link or an unknown type: stat decides
            }
        }
        return entries.sorted { $0.name < $1.name }
    }

    func next() -> String? {
        while let top = stack.last {
            if top.index >= top.names.count { stack.removeLast(); continue }
            stack[stack.count - 1].index += 1
            let (name, known) = top.names[top.index]
            let full = top.path.hasSuffix("/") ? top.path + name : top.path + "/" + name
            var isDirectory = known ?? false
            var info = stat()
            if known == nil {
                guard stat(full, &info) == 0 else {
                    let code = errno
                    var link = stat()
                    if lstat(full, &link) == 0, link.st_mode & S_IFMT == S_IFLNK {
                        let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: full)) ?? "?"
                        var p = InputProblem(source: full, message: code == ELOOP
                            ? "a symbolic link loop (→ \(target)): skipped"
                            : "a dangling symbolic link (its target \(target) does not exist): skipped", severity: .warning)
                        p.skippedInput = true
                        problems.append(p)
                    } else {
                        var p = InputProblem(source: full, message: "cannot look at this entry (\(String(cString: strerror(code)))): skipped", severity: .warning)
                        p.skippedInput = true
                        problems.append(p)
                    }
                    continue
                }
                isDirectory = info.st_mode & S_IFMT == S_IFDIR
            } else if known == true {
                guard stat(full, &info) == 0 else { continue }
            }
            if isDirectory {
                // Each folder once, however many links lead to it: a link back up the tree ends here.
                let id = DirectoryWalk.identity(info)
                if let first = visited[id] {
                    problems.append(InputProblem(source: full, message: "leads to a folder already walked (\(first)): a symbolic link loop or a second link, not followed again", severity: .warning))
                    continue
                }
                visited[id] = full
                push(full)
                continue
            }
            if ReaderRegistry.standard.extensions.contains(InputFormat.fileExtension(name)) {
                found += 1
                return full
            }
        }
        return nil
    }
}

/// Reads a handle in blocks and hands out chunks of whole lines.
final class LineChunker {
    private let handle: FileHandle
    private let source: String
    private let linesPerChunk: Int
    private var forced: ReaderDeclaration?
    private let registry: ReaderRegistry
    private var buffer: [UInt8] = []
    private var eof = false
    private var line = 1

    init(handle: FileHandle, source: String, linesPerChunk: Int, forced: ReaderDeclaration?, registry: ReaderRegistry) {
        self.handle = handle
        self.source = source
        self.linesPerChunk = linesPerChunk
        self.forced = forced
        self.registry = registry
    }

    private func fill() {
        if eof { return }
        let data = handle.readData(ofLength: 1 << 20)
        if data.isEmpty { eof = true } else { buffer.append(contentsOf: data) }
    }

    /// Standard input that is not JSON Lines (a plain transcript, one JSON document)
    /// is read whole, as one item.
    func wholeIfNotJSONLines() -> WorkItem? {
        while buffer.count < 64 << 10 && !eof { fill() }
        if (forced?.shape ?? registry.shape(source: source, bytes: buffer[...])) == .jsonLines {
            if forced == nil { forced = registry.fallback(.jsonLines) }
            return nil
        }
        while !eof { fill() }
        // The loader decides the format of the whole, parsing a JSON document once.
        let item = WorkItem(source: source, bytes: buffer, firstLine: 1, format: forced?.format, problem: nil)
        buffer = []
        return item
    }

    func nextChunk() -> WorkItem? {
        var lines = 0
        var end = 0
        var scan = 0
        while true {
            while scan < buffer.count {
                if buffer[scan] == 0x0A {
                    lines += 1
                    end = scan + 1
                    if lines == linesPerChunk { break }
                }
                scan += 1
            }
            if lines == linesPerChunk || eof { break }
            fill()
        }
        if eof && end < buffer.count { end = buffer.count }
        if end == 0 { return nil }
        let chunk = Array(buffer[0..<end])
        buffer.removeFirst(end)
        let item = WorkItem(source: source, bytes: chunk, firstLine: line, format: forced?.format ?? .jsonl, problem: nil)
        line += chunk.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        return item
    }
}
