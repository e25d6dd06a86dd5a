import CallQC
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Where a stored call's recording is for the workbench: a file it may serve, or why not.
///
/// A file is served only from inside an audio root (`--audio-root`, `audio_root`), symbolic
/// links resolved: a link with a `..` component, a path outside every root, a symbolic link
/// that leads out of its root, or a file that is not audio is refused. A URL is a reference
/// the workbench shows but never fetches.
enum RecordingFile: Equatable {
    /// A file inside a root: its real path (links resolved), content type and size in bytes.
    case playable(path: String, contentType: String, size: Int)
    /// The link is fine but no file is there (yet).
    case missing
    /// The link may not be served (its reason, for the log of a test; the page says "unavailable").
    case refused(String)
    /// A URL, kept as a reference.
    case remote(String)

    /// The recording a stored link names, under the given roots.
    static func locate(_ link: String, roots: [String]) -> RecordingFile {
        if RecordingLink.isURL(link) { return .remote(RecordingLink.reference(link)) }
        if link.isEmpty || link.contains("\0") { return .refused("an empty or binary link") }
        let components = link.split(separator: "/", omittingEmptySubsequences: true)
        if components.contains("..") { return .refused("a '..' in the link") }
        guard let type = RecordingLink.contentType(of: link) else { return .refused("not an audio file") }
        let realRoots = roots.compactMap { root -> String? in realPath(root) }
        if realRoots.isEmpty { return .refused("no audio root is configured") }
        // Absolute: the path itself; relative: the path under each root, in order.
        let candidates = link.hasPrefix("/") ? [link] : roots.map { RecordingFile.join($0, link) }
        var insideARoot = false
        for candidate in candidates {
            let lexical = URL(fileURLWithPath: candidate).standardized.path
            let lexicallyInside = roots.contains { inside(lexical, URL(fileURLWithPath: $0).standardized.path) } || realRoots.contains { inside(lexical, $0) }
            guard let real = realPath(candidate) else {
                if lexicallyInside { insideARoot = true }
                continue
            }
            guard realRoots.contains(where: { inside(real, $0) }) else {
                return .refused(lexicallyInside ? "a symbolic link out of the audio root" : "outside every audio root")
            }
            // The file reached must itself be audio (a link named .wav may point at anything).
            guard RecordingLink.contentType(of: real) != nil else { return .refused("a link to a file that is not audio") }
            var info = stat()
            guard stat(real, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return .refused("not a regular file") }
            return .playable(path: real, contentType: type, size: Int(info.st_size))
        }
        return insideARoot || !link.hasPrefix("/") ? .missing : .refused("outside every audio root")
    }

    static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// `path` is `root` or below it.
    static func inside(_ path: String, _ root: String) -> Bool {
        let r = root.hasSuffix("/") ? String(root.dropLast()) : root
        return path == r || path.hasPrefix(r + "/") || r.isEmpty
    }

    /// The path with every symbolic link resolved; nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// An HTTP `Range` header against a file of `size` bytes (RFC 9110, one range of bytes).
enum ByteRange: Equatable {
    /// No header, or several ranges: the whole file (200).
    case whole
    /// One satisfiable range (206).
    case part(ClosedRange<Int>)
    /// A malformed or unsatisfiable range (416).
    case unsatisfiable

