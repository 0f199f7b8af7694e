import Foundation

/// Status events to integrators' subscriptions, signed, each with its delivery id so that a
/// receiver can drop a repeat.
final class WebhookTransport: ChannelTransport {
    private let configuration: NotificationConfiguration
    private let poster: HTTPPoster

    init(configuration: NotificationConfiguration) {
        self.configuration = configuration
        self.poster = HTTPPoster(timeout: configuration.timeout)
    }

    func send(_ delivery: PendingDelivery) async throws -> DeliveryReceipt {
        guard let target = delivery.webhook else { throw DeliveryFailure(reason: "the subscription was removed", permanent: true) }
        guard let body = delivery.payload else { throw DeliveryFailure(reason: "no payload recorded", permanent: true) }
        // Checked at every attempt: what a name resolves to can change after subscribing.
        if let problem = await WebhookAddressPolicy.problem(with: target.url, allowPrivate: configuration.allowPrivateWebhooks) {
            throw DeliveryFailure(reason: "target refused: \(problem)", permanent: true)
        }
        let headers = [
            ("Content-Type", "application/cloudevents+json"),
            ("User-Agent", "Kefu-Webhooks/1"),
            ("Kefu-Delivery", delivery.id.uuidString.lowercased()),
            ("Kefu-Event", delivery.eventType ?? ""),
            (WebhookSignature.header, WebhookSignature.sign(body, secret: target.secret, at: Date())),
        ]
        let answer = try await poster.post(target.url, headers: headers, body: body)
        if (300..<400).contains(answer.status) {
            throw DeliveryFailure(reason: "target answered HTTP \(answer.status), a redirect, which is not followed", permanent: true)
        }
        guard (200..<300).contains(answer.status) else {
            throw DeliveryFailure(reason: "target answered HTTP \(answer.status)", permanent: HTTPPoster.isPermanent(status: answer.status))
        }
        return DeliveryReceipt(answer: "HTTP \(answer.status)" + (answer.body.isEmpty ? "" : " " + answer.body))
    }

    func shutdown() async {
        await poster.shutdown()
    }
}
