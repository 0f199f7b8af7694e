import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage

/// A customer says a suggested article solved their problem: the feedback is recorded and the
/// ticket closes, announced as `kefu.ticket.closed` with the article, which intake records on
/// the timeline and dispatch acts on (it frees the agent and stops the clocks).
enum Deflection {
    enum Outcome: Sendable { case closed, alreadyClosed, notFound }

    static func close(token: String, article: UUID, at now: Date = Date(), in work: UnitOfWork) throws -> Outcome {
        guard let suggestions = try SuggestionStore.ticket(forToken: token, on: work.connection),
              suggestions.articles.contains(where: { $0.id == article.uuidString.lowercased() && $0.visibility == "public" }) else {
            return .notFound
        }
        // A ticket an agent resolved already closes through its survey; the article did not solve it.
        let resolved = try work.query("SELECT 1 FROM knowledge.tickets WHERE number = $1 AND resolved_at IS NOT NULL",
                                      [suggestions.ticketNumber]).first != nil
        guard !resolved, try SuggestionStore.markClosed(suggestions.ticketNumber, by: article, in: work) else { return .alreadyClosed }
        try SuggestionStore.record(.solved, article: article, ticket: suggestions.ticketNumber, source: "customer", in: work)
        let channel = try work.query("SELECT channel FROM knowledge.tickets WHERE number = $1", [suggestions.ticketNumber])
            .first?.decode("channel") as String?
        try work.emit(.ticketClosed, subject: suggestions.ticketNumber, data: StatusEventData(
            ticketNumber: suggestions.ticketNumber, status: "closed", channel: channel, occurredAt: now,
            articleIDs: [article.uuidString.lowercased()]))
        return .closed
    }
}
