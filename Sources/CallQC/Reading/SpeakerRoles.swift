import CallQCText

/// Decides who is the agent when a transcript names its speakers only as a
/// recogniser does (`spk_0`, `ch_1`, `SPEAKER_00`, `1`, names), for every format.
///
/// In this order:
/// 1. **flag**: `--agent-speaker LABEL` / `--agent-channel N` (``ReadOptions``):
///    the matching speakers are the agent, every other speaker the customer.
/// 2. **file**: roles the file itself gives (Call Analytics' `ParticipantRole`,
///    PCA's `SpeakerLabels`, known labels such as 坐席 or Agent) are kept.
/// 3. **heuristic**, only when no turn has a role yet: the speaker who uses the
///    agent's service phrases most (您好, 欢迎致电, 很高兴为您服务, 请问, 有什么可以帮,
///    为您, thank you for calling, how can I help…, counted in folded text) is the
///    agent, the others customers; a tie goes to the speaker who used one first
///    (who greets first). When nobody uses one, the first speaker is taken as
///    the agent.
///
/// The decision and its basis are written to the call's metadata
/// (``rolesKey``, ``basisKey``), so a reviewer can see when the tool guessed.
public enum SpeakerRoles {
    public static let rolesKey = "speaker_roles"
    public static let basisKey = "speaker_roles_basis"

    public enum Basis: String, Sendable { case flag, file, heuristic }

    /// Phrases agents say and customers rarely do, in Chinese and English.
    public static let servicePhrases = [
        "您好", "欢迎致电", "欢迎来电", "很高兴为您服务", "请问", "有什么可以帮", "为您", "感谢您的来电", "感谢来电",
        "请您稍等", "还有其他", "工号",
        "thank you for calling", "thanks for calling", "how can i help", "how may i help", "how can i assist",
        "how may i assist", "is there anything else", "welcome to",
    ]

    static let foldedPhrases: [String] = {
        let folder = TextFolder()
        return servicePhrases.map { folder.foldedString($0) }.filter { !$0.isEmpty }
    }()

    /// What deciding did: the labels whose role it set (their "unknown label"
    /// warnings no longer apply), and problems to report.
    public struct Decision: Sendable {
        public var decided: Set<String> = []
        /// Labels left with role `other` beside speakers whose role is known.
        public var undecided: [String] = []
        public var warnings: [String] = []
    }

    /// Decides the roles of `call`'s speakers in place.
    public static func apply(to call: inout Call, options: ReadOptions) -> Decision {
        var decision = Decision()
        var labels: [String] = []
        for turn in call.turns where !turn.speaker.isEmpty && !labels.contains(turn.speaker) { labels.append(turn.speaker) }
        if labels.isEmpty { return decision }

        // 1. Flags.
        if !options.agentSpeakers.isEmpty || !options.agentChannels.isEmpty {
            let agents = labels.filter { label in
                options.agentSpeakers.contains { matches(label: label, speakerFlag: $0) }
                    || options.agentChannels.contains { matches(label: label, channel: $0) }
            }
            if !agents.isEmpty {
                let flags = options.agentSpeakers.map { "--agent-speaker \($0)" } + options.agentChannels.map { "--agent-channel \($0)" }
                assign(&call, labels: labels, agents: Set(agents))
                record(&call, labels: labels, agents: Set(agents), note: "from \(flags.joined(separator: ", "))", basis: .flag)
                decision.decided = Set(labels)
                return decision
            }
            var given = options.agentSpeakers.map { "--agent-speaker \($0)" }
            given += options.agentChannels.map { "--agent-channel \($0)" }
            decision.warnings.append("\(given.joined(separator: ", ")) matches no speaker of call \(call.id) (its speakers: \(labels.joined(separator: ", "))); roles are decided without it")
        }

        // 2. The file (or an earlier run) decided.
        if call.metadata[basisKey] != nil { return decision }
        if call.turns.contains(where: { $0.role != .other }) {
            // Labels are few: compare them to the turns (a Set of Chinese labels hashes
            // each through Unicode normalisation).
            decision.undecided = labels.filter { label in
                !call.turns.contains { $0.role != .other && $0.speaker == label } && options.roleMap.role(of: label) == nil
            }
            return decision
        }

        // 3. Heuristic.
        let folder = TextFolder()
        var uses: [String: Int] = [:]
        var firstUser: String?
        for turn in call.turns where !turn.speaker.isEmpty {
            let folded = folder.foldedString(turn.text)
            var count = 0
            for phrase in foldedPhrases { count += occurrences(of: phrase, in: folded) }
            if count > 0 {
                uses[turn.speaker, default: 0] += count
                if firstUser == nil { firstUser = turn.speaker }
            }
        }
        func n(_ label: String) -> Int { uses[label] ?? 0 }
        func phrases(_ k: Int) -> String { k == 1 ? "1 service phrase" : "\(k) service phrases" }
        let best = labels.map(n).max() ?? 0
        var agent: String
        var reason: String
        if best == 0 {
            guard labels.count > 1 else {
                call.metadata[rolesKey] = "\(labels[0])=other (undecided: the only speaker uses no service phrase)"
                call.metadata[basisKey] = Basis.heuristic.rawValue
                return decision
            }
            agent = labels[0]
            reason = "no speaker uses a service phrase; \(agent) speaks first"
        } else {
            let top = labels.filter { n($0) == best }
            agent = top.contains(firstUser ?? "") ? (firstUser ?? top[0]) : top[0]
            let others = labels.filter { $0 != agent }.map { "\($0) uses \(n($0))" }
            reason = "\(agent) uses \(phrases(best))" + (firstUser == agent ? " (the first to use one)" : "")
            if !others.isEmpty { reason += ", " + others.joined(separator: ", ") }
            if top.count > 1 { reason += "; tied, so the first to use one wins" }
        }
        assign(&call, labels: labels, agents: [agent])
        record(&call, labels: labels, agents: [agent], note: "guessed: \(reason)", basis: .heuristic)
        decision.decided = Set(labels)
        decision.warnings.append("speaker roles guessed for call \(call.id): \(call.metadata[rolesKey] ?? ""); pass --agent-speaker LABEL to decide")
        return decision
    }

