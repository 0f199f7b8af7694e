import Foundation

/// The ways notification reaches someone. Each has its own worker, connections and rate, so
/// one provider's outage never holds up the others.
enum Channel: String, CaseIterable, Sendable {
    case email, sms, webhook

    var provider: String {
        switch self {
        case .email: "smtp"
        case .sms: "sms-gateway"
        case .webhook: "webhook"
        }
    }
}

/// A delivery claimed for an attempt, as a transport needs it.
struct PendingDelivery: Sendable {
    let id: UUID
    let ticketNumber: String
    let ticketChannel: String?
    let channel: Channel
    let recipient: String
    let subject: String?
    let body: String?
    let html: String?
    let messageID: String?
    /// Webhooks: the event as received, its type and the subscription's target and secret.
    let payload: [UInt8]?
    let eventType: String?
    let webhook: WebhookTarget?
    /// This attempt's number, from 1.
    let attempt: Int
    let attemptsAllowed: Int
    /// SMS parts the gateway took in earlier attempts; a retry goes on from there.
    let partsSent: Int
}

struct WebhookTarget: Sendable {
    let subscriptionID: UUID
    let url: String
    let secret: String
}

/// What the provider answered when it took a delivery.
struct DeliveryReceipt: Sendable {
    var answer: String
    var partsSent = 0
}

/// Why an attempt failed. A permanent failure is not retried.
struct DeliveryFailure: Error, Sendable, CustomStringConvertible {
    var reason: String
    var permanent = false
    var partsSent = 0

    var description: String { reason }
}

protocol ChannelTransport: Sendable {
    func send(_ delivery: PendingDelivery) async throws -> DeliveryReceipt
    func shutdown() async
}
