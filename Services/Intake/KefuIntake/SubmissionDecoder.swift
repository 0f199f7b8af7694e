import Foundation
import KefuContracts

/// Turns raw bytes into a submission, by media type: the JSON contract, or a raw email. The one
/// path for AMQP, HTTP and replays of refused submissions.
enum SubmissionDecoder {
    /// `channel` is the one named by the AMQP routing key, when there is one.
    static func decode(_ raw: [UInt8], contentType: String?, channel: String?, integrator: String,
                       settings: IntakeSettings) -> Result<IncomingSubmission, ValidationError> {
        switch mediaType(contentType) {
        case nil, "application/json"?:
            return Submission.validate(json: raw, expectedChannel: channel)
                .map { IncomingSubmission($0, integrator: integrator) }
        case "message/rfc822"?:
            guard channel == nil || channel == Submission.Channel.email.rawValue else {
                return .failure(ValidationError([FieldError(
                    field: "", message: "raw email (message/rfc822) is taken on routing key submit.email only")]))
            }
            return EmailSubmission.make(from: raw, integrator: integrator, ticketPrefix: settings.ticketPrefix)
        case let other?:
            return .failure(ValidationError([FieldError(
                field: "", message: "content_type \(other) is not supported; use application/json or message/rfc822")]))
        }
    }

    /// The media type without parameters, lower-cased.
    static func mediaType(_ contentType: String?) -> String? {
        contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    }

    /// The channel an AMQP routing key `submit.<channel>` names.
    static func channel(ofRoutingKey key: String) -> String? {
        key.hasPrefix("submit.") ? String(key.dropFirst(7)) : nil
    }
}
