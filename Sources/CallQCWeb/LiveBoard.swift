import CallQC
import CallQCStore
import Dispatch
import Foundation
import Synchronization

/// The calls in progress on the workbench (docs/live.md): each a ``LiveCall`` behind its own
/// lock, so that calls are checked in parallel; the watchers of the live board, each with what
/// they may see; a timer that runs the calls' silence and greeting clocks and finalises idle
/// calls. One per workbench: it prints nothing and keeps nothing beyond the calls in progress.
final class LiveBoard: Sendable {
    /// One call in progress.
    final class Slot: Sendable {
        let id: String
        let agent: String?
        let script: String?
        let openedAt: Date
        struct State: Sendable {
            var live: LiveCall
            var lastActivity: Double
            var ended = false
            /// The WebSocket that feeds the call, which gets every alert (timers' too).
            var producer: AsyncStream<[UInt8]>.Continuation?
        }
        let state: Mutex<State>

        init(id: String, agent: String?, script: String?, live: LiveCall, now: Double) {
            self.id = id
            self.agent = agent
            self.script = script
            self.openedAt = Date()
            state = Mutex(State(live: live, lastActivity: now))
        }
    }

    /// A watcher of the board: an open Server-Sent Events stream.
    struct Watcher: Sendable {
        var sees: @Sendable (String?) -> Bool
        var masked: Bool
        var out: AsyncStream<[UInt8]>.Continuation
    }

    let checker: Checker
    let options: LiveOptions
    /// Seconds without a turn after which a call is finalised.
    let idleSeconds: Double
    /// Where final results go (nil: not stored).
    let store: SQLStore?
    let redactor = Redactor()
    private let slots = Mutex<[String: Slot]>([:])
    private let watchers = Mutex<[UUID: Watcher]>([:])
    private let started = DispatchTime.now().uptimeNanoseconds

    init(checker: Checker, options: LiveOptions = LiveOptions(), idleSeconds: Double, store: SQLStore?) {
        self.checker = checker
        self.options = options
        self.idleSeconds = idleSeconds
        self.store = store
    }

