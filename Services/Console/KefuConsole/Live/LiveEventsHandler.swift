import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit

/// Status events into the console's live log, each once by its id, and who holds each ticket now.
/// Every replica shares the log; `LiveFeed` on each of them tails it for its browsers.
struct LiveEventsHandler: BatchMessageHandler, IdempotentMessageHandler {
    func handle(batch: [Delivery], in work: UnitOfWork) throws {
        // One that does not decode fails the batch; the consumer then takes each alone, and
        // dead-letters that one with the reason (MessageHandler).
        let events = try batch.map { try $0.decode(StatusEvent.self) }.filter { $0.type.hasPrefix("kefu.ticket.") }
        guard !events.isEmpty else { return }
        try LiveEventStore.insert(events, in: work)
        // An assignment names the holder; a transfer or a reopening leaves the ticket with nobody
        // until the next assignment.
        for event in events where Self.changesHolder(event.type) {
            guard let number = event.data.ticketNumber ?? event.subject else { continue }
            let holder = event.type == StatusEventType.ticketAssigned.rawValue ? event.data.agentID : nil
            try LiveEventStore.setHolder(of: number, agent: holder, team: event.data.teamID, at: event.data.occurredAt, in: work)
        }
    }

    static func changesHolder(_ type: String) -> Bool {
        [StatusEventType.ticketAssigned, .ticketTransferred, .ticketReopened].map(\.rawValue).contains(type)
    }
}
