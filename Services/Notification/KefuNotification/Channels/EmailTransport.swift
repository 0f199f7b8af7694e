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
                    continuation.resume(returning: try send(message, to: delivery.recipient, from: sender))
                } catch let error as CurlError {
                    continuation.resume(throwing: DeliveryFailure(reason: error.description, permanent: error.code == .refused))
                } catch {
                    continuation.resume(throwing: DeliveryFailure(reason: "\(error)"))
                }
            }
        }
        return DeliveryReceipt(answer: acceptance.reply)
    }

    /// On a pooled connection first. A server that dropped the idle connection shows up as a
    /// transfer failure before anything was accepted: that one is tried again on a new connection.
    private func send(_ message: [UInt8], to recipient: String, from sender: String) throws -> SMTPClient.Acceptance {
        if let pooled = idle.withLock({ $0.popLast() }) {
            do {
                let acceptance = try pooled.send(from: sender, to: [recipient], message: message)
                idle.withLock { $0.append(pooled) }
                return acceptance
            } catch {
                guard error.code == .transfer else { throw error }
                // A stale connection: on to a fresh one.
            }
        }
        let client = try SMTPClient(configuration.smtp)
        let acceptance = try client.send(from: sender, to: [recipient], message: message)
        idle.withLock { $0.append(client) }
        return acceptance
    }

    func shutdown() async {
        idle.withLock { $0.removeAll() }
    }
}
