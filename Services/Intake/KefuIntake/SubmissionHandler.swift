import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit

/// Handles the AMQP ingress: `kefu.intake`, routing key `submit.<channel>`.
///
/// A valid submission becomes a ticket; an invalid one is kept in `rejected_submissions`. Either
/// way the gateway gets its answer on `reply_to`, and the delivery is settled normally: a
/// rejection is an answer, not a poison message.
struct SubmissionHandler: BatchMessageHandler {
    let settings: IntakeSettings

    func handle(batch: [Delivery], in work: UnitOfWork) throws {
        var accepted: [(delivery: Delivery, submission: IncomingSubmission)] = []
        var replies: [(Delivery, IngressReply)] = []
        for delivery in batch {
            let channel = SubmissionDecoder.channel(ofRoutingKey: delivery.routingKey)
            switch validate(delivery, channel: channel) {
            case .success(let submission):
                accepted.append((delivery, submission))
            case .failure(let error):
                try TicketStore.reject(raw: delivery.body, contentType: delivery.contentType,
                                       source: "amqp:\(delivery.routingKey)", integrator: delivery.userID ?? "amqp",
                                       errors: error.errors, in: work)
                replies.append((delivery, .rejected(error.errors)))
            }
        }
        let answers = try TicketStore.accept(accepted.map(\.submission), settings: settings, in: work)
        for (item, answer) in zip(accepted, answers) {
            replies.append((item.delivery, .accepted(answer)))
        }
        for (delivery, reply) in replies {
            if let replyTo = delivery.replyTo, !replyTo.isEmpty {
                try work.reply(to: replyTo, correlationID: delivery.correlationID, body: reply)
            }
        }
    }

    func validate(_ delivery: Delivery, channel: String?) -> Result<IncomingSubmission, ValidationError> {
        SubmissionDecoder.decode(delivery.body, contentType: delivery.contentType, channel: channel,
                                 integrator: delivery.userID ?? "amqp", settings: settings)
    }
}

/// Feeds the status timeline from `kefu.events`, a batch at a time.
struct StatusEventHandler: BatchMessageHandler, IdempotentMessageHandler {
    func handle(batch: [Delivery], in work: UnitOfWork) throws {
        let events = try batch.map { try $0.decode(StatusEvent.self) }
        // intake records its own events when it commits them.
        try TimelineStore.record(events.filter { $0.source != "/kefu/\(work.service)" }, in: work)
    }
}

extension IngressReply {
    static func accepted(_ answer: TicketStore.Accepted) -> IngressReply {
        .accepted(ticketNumber: answer.ticketNumber, duplicate: answer.duplicate, outcome: answer.outcome.rawValue)
    }
}
