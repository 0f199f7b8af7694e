import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// The delivery table as a work queue: due deliveries are claimed with a lease, and each
/// attempt's outcome is written back with its event in the same transaction.
enum DeliveryQueue {
    /// Claims up to `limit` due deliveries of `channel`. A delivery whose lease ran out (its
    /// worker died mid-attempt) is due again.
    static func claim(_ channel: Channel, limit: Int, lease: Double, in work: UnitOfWork) throws -> [PendingDelivery] {
        let rows = try work.query("""
            UPDATE notification.deliveries SET status = 'sending', attempts = attempts + 1,
                lease_until = now() + make_interval(secs => $3::float8)
            WHERE id IN (
                SELECT id FROM notification.deliveries
                WHERE channel = $1 AND status IN ('pending', 'sending')
                  AND ((status = 'pending' AND next_attempt_at <= now()) OR (status = 'sending' AND lease_until < now()))
                ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
            RETURNING id, ticket_number, ticket_channel, recipient, subject, body, html, message_id, payload,
                      event_type, subscription_id, attempts, attempts_allowed, parts_sent
            """, [channel.rawValue, limit, lease])
        var targets: [UUID: WebhookTarget] = [:]
        if channel == .webhook {
            let ids = try rows.compactMap { try $0.decode("subscription_id") as UUID? }
            for row in try work.query("SELECT id, url, secret FROM notification.webhook_subscriptions WHERE id = ANY($1)",
                                      [ids]) {
                let target = WebhookTarget(subscriptionID: try row.require("id"), url: try row.require("url"),
                                           secret: try row.require("secret"))
                targets[target.subscriptionID] = target
            }
        }
        return try rows.map { row in
            PendingDelivery(
                id: try row.require("id"), ticketNumber: try row.require("ticket_number"),
                ticketChannel: try row.decode("ticket_channel"), channel: channel,
                recipient: try row.require("recipient"), subject: try row.decode("subject"), body: try row.decode("body"),
                html: try row.decode("html"), messageID: try row.decode("message_id"),
                payload: try (row.decode("payload") as Data?).map { Array($0) }, eventType: try row.decode("event_type"),
                webhook: try (row.decode("subscription_id") as UUID?).flatMap { targets[$0] },
                attempt: try row.require("attempts"), attemptsAllowed: try row.require("attempts_allowed"),
                partsSent: try row.require("parts_sent"))
        }
    }

    struct Outcome: Sendable {
        let delivery: PendingDelivery
        let startedAt: Date
        let finishedAt: Date
        let result: Result<DeliveryReceipt, DeliveryFailure>
    }

    /// What an attempt came to, as `kefu_deliveries_total` counts it.
    enum Verdict: String, Sendable, CaseIterable {
        case sent, retried, failed
    }

    /// Writes an attempt and what follows from it: sent, retried later, or failed for good.
    @discardableResult
    static func record(_ outcome: Outcome, backoff: Backoff, in work: UnitOfWork) throws -> Verdict {
        let delivery = outcome.delivery
        let now = outcome.finishedAt
        func event(_ type: StatusEventType, reasons: [FieldError]? = nil) throws {
            try work.emit(type, subject: delivery.ticketNumber, data: StatusEventData(
                ticketNumber: delivery.ticketNumber, channel: delivery.ticketChannel, occurredAt: now, reasons: reasons,
                deliveryChannel: delivery.channel.rawValue, deliveryID: delivery.id.uuidString.lowercased()))
        }
        switch outcome.result {
        case .success(let receipt):
            try attempt(outcome, outcome: "sent", detail: receipt.answer, in: work)
            try work.query("""
                UPDATE notification.deliveries SET status = 'sent', sent_at = $2, provider_response = $3, last_error = NULL,
                    lease_until = NULL, parts_sent = $4
                WHERE id = $1
                """, [delivery.id, now, String(receipt.answer.prefix(1000)), receipt.partsSent])
            try event(.notificationSent)
            return .sent
        case .failure(let failure):
            try attempt(outcome, outcome: "failed", detail: failure.reason, in: work)
            if failure.permanent || delivery.attempt >= delivery.attemptsAllowed {
                try work.query("""
                    UPDATE notification.deliveries SET status = 'failed', failed_at = $2, last_error = $3, lease_until = NULL,
                        parts_sent = greatest(parts_sent, $4)
                    WHERE id = $1
                    """, [delivery.id, now, failure.reason, failure.partsSent])
                let why = failure.permanent ? failure.reason : "\(failure.reason) (gave up after \(delivery.attempt) attempts)"
                try event(.notificationFailed, reasons: [FieldError(field: delivery.channel.rawValue, message: why)])
                return .failed
            } else {
                let delay = backoff.delay(afterAttempt: delivery.attempt)
                try work.query("""
                    UPDATE notification.deliveries SET status = 'pending', last_error = $3, lease_until = NULL,
                        next_attempt_at = $2::timestamptz + make_interval(secs => $4::float8), parts_sent = greatest(parts_sent, $5)
                    WHERE id = $1
                    """, [delivery.id, now, failure.reason, delay, failure.partsSent])
                return .retried
            }
        }
    }

    private static func attempt(_ outcome: Outcome, outcome label: String, detail: String, in work: UnitOfWork) throws {
        try work.query("""
            INSERT INTO notification.delivery_attempts (delivery_id, attempt, started_at, finished_at, outcome, detail)
            VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING
            """, [outcome.delivery.id, outcome.delivery.attempt, outcome.startedAt, outcome.finishedAt, label,
                  String(detail.prefix(1000))])
    }
}
