import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Classification's HTTP API: decisions, and classifying a text without a ticket.
enum ClassificationRoutes {
    struct ClassifyInput: Decodable, Sendable {
        let text: String
        let subject: String?
        let channel: String?
        let customerTier: String?
        let productModel: String?
        let metadata: [String: JSONValue]?

        enum CodingKeys: String, CodingKey {
            case text, subject, channel, metadata
            case customerTier = "customer_tier"
            case productModel = "product_model"
        }
    }

    /// The active model's own opinion (for evaluations), and the decision a ticket with this
    /// text would get from rules and model together.
    struct ClassifyOutput: Encodable, Sendable {
        let version: Int?
        let category: String?
        let confidence: Double?
        let ranking: [Decision.Ranked]
        /// Whether the model's opinion alone would send the ticket to triage: unsure, or a text unlike any it knows.
        let toTriage: Bool
        let decision: Decision

        enum CodingKeys: String, CodingKey {
            case version, category, confidence, ranking, decision
            case toTriage = "to_triage"
        }
    }

    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime, state: ClassifierState) {
        router.get("/v1/decisions/{number}") { _, context -> Response in
            try context.requireStaff(.ticketsRead)
            let number = try context.parameters.require("number")
            guard let decision = try await runtime.read({ try DecisionStore.load(number, on: $0) }) else {
                throw Problem.notFound("decision for ticket \(number)")
            }
            return try Response.json(decision)
        }

        router.post("/v1/classify") { request, context -> Response in
            try context.requireStaff(.ticketsRead)
            let input = try await request.decodeJSON(ClassifyInput.self, limit: 128 * 1024)
            if input.text.utf8.count > Submission.maximumBodyBytes {
                throw Problem.invalid([FieldError(field: "/text", message: "is longer than \(Submission.maximumBodyBytes) bytes")])
            }
            let decider = state.decider
            let decision = decider.decide(TicketFacts(
                subject: input.subject, body: input.text, channel: input.channel, customerTier: input.customerTier,
                productModel: input.productModel, metadata: input.metadata ?? [:]))
            let opinion = decision.model
            let toTriage = opinion.map { $0.unfamiliarText || $0.confidence < decider.policy.settings.modelThreshold } ?? true
            return try Response.json(ClassifyOutput(
                version: opinion?.version, category: opinion?.category, confidence: opinion?.confidence,
                ranking: opinion?.top ?? [], toTriage: toTriage, decision: decision))
        }
    }
}
