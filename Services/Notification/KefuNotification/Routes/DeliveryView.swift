import KefuServiceKit
import Foundation
import KefuStorage

/// A delivery as the API shows it, with every attempt. Message bodies stay out: the log says
/// what was sent to whom and how it went, and the template preview shows the wording.
struct DeliveryView: Encodable, RowDecodable, Sendable {
    struct Attempt: Codable, RowDecodable, Sendable {
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
        event_type, attempts, attempts_allowed, CASE WHEN status = 'pending' THEN next_attempt_at END AS next_attempt_at,
        held_until, last_error, created_at, sent_at, failed_at, '[]' AS attempt_log
        """

    /// The deliveries matching `condition`, oldest first (or the newest `limit`, newest first), with their attempts.
    static func load(where condition: String, _ parameters: [(any PostgresEncodable)?], newestFirst: Bool = false,
                     limit: Int = 1000, on connection: PostgresConnection) throws -> [DeliveryView] {
        let order = newestFirst ? "created_at DESC, id DESC" : "created_at, id"
        var views = try connection.query("""
            SELECT \(columns) FROM notification.deliveries WHERE \(condition) ORDER BY \(order) LIMIT \(limit)
            """, parameters).map(DeliveryView.init)
        guard !views.isEmpty else { return [] }
        var attempts: [String: [Attempt]] = [:]
        for row in try connection.query("""
            SELECT delivery_id, attempt, started_at, finished_at, outcome, detail FROM notification.delivery_attempts
            WHERE delivery_id = ANY($1::uuid[]) ORDER BY attempt
            """, [views.map(\.id)]) {
            attempts[try row.require("delivery_id", as: String.self), default: []].append(try Attempt(row))
        }
        // Selected empty with the deliveries, filled in here.
        for index in views.indices { views[index].attemptLog = attempts[views[index].id] ?? [] }
        return views
    }
}
