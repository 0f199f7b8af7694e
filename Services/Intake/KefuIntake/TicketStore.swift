import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Intake's tables: turning an accepted submission into a customer and a ticket, and reading
/// tickets back. Every function runs inside the caller's transaction.
enum TicketStore {
    struct Accepted: Sendable {
        enum Outcome: String, Sendable {
            /// A new ticket.
            case created
            /// A copy of a submission seen before: the ticket it made.
            case duplicate
            /// Added as a message to an open ticket.
            case followUp = "follow_up"
            /// Added to a resolved or closed ticket, which it reopened.
            case reopened
        }

        let ticketNumber: String
        let outcome: Outcome

        var duplicate: Bool { outcome == .duplicate }
    }

    /// Accepts a batch: new tickets, follow-ups to existing ones, and repeats of earlier
    /// submissions. Returns one answer per submission, in order; a handful of statements for the
    /// whole batch.
    static func accept(_ batch: [IncomingSubmission], settings: IntakeSettings, in work: UnitOfWork) throws -> [Accepted] {
        guard !batch.isEmpty else { return [] }
        // Claim the submission ids first: a concurrent copy on another replica waits here and
        // then finds the ticket this one made. An id older than the window is claimed afresh.
        let keys = batch.map(\.key)
        let claimed = Set(try work.query("""
            INSERT INTO intake.submissions AS s (integrator, submission_id)
            SELECT DISTINCT * FROM unnest($1::text[], $2::text[])
            ON CONFLICT (integrator, submission_id) DO UPDATE SET received_at = now(), ticket_number = NULL
                WHERE s.received_at < now() - make_interval(days => $3)
            RETURNING integrator, submission_id
            """, [keys.map(\.integrator), keys.map(\.submissionID), settings.submissionWindowDays]).map(Self.key(of:)))
        var numberOf: [SubmissionKey: String] = [:]
        let seenBefore = Array(Set(keys).subtracting(claimed))
        if !seenBefore.isEmpty {
            // Rows claimed by a committed transaction always carry their number.
            for row in try work.query("""
                SELECT integrator, submission_id, ticket_number FROM intake.submissions
                WHERE (integrator, submission_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
                """, [seenBefore.map(\.integrator), seenBefore.map(\.submissionID)]) {
                numberOf[try key(of: row)] = try row.decode("ticket_number")
            }
        }

        // Each claimed id is handled once; a second copy in the same batch is a duplicate of it.
        var fresh: [IncomingSubmission] = []
        var handled = Set<SubmissionKey>()
        for incoming in batch where claimed.contains(incoming.key) {
            if handled.insert(incoming.key).inserted { fresh.append(incoming) }
        }
        var outcomes: [SubmissionKey: Accepted.Outcome] = [:]
        if !fresh.isEmpty {
            let placed = try place(fresh, settings: settings, in: work)
            for (incoming, (number, outcome)) in zip(fresh, placed) {
                numberOf[incoming.key] = number
                outcomes[incoming.key] = outcome
            }
        }

        var answers: [Accepted] = []
        var answered = Set<SubmissionKey>()
        for incoming in batch {
            let first = answered.insert(incoming.key).inserted
            answers.append(Accepted(ticketNumber: numberOf[incoming.key] ?? "",
                                    outcome: first ? outcomes[incoming.key] ?? .duplicate : .duplicate))
        }
        return answers
    }

    private static func key(of row: PostgresRow) throws -> SubmissionKey {
        SubmissionKey(integrator: try row.require("integrator"), submissionID: try row.require("submission_id"))
    }

