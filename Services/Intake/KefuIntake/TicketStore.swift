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

    /// Creates the tickets for a batch of submissions, or finds those earlier copies created.
    /// Returns one answer per submission, in order; a handful of statements for the whole batch.
    static func accept(_ submissions: [Submission], in work: UnitOfWork) throws -> [Accepted] {
        // Claim the submission ids first: a concurrent copy on another replica waits here and
        // then finds the ticket this one made. (A lost race leaves a gap in the numbers.)
        guard !submissions.isEmpty else { return [] }
        let ids = submissions.map(\.submissionID)
        var claimed: [String: String] = [:]
        for row in try work.query("""
            INSERT INTO intake.submissions (submission_id, ticket_number)
            SELECT id, 'KF' || to_char(now() AT TIME ZONE 'UTC', 'YYYYMMDD') || '-' ||
                       lpad(nextval('intake.ticket_number_seq')::text, 6, '0')
            FROM unnest($1::text[]) WITH ORDINALITY AS s(id, position) ORDER BY position
            ON CONFLICT (submission_id) DO NOTHING
            RETURNING submission_id, ticket_number
            """, [ids]) {
            claimed[try row.require("submission_id")] = try row.require("ticket_number")
        }
        var existing: [String: String] = [:]
        if claimed.count < Set(ids).count {
            for row in try work.query("SELECT submission_id, ticket_number FROM intake.submissions WHERE submission_id = ANY($1)",
                                      [ids.filter { claimed[$0] == nil }]) {
                existing[try row.require("submission_id")] = try row.require("ticket_number")
            }
        }

        // Each claimed id is new once; a second copy in the same batch is a duplicate of it.
        var fresh: [(submission: Submission, number: String)] = []
        var answers: [Accepted] = []
        var taken = Set<String>()
        for submission in submissions {
            if let number = claimed[submission.submissionID], taken.insert(submission.submissionID).inserted {
                fresh.append((submission, number))
                answers.append(Accepted(ticketNumber: number, duplicate: false))
            } else {
                let number = claimed[submission.submissionID] ?? existing[submission.submissionID]!
                answers.append(Accepted(ticketNumber: number, duplicate: true))
            }
        }
        guard !fresh.isEmpty else { return answers }

        let customers = try CustomerStore.findOrCreate(fresh.map(\.submission.customer), in: work)
        let now = Date()
        try work.query("""
            INSERT INTO intake.tickets (number, customer_id, submission_id, channel, subject, body, language,
                                        product, attachments, metadata, created_at, updated_at, status_changed_at)
            SELECT number, customer_id, submission_id, channel, subject, body, language, product, attachments,
                   metadata, $11, $11, $11
            FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                        $8::jsonb[], $9::jsonb[], $10::jsonb[])
                AS t(number, customer_id, submission_id, channel, subject, body, language, product, attachments, metadata)
            """, [
                fresh.map(\.number), customers.map(\.id), fresh.map(\.submission.submissionID),
                fresh.map(\.submission.channel.rawValue), PostgresNullableArray(fresh.map(\.submission.subject)),
                fresh.map(\.submission.body), PostgresNullableArray(fresh.map(\.submission.language)),
                PostgresNullableArray(try fresh.map { try json($0.submission.product) }),
                PostgresNullableArray(try fresh.map { try json($0.submission.attachments) }),
                PostgresNullableArray(try fresh.map { try json($0.submission.metadata) }),
                now,
            ])

        var events: [StatusEvent] = []
        for ((submission, number), customer) in zip(fresh, customers) {
            try work.send(TicketCreated(
                ticketNumber: number, submissionID: submission.submissionID, channel: submission.channel,
                subject: submission.subject, body: submission.body, language: submission.language,
                customer: .init(id: customer.id.uuidString.lowercased(), name: submission.customer.name,
                                phone: submission.customer.phone.map(ContactNormalizer.phone),
                                email: submission.customer.email.map(ContactNormalizer.email), tier: customer.tier),
                product: submission.product, createdAt: now), id: "ticket.created:\(number)")
            let event = StatusEvent(service: work.service, type: .ticketCreated, subject: number, time: now,
                                    data: StatusEventData(ticketNumber: number, status: "new",
                                                          channel: submission.channel.rawValue, occurredAt: now))
            try work.emit(event)
            events.append(event)
        }
        try TimelineStore.record(events, in: work)
        return answers
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
