/// One message of a live stream, as JSON (docs/live.md): a turn (`{call?, role, start, end,
/// text, final?}`), or an event opening or ending a call (`{call, event: "open"|"end"}`).
public struct LiveMessage: Sendable, Equatable {
    public enum Event: String, Sendable { case open, turn, end }

    public var event: Event
    /// The call it belongs to; nil when the stream carries one call.
    public var call: String?
    /// For opening a call: its agent and script.
    public var agent: String?
    public var script: String?
    /// The turn, for `turn` messages.
    public var turn: Turn?
    /// Whether the turn's text is final (default) or partial.
    public var final: Bool

    public init(event: Event, call: String? = nil, agent: String? = nil, script: String? = nil, turn: Turn? = nil, final: Bool = true) {
        self.event = event
        self.call = call
        self.agent = agent
        self.script = script
        self.turn = turn
        self.final = final
    }

    /// Reads a message from JSON. The role is `agent`, `customer` or `other`, or a speaker
    /// label the readers know (`坐席`, `客户`, `Agent`…); times are seconds from the call's start.
    public static func parse(_ value: JSONValue, roles: RoleMap = .standard) throws(LiveInputError) -> LiveMessage {
        guard case .object = value else { throw LiveInputError("expected a JSON object, found \(value.typeName)") }
        func string(_ key: String) throws(LiveInputError) -> String? {
            guard let v = value[key], !v.isNull else { return nil }
            guard let s = v.stringValue else { throw LiveInputError("'\(key)' must be a string, found \(v.typeName)") }
            return s
        }
        func number(_ key: String) throws(LiveInputError) -> Double? {
            guard let v = value[key], !v.isNull else { return nil }
            guard let n = v.numberValue, n.isFinite, n >= 0 else { throw LiveInputError("'\(key)' must be a number of seconds (0 or more), found \(v.typeName)") }
            return n
        }
        let call = try string("call")
        if let c = call, c.isEmpty || c.count > 200 { throw LiveInputError("'call' must be 1 to 200 characters") }
        let eventName = try string("event") ?? "turn"
        guard let event = Event(rawValue: eventName) else { throw LiveInputError("'event' is '\(eventName)'; use open, turn or end") }
        var message = LiveMessage(event: event, call: call, agent: try string("agent"), script: try string("script"))
        guard event == .turn else { return message }
        guard let roleText = try string("role") else { throw LiveInputError("a turn needs 'role' (agent, customer or other)") }
        guard let role = Role(rawValue: roleText.lowercased()) ?? roles.role(of: roleText) else {
            throw LiveInputError("'role' is '\(roleText)'; use agent, customer or other (or a speaker label such as 坐席, 客户)")
        }
        guard let text = try string("text") else { throw LiveInputError("a turn needs 'text'") }
        let start = try number("start"), end = try number("end")
        if let s = start, let e = end, e < s { throw LiveInputError("'end' (\(JSONValue.format(e))) is before 'start' (\(JSONValue.format(s)))") }
        if let v = value["final"], !v.isNull {
            guard case .bool(let b) = v else { throw LiveInputError("'final' must be true or false, found \(v.typeName)") }
            message.final = b
        }
        message.turn = Turn(role: role, speaker: try string("speaker") ?? roleText, start: start, end: end, text: text)
        return message
    }

    /// Reads a message from one line of JSON.
    public static func parse(line: [UInt8], roles: RoleMap = .standard) throws(LiveInputError) -> LiveMessage {
        let value: JSONValue
        do { value = try JSONParser.parse(line) } catch { throw LiveInputError("not JSON: \(error.reason) (column \(error.column))") }
        return try parse(value, roles: roles)
    }
}

/// Why a live message was refused.
public struct LiveInputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