    /// Finds the customer and the thread of each fresh submission, then writes tickets, messages
    /// and events. Returns the ticket number and outcome of each, in order.
    private static func place(_ fresh: [IncomingSubmission], settings: IntakeSettings,
                              in work: UnitOfWork) throws -> [(String, Accepted.Outcome)] {
        let customers = try CustomerStore.findOrCreate(fresh.map(\.submission.customer), in: work)
        try CustomerStore.registerProducts(zip(customers, fresh).compactMap { customer, incoming in
            incoming.submission.product.map { (customer.id, $0) }
        }, in: work)
        var threads = try ThreadFinder(for: fresh, prefix: settings.ticketPrefix, in: work)
        let now = Date()
        let reopenWindow = TimeInterval(settings.reopenWindowDays) * 86_400

        var placed: [(number: String?, outcome: Accepted.Outcome, linked: String?)] = []
        for (incoming, customer) in zip(fresh, customers) {
            guard let ticket = threads.target(of: incoming, customerID: customer.id) else {
                placed.append((nil, .created, nil))
                continue
            }
            if ticket.isOpen {
                placed.append((ticket.number, .followUp, nil))
            } else if now.timeIntervalSince(ticket.statusChangedAt) <= reopenWindow {
                threads.markReopened(ticket.number)
                placed.append((ticket.number, .reopened, nil))
            } else {
                placed.append((nil, .created, ticket.number))
            }
        }

        let newNumbers = try reserveNumbers(placed.filter { $0.number == nil }.count, settings: settings, in: work)
        var next = newNumbers.makeIterator()
        let numbers = placed.map { $0.number ?? next.next()! }
        let created = fresh.indices.filter { placed[$0].outcome == .created }
            .map { (incoming: fresh[$0], customer: customers[$0], number: numbers[$0], linked: placed[$0].linked) }
        try insertTickets(created, at: now, in: work)
        try insertMessages(zip(fresh, numbers).map { ($0, $1) }, at: now, in: work)
        try work.query("""
            UPDATE intake.submissions s SET ticket_number = u.number
            FROM unnest($1::text[], $2::text[], $3::text[]) AS u(integrator, id, number)
            WHERE s.integrator = u.integrator AND s.submission_id = u.id
            """, [fresh.map(\.integrator), fresh.map(\.submission.submissionID), numbers])

        var events: [StatusEvent] = []
        for created in created {
            events.append(try announceCreated(created.incoming.submission, number: created.number,
                                              customer: created.customer, linked: created.linked, at: now, in: work))
        }
        for (incoming, (number, place)) in zip(fresh, zip(numbers, placed)) where place.outcome != .created {
            // A follow-up that reopens a ticket is announced as what it is, a message; dispatch,
            // which owns the workflow, puts the ticket back into work and announces the reopening.
            let reopened = place.outcome == .reopened
            let event = StatusEvent(service: work.service, type: .ticketMessageAdded, subject: number, time: now,
                                    data: StatusEventData(ticketNumber: number, status: reopened ? "reopened" : nil,
                                                          channel: incoming.submission.channel.rawValue, occurredAt: now))
            try work.emit(event)
            events.append(event)
        }
        if placed.contains(where: { $0.outcome == .followUp }) {
            try work.query("UPDATE intake.tickets SET updated_at = $2 WHERE number = ANY($1)",
                           [zip(numbers, placed).filter { $0.1.outcome == .followUp }.map(\.0), now])
        }
        try TimelineStore.record(events, in: work)
        return zip(numbers, placed).map { ($0, $1.outcome) }
    }

    /// Takes `count` numbers from today's counter, in the configured time zone.
    private static func reserveNumbers(_ count: Int, settings: IntakeSettings, in work: UnitOfWork) throws -> [String] {
        guard count > 0 else { return [] }
        let row = try work.query("""
            INSERT INTO intake.ticket_counters AS c (day, last) VALUES ((now() AT TIME ZONE $1)::date, $2)
            ON CONFLICT (day) DO UPDATE SET last = c.last + excluded.last
            RETURNING to_char(day, 'YYYYMMDD') AS day, last
            """, [settings.ticketTimeZone, count]).first!
        let day: String = try row.require("day")
        let last: Int = try row.require("last")
        return (last - count + 1...last).map { TicketNumber.format(prefix: settings.ticketPrefix, day: day, counter: $0) }
    }

