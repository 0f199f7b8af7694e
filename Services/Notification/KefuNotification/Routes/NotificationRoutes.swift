import Foundation
import Hummingbird
import KefuContracts
import KefuServiceKit
import KefuStorage

/// The delivery log: what was sent for a ticket, each attempt, and an operator's retry.
enum NotificationRoutes {
    static func add(to router: Router<KefuRequestContext>, runtime: ServiceRuntime, configuration: NotificationConfiguration) {
        router.get("/v1/notifications") { request, context -> Response in
            try context.requireStaff(.ticketsRead)
            let parameters = request.uri.queryParameters
            if let ticket = parameters.get("ticket") {
                return try Response.json(try await runtime.read {
                    try DeliveryView.load(where: "ticket_number = $1", [ticket], on: $0)
                })
            }
            if let webhook = parameters.get("webhook") {
                // A subscription's recent deliveries, for the console's webhook page.
                guard let id = UUID(uuidString: webhook) else {
                    throw Problem.invalid([FieldError(field: "webhook", message: "must be a webhook subscription's id")])
                }
                return try Response.json(try await runtime.read {
                    try DeliveryView.load(where: "subscription_id = $1", [id], newestFirst: true, limit: 50, on: $0)
                })
            }
            guard let status = parameters.get("status") else {
                throw Problem.invalid([FieldError(field: "ticket", message: "give ticket=<number>, webhook=<id> or status=<status>")])
            }
            return try Response.json(try await runtime.read {
                try DeliveryView.load(where: "status = $1", [status], on: $0)
            })
        }

        router.get("/v1/notifications/{id}") { _, context -> Response in
            try context.requireStaff(.ticketsRead)
            let id = try deliveryID(context)
            guard let view = try await runtime.read({ try DeliveryView.load(where: "id = $1", [id], on: $0).first }) else {
                throw Problem.notFound("delivery \(id)")
            }
            return try Response.json(view)
        }

        // A failed delivery goes again, with a fresh allowance of attempts.
        router.post("/v1/notifications/{id}/retry") { _, context -> Response in
            try context.require(.supervise)
            let id = try deliveryID(context)
            let view = try await runtime.transaction { work -> DeliveryView? in
                guard let row = try work.query("SELECT status FROM notification.deliveries WHERE id = $1 FOR UPDATE", [id]).first
                else { return nil }
                let status: String = try row.require("status")
                guard status == "failed" else {
                    throw Problem.conflict("Delivery not failed", detail: "only a failed delivery can be retried; this one is \(status)")
                }
                try work.query("""
                    UPDATE notification.deliveries SET status = 'pending', next_attempt_at = now(), failed_at = NULL,
                        attempts_allowed = attempts + $2
                    WHERE id = $1
                    """, [id, configuration.retry.maxAttempts])
                return try DeliveryView.load(where: "id = $1", [id], on: work.connection).first
            }
            guard let view else { throw Problem.notFound("delivery \(id)") }
            return try Response.json(view, status: .accepted)
        }
    }

    private static func deliveryID(_ context: KefuRequestContext) throws -> UUID {
        let text = try context.parameters.require("id")
        guard let id = UUID(uuidString: text) else { throw Problem.notFound("delivery \(text)") }
        return id
    }
}