    private static func assign(_ call: inout Call, labels: [String], agents: Set<String>) {
        for i in call.turns.indices where !call.turns[i].speaker.isEmpty {
            call.turns[i].role = agents.contains(call.turns[i].speaker) ? .agent : .customer
        }
    }

    private static func record(_ call: inout Call, labels: [String], agents: Set<String>, note: String, basis: Basis) {
        call.metadata[rolesKey] = labels.map { "\($0)=\(agents.contains($0) ? "agent" : "customer")" }.joined(separator: ", ") + " (\(note))"
        call.metadata[basisKey] = basis.rawValue
    }

    static func occurrences(of phrase: String, in text: String) -> Int {
        guard !phrase.isEmpty, text.utf8.count >= phrase.utf8.count else { return 0 }
        var count = 0
        var rest = Substring(text)
        while let r = rest.firstRange(of: phrase) {
            count += 1
            rest = rest[r.upperBound...]
        }
        return count
    }

    /// `--agent-speaker` matches a label written the same (ignoring case), or, for a
    /// bare number, any speaker id with that number: `1` matches `spk_1`,
    /// `SPEAKER_01`, `Speaker 1`, `Guest-1` and `1`, but not a channel `ch_1`.
    static func matches(label: String, speakerFlag: String) -> Bool {
        let l = label.trimmed().lowercased(), f = speakerFlag.trimmed().lowercased()
        if l == f { return true }
        guard !f.isEmpty, f.allSatisfy(\.isASCIIDigit), let wanted = Int(f.prefix(9)),
              let (prefix, number) = numbered(l) else { return false }
        return number == wanted && ["", "spk", "speaker", "guest", "说话人", "說話人", "发言人", "發言人"].contains(prefix)
    }

    /// `--agent-channel N` matches `ch_N`, `channel N`, `声道N`.
    static func matches(label: String, channel: Int) -> Bool {
        guard let (prefix, number) = numbered(label.trimmed().lowercased()) else { return false }
        return number == channel && ["ch", "channel", "声道", "聲道"].contains(prefix)
    }

    /// `spk_01` → ("spk", 1); `3` → ("", 3).
    static func numbered(_ label: String) -> (String, Int)? {
        let digits = label.reversed().prefix { $0.isASCIIDigit }
        guard !digits.isEmpty, digits.count <= 9, let number = Int(String(digits.reversed())) else { return nil }
        var prefix = label.dropLast(digits.count)
        while let last = prefix.last, last == "_" || last == "-" || last == " " { prefix = prefix.dropLast() }
        return (String(prefix), number)
    }
}
