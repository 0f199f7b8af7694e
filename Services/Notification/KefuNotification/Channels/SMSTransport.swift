import Foundation

/// SMS through an HTTP gateway. The request body comes from `KEFU_SMS_BODY_TEMPLATE`, with
/// each value escaped for the body's content type; the default is a JSON POST. A long text
/// goes as numbered parts, one request each, and a retry goes on from the first part the
/// gateway did not take.
final class SMSTransport: ChannelTransport {
    private let configuration: NotificationConfiguration
    private let poster: HTTPPoster

    init(configuration: NotificationConfiguration) {
        self.configuration = configuration
        self.poster = HTTPPoster(timeout: configuration.timeout)
    }

    func send(_ delivery: PendingDelivery) async throws -> DeliveryReceipt {
        let sms = configuration.sms
        guard let url = sms.gatewayURL else { throw DeliveryFailure(reason: "no SMS gateway configured (KEFU_SMS_GATEWAY_URL)") }
        let parts = SMSText.parts(delivery.body ?? "", maxParts: sms.maxParts)
        let escaping: Template.Escaping = sms.contentType.contains("json") ? .json : .form
        var headers = [("Content-Type", sms.contentType), ("Kefu-Delivery", delivery.id.uuidString.lowercased())]
        if let authorization = sms.authorization { headers.append(("Authorization", authorization)) }
        var answers: [String] = []
        for (index, part) in parts.enumerated() where index >= delivery.partsSent {
            let reference = parts.count == 1 ? delivery.id.uuidString.lowercased() : "\(delivery.id.uuidString.lowercased())-\(index + 1)"
            let body = Template.fill(sms.bodyTemplate, ["to": delivery.recipient, "text": part, "reference": reference,
                                                        "sender": sms.sender], escaping)
            let answer: HTTPPoster.Answer
            do {
                answer = try await poster.post(url, headers: headers, body: Array(body.utf8))
            } catch var failure as DeliveryFailure {
                failure.partsSent = index
                throw failure
            }
            guard (200..<300).contains(answer.status) else {
                throw DeliveryFailure(reason: "gateway answered HTTP \(answer.status)",
                                      permanent: HTTPPoster.isPermanent(status: answer.status), partsSent: index)
            }
            answers.append(answer.body.isEmpty ? "HTTP \(answer.status)" : answer.body)
        }
        return DeliveryReceipt(answer: answers.joined(separator: "\n"), partsSent: parts.count)
    }

    func shutdown() async {
        await poster.shutdown()
    }
}
