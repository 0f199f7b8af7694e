import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit
import KefuStorage

/// A new ticket gets its suggestions at once: the articles are kept with a token for the
/// customer's links, `ticket.suggestions` goes to notification and the console (with no
/// articles when none fit), and `kefu.ticket.suggested` announces any found. The ticket's text is
/// kept with the customer's details taken out, and its resolution when it is resolved, so that
/// an agent can turn it into an article; an erased customer's tickets lose both.
struct TicketsHandler: MessageHandler {
    let suggester: Suggester

    func handle(_ delivery: Delivery, in work: UnitOfWork) throws {
        if (delivery.type ?? delivery.routingKey) == CustomerErased.messageType {
            try TicketStore.erase(customer: try delivery.decode(CustomerErased.self).customerID, in: work)
            return
        }
        if (delivery.type ?? delivery.routingKey) == TicketResolved.messageType {
            let resolved = try delivery.decode(TicketResolved.self)
            try TicketStore.resolved(resolved.ticketNumber, resolution: resolved.resolution.map { Redactor.redact($0) },
                                     at: resolved.resolvedAt, in: work)
            return
        }
        let ticket = try delivery.decode(TicketCreated.self)
        guard suggester.index.isLoaded else { throw TransientFailure("the search index is still loading") }
        let known = [ticket.customer.name, ticket.customer.phone, ticket.customer.email]
        guard try TicketStore.remember(ticket, subject: ticket.subject.map { Redactor.redact($0, known: known) },
                                       body: Redactor.redact(ticket.body, known: known), in: work) else { return }
        let token = RandomToken.make()
        let articles = suggester.suggest(subject: ticket.subject, body: ticket.body, language: ticket.language,
                                         product: ticket.product?.model, token: token)
        let now = Date()
        try SuggestionStore.keep(ticket.ticketNumber, token: token, language: ticket.language, articles: articles, in: work)
        try work.send(TicketSuggestions(ticketNumber: ticket.ticketNumber, articles: articles, suggestedAt: now),
                      id: "ticket.suggestions:\(ticket.ticketNumber)")
        if !articles.isEmpty {
            try work.emit(.ticketSuggested, subject: ticket.ticketNumber, data: StatusEventData(
                ticketNumber: ticket.ticketNumber, channel: ticket.channel.rawValue, occurredAt: now, articleIDs: articles.map(\.id)))
        }
    }
}
