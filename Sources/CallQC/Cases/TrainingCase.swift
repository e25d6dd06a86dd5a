/// A case for the trainers' library (案例库): an anonymised excerpt of a checked
/// call, its findings and score, and the six aspects of a written case.
public struct TrainingCase: Sendable, Hashable {
    /// The library's three categories.
    public enum Category: String, Sendable, Hashable, CaseIterable {
        case serviceSharing = "服务分享类"
        case complaint = "客户投诉类"
        case enquiry = "业务咨询类"
    }

    /// What a complaining customer wants.
    public enum ComplaintType: String, Sendable, Hashable, CaseIterable {
        case solveProblem = "解决问题型"
        case vent = "发牢骚型"
        case compensation = "需要索赔型"
    }

    /// The six aspects of a written case, in order.
    public static let aspectNames = ["客户接触", "回答方式", "客户态度", "处理过程", "客户感受", "服务影响"]
    /// Marks text the trainer still has to write.
    public static let toComplete = "（待培训师补充）"

    /// Store id; 0 before it is stored.
    public var id: Int
    public var callID: String
    public var agent: String?
    public var date: String?
    public var category: Category
    /// Whether the category was suggested by callqc rather than given.
    public var categorySuggested: Bool
    public var title: String
    public var note: String?
    /// 1-based turns of the excerpt.
    public var turns: ClosedRange<Int>
    /// The excerpt's turns, as in the call (redacted when exported).
    public var excerpt: [Turn]
    /// Findings inside the excerpt, and about the whole call.
    public var findings: [Finding]
    public var score: Double?
    public var grade: String?
    public var complaintType: ComplaintType?
    /// Aspect name → text (pre-filled where the call shows it).
    public var aspects: [String: String]
    public var createdAt: String
    /// A trainer shared the case with the agent of its call, who may then read it in the workbench.
    public var sharedWithAgent = false

    public init(id: Int, callID: String, agent: String?, date: String?, category: Category, categorySuggested: Bool, title: String,
                note: String?, turns: ClosedRange<Int>, excerpt: [Turn], findings: [Finding], score: Double?, grade: String?,
                complaintType: ComplaintType?, aspects: [String: String], createdAt: String) {
        self.id = id
        self.callID = callID
        self.agent = agent
        self.date = date
        self.category = category
        self.categorySuggested = categorySuggested
        self.title = title
        self.note = note
        self.turns = turns
        self.excerpt = excerpt
        self.findings = findings
        self.score = score
        self.grade = grade
        self.complaintType = complaintType
        self.aspects = aspects
        self.createdAt = createdAt
    }

    /// `CASE-0007`.
    public var label: String {
        let n = String(id)
        return "CASE-" + String(repeating: "0", count: max(0, 4 - n.count)) + n
    }
}
