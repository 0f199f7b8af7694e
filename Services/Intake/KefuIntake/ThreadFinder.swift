import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// Decides which existing ticket, if any, each new submission belongs to.
///
/// In order of trust: a `ticket_number` the gateway sent; a mail's In-Reply-To or References
/// naming a message of the ticket; a ticket number in brackets in a mail's subject. A number in a
/// subject is easy to copy, so it threads only when the sender is that ticket's customer.
struct ThreadFinder {
    struct Ticket: Sendable {
        let number: String
        var status: String
        let statusChangedAt: Date
        let customerID: UUID

        var isOpen: Bool { status != "resolved" && status != "closed" }
    }

    private var tickets: [String: Ticket] = [:]
    private var ticketOfMessage: [String: String] = [:]
    private let prefix: String

    /// Loads, and locks, every ticket the batch could thread into: two follow-ups to one ticket
    /// on two replicas take turns.
    init(for submissions: [IncomingSubmission], prefix: String, in work: UnitOfWork) throws {
        self.prefix = prefix
        let referenced = Array(Set(submissions.flatMap(\.referencedMessageIDs)))
        if !referenced.isEmpty {
            for row in try work.query("""
                SELECT email_message_id, ticket_number FROM intake.ticket_messages WHERE email_message_id = ANY($1)
                """, [referenced]) {
                ticketOfMessage[try row.require("email_message_id")] = try row.require("ticket_number")
            }
        }
        var numbers = Set(ticketOfMessage.values)
        for incoming in submissions {
            if let number = incoming.submission.ticketNumber { numbers.insert(number) }
            numbers.formUnion(incoming.subjectTicketNumbers)
            numbers.formUnion(incoming.referencedMessageIDs.compactMap { TicketNumber.inKefuMessageID($0, prefix: prefix) })
        }
        guard !numbers.isEmpty else { return }
        for row in try work.query("""
            SELECT number, status, status_changed_at, customer_id FROM intake.tickets
            WHERE number = ANY($1) ORDER BY number FOR UPDATE
            """, [Array(numbers)]) {
            let ticket = Ticket(number: try row.require("number"), status: try row.require("status"),
                                statusChangedAt: try row.require("status_changed_at"),
                                customerID: try row.require("customer_id"))
            tickets[ticket.number] = ticket
        }
    }

    /// The ticket `incoming`, from `customerID`, follows up, if any.
    func target(of incoming: IncomingSubmission, customerID: UUID) -> Ticket? {
        if let number = incoming.submission.ticketNumber, let ticket = tickets[number] { return ticket }
        for id in incoming.referencedMessageIDs {
            if let number = ticketOfMessage[id], let ticket = tickets[number] { return ticket }
        }
        // Kefu's own message ids and subject numbers can be typed by anyone: the sender must match.
        let named = incoming.referencedMessageIDs.compactMap { TicketNumber.inKefuMessageID($0, prefix: prefix) }
            + incoming.subjectTicketNumbers
        return named.lazy.compactMap { tickets[$0] }.first { $0.customerID == customerID }
    }

    /// Later submissions in the same batch see a reopened ticket as open.
    mutating func markReopened(_ number: String) {
        tickets[number]?.status = "reopened"
    }
}
