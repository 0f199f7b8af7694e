import KefuContracts

/// Classification's run-time settings, stored in its schema and edited through the API.
public struct ClassificationSettings: Codable, Sendable, Hashable {
    /// Below this confidence the model's category is not taken and the ticket goes to triage.
    public var modelThreshold: Double = 0.4
    /// How long a ticket may wait in triage before it is dispatched with the best guess, flagged.
    public var triageTimeoutSeconds: Int = 1800
    /// Where an unsure ticket waits while it is in triage: dispatched at once, flagged, to this
    /// team (or any team under it); nil for no team in particular. A person's decision may move it.
    public var triageTeamID: String? = "hq"
    /// Scheduled training: a new model when there are new examples, this often; 0 turns it off.
    public var trainingIntervalHours: Double = 24
    /// A newly trained model replaces the active one when it scores better on its held-out split.
    public var activateWhenBetter: Bool = true

    enum CodingKeys: String, CodingKey {
        case modelThreshold = "model_threshold"
        case triageTimeoutSeconds = "triage_timeout_seconds"
        case triageTeamID = "triage_team_id"
        case trainingIntervalHours = "training_interval_hours"
        case activateWhenBetter = "activate_when_better"
    }

    public init() {}

    /// Missing keys keep their defaults, so a stored row written by an older version still reads.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        modelThreshold = try container.decodeIfPresent(Double.self, forKey: .modelThreshold) ?? modelThreshold
        triageTimeoutSeconds = try container.decodeIfPresent(Int.self, forKey: .triageTimeoutSeconds) ?? triageTimeoutSeconds
        if container.contains(.triageTeamID) {
            triageTeamID = try container.decodeIfPresent(String.self, forKey: .triageTeamID)
        }
        trainingIntervalHours = try container.decodeIfPresent(Double.self, forKey: .trainingIntervalHours) ?? trainingIntervalHours
        activateWhenBetter = try container.decodeIfPresent(Bool.self, forKey: .activateWhenBetter) ?? activateWhenBetter
    }

    /// `triage_team_id` is written even when null, so that "no team" survives a round trip.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(modelThreshold, forKey: .modelThreshold)
        try container.encode(triageTimeoutSeconds, forKey: .triageTimeoutSeconds)
        try container.encode(triageTeamID, forKey: .triageTeamID)
        try container.encode(trainingIntervalHours, forKey: .trainingIntervalHours)
        try container.encode(activateWhenBetter, forKey: .activateWhenBetter)
    }

    func problems() -> [FieldError] {
        var errors: [FieldError] = []
        if !(0...1).contains(modelThreshold) {
            errors.append(FieldError(field: "/model_threshold", message: "must be between 0 and 1"))
        }
        if !(1...7 * 86_400).contains(triageTimeoutSeconds) {
            errors.append(FieldError(field: "/triage_timeout_seconds", message: "must be 1 second to 7 days"))
        }
        if let team = triageTeamID, team.wholeMatch(of: /[A-Za-z0-9_.@-]{1,128}/) == nil {
            errors.append(FieldError(field: "/triage_team_id", message: "must be a team id (1 to 128 letters, digits or . _ @ -) or null"))
        }
        if !(0...24 * 90).contains(trainingIntervalHours) {
            errors.append(FieldError(field: "/training_interval_hours", message: "must be 0 (off) to 2160 hours"))
        }
        return errors
    }
}

/// The rules, taxonomy and settings in force, as one snapshot swapped without a restart.
public struct Policy: Sendable {
    public let rules: [Rule]
    public let categories: [String: Category]
    public let settings: ClassificationSettings
    /// Bumped by every edit, so replicas notice they are behind.
    public let revision: Int
    let engine: RuleEngine

    public init(rules: [Rule], categories: [Category], settings: ClassificationSettings, revision: Int) {
        self.rules = rules
        self.categories = Dictionary(uniqueKeysWithValues: categories.map { ($0.id, $0) })
        self.settings = settings
        self.revision = revision
        engine = RuleEngine(rules)
    }

    /// What a new installation starts with.
    public static let defaults = Policy(rules: Rule.defaults, categories: Category.defaults, settings: .init(), revision: 0)
}
