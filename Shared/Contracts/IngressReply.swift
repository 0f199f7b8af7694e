/// What intake answers on `reply_to`: the ticket number, or why the submission was refused.
public struct IngressReply: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable {
        case accepted, rejected
    }

    public var status: Status
    public var ticketNumber: String?
    public var duplicate: Bool?
    /// For an accepted submission: `created`, `duplicate`, `follow_up` (added to an open ticket)
    /// or `reopened` (added to a resolved or closed ticket, which it reopened).
    public var outcome: String?
    public var errors: [FieldError]?

    enum CodingKeys: String, CodingKey {
        case status, duplicate, outcome, errors
        case ticketNumber = "ticket_number"
    }

    public static func accepted(ticketNumber: String, duplicate: Bool, outcome: String? = nil) -> IngressReply {
        IngressReply(status: .accepted, ticketNumber: ticketNumber, duplicate: duplicate, outcome: outcome, errors: nil)
    }

    public static func rejected(_ errors: [FieldError]) -> IngressReply {
        IngressReply(status: .rejected, ticketNumber: nil, duplicate: nil, outcome: nil, errors: errors)
    }
}
