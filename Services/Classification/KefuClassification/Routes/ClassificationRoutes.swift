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

        // One text, or a batch `{"items": [...]}` of up to 1,000 answered in order; a bad item
        // gets its errors in its place and the others are still classified.
        router.post("/v1/classify") { request, context -> Response in
            try context.requireStaff(.ticketsRead)
            let body = try await request.decodeJSON(JSONValue.self, limit: batchBodyLimit)
            let decider = state.decider
            guard case .object(let object) = body, let batch = object["items"] else {
                switch classify(body, at: "", with: decider) {
                case .success(let output): return try Response.json(output)
                case .failure(let problem): throw problem
                }
            }
            guard case .array(let items) = batch, (1...maximumBatch).contains(items.count) else {
                throw Problem.invalid([FieldError(field: "/items", message: "must hold 1 to \(maximumBatch) texts")])
            }
            let answers = items.enumerated().map { index, item in
                switch classify(item, at: "/items/\(index)", with: decider) {
                case .success(let output): BatchAnswer(result: output, errors: nil)
                case .failure(let problem): BatchAnswer(result: nil, errors: problem.errors)
                }
            }
            return try Response.json(["items": answers])
        }
    }

    static let maximumBatch = 1_000
    /// A batch's JSON: 1,000 texts of some 8 KiB each. One text of the longest kind fits too, even
    /// with every character escaped (6 bytes each), so only the text's own limit refuses it.
    static let batchBodyLimit = 8 << 20

    /// One item of a batch: the classification, or what was wrong with the item.
    struct BatchAnswer: Encodable, Sendable {
        let result: ClassifyOutput?
        let errors: [FieldError]?

        func encode(to encoder: any Encoder) throws {
            if let result { try result.encode(to: encoder) } else {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(errors, forKey: .errors)
            }
        }

        enum CodingKeys: String, CodingKey { case errors }
    }

    static func classify(_ value: JSONValue, at pointer: String, with decider: Decider) -> Result<ClassifyOutput, Problem> {
        if case .object(let object) = value, object["items"] != nil {
            return .failure(Problem.invalid([FieldError(field: pointer + "/items", message: "batches do not nest: an item is one text")]))
        }
        let input: ClassifyInput
        do {
            input = try KefuJSON.decode(ClassifyInput.self, from: KefuJSON.encode(value))
        } catch let error as DecodingError {
            let field = error.fieldError ?? FieldError(field: "", message: "must be an object with a text")
            return .failure(Problem.invalid([FieldError(field: pointer + field.field, message: field.message)]))
        } catch {
            return .failure(Problem.invalid([FieldError(field: pointer, message: "must be an object with a text")]))
        }
        if input.text.utf8.count > Submission.maximumBodyBytes {
            return .failure(Problem.invalid([FieldError(field: pointer + "/text", message: "is longer than \(Submission.maximumBodyBytes) bytes")]))
        }
        let decision = decider.decide(TicketFacts(
            subject: input.subject, body: input.text, channel: input.channel, customerTier: input.customerTier,
            productModel: input.productModel, metadata: input.metadata ?? [:]))
        let opinion = decision.model
        let toTriage = opinion.map { $0.saysOutOfScope || $0.confidence < decider.policy.settings.modelThreshold } ?? true
        return .success(ClassifyOutput(version: opinion?.version, category: opinion?.category, confidence: opinion?.confidence,
                                       ranking: opinion?.top ?? [], toTriage: toTriage, decision: decision))
    }
}
