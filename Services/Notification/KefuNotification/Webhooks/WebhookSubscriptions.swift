import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Integrators' subscriptions: which status events go to which URL, signed with which secret.
enum WebhookSubscriptions {
    /// Status event types a subscription may name. notification's own events are left out, so
    /// that telling of a webhook delivery can never cause another.
    static var eventTypes: [String] {
        StatusEventType.allCases.map(\.rawValue).filter { !$0.hasPrefix("kefu.notification.") }
    }

    /// One delivery per subscription to `event`'s type, keyed by event id and subscription.
    static func record(_ event: StatusEvent, body: [UInt8], attemptsAllowed: Int, in work: UnitOfWork) throws {
        try work.query("""
            INSERT INTO notification.deliveries (id, idempotency_key, ticket_number, ticket_channel, purpose, audience, channel,
                recipient, status, provider, payload, event_type, subscription_id, attempts_allowed, next_attempt_at, created_at)
            SELECT gen_random_uuid(), $1 || '|' || s.id || '|webhook', $2, $3, $4, 'integrator', 'webhook', s.url, 'pending',
                   'webhook', $5, $4, s.id, $6, now(), now()
            FROM notification.webhook_subscriptions s
            WHERE s.active AND ($4 = ANY (s.event_types) OR '*' = ANY (s.event_types))
            ON CONFLICT (idempotency_key) DO NOTHING
            """, [event.id, event.data.ticketNumber ?? event.subject ?? "", event.data.channel, event.type, Data(body),
                  attemptsAllowed])
    }
}
