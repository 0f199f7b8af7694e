import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Classification's HTTP API: decisions, training examples and model versions.
enum ClassificationRoutes {
    struct Added: Codable, Sendable {
        let added: Int
    }

    struct ClassifyInput: Decodable, Sendable {
        let text: String
    }

    struct Ranked: Codable, Sendable {
        let category: String
        let probability: Double
    }

    struct ClassifyOutput: Codable, Sendable {
        let version: Int
        let category: String
        let confidence: Double
        let ranking: [Ranked]
    }

    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime, models: ModelRegistry) {
        router.get("/v1/decisions/{number}") { _, context -> Response in
            try context.requireStaff(.ticketsRead)
            let number = try context.parameters.require("number")
            let decision = try await runtime.read { connection in
                try connection.query("SELECT explanation::text AS explanation FROM classification.decisions WHERE ticket_number = $1",
                                     [number]).first.map { try $0.require("explanation", as: String.self) }
            }
            guard let decision else { throw Problem.notFound("decision for ticket \(number)") }
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: .init(string: decision)))
        }

        router.post("/v1/training-examples") { request, context -> Response in
            try context.require(.admin)
            let mediaType = request.headers[.contentType]?.split(separator: ";").first
                .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let mediaType, ["application/x-ndjson", "application/jsonl", "text/csv"].contains(mediaType) else {
                throw Problem(.unsupportedMediaType, title: "Unsupported media type",
                              detail: "send JSON lines (application/x-ndjson) or CSV (text/csv) with a text,label header")
            }
            let bytes = try await request.bodyBytes(limit: 32 << 20)
            switch TrainingExamplesParser.parse(bytes, mediaType: mediaType) {
            case .success(let examples):
                try await runtime.transaction { work in try ModelStore.add(examples, source: "api", in: work) }
                return try Response.json(Added(added: examples.count), status: .created)
            case .failure(let error):
                throw Problem.invalid(error.errors)
            }
        }

        router.post("/v1/models") { _, context -> Response in
            try context.require(.admin)
            let version = try await ModelStore.train(runtime: runtime)
            try await ModelRefresher(registry: models, runtime: runtime).refresh()
            return try Response.json(version, status: .created)
        }

        // The active model's opinion of a text, without a ticket: for tools and evaluations.
        router.post("/v1/classify") { request, context -> Response in
            try context.requireStaff(.ticketsRead)
            let input = try await request.decodeJSON(ClassifyInput.self, limit: 128 * 1024)
            guard let active = models.current else {
                throw Problem(.conflict, title: "No active model", detail: "train one with POST /v1/models")
            }
            let prediction = active.model.classify(input.text, top: 3)
            return try Response.json(ClassifyOutput(
                version: active.version, category: prediction.label, confidence: Double(prediction.confidence),
                ranking: prediction.ranking.map { Ranked(category: $0.label, probability: Double($0.probability)) }))
        }

        router.get("/v1/models") { _, context -> Response in
            try context.require(.admin)
            let versions = try await runtime.read { connection in
                try connection.query("SELECT \(ModelStore.Version.columns) FROM classification.models ORDER BY version DESC")
                    .map(ModelStore.Version.init)
            }
            return try Response.json(versions)
        }

        router.post("/v1/models/{version}/activate") { _, context -> Response in
            try context.require(.admin)
            let version = try context.parameters.require("version", as: Int.self)
            guard let activated = try await runtime.transaction({ work in try ModelStore.activate(version, in: work) }) else {
                throw Problem.notFound("model version \(version)")
            }
            try await ModelRefresher(registry: models, runtime: runtime).refresh()
            return try Response.json(activated)
        }
    }
}
