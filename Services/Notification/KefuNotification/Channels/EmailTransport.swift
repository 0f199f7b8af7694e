import Dispatch
import Foundation
import KefuCurl
import KefuMail
import Synchronization

/// Email through the configured SMTP server. libcurl blocks, so each attempt runs on a
/// dispatch thread with an SMTP client (and its open connection) taken from a small pool.
final class EmailTransport: ChannelTransport {
    private let configuration: NotificationConfiguration
    private let idle = Mutex<[SMTPClient]>([])

    init(configuration: NotificationConfiguration) {
        self.configuration = configuration
    }

    func send(_ delivery: PendingDelivery) async throws -> DeliveryReceipt {
        guard let messageID = delivery.messageID else { throw DeliveryFailure(reason: "no Message-ID recorded", permanent: true) }
        let mail = OutgoingMail(
            from: .init(configuration.mailFrom, name: configuration.mailFromName), to: .init(delivery.recipient),
            subject: delivery.subject ?? "[\(delivery.ticketNumber)]", text: delivery.body ?? "", html: delivery.html,
            messageID: messageID, references: ["kefu.\(delivery.ticketNumber)@\(configuration.mailDomain)"],
            headers: [("Auto-Submitted", "auto-generated")])
        let message = mail.rendered()
        let sender = configuration.mailFrom
        let acceptance = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<SMTPClient.Acceptance, any Error>) in
            DispatchQueue.global().async { [self] in
                do {
                    let client = try idle.withLock { $0.popLast() } ?? SMTPClient(configuration.smtp)
                    do {
                        let acceptance = try client.send(from: sender, to: [delivery.recipient], message: message)
                        idle.withLock { $0.append(client) }
                        continuation.resume(returning: acceptance)
                    } catch {
                        // The connection may be broken: the next attempt opens a new one.
                        throw error
                    }
                } catch let error as CurlError {
                    continuation.resume(throwing: DeliveryFailure(reason: error.description, permanent: error.code == .refused))
                } catch {
                    continuation.resume(throwing: DeliveryFailure(reason: "\(error)"))
                }
            }
        }
        return DeliveryReceipt(answer: acceptance.reply)
    }

    func shutdown() async {
        idle.withLock { $0.removeAll() }
    }
}
