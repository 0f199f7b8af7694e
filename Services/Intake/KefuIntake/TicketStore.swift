import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Intake's tables: turning an accepted submission into a customer and a ticket, and reading
/// tickets back. Every function runs inside the caller's transaction.
enum TicketStore {
    struct Accepted: Sendable {
        let ticketNumber: String
        let duplicate: Bool
    }

    /// Creates the ticket for `submission`, or finds the one an earlier copy created.
    static func accept(_ submission: Submission, in work: UnitOfWork) throws -> Accepted {
        // Claim the submission id first: a concurrent copy on another replica waits here and
        // then finds the ticket this one made. (A lost race leaves a gap in the numbers.)
        let claimed = try work.query("""
            INSERT INTO intake.submissions (submission_id, ticket_number)
            VALUES ($1, 'KF' || to_char(now() AT TIME ZONE 'UTC', 'YYYYMMDD') || '-' ||
                        lpad(nextval('intake.ticket_number_seq')::text, 6, '0'))
            ON CONFLICT (submission_id) DO NOTHING
            RETURNING ticket_number
            """, [submission.submissionID]).first
        guard let number: String = try claimed?.require("ticket_number") else {
            let existing = try work.query("SELECT ticket_number FROM intake.submissions WHERE submission_id = $1",
                                          [submission.submissionID]).first!.require("ticket_number", as: String.self)
            return Accepted(ticketNumber: existing, duplicate: true)
        }

        let customer = try CustomerStore.findOrCreate(submission.customer, in: work)
        let now = Date()
        try work.query("""
            INSERT INTO intake.tickets (number, customer_id, submission_id, channel, subject, body, language,
                                        product, attachments, metadata, created_at, updated_at, status_changed_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10::jsonb, $11, $11, $11)
            """, [number, customer.id, submission.submissionID, submission.channel.rawValue, submission.subject,
                  submission.body, submission.language, try json(submission.product),
                  try json(submission.attachments), try json(submission.metadata), now])

        let created = TicketCreated(
            ticketNumber: number, submissionID: submission.submissionID, channel: submission.channel,
            subject: submission.subject, body: submission.body, language: submission.language,
            customer: .init(id: customer.id.uuidString.lowercased(), name: submission.customer.name,
                            phone: submission.customer.phone.map(ContactNormalizer.phone),
                            email: submission.customer.email.map(ContactNormalizer.email), tier: customer.tier),
            product: submission.product, createdAt: now)
        try work.send(created, id: "ticket.created:\(number)")
        let event = StatusEvent(service: work.service, type: .ticketCreated, subject: number, time: now,
                                data: StatusEventData(ticketNumber: number, status: "new",
                                                      channel: submission.channel.rawValue, occurredAt: now))
        try work.emit(event)
        try TimelineStore.record([event], in: work)
        return Accepted(ticketNumber: number, duplicate: false)
    }

    /// Keeps a refused submission with its reasons and tells monitoring tools, without its content.
    static func reject(raw: [UInt8], contentType: String?, source: String, errors: [FieldError],
                       in work: UnitOfWork) throws {
        let submissionID = submissionID(in: raw)
        try work.query("""
            INSERT INTO intake.rejected_submissions (submission_id, source, content_type, raw, reasons)
            VALUES ($1, $2, $3, $4, $5::jsonb)
            """, [submissionID, source, contentType, Data(raw), String(decoding: try KefuJSON.encode(errors), as: UTF8.self)])
        try work.emit(.submissionRejected, subject: submissionID,
                      data: StatusEventData(status: "rejected", reasons: errors))
    }

    /// The submission id of a refused submission, when it can be read at all.
    private static func submissionID(in raw: [UInt8]) -> String? {
        guard case .object(let object)? = try? KefuJSON.decode(JSONValue.self, from: raw),
              case .string(let id)? = object["submission_id"], id.utf8.count <= 200 else { return nil }
        return id
    }

    static func json(_ value: (some Encodable)?) throws -> String? {
        guard let value else { return nil }
        return String(decoding: try KefuJSON.encode(value), as: UTF8.self)
    }
}
