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
    /// Lines of a JSON Lines stream (or the problem of one of its lines): each line not blank
    /// is one record, read on its own, answered by a result or an error in its place.
    public var lineRecords = false
    /// Whether `bytes` are the file `source` (read by path), not standard input.
    public var fromFile = false

    /// Records this item holds: its lines that are not blank (a chunk), else one.
    public var recordCount: Int {
        guard lineRecords, problem == nil else { return 1 }
        return LineChunker.recordCount(bytes[...])
    }

    /// The item with its file read; a file that cannot be read, or is larger than `maxBytes`, becomes a problem.
    public func loaded(maxBytes: Int = FileBytes.defaultLimit) -> WorkItem {
        guard unread else { return self }
        var item = self
        item.unread = false
        switch FileBytes.read(source, maxBytes: maxBytes) {
        case .success(let bytes): item.bytes = bytes; item.fromFile = true
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
    /// Lines per chunk of JSON Lines, at most.
    public let linesPerChunk: Int
    /// A line of JSON Lines longer than this is an error in its place, and is never held whole.
    public let maxLineBytes: Int

    private var inputs: [InputRef]
    private var next = 0
    private var stream: LineChunker?
    private var walk: DirectoryWalk?
    private let forced: ReaderDeclaration?
    private let registry: ReaderRegistry
    /// `next` as other threads may read it (the progress line), while the runner takes items on its own.
    private let taken = TakenCount()

    public init(inputs: [InputRef], format: InputFormat?, linesPerChunk: Int = 64, maxLineBytes: Int = 1 << 20, registry: ReaderRegistry = .standard) {
        self.inputs = inputs
        self.forced = format.flatMap(registry.declaration(of:))
        self.registry = registry
        self.linesPerChunk = max(1, linesPerChunk)
        self.maxLineBytes = maxLineBytes
    }

    /// Number of inputs (files and streams), for progress.
    public var inputCount: Int { inputs.count }
    /// Inputs taken so far; safe to read from any thread.
    public var inputsTaken: Int { taken.value }

    /// The next item, or nil when all inputs are done.
    public func nextItem() -> WorkItem? { nextItem(maxLines: linesPerChunk) }

    /// The next item, a chunk of JSON Lines holding at most `maxLines` lines (and at most
    /// ``linesPerChunk``), or nil when all inputs are done.
    public func nextItem(maxLines: Int) -> WorkItem? {
        while true {
            if let s = stream {
                if let chunk = s.nextChunk(maxLines: max(1, min(maxLines, linesPerChunk))) { return chunk }
                stream = nil
                if !s.sawRecord {
                    // Nothing to check, and nothing to answer: said on standard error only.
                    return WorkItem(source: s.source, bytes: [], firstLine: 1, format: .jsonl,
                                    problem: InputProblem(source: s.source, message: s.source == "-" ? "standard input is empty: no calls to check" : "no calls: the JSON Lines file has no lines that are not blank", severity: .warning))
                }
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
                taken.value = next
            }
            switch ref {
            case .directory(let path):
                walk = DirectoryWalk(root: path)
                continue
            case .standardInput:
                let chunker = LineChunker(fd: STDIN_FILENO, source: "-", maxLineBytes: maxLineBytes, forced: forced, registry: registry)
                if let whole = chunker.wholeIfNotJSONLines() { return whole }
                stream = chunker
            case .file(let path):
                // JSON Lines files are streamed in chunks of lines, whatever their size.
                let isLines = (forced.map { $0.shape } ?? registry.claimant(ofExtension: InputFormat.fileExtension(path))?.shape) == .jsonLines
                if isLines {
                    let fd = open(path, O_RDONLY | O_CLOEXEC)
                    if fd >= 0 {
                        stream = LineChunker(fd: fd, source: path, maxLineBytes: maxLineBytes, forced: forced ?? registry.fallback(.jsonLines), registry: registry, closeWhenDone: true)
                        continue
                    }
                }
                return WorkItem(source: path, bytes: [], firstLine: 1, format: forced?.format, problem: nil, unread: true)
            }
        }
    }
}

/// A count written by one thread and read by others.
private final class TakenCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int {
        get { lock.withLock { count } }
        set { lock.withLock { count = newValue } }
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

/// Reads a file descriptor in blocks and hands out chunks of whole lines, as soon as
/// they are in: a pipe's writer that waits for the results of what it wrote gets them.
final class LineChunker {
    private let fd: Int32
    let source: String
    private let maxLineBytes: Int
    private var forced: ReaderDeclaration?
    private let registry: ReaderRegistry
    private let closeWhenDone: Bool
    private var buffer: [UInt8] = []
    /// Bytes of `buffer` already handed out (dropped from the front now and then, not per chunk).
    private var consumed = 0
    private var eof = false
    private var line = 1
    /// Whether a line that is not blank has been seen.
    private(set) var sawRecord = false

    init(fd: Int32, source: String, maxLineBytes: Int, forced: ReaderDeclaration?, registry: ReaderRegistry, closeWhenDone: Bool = false) {
        self.fd = fd
        self.source = source
        self.maxLineBytes = max(1, maxLineBytes)
        self.forced = forced
        self.registry = registry
        self.closeWhenDone = closeWhenDone
    }

    deinit {
        if closeWhenDone { close(fd) }
    }

    /// Where read(2) puts its bytes, allocated once.
    private var block = [UInt8](repeating: 0, count: 1 << 20)

    /// Reads what is there (one read(2), up to 1 MB) into `block`: a pipe gives what was
    /// written so far, so a chunk is handed out without waiting for a full block. The count
    /// read; 0 at the end (a read error ends the stream like its end: what was read is checked).
    private func readBlock() -> Int {
        if eof { return 0 }
        var n = -1
        while true {
            n = block.withUnsafeMutableBufferPointer { p in Glibc.read(fd, p.baseAddress!, p.count) }
            if n < 0, errno == EINTR { continue }
            break
        }
        if n <= 0 { eof = true; return 0 }
        return n
    }

    private func fill() {
        let n = readBlock()
        if n > 0 { buffer.append(contentsOf: block[0..<n]) }
    }

    /// Standard input that is not JSON Lines (a plain transcript, one JSON document)
    /// is read whole, as one item. The shape is decided from the first lines as soon as
    /// they tell (at most 64 KB are looked at); `--input-format jsonl` reads nothing first.
    func wholeIfNotJSONLines() -> WorkItem? {
        if let forced, forced.shape == .jsonLines { return nil }
        if forced == nil {
            while !eof, buffer.count < 64 << 10, ReaderRegistry.earlyShape(buffer[...], complete: false) == nil { fill() }
            if ReaderRegistry.earlyShape(buffer[...], complete: true) == .jsonLines {
                forced = registry.fallback(.jsonLines)
                return nil
            }
        }
        while !eof { fill() }
        if buffer.allSatisfy(ReaderRegistry.isSpace) {
            // Empty: nothing to answer. nextChunk hands out nothing, and the source says so.
            eof = true
            buffer = []
            forced = registry.fallback(.jsonLines)
            return nil
        }
        // The loader decides the format of the whole, parsing a JSON document once.
        var item = WorkItem(source: source, bytes: buffer, firstLine: 1, format: forced?.format, problem: nil)
        item.fromFile = closeWhenDone      // a file opened by its path, not standard input
        buffer = []
        return item
    }

    /// The next lines, at most `maxLines`, as soon as one whole line is in; nil at the end.
    /// A line over `maxLineBytes` is handed out alone as its error, and is skipped as it is
    /// read, never held whole.
    func nextChunk(maxLines: Int) -> WorkItem? {
        if consumed > 0 && consumed >= buffer.count / 2 {
            buffer.removeFirst(consumed)
            consumed = 0
        }
        var lines = 0
        var end = consumed          // end of the last whole line found
        var scan = consumed
        while true {
            let found: Int? = buffer.withUnsafeBufferPointer { p in
                guard scan < p.count, let hit = memchr(p.baseAddress! + scan, 0x0A, p.count - scan) else { return nil }
                return UnsafeRawPointer(hit) - UnsafeRawPointer(p.baseAddress!)
            }
            if let at = found {
                lines += 1
                end = at + 1
                scan = end
                if lines == maxLines { break }
                continue
            }
            scan = buffer.count
            // Whole lines are in: hand them out now rather than wait for more.
            if lines > 0 { break }
            if eof { break }
            if buffer.count - end > maxLineBytes { return overlongLine(from: end) }
            fill()
        }
        if lines == 0 && eof && end < buffer.count {
            if buffer.count - end > maxLineBytes { return overlongLine(from: end) }
            end = buffer.count    // the last line, without a line feed
            lines = 1
        }
        if lines == 0 { return nil }
        let chunk = Array(buffer[consumed..<end])
        consumed = end
        if !sawRecord, LineChunker.recordCount(chunk[...]) > 0 { sawRecord = true }
        var item = WorkItem(source: source, bytes: chunk, firstLine: line, format: forced?.format ?? .jsonl, problem: nil)
        item.lineRecords = true
        item.fromFile = closeWhenDone
        line += lines
        return item
    }

    /// The line starting at `start` is longer than the limit: it is read to its end and
    /// dropped as it comes, and stands as one error.
    private func overlongLine(from start: Int) -> WorkItem {
        var length = buffer.count - start
        buffer = []
        consumed = 0
        while true {
            let n = readBlock()
            if n == 0 { break }
            let at: Int? = block.withUnsafeBufferPointer { p in
                memchr(p.baseAddress!, 0x0A, n).map { UnsafeRawPointer($0) - UnsafeRawPointer(p.baseAddress!) }
            }
            if let at {
                length += at
                buffer.append(contentsOf: block[(at + 1)..<n])
                break
            }
            length += n
        }
        sawRecord = true
        var item = WorkItem(source: source, bytes: [], firstLine: line, format: forced?.format ?? .jsonl,
                            problem: TextInput.tooLong(source, line, length, maxLineBytes))
        item.lineRecords = true
        line += 1
        return item
    }

    /// Lines that are not blank.
    static func recordCount(_ bytes: ArraySlice<UInt8>) -> Int {
        var count = 0, blank = true
        for b in bytes {
            if b == 0x0A {
                if !blank { count += 1 }
                blank = true
            } else if !ReaderRegistry.isSpace(b) {
                blank = false
            }
        }
        return blank ? count : count + 1
    }
}
