import Foundation
import HTTPTypes
import Hummingbird

/// Answers 421 to requests whose `Host` names another machine (DNS rebinding: a page of
/// another site whose name now points here). Requests without a host (HTTP/1.0) pass.
struct HostMiddleware<Context: RequestContext>: RouterMiddleware {
    let allowed: Set<String>

    /// Whether a `Host` value names this workbench (no value: yes).
    static func allows(_ authority: String?, _ allowed: Set<String>) -> Bool {
        guard let authority, !authority.isEmpty else { return true }
        return allowed.contains(WorkbenchConfig.hostName(authority))
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if HostMiddleware.allows(request.head.authority, allowed) { return try await next(request, context) }
        let message = "this workbench does not answer for the host name in the request; open it at a name it was started with (localhost, 127.0.0.1, or the name given with --public-url)"
        if request.uri.path.hasPrefix("/api/") { return Workbench.apiError(message, status: .misdirectedRequest) }
        return Response(status: .misdirectedRequest, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
    }
}

/// Checks run here, off the server's threads, a few at a time, each within a time budget, so
/// one client's large request cannot starve the others.
final class WorkPool: @unchecked Sendable {
    private let queue = DispatchQueue(label: "callqc.work", attributes: .concurrent)
    private let slots: DispatchSemaphore

    init(workers: Int) { slots = DispatchSemaphore(value: max(1, workers)) }

    /// The work's value, or nil when the budget (waiting included) ran out first.
    func run<T: Sendable>(budget: Double, _ work: @escaping @Sendable () -> T) async -> T? {
        await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
            let once = ResumeOnce(continuation)
            queue.async {
                self.slots.wait()
                defer { self.slots.signal() }
                guard !once.done else { return }
                once.resume(work())
            }
            // The clock runs in Swift concurrency, not on the pool whose threads the work may hold.
            Task {
                try? await Task.sleep(nanoseconds: UInt64(max(0, budget) * 1e9))
                once.resume(nil)
            }
        }
    }
}

final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T?, Never>?

    init(_ continuation: CheckedContinuation<T?, Never>) { self.continuation = continuation }

    var done: Bool { lock.lock(); defer { lock.unlock() }; return continuation == nil }

    func resume(_ value: T?) {
        lock.lock()
        let c = continuation
        continuation = nil
        lock.unlock()
        c?.resume(returning: value)
    }
}