    /// Seconds on the board's monotonic clock.
    var now: Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }

    func slot(_ id: String) -> Slot? { slots.withLock { $0[id] } }

    var inProgress: [Slot] { slots.withLock { Array($0.values) }.sorted { $0.openedAt < $1.openedAt } }

    /// The call's slot, opened when it is new. Nil when an open call of that id belongs to another agent.
    func open(_ id: String, agent: String?, script: String?) -> (slot: Slot, opened: Bool) {
        let (slot, opened) = slots.withLock { slots -> (Slot, Bool) in
            if let s = slots[id] { return (s, false) }
            var call = Call(id: id, agent: agent, script: script)
            call.source = nil
            let s = Slot(id: id, agent: agent, script: script, live: LiveCall(call: call, checker: checker, options: options, at: now), now: now)
            slots[id] = s
            return (s, true)
        }
        if opened { publish(slot, LiveBoard.openEvent(slot)) }
        return (slot, opened)
    }

    /// Feeds turns to a call; returns the alerts they raised, which the board's watchers get too.
    func feed(_ slot: Slot, _ turns: [(Turn, Bool)]) -> [LiveAlert] {
        let t = now
        let alerts = slot.state.withLock { s -> [LiveAlert] in
            guard !s.ended else { return [] }
            s.lastActivity = t
            var out: [LiveAlert] = []
            for (turn, final) in turns { out += s.live.add(turn, final: final, at: t) }
            return out
        }
        deliver(slot, alerts)
        return alerts
    }

    /// Ends a call: its final result (what a batch check of its turns gives), stored when the
    /// workbench has a store; nil when it had already ended.
    func end(_ slot: Slot, note: String? = nil) throws -> CallResult? {
        let ended = slot.state.withLock { s -> (CallResult, AsyncStream<[UInt8]>.Continuation?)? in
            guard !s.ended else { return nil }
            s.ended = true
            return (s.live.finish(), s.producer)
        }
        _ = slots.withLock { $0[slot.id] === slot ? $0.removeValue(forKey: slot.id) : nil }
        guard var (result, producer) = ended else { return nil }
        // A call finalised by the server (idle) says so in its stored result, for the reviewer who opens it.
        if let note { result.call.metadata["live_note"] = note }
        if let store, !result.call.turns.isEmpty { try store.save([result]) }
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.member("type", "end")
        w.member("call", slot.id)
        w.member("agent", slot.agent)
        w.member("score", result.scorecard?.total)
        w.member("grade", result.scorecard?.grade)
        w.member("note", note)
        w.endObject()
        publish(slot, (w.bytes, w.bytes))
        if let note, let producer {
            producer.yield(LiveBoard.frame(type: "closed", call: slot.id, note: note))
            producer.finish()
        }
        return result
    }

    /// Sets (or clears) the WebSocket that gets every alert of the call.
    func attach(_ slot: Slot, producer: AsyncStream<[UInt8]>.Continuation?) {
        slot.state.withLock { $0.producer = producer }
    }

    /// Runs the calls' clocks: silence and greeting alerts; idle calls finalised with a note.
    func tick() {
        let t = now
        for slot in inProgress {
            let (alerts, idle) = slot.state.withLock { s -> ([LiveAlert], Bool) in
                guard !s.ended else { return ([], false) }
                return (s.live.tick(now: t), t - s.lastActivity >= idleSeconds)
            }
            deliver(slot, alerts)
            if idle {
                _ = try? end(slot, note: "finalised after \(JSONValue.format(idleSeconds)) s without a turn")
            }
        }
    }

    /// Starts the timer (four ticks a second) for as long as the board lives.
    func startClock() {
        Task.detached { [weak self] in
            while let board = self {
                board.tick()
                try? await Task.sleep(nanoseconds: 250_000_000)
            }
        }
    }

    // MARK: - Watchers

    /// A stream of Server-Sent Events: the calls in progress the watcher may see, then their alerts as they come.
    func watch(sees: @escaping @Sendable (String?) -> Bool, masked: Bool) -> AsyncStream<[UInt8]> {
        let id = UUID()
        let (stream, out) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        out.onTermination = { [weak self] _ in _ = self?.watchers.withLock { $0.removeValue(forKey: id) } }
        // A comment first, so that the browser knows the stream is open.
        out.yield(Array(": callqc live board\n\n".utf8))
        watchers.withLock { $0[id] = Watcher(sees: sees, masked: masked, out: out) }
        for slot in inProgress where sees(slot.agent) {
            let alerts = slot.state.withLock { $0.live.alerts }
            let open = LiveBoard.openEvent(slot)
            out.yield(LiveBoard.sse("call", masked ? open.masked : open.plain))
            for a in alerts { out.yield(LiveBoard.sse("alert", LiveBoard.alertEvent(slot, masked ? a.redacted(redactor) : a))) }
        }
        return stream
    }

    var watcherCount: Int { watchers.withLock { $0.count } }

    private func deliver(_ slot: Slot, _ alerts: [LiveAlert]) {
        guard !alerts.isEmpty else { return }
        if let producer = slot.state.withLock({ $0.producer }) {
            for a in alerts { producer.yield(LiveBoard.frame(alert: a.redacted(redactor))) }
        }
        for a in alerts {
            let masked = a.redacted(redactor)
            publish(slot, (LiveBoard.alertEvent(slot, a), LiveBoard.alertEvent(slot, masked)), event: "alert")
        }
    }

    private func publish(_ slot: Slot, _ data: (plain: [UInt8], masked: [UInt8]), event: String? = nil) {
        let name = event ?? "call"
        let targets = watchers.withLock { Array($0.values) }
        for w in targets where w.sees(slot.agent) {
            w.out.yield(LiveBoard.sse(name == "call" && data.plain.starts(with: Array("{\"type\":\"end\"".utf8)) ? "end" : name, w.masked ? data.masked : data.plain))
        }
    }

    // MARK: - Events

    static func sse(_ event: String, _ data: [UInt8]) -> [UInt8] {
        Array("event: \(event)\ndata: ".utf8) + data + Array("\n\n".utf8)
    }

    static func openEvent(_ slot: Slot) -> (plain: [UInt8], masked: [UInt8]) {
        let checklist = slot.state.withLock { $0.live.checklist }
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.member("type", "call")
        w.member("call", slot.id)
        w.member("agent", slot.agent)
        w.member("script", slot.script)
        w.key("checklist"); w.beginArray()
        for step in checklist {
            w.beginObject(); w.member("id", step.id); w.member("label", step.label); w.member("required", step.required); w.member("turn", step.turn); w.endObject()
        }
        w.endArray()
        w.endObject()
        return (w.bytes, w.bytes)
    }

    static func alertEvent(_ slot: Slot, _ alert: LiveAlert) -> [UInt8] {
        var w = JSONWriter(capacity: 512)
        w.beginObject()
        w.member("type", "alert")
        w.member("agent", slot.agent)
        w.key("alert"); alert.write(to: &w)
        w.endObject()
        return w.bytes
    }

    /// A WebSocket frame with an alert.
    static func frame(alert: LiveAlert) -> [UInt8] {
        var w = JSONWriter(capacity: 512)
        w.beginObject()
        w.member("type", "alert")
        w.key("alert"); alert.write(to: &w)
        w.endObject()
        return w.bytes
    }

    static func frame(type: String, call: String?, note: String? = nil, error: String? = nil) -> [UInt8] {
        var w = JSONWriter(capacity: 128)
        w.beginObject()
        w.member("type", type)
        w.member("call", call)
        if let note { w.member("note", note) }
        if let error { w.member("error", error) }
        w.endObject()
        return w.bytes
    }
}
