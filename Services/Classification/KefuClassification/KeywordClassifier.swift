public import KefuContracts

/// The first classifier: ordered keyword rules in Chinese and English. It decides a category,
/// a priority, the language and the complaint flag, and says which rules fired.
/// (The learned model of issue 4 will sit beside it; this stays as the rule layer.)
public struct KeywordClassifier: Sendable {
    public struct Decision: Sendable, Hashable, Codable {
        public var category: String
        public var priority: Priority
        public var slaClass: String
        public var language: String
        public var complaint: Bool
        public var rulesFired: [String]
        /// What the learned model thought, when one is active.
        public var model: ModelOpinion?

        enum CodingKeys: String, CodingKey {
            case category, priority, language, complaint, model
            case slaClass = "sla_class"
            case rulesFired = "rules_fired"
        }
    }

    public struct ModelOpinion: Sendable, Hashable, Codable {
        public var version: Int
        public var category: String
        public var confidence: Double
        /// Whether the decision took the model's category: no category rule fired and the model
        /// was at least as sure as the threshold.
        public var used: Bool
    }

    struct CategoryRule: Sendable {
        let category: String
        let defaultPriority: Priority
        let keywords: [String]
    }

    /// First match wins, so more specific categories come first.
    let categories: [CategoryRule] = [
        CategoryRule(category: "complaint", defaultPriority: .p2, keywords: ["投诉", "差评", "complaint", "complain"]),
        CategoryRule(category: "return_refund", defaultPriority: .p3,
                     keywords: ["退货", "换货", "退款", "refund", "return"]),
        CategoryRule(category: "billing", defaultPriority: .p3,
                     keywords: ["账单", "发票", "付款", "扣费", "invoice", "bill", "payment", "charged"]),
        CategoryRule(category: "parts", defaultPriority: .p3, keywords: ["配件", "零件", "备件", "spare part", "parts"]),
        CategoryRule(category: "installation", defaultPriority: .p3,
                     keywords: ["安装", "调试", "install", "commissioning", "set up"]),
        CategoryRule(category: "maintenance", defaultPriority: .p4,
                     keywords: ["保养", "巡检", "例行检查", "maintenance", "inspection"]),
        CategoryRule(category: "fault", defaultPriority: .p3,
                     keywords: ["故障", "报修", "无法", "不能", "坏了", "失灵", "异常", "停机", "fault", "broken",
                                "not working", "error", "fails", "failure", "down"]),
        CategoryRule(category: "suggestion", defaultPriority: .p4, keywords: ["建议", "suggest", "feature request"]),
        CategoryRule(category: "consultation", defaultPriority: .p4,
                     keywords: ["咨询", "请问", "如何", "怎么", "question", "how do", "how to"]),
    ]

    let urgentKeywords = ["停机", "无法使用", "安全", "紧急", "急用", "事故", "urgent", "emergency", "safety", "down"]
    let complaintKeywords = ["投诉", "差评", "complaint", "complain"]

    public init() {}

    public func classify(subject: String?, body: String, language: String?, tier: Submission.Tier) -> Decision {
        let text = ((subject ?? "") + "\n" + body).lowercased()
        var fired: [String] = []

        let match = categories.first { rule in rule.keywords.contains { text.contains($0) } }
        let category = match?.category ?? "other"
        var priority = match?.defaultPriority ?? .p4
        fired.append(match.map { "category:\($0.category)" } ?? "category:default")

        if urgentKeywords.contains(where: { text.contains($0) }) {
            priority = priority.raised
            fired.append("priority:urgent-words")
        }
        if tier == .key {
            priority = priority.raised
            fired.append("priority:key-customer")
        }
        let complaint = complaintKeywords.contains { text.contains($0) }
        if complaint { fired.append("flag:complaint") }

        let slaClass = complaint ? "complaint" : (priority == .p1 ? "emergency" : "standard")
        return Decision(category: category, priority: priority, slaClass: slaClass,
                        language: language ?? Self.detectLanguage(text), complaint: complaint, rulesFired: fired, model: nil)
    }

    /// Han characters make it Chinese; otherwise English is the working assumption.
    static func detectLanguage(_ text: String) -> String {
        text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } ? "zh-CN" : "en"
    }
}