    static func parse(_ header: String?, size: Int) -> ByteRange {
        guard let header else { return .whole }
        let value = header.trimmingCharacters(in: .whitespaces)
        // A unit other than bytes is ignored (RFC 9110 §14.2): the whole file.
        guard value.lowercased().hasPrefix("bytes=") else { return .whole }
        let specs = value.dropFirst("bytes=".count).split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        // Browsers ask for one range; several are answered with the whole file, as RFC 9110 allows.
        if specs.count > 1 { return specs.allSatisfy { !$0.isEmpty } ? .whole : .unsatisfiable }
        let spec = specs[0]
        guard let dash = spec.firstIndex(of: "-") else { return .unsatisfiable }
        let first = spec[..<dash], last = spec[spec.index(after: dash)...]
        // Digits beyond Int's range stand for "more than the file holds" (an end is then the file's last byte).
        func number(_ s: Substring) -> Int? { !s.isEmpty && s.allSatisfy { $0.isASCII && $0.isNumber } ? Int(s) ?? Int.max : nil }
        if first.isEmpty {
            // `-N`: the last N bytes.
            guard let n = number(last), n > 0, size > 0 else { return .unsatisfiable }
            return .part(max(0, size - n)...(size - 1))
        }
        guard let start = number(first), start < size else { return .unsatisfiable }
        if last.isEmpty { return .part(start...(size - 1)) }
        guard let end = number(last), end >= start else { return .unsatisfiable }
        return .part(start...min(end, size - 1))
    }
}

/// The recordings' routes: `/calls/{id}/audio` (the file, with byte ranges, to those who may see
/// the call) and `/static/recording.js` (the player's script, served from here: `script-src 'self'`).
extension Workbench {
    /// A stored call's recording where the user may see the call; 404 otherwise, as for its page.
    func recording(_ request: Request, id: String, context: WorkbenchContext) async throws -> Response {
        let p = page(request)
        guard let store else { return Workbench.plain(.notFound, p.t("没有结果库。", "No results database.")) }
        let stored: StoredResult
        do {
            guard let found = try store.detail(callID: id), canSee(agent: found.summary.agent) else {
                return Workbench.plain(.notFound, p.t("没有这通电话。", "No such call."))
            }
            // A recording is the call unmasked (a voice, numbers said aloud): not for trainers, who see masked text only.
            guard mayHearRecordings else {
                return Workbench.plain(.notFound, p.t("这通电话的录音不可用。", "This call's recording is not available."))
            }
            stored = found
        } catch is AmbiguousCallReference {
            return Workbench.plain(.conflict, p.t("通话编号对应多通电话：请从通话页面打开录音。", "The call id names several calls: open the recording from the call's page."))
        } catch {
            return Workbench.plain(.internalServerError, p.t("结果库读写失败。", "The results database failed."))
        }
        guard let link = stored.result["call"]?["audio"]?.stringValue,
              case .playable(let path, let type, let size) = RecordingFile.locate(link, roots: config.audioRoots) else {
            return Workbench.plain(.notFound, p.t("这通电话的录音不可用。", "This call's recording is not available."))
        }
        var headers: HTTPFields = [.contentType: type, .acceptRanges: "bytes", .cacheControl: "private, no-store"]
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        let status: HTTPResponse.Status
        let range: ClosedRange<Int>?
        switch ByteRange.parse(request.headers[.range], size: size) {
        case .whole:
            status = .ok
            range = size > 0 ? 0...(size - 1) : nil
        case .part(let r):
            status = .partialContent
            range = r
            headers[.contentRange] = "bytes \(r.lowerBound)-\(r.upperBound)/\(size)"
        case .unsatisfiable:
            headers[.contentRange] = "bytes */\(size)"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        }
        headers[.contentLength] = String(range?.count ?? 0)
        if request.method == .head || range == nil { return Response(status: status, headers: headers) }
        // Listening is in the audit log, as unmasking is: once per playing (the request from the start of the file).
        if FloorRequest.user != nil, range?.lowerBound == 0 {
            try? audit(.recordingPlayed, target: stored.summary.key, detail: stored.summary.callID)
        }
        // Read in chunks as the client takes them: a long recording is never in memory whole.
        let body = try await FileIO().loadFile(path: path, range: range!, context: context)
        return Response(status: status, headers: headers, body: body)
    }

    /// The address of a stored call's recording and where its link leads; nil for a call without one.
    func recordingOf(_ stored: StoredResult, _ p: PageContext) -> (src: String, file: RecordingFile)? {
        guard mayHearRecordings, let link = stored.result["call"]?["audio"]?.stringValue else { return nil }
        return (p.callPath(stored.summary.key, hash: stored.summary.contentHash) + "/audio", RecordingFile.locate(link, roots: config.audioRoots))
    }

    /// Whether the user may hear recordings: everyone who may see the call, except trainers (masked text only).
    var mayHearRecordings: Bool { FloorRequest.user?.role != .trainer }

    /// A short text answer (the audio route's errors: an `<audio>` element shows no page).
    static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store",
                                           HTTPField.Name("X-Content-Type-Options")!: "nosniff"],
                 body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
    }

    /// The player's script.
    func recordingScript() -> Response {
        Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "no-cache",
                                        HTTPField.Name("X-Content-Type-Options")!: "nosniff"],
                 body: .init(byteBuffer: ByteBuffer(string: RecordingScript.source)))
    }
}

/// The call page's player, as plain JavaScript: a click on a turn's time or a finding seeks the
/// player (without JavaScript the same link opens the recording at `#t=SECONDS`), the turn
/// being played is highlighted, and the speed buttons set the playback rate.
enum RecordingScript {
    static let source = """
    (function () {
      'use strict';
      var audio = document.getElementById('recording');
      if (!audio) return;
      var turns = Array.prototype.slice.call(document.querySelectorAll('#transcript li[data-start]'));
      function seek(t) {
        if (!isFinite(t)) return;
        audio.currentTime = t;
        var playing = audio.play();
        if (playing && playing.catch) playing.catch(function () {});
      }
      document.addEventListener('click', function (event) {
        var link = event.target.closest ? event.target.closest('a.seek') : null;
        if (!link) return;
        event.preventDefault();
        seek(parseFloat(link.getAttribute('data-t')));
      });
      var current = null;
      function highlight() {
        var t = audio.currentTime, found = null;
        for (var i = 0; i < turns.length; i++) {
          var s = parseFloat(turns[i].getAttribute('data-start'));
          var e = parseFloat(turns[i].getAttribute('data-end'));
          if (t >= s && (isNaN(e) ? true : t < e)) found = turns[i];
          if (s > t) break;
        }
        if (found === current) return;
        if (current) current.classList.remove('playing');
        if (found) found.classList.add('playing');
        current = found;
      }
      audio.addEventListener('timeupdate', highlight);
      audio.addEventListener('seeked', highlight);
      var speeds = document.querySelectorAll('#speed button[data-rate]');
      function showRate() {
        for (var i = 0; i < speeds.length; i++) {
          speeds[i].setAttribute('aria-pressed', String(parseFloat(speeds[i].getAttribute('data-rate')) === audio.playbackRate));
        }
      }
      for (var i = 0; i < speeds.length; i++) {
        speeds[i].disabled = false;
        speeds[i].addEventListener('click', function () { audio.playbackRate = parseFloat(this.getAttribute('data-rate')); showRate(); });
      }
      audio.addEventListener('ratechange', showRate);
      showRate();
    })();

    """
}
