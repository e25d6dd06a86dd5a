import CallQC
import CallQCStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Live QC over HTTP (docs/live.md): turns in, alerts back; the final result at the end;
/// the board's Server-Sent Events. Who may feed or watch a call follows the roles
/// (``FloorPolicy/canSee(agent:user:teams:)``): an agent their own calls, a supervisor their team's.
extension Workbench {
    /// `POST /api/live/{call}/turns?agent=A&script=S`: one turn (`{role, start, end, text, final?}`)
    /// or an array of them → a JSON array of the `callqc.alert/1` they raised. An unknown call is
    /// opened by its first turn.
    func liveTurns(_ request: Request, id: String) async -> Response {
        let bytes: [UInt8]
        switch await apiBody(request) {
        case .refused(let r): return r
        case .bytes(let b): bytes = b
        }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch {
            return Workbench.apiError("the body is not JSON: \(error.reason) (line \(error.line), column \(error.column))", status: .badRequest)
        }
        let items = value.arrayValue ?? [value]
        if items.count > config.maxTurns { return Workbench.apiError(tooManyTurns(items.count), status: .contentTooLarge) }
        var turns: [(Turn, Bool)] = []
        for (i, item) in items.enumerated() {
            do {
                let m = try LiveMessage.parse(item)
                guard m.event == .turn, let turn = m.turn else { return Workbench.apiError("item \(i + 1): only turns are posted here; end a call with POST /api/live/\(id)/end", status: .badRequest) }
                if let c = m.call, c != id { return Workbench.apiError("item \(i + 1): 'call' is '\(c)' but the address names '\(id)'", status: .badRequest) }
                turns.append((turn, m.final))
            } catch {
                return Workbench.apiError("item \(i + 1): \(error.reason)", status: .badRequest)
            }
        }
        let q = request.uri.queryParameters
        guard let slot = liveSlot(id, agent: q.get("agent"), script: q.get("script")) else {
            return Workbench.apiError("no live call '\(Redactor().redact(id))' that you may feed", status: .notFound)
        }
        let alerts = live.feed(slot, turns)
        return Workbench.alertsResponse(masked ? alerts.map { $0.redacted() } : alerts)
    }

    /// `POST /api/live/{call}/end` → the final `callqc.result/1`, stored like a batch result.
    func liveEnd(_ request: Request, id: String) async -> Response {
        guard let slot = live.slot(id), canSee(agent: slot.agent) else {
            return Workbench.apiError("no live call '\(Redactor().redact(id))' in progress", status: .notFound)
        }
        do {
            guard let result = try live.end(slot) else { return Workbench.apiError("the live call '\(Redactor().redact(id))' has already ended", status: .notFound) }
            return Workbench.resultResponse(masked ? result.redacted() : result)
        } catch {
            return Workbench.apiError("the result could not be stored: \(error)", status: .internalServerError)
        }
    }

    /// The slot of a call the request's user may feed, opened when new: an agent opens calls
    /// as themselves; a call already open is fed only by those who may see its agent.
    func liveSlot(_ id: String, agent: String?, script: String?) -> LiveBoard.Slot? {
        guard !id.isEmpty, id.count <= 200 else { return nil }
        if let slot = live.slot(id) { return canSee(agent: slot.agent) ? slot : nil }
        var agent = agent.flatMap { $0.isEmpty ? nil : $0 }
        if let user = FloorRequest.user, user.role == .agent { agent = agent ?? user.agentID }
        guard canSee(agent: agent) else { return nil }
        let slot = live.open(id, agent: agent, script: script.flatMap { $0.isEmpty ? nil : $0 }).slot
        return canSee(agent: slot.agent) ? slot : nil
    }

    /// `GET /api/live/events?team=T`: Server-Sent Events of the calls in progress the user may see
    /// (`call`, `alert`, `end`), optionally of one team.
    func liveEvents(_ request: Request) -> Response {
        let user = FloorRequest.user
        let team = request.uri.queryParameters.get("team").flatMap { $0.isEmpty ? nil : $0 }
        let teams = team != nil || (user?.role == .supervisor && user?.team != nil) ? self.teams() : [:]
        let sees: @Sendable (String?) -> Bool = { agent in
            FloorPolicy.canSee(agent: agent, user: user, teams: teams) && (team == nil || agent.flatMap { teams[$0] } == team)
        }
        let stream = live.watch(sees: sees, masked: masked)
        var headers: HTTPFields = [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"]
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return Response(status: .ok, headers: headers, body: ResponseBody(asyncSequence: stream.map { ByteBuffer(bytes: $0) }))
    }

    static func alertsResponse(_ alerts: [LiveAlert]) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store",
                                        HTTPField.Name("X-Content-Type-Options")!: "nosniff"],
                 body: .init(byteBuffer: ByteBuffer(bytes: LiveAlert.json(alerts) + [0x0A])))
    }

    /// A result as compact `callqc.result/1`: the bytes `callqc check --format jsonl` writes for it.
    static func resultResponse(_ result: CallResult) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store",
                                        HTTPField.Name("X-Content-Type-Options")!: "nosniff"],
                 body: .init(byteBuffer: ByteBuffer(bytes: ResultJSON.compact(result) + [0x0A])))
    }
}
