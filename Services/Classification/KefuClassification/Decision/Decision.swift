public import KefuContracts

/// Classification's decision for a ticket, with the reasons for it. It is stored as written here
/// and served by `GET /v1/decisions/{ticket_number}`.
public struct Decision: Codable, Sendable, Hashable {
    public enum Source: String, Codable, Sendable, Hashable {
        /// A rule set the category.
        case rule
        /// The model was sure enough.
        case model
        /// Nothing decided: the category is the best guess until a person (or the timeout) settles it.
        case triage
        /// A person decided it in triage.
        case person
    }

    public var category: String
    public var categorySource: Source
    public var priority: Priority
    public var slaClass: String
    public var language: String
    public var complaint: Bool
    public var rulesFired: [RuleEngine.FiredRule]
    /// What the learned model thought, when one is active.
    public var model: ModelOpinion?
    /// Why the ticket went to triage, and how it left.
    public var triage: Triage?
    /// Which source gave the category and why the others did not, in words.
    public var categoryReason: String?

    public struct ModelOpinion: Codable, Sendable, Hashable {
        public var version: Int
        public var category: String
        public var confidence: Double
        /// The best three categories with their calibrated probabilities.
        public var top: [Ranked]
        /// Whether the decision took the model's category.
        public var used: Bool
        /// No n-gram of the text was ever seen in training.
        public var unfamiliarText: Bool
        /// The text looks like none of the model's categories (see `TextModel.Prediction`).
        public var outOfScope: Bool

        /// Whether the model's category is no answer at all, however confident.
        public var saysOutOfScope: Bool { unfamiliarText || outOfScope }

        enum CodingKeys: String, CodingKey {
            case version, category, confidence, top, used
            case unfamiliarText = "unfamiliar_text"
            case outOfScope = "out_of_scope"
        }

        public init(version: Int, category: String, confidence: Double, top: [Ranked], used: Bool, unfamiliarText: Bool,
                    outOfScope: Bool) {
            self.version = version
            self.category = category
            self.confidence = confidence
            self.top = top
            self.used = used
            self.unfamiliarText = unfamiliarText
            self.outOfScope = outOfScope
        }

        // Decisions stored before out-of-scope detection have no `out_of_scope`.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            try self.init(version: container.decode(Int.self, forKey: .version),
                          category: container.decode(String.self, forKey: .category),
                          confidence: container.decode(Double.self, forKey: .confidence),
                          top: container.decode([Ranked].self, forKey: .top), used: container.decode(Bool.self, forKey: .used),
                          unfamiliarText: container.decode(Bool.self, forKey: .unfamiliarText),
                          outOfScope: container.decodeIfPresent(Bool.self, forKey: .outOfScope) ?? false)
        }
    }

    public struct Ranked: Codable, Sendable, Hashable {
        public var category: String
        public var probability: Double
    }

    public struct Triage: Codable, Sendable, Hashable {
        public enum Reason: String, Codable, Sendable, Hashable {
            case noModel = "no_model"
            case lowConfidence = "low_confidence"
            case outOfScope = "out_of_scope"
        }
        public var reason: Reason
        public var outcome: TicketClassified.TriageOutcome?
        public var decidedBy: String?

        enum CodingKeys: String, CodingKey {
            case reason, outcome
            case decidedBy = "decided_by"
        }
    }

    enum CodingKeys: String, CodingKey {
        case category, priority, language, complaint, model, triage
        case categorySource = "category_source"
        case slaClass = "sla_class"
        case rulesFired = "rules_fired"
        case categoryReason = "category_reason"
    }
}