    private static func insertTickets(_ created: [(incoming: IncomingSubmission, customer: CustomerStore.Customer,
                                                   number: String, linked: String?)],
                                      at now: Date, in work: UnitOfWork) throws {
        guard !created.isEmpty else { return }
        let submissions = created.map(\.incoming.submission)
        try work.query("""
            INSERT INTO intake.tickets (number, customer_id, submission_id, channel, subject, body, language,
                                        product, attachments, metadata, linked_ticket, integrator, created_at,
                                        updated_at, status_changed_at)
            SELECT number, customer_id, submission_id, channel, subject, body, language, product, attachments,
                   metadata, linked_ticket, integrator, $13, $13, $13
            FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                        $8::jsonb[], $9::jsonb[], $10::jsonb[], $11::text[], $12::text[])
                AS t(number, customer_id, submission_id, channel, subject, body, language, product, attachments,
                     metadata, linked_ticket, integrator)
            """, [
                created.map(\.number), created.map(\.customer.id), submissions.map(\.submissionID),
                submissions.map(\.channel.rawValue), PostgresNullableArray(submissions.map(\.subject)),
                submissions.map(\.body), PostgresNullableArray(submissions.map(\.language)),
                PostgresNullableArray(try submissions.map { try json($0.product) }),
                PostgresNullableArray(try submissions.map { try json($0.attachments) }),
                PostgresNullableArray(try submissions.map { try json($0.metadata) }),
                PostgresNullableArray(created.map(\.linked)),
                created.map(\.incoming.integrator),
                now,
            ])
    }

    /// Every accepted submission, first or follow-up, is a message of its ticket.
    private static func insertMessages(_ messages: [(IncomingSubmission, String)], at now: Date,
                                       in work: UnitOfWork) throws {
        let submissions = messages.map(\.0.submission)
        try work.query("""
            INSERT INTO intake.ticket_messages (ticket_number, submission_id, channel, subject, body, attachments,
                                                email_message_id, raw_mail, received_at)
            SELECT ticket_number, submission_id, channel, subject, body, attachments, email_message_id, raw_mail, $9
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::bytea[])
                AS m(ticket_number, submission_id, channel, subject, body, attachments, email_message_id, raw_mail)
            """, [
                messages.map(\.1), submissions.map(\.submissionID), submissions.map(\.channel.rawValue),
                PostgresNullableArray(submissions.map(\.subject)), submissions.map(\.body),
                PostgresNullableArray(try submissions.map { try json($0.attachments) }),
                PostgresNullableArray(messages.map(\.0.messageID)),
                PostgresNullableArray(messages.map { $0.0.rawMail.map { Data($0).postgresText } }),
                now,
            ])
    }

    /// Tells classification about a new ticket, and monitoring tools that it exists.
    private static func announceCreated(_ submission: Submission, number: String, customer: CustomerStore.Customer,
                                        linked: String?, at now: Date, in work: UnitOfWork) throws -> StatusEvent {
        try work.send(TicketCreated(
            ticketNumber: number, submissionID: submission.submissionID, channel: submission.channel,
            subject: submission.subject, body: submission.body, language: submission.language,
            customer: .init(id: customer.id.uuidString.lowercased(), name: submission.customer.name,
                            phone: submission.customer.phone.map(ContactNormalizer.phone),
                            email: submission.customer.email.map(ContactNormalizer.email), tier: customer.tier),
            product: submission.product, metadata: submission.metadata, createdAt: now), id: "ticket.created:\(number)")
        let event = StatusEvent(service: work.service, type: .ticketCreated, subject: number, time: now,
                                data: StatusEventData(ticketNumber: number, status: "new",
                                                      channel: submission.channel.rawValue, occurredAt: now,
                                                      relatedTicketNumber: linked))
        try work.emit(event)
        return event
    }

    static func json(_ value: (some Encodable)?) throws -> String? {
        guard let value else { return nil }
        return String(decoding: try KefuJSON.encode(value), as: UTF8.self)
    }
}
