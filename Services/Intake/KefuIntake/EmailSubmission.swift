import Crypto
import Foundation
import KefuContracts
import KefuMail

/// Turns a raw RFC 5322 message into a submission on the email channel.
enum EmailSubmission {
    static func make(from raw: [UInt8], integrator: String, ticketPrefix: String) -> Result<IncomingSubmission, ValidationError> {
        let mail: MailMessage
        do {
            mail = try MailMessage(parsing: raw)
        } catch {
            return .failure(ValidationError([FieldError(field: "", message: "\(error)")]))
        }
        if let reason = mail.automaticReason {
            return .failure(ValidationError([FieldError(
                field: "/headers", message: "was sent automatically (\(reason)); bounces and auto-replies open no ticket")]))
        }
        var errors: [FieldError] = []
        guard let sender = mail.from.map({ MailAddress(name: $0.name.map { $0.replacingNUL() }, address: $0.address.replacingNUL()) }),
              Submission.looksLikeEmail(sender.address) else {
            return .failure(ValidationError([FieldError(field: "/headers/from", message: "must name the sender's address")]))
        }
        if mail.attachments.count > Submission.maximumAttachments {
            errors.append(FieldError(field: "/attachments", message:
                "has \(mail.attachments.count) entries; at most \(Submission.maximumAttachments) are allowed"))
        }
        var subject = mail.subject.map { $0.replacingNUL() }?.trimmingCharacters(in: .whitespacesAndNewlines)
        if subject?.isEmpty == true { subject = nil }
        if let text = subject, text.count > Submission.maximumSubjectCharacters {
            subject = String(text.prefix(Submission.maximumSubjectCharacters))
        }
        var body = mail.text.replacingNUL()
        if body.isEmpty { body = subject ?? (mail.attachments.isEmpty ? "" : "(no text; see the attachments)") }
        if body.isEmpty { errors.append(FieldError(field: "/body", message: "the message has no text, subject or attachment")) }
        guard errors.isEmpty else { return .failure(ValidationError(errors)) }

        // The raw message is kept with the ticket, so cutting an over-long text loses nothing.
        if body.utf8.count > Submission.maximumBodyBytes {
            let marker = "\n[…the rest of this message is kept with the original email]"
            var cut = body.utf8.prefix(Submission.maximumBodyBytes - marker.utf8.count)
            while String(cut) == nil { cut = cut.dropLast() }
            body = String(cut)! + marker
        }

        let submission = Submission(
            submissionID: mail.messageID.map { "email:\($0.replacingNUL().prefix(190))" }
                ?? "email:sha256:\(Self.hex(SHA256.hash(data: raw)))",
            channel: .email, receivedAt: mail.date,
            customer: Submission.Customer(name: sender.name, email: sender.address),
            subject: subject, body: body,
            attachments: mail.attachments.isEmpty ? nil : mail.attachments.map {
                Submission.Attachment(filename: String($0.filename.replacingNUL().prefix(255)), contentType: $0.contentType.replacingNUL(),
                                      size: $0.size, sha256: $0.sha256)
            })
        var incoming = IncomingSubmission(submission, integrator: integrator)
        incoming.messageID = mail.messageID.map { $0.replacingNUL() }
        incoming.referencedMessageIDs = (mail.inReplyTo + mail.references.reversed()).map { $0.replacingNUL() }
        incoming.subjectTicketNumbers = subject.map { TicketNumber.bracketed(in: $0, prefix: ticketPrefix) } ?? []
        incoming.rawMail = raw
        return .success(incoming)
    }

    private static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
