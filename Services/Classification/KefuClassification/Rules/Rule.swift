public import KefuContracts

/// A classification rule: when all of its conditions hold, its action applies. Rules run in
/// `position` order (lowest first); see `RuleEngine` for how their actions combine.
public struct Rule: Codable, Sendable, Hashable {
    /// Assigned by the store; absent in a rule being created.
    public var id: Int?
    public var name: String
    public var position: Int
    public var enabled: Bool
    /// How the rule's category weighs against the learned model's; its other effects (priority,
    /// complaint, SLA class) apply whatever the precedence.
    public var precedence: Precedence
    public var when: [Condition]
    public var then: Action

    public init(id: Int? = nil, name: String, position: Int, enabled: Bool = true, precedence: Precedence = .beforeModel,
                when: [Condition], then: Action) {
        self.id = id
        self.name = name
        self.position = position
        self.enabled = enabled
        self.precedence = precedence
        self.when = when
        self.then = then
    }

    /// Where a rule's category stands against the model (docs/http-api.md, "classification (8082)").
    public enum Precedence: String, Codable, Sendable, Hashable, CaseIterable {
        /// Always wins, over other rules and the model.
        case override
        /// Wins over the model, not over an override.
        case beforeModel = "before_model"
        /// Used only when the model is absent, unsure, or does not know the text.
        case fallback
    }

    /// The precedence in force: `override_category` is the older spelling of `override`.
    var effectivePrecedence: Precedence { then.overrideCategory == true ? .override : precedence }

    enum CodingKeys: String, CodingKey {
        case id, name, position, enabled, precedence, when, then
    }

    /// `enabled` may be left out: a new rule is on unless it says otherwise; `precedence` too,
    /// which is `before_model` for a rule stored before rules had one.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(Int.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        position = try container.decode(Int.self, forKey: .position)
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        precedence = try container.decodeIfPresent(Precedence.self, forKey: .precedence) ?? .beforeModel
        when = try container.decode([Condition].self, forKey: .when)
        then = try container.decode(Action.self, forKey: .then)
    }

    public struct Condition: Codable, Sendable, Hashable {
        /// `text` (subject and body), `subject`, `body`, `channel`, `customer_tier`,
        /// `product_model`, or `metadata.<key>`.
        public var field: String
        public var match: Match
        /// Any one of them is enough.
        public var values: [String]

        public init(field: String, match: Match, values: [String]) {
            self.field = field
            self.match = match
            self.values = values
        }
    }

    public enum Match: String, Codable, Sendable, Hashable, CaseIterable {
        /// A keyword anywhere, ignoring case. English keywords match whole words only, so that
        /// "down" does not fire on "download"; Chinese has no word boundaries to respect.
        case keywords
        /// The words in this order, ignoring case and the amount of white space between them.
        case phrase
        /// An ICU regular expression, ignoring case.
        case regex
        /// The whole value, ignoring case; for channel, tier, product model and metadata.
        case equals
    }

    public struct Action: Codable, Sendable, Hashable {
        public var category: String?
        /// An overriding category beats every category set by plain rules, wherever they stand.
        public var overrideCategory: Bool?
        /// Sets the priority in place of the category's default.
        public var priority: Priority?
        /// Raises the priority by this many levels (1–3), after any set priority.
        public var raisePriority: Int?
        public var complaint: Bool?
        public var slaClass: String?

        enum CodingKeys: String, CodingKey {
            case category, priority, complaint
            case overrideCategory = "override_category"
            case raisePriority = "raise_priority"
            case slaClass = "sla_class"
        }

        public init(category: String? = nil, overrideCategory: Bool? = nil, priority: Priority? = nil,
                    raisePriority: Int? = nil, complaint: Bool? = nil, slaClass: String? = nil) {
            self.category = category
            self.overrideCategory = overrideCategory
            self.priority = priority
            self.raisePriority = raisePriority
            self.complaint = complaint
            self.slaClass = slaClass
        }
    }
}
