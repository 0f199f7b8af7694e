import Foundation
import KefuContracts

/// Something to tell one recipient, before the channel, language and template are chosen.
struct Notice: Sendable {
    /// The message or event that caused it: with the address and channel, the delivery's
    /// idempotency key.
    var eventID: String
    /// The template's event name, e.g. `acknowledgement`.
    var event: String
    var ticketNumber: String
    var ticketChannel: String?
    var priority: String?
    /// The ticket's language, used when the recipient has no preference.
    var language: String?
    var values: [String: String] = [:]
    /// Times, shown in the recipient's time zone.
    var times: [String: Date] = [:]
    /// A channel the sender insists on.
    var channel: String?
    /// When the customer will hear from us, worded in their language as `{{reply_by}}`.
    var promise: Promise?
    /// Public articles suggested for the ticket, listed as `{{suggested_articles}}` on the
    /// channels `KEFU_ACK_SUGGESTIONS` names.
    var articles: [TicketSuggestions.Article] = []

    enum Promise: Sendable {
        case by(Date)
        case soon
    }
}
