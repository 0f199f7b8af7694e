public import KefuContracts

/// Combines the rules, the model and the taxonomy into one decision. Precedence for the category:
/// a person's; an `override` rule's; a `before_model` rule's; the model's when it is sure and knows
/// the text; a `fallback` rule's; else triage with the model's best guess (or `other`).
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
                used: false, unfamiliarText: prediction.knownFeatures == 0,
                outOfScope: prediction.outOfScope)
        }
        let threshold = policy.settings.modelThreshold
        let modelIsSure = opinion.map { !$0.saysOutOfScope && $0.confidence >= threshold && policy.categories[$0.category]?.retired != true }
            ?? false

        let category: String
        let source: Decision.Source
        let reason: String
        var triage: Decision.Triage?
        if let person {
            (category, source, reason) = (person.category, .person, "chosen in triage")
        } else if let ruled = outcome.categories[.override] {
            (category, source, reason) = (ruled.category, .rule, "override rule \"\(ruled.rule)\" always wins")
        } else if let ruled = outcome.categories[.beforeModel] {
            (category, source, reason) = (ruled.category, .rule, "rule \"\(ruled.rule)\" comes before the model")
        } else if let opinion, modelIsSure {
            let outranked = outcome.categories[.fallback].map { ", outranking fallback rule \"\($0.rule)\"" } ?? ""
            (category, source, reason) = (opinion.category, .model,
                                          "the model is sure (\(Self.percent(opinion.confidence)) ≥ \(Self.percent(threshold)))\(outranked)")
        } else if let ruled = outcome.categories[.fallback] {
            (category, source, reason) = (ruled.category, .rule, "fallback rule \"\(ruled.rule)\": \(Self.unsure(opinion, threshold))")
        } else {
            (category, source) = (opinion?.category ?? Category.fallbackID, .triage)
            reason = "to triage: \(Self.unsure(opinion, threshold))"
            let triageReason: Decision.Triage.Reason = opinion == nil ? .noModel : opinion!.saysOutOfScope ? .outOfScope : .lowConfidence
            triage = Decision.Triage(reason: triageReason, outcome: nil, decidedBy: nil)
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
                        rulesFired: outcome.fired, model: opinion, triage: triage, categoryReason: reason)
    }

    private static func percent(_ value: Double) -> String { "\(Int((value * 100).rounded())) %" }

    /// Why the model's category was not taken.
    private static func unsure(_ opinion: Decision.ModelOpinion?, _ threshold: Double) -> String {
        guard let opinion else { return "no model is active" }
        if opinion.unfamiliarText { return "the model knows none of the text's words" }
        if opinion.outOfScope { return "the text is like none of the model's categories" }
        if opinion.confidence < threshold { return "the model is unsure (\(percent(opinion.confidence)) < \(percent(threshold)))" }
        return "the model's category \(opinion.category) is retired"
    }
}
