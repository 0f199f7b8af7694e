import Crypto
import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Integrators' webhook subscriptions. The secret is shown once, when it is set; after that
/// only whether there is one.
enum WebhookRoutes {
    struct Input: Decodable, Sendable {
        var url: String?
        var eventTypes: [String]?
        /// At least 16 characters; generated when left out.
        var secret: String?
        var active: Bool?
        var description: String?

        enum CodingKeys: String, CodingKey {
            case url, secret, active, description
            case eventTypes = "event_types"
        }
    }

    struct View: Encodable, RowDecodable, Sendable {
        let id: String
        let url: String
        let eventTypes: [String]
        let active: Bool
        let description: String?
        let createdAt: Date
        let updatedAt: Date
        /// Only in the answer that set it.
        var secret: String?

        enum CodingKeys: String, CodingKey {
            case id, url, active, description, secret
            case eventTypes = "event_types"
            case createdAt = "created_at"
            case updatedAt = "updated_at"
        }
    }

    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime, configuration: NotificationConfiguration) {
        let columns = "id, url, to_json(event_types)::text AS event_types, active, description, created_at, updated_at"

        router.post("/v1/webhooks") { request, context -> Response in
            try context.require(.admin)
            let input = try await request.decodeJSON(Input.self)
            try await validate(input, creating: true, allowPrivate: configuration.allowPrivateWebhooks)
            let secret = input.secret ?? generatedSecret()
            var view = try await runtime.transaction { connection in
                try View(connection.query("""
                    INSERT INTO notification.webhook_subscriptions (id, url, secret, event_types, active, description)
                    VALUES ($1, $2, $3, $4, $5, $6) RETURNING \(columns)
                    """, [UUID(), input.url, secret, Array(Set(input.eventTypes ?? [])).sorted(), input.active ?? true,
                          input.description]).first!)
            }
            view.secret = secret
            return try Response.json(view, status: .created)
        }

        router.get("/v1/webhooks") { _, context -> Response in
            try context.require(.admin)
            return try Response.json(try await runtime.read {
                try $0.query("SELECT \(columns) FROM notification.webhook_subscriptions ORDER BY created_at").map(View.init)
            })
        }

        router.get("/v1/webhooks/{id}") { _, context -> Response in
            try context.require(.admin)
            let id = try subscriptionID(context)
            guard let view = try await runtime.read({
                try $0.query("SELECT \(columns) FROM notification.webhook_subscriptions WHERE id = $1", [id]).first.map(View.init)
            }) else { throw Problem.notFound("webhook subscription \(id)") }
            return try Response.json(view)
        }

        router.patch("/v1/webhooks/{id}") { request, context -> Response in
            try context.require(.admin)
            let id = try subscriptionID(context)
            let input = try await request.decodeJSON(Input.self)
            try await validate(input, creating: false, allowPrivate: configuration.allowPrivateWebhooks)
            guard var view = try await runtime.transaction({ connection in
                try connection.query("""
                    UPDATE notification.webhook_subscriptions SET url = coalesce($2, url), secret = coalesce($3, secret),
                        event_types = coalesce($4, event_types), active = coalesce($5, active),
                        description = coalesce($6, description), updated_at = now()
                    WHERE id = $1 RETURNING \(columns)
                    """, [id, input.url, input.secret, input.eventTypes.map { Array(Set($0)).sorted() }, input.active,
                          input.description]).first.map(View.init)
            }) else { throw Problem.notFound("webhook subscription \(id)") }
            view.secret = input.secret
            return try Response.json(view)
        }

        router.delete("/v1/webhooks/{id}") { _, context -> Response in
            try context.require(.admin)
            let id = try subscriptionID(context)
            let removed = try await runtime.transaction { connection in
                try connection.query("DELETE FROM notification.webhook_subscriptions WHERE id = $1", [id]).affectedRows == 1
            }
            guard removed else { throw Problem.notFound("webhook subscription \(id)") }
            return Response(status: .noContent)
        }
    }

    private static func validate(_ input: Input, creating: Bool, allowPrivate: Bool) async throws {
        var errors: [FieldError] = []
        if let url = input.url {
            if let problem = await WebhookAddressPolicy.problem(with: url, allowPrivate: allowPrivate) {
                errors.append(FieldError(field: "/url", message: problem))
            }
        } else if creating {
            errors.append(FieldError(field: "/url", message: "is required"))
        }
        if let types = input.eventTypes {
            if types.isEmpty { errors.append(FieldError(field: "/event_types", message: "must name at least one event type")) }
            let known = Set(WebhookSubscriptions.eventTypes + ["*"])
            for (index, type) in types.enumerated() where !known.contains(type) {
                errors.append(FieldError(field: "/event_types/\(index)", message: "is not a status event type one can subscribe to"))
            }
        } else if creating {
            errors.append(FieldError(field: "/event_types", message: "is required; \"*\" for every type"))
        }
        if let secret = input.secret, secret.count < 16 {
            errors.append(FieldError(field: "/secret", message: "must be at least 16 characters"))
        }
        guard errors.isEmpty else { throw Problem.invalid(errors) }
    }

    private static func generatedSecret() -> String {
        "whsec_" + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "+", with: "-")
    }

    private static func subscriptionID(_ context: KefuRequestContext) throws -> UUID {
        let text = try context.parameters.require("id")
        guard let id = UUID(uuidString: text) else { throw Problem.notFound("webhook subscription \(text)") }
        return id
    }
}
