import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit

/// Handles the AMQP ingress: `kefu.intake`, routing key `submit.<channel>`.
///
/// A valid submission becomes a ticket; an invalid one is kept in `rejected_submissions`. Either
/// way the gateway gets its answer on `reply_to`, and the delivery is settled normally: a
/// rejection is an answer, not a poison message.
///
/// Idempotent by the contract's key, the integrator and `submission_id`, and never by the AMQP
/// `message_id`: that one is the gateway's to choose, and gateways that number their messages
/// per connection reuse it. A repeat, redelivered or resent, is answered again with its ticket.
struct SubmissionHandler: BatchMessageHandler, IdempotentMessageHandler {
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
                                       errors: error.errors, redelivered: delivery.redelivered, in: work)
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
        // intake records its own events when it commits them, and binds so that they never come
        // back here (IntakeService.statusEventTypes).
        try TimelineStore.record(try batch.map { try $0.decode(StatusEvent.self) }, in: work)
    }
}

extension IngressReply {
    static func accepted(_ answer: TicketStore.Accepted) -> IngressReply {
        .accepted(ticketNumber: answer.ticketNumber, duplicate: answer.duplicate, outcome: answer.outcome.rawValue)
    }
}
