import Foundation
import KefuStorage

/// A delivery as the API shows it, with every attempt. Message bodies stay out: the log says
/// what was sent to whom and how it went, and the template preview shows the wording.
struct DeliveryView: Encodable, Sendable {
    struct Attempt: Encodable, Sendable {
        let attempt: Int
        let startedAt: Date
        let finishedAt: Date
        let outcome: String
        let detail: String?

        enum CodingKeys: String, CodingKey {
            case attempt, outcome, detail
            case startedAt = "started_at"
            case finishedAt = "finished_at"
        }
    }

    let id: String
    let ticketNumber: String
    let purpose: String
    let audience: String
    let channel: String
    let recipient: String
    let status: String
    let provider: String
    let providerResponse: String?
    let subject: String?
    let messageID: String?
    let eventType: String?
    let attempts: Int
    let attemptsAllowed: Int
    let nextAttemptAt: Date?
    let heldUntil: Date?
    let lastError: String?
    let createdAt: Date
    let sentAt: Date?
    let failedAt: Date?
    var attemptLog: [Attempt] = []

    enum CodingKeys: String, CodingKey {
        case id, purpose, audience, channel, recipient, status, provider, subject, attempts
        case ticketNumber = "ticket_number"
        case providerResponse = "provider_response"
        case messageID = "message_id"
        case eventType = "event_type"
        case attemptsAllowed = "attempts_allowed"
        case nextAttemptAt = "next_attempt_at"
        case heldUntil = "held_until"
        case lastError = "last_error"
        case createdAt = "created_at"
        case sentAt = "sent_at"
        case failedAt = "failed_at"
        case attemptLog = "attempt_log"
    }

    static let columns = """
        id, ticket_number, purpose, audience, channel, recipient, status, provider, provider_response, subject, message_id,
        event_type, attempts, attempts_allowed, next_attempt_at, held_until, last_error, created_at, sent_at, failed_at
        """

    init(_ row: PostgresRow) throws {
        id = try row.require("id", as: UUID.self).uuidString.lowercased()
        ticketNumber = try row.require("ticket_number")
        purpose = try row.require("purpose")
        audience = try row.require("audience")
        channel = try row.require("channel")
        recipient = try row.require("recipient")
        status = try row.require("status")
        provider = try row.require("provider")
        providerResponse = try row.decode("provider_response")
        subject = try row.decode("subject")
        messageID = try row.decode("message_id")
        eventType = try row.decode("event_type")
        attempts = try row.require("attempts")
        attemptsAllowed = try row.require("attempts_allowed")
        let status = self.status
        nextAttemptAt = status == "pending" ? try row.decode("next_attempt_at") : nil
        heldUntil = try row.decode("held_until")
        lastError = try row.decode("last_error")
        createdAt = try row.require("created_at")
        sentAt = try row.decode("sent_at")
        failedAt = try row.decode("failed_at")
    }

    /// The deliveries matching `condition`, oldest first, with their attempts.
    static func load(where condition: String, _ parameters: [(any PostgresEncodable)?],
                     on connection: PostgresConnection) throws -> [DeliveryView] {
        var views = try connection.query("""
            SELECT \(columns) FROM notification.deliveries WHERE \(condition) ORDER BY created_at, id LIMIT 1000
            """, parameters).map(DeliveryView.init)
        guard !views.isEmpty else { return [] }
        var attempts: [String: [Attempt]] = [:]
        for row in try connection.query("""
            SELECT delivery_id, attempt, started_at, finished_at, outcome, detail FROM notification.delivery_attempts
            WHERE delivery_id = ANY($1::uuid[]) ORDER BY attempt
            """, [views.map(\.id)]) {
            attempts[try row.require("delivery_id", as: UUID.self).uuidString.lowercased(), default: []].append(Attempt(
                attempt: try row.require("attempt"), startedAt: try row.require("started_at"),
                finishedAt: try row.require("finished_at"), outcome: try row.require("outcome"), detail: try row.decode("detail")))
        }
        for index in views.indices { views[index].attemptLog = attempts[views[index].id] ?? [] }
        return views
    }
}
