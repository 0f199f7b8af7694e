public import KefuContracts

/// Combines the rules, the model and the taxonomy into one decision. Precedence for the category:
/// a rule's, then the model's when it is sure and knows the text, else triage with the model's
/// best guess (or `other`).
public struct Decider: Sendable {
    public let policy: Policy
    public let model: ClassifierState.ActiveModel?

    public init(policy: Policy, model: ClassifierState.ActiveModel?) {
        self.policy = policy
        self.model = model
    }

    /// `person` is set when someone in triage chose the category (and perhaps the priority).
    public func decide(_ facts: TicketFacts, person: (category: String, priority: Priority?)? = nil) -> Decision {
        let outcome = policy.engine.evaluate(facts)
        var opinion: Decision.ModelOpinion?
        if let model {
            let prediction = model.model.classify(facts.text, top: 3)
            opinion = Decision.ModelOpinion(
                version: model.version, category: prediction.label, confidence: Double(prediction.confidence),
                top: prediction.ranking.map { Decision.Ranked(category: $0.label, probability: Double($0.probability)) },
                used: false, unfamiliarText: prediction.knownFeatures == 0)
        }

        let category: String
        let source: Decision.Source
        var triage: Decision.Triage?
        if let person {
            (category, source) = (person.category, .person)
        } else if let ruled = outcome.category {
            (category, source) = (ruled, .rule)
        } else if let opinion, !opinion.unfamiliarText, opinion.confidence >= policy.settings.modelThreshold,
                  policy.categories[opinion.category]?.retired != true {
            (category, source) = (opinion.category, .model)
        } else {
            (category, source) = (opinion?.category ?? Category.fallbackID, .triage)
            let reason: Decision.Triage.Reason = opinion == nil ? .noModel : opinion!.unfamiliarText ? .outOfScope : .lowConfidence
            triage = Decision.Triage(reason: reason, outcome: nil, decidedBy: nil)
        }
        opinion?.used = source == .model

        let known = policy.categories[category] ?? policy.categories[Category.fallbackID]
        var priority = person?.priority ?? outcome.priority ?? known?.defaultPriority ?? .p4
        if person?.priority == nil {
            for _ in 0..<min(outcome.raise, 3) { priority = priority.raised }
        }
        let complaint = outcome.complaint || category == "complaint"
        let slaClass = outcome.slaClass ?? (complaint ? "complaint" : priority == .p1 ? "emergency" : known?.slaClass ?? "standard")
        return Decision(category: category, categorySource: source, priority: priority, slaClass: slaClass,
                        language: facts.language ?? LanguageDetector.detect(facts.text), complaint: complaint,
                        rulesFired: outcome.fired, model: opinion, triage: triage)
    }
}
