import CallQC
import CallQCStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The request context of the WebSocket router (`/api/live`).
public struct LiveSocketContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
    }
}

/// The live stream over a WebSocket (docs/live.md): a producer opens a call
/// (`{"event": "open", "call", "agent", "script"}`), sends turns (`{role, start, end, text,
/// final?}`) and ends it (`{"event": "end"}`); the server pushes `{"type": "alert"}` frames as
/// alerts arise (timers' included), `{"type": "opened"}`, `{"type": "result"}` with the final
/// `callqc.result/1`, and `{"type": "error"}` for a message it refused (the stream goes on).
extension Workbench {
    /// The router the HTTP server upgrades WebSocket requests with: the same host and access checks as every route.
    func socketRouter() -> Router<LiveSocketContext> {
        let router = Router(context: LiveSocketContext.self)
        router.add(middleware: HostMiddleware(allowed: config.allowedHosts))
        router.add(middleware: FloorMiddleware(store: floor, legacy: AccessMiddleware(token: config.token, defaultLanguage: config.language), config: config))
        router.ws("/api/live") { _, _ in .upgrade([:]) } onUpgrade: { inbound, outbound, context in
            // The upgrade request passed the access check; its user is read again for this task.
            let user = try self.floor.flatMap { store in try (store.hasUsers() ? FloorMiddleware<LiveSocketContext>(store: store, legacy: AccessMiddleware(token: nil, defaultLanguage: .zh), config: self.config).authenticate(context.request, store: store) : nil) }
            try await FloorRequest.$user.withValue(user) {
                try await self.liveSocket(inbound, outbound)
            }
        }
        return router
    }

    func liveSocket(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter) async throws {
        let (frames, out) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await frame in frames { try await outbound.write(.text(String(decoding: frame, as: UTF8.self))) }
            }
            var current: LiveBoard.Slot?
            var attached: [LiveBoard.Slot] = []
            defer {
                for slot in attached { live.attach(slot, producer: nil) }
                out.finish()
            }
            for try await message in inbound.messages(maxSize: config.maxBodyBytes) {
                let bytes: [UInt8]
                switch message {
                case .text(let s): bytes = Array(s.utf8)
                case .binary(var b): bytes = b.readBytes(length: b.readableBytes) ?? []
                }
                let m: LiveMessage
                do { m = try LiveMessage.parse(line: bytes) } catch let error as LiveInputError {
                    out.yield(LiveBoard.frame(type: "error", call: current?.id, error: error.reason))
                    continue
                } catch {
                    out.yield(LiveBoard.frame(type: "error", call: current?.id, error: "\(error)"))
                    continue
                }
                var slot = current
                if let id = m.call, id != current?.id || m.event == .open {
                    guard let s = liveSlot(id, agent: m.agent, script: m.script) else {
                        out.yield(LiveBoard.frame(type: "error", call: nil, error: "no live call '\(Redactor().redact(id))' that you may feed"))
                        continue
                    }
                    slot = s
                    current = s
                    if !attached.contains(where: { $0 === s }) { attached.append(s); live.attach(s, producer: out) }
                }
                guard let slot else {
                    out.yield(LiveBoard.frame(type: "error", call: nil, error: "open a call first: {\"event\": \"open\", \"call\": \"ID\", \"agent\": \"A\"}"))
                    continue
                }
                switch m.event {
                case .open:
                    out.yield(Workbench.openedFrame(slot))
                case .turn:
                    // The alerts reach this socket through the board (with the timers' alerts).
                    if let turn = m.turn { _ = live.feed(slot, [(turn, m.final)]) }
                case .end:
                    live.attach(slot, producer: nil)
                    attached.removeAll { $0 === slot }
                    if current === slot { current = nil }
                    do {
                        if let result = try live.end(slot) {
                            out.yield(Workbench.resultFrame(masked ? result.redacted() : result))
                        } else {
                            out.yield(LiveBoard.frame(type: "error", call: slot.id, error: "the call has already ended"))
                        }
                    } catch {
                        out.yield(LiveBoard.frame(type: "error", call: slot.id, error: "the result could not be stored: \(error)"))
                    }
                }
            }
            out.finish()
            try await group.waitForAll()
        }
    }

    static func openedFrame(_ slot: LiveBoard.Slot) -> [UInt8] {
        var open = LiveBoard.openEvent(slot).plain
        // {"type":"call",…} → {"type":"opened",…}
        if let r = open.firstRange(of: Array("\"call\",".utf8)) { open.replaceSubrange(r, with: Array("\"opened\",".utf8)) }
        return open
    }

    static func resultFrame(_ result: CallResult) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.member("type", "result")
        w.member("call", result.call.id)
        w.key("result"); ResultJSON.write(result, to: &w)
        w.endObject()
        return w.bytes
    }
}
