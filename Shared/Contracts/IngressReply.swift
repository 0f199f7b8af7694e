/// What intake answers on `reply_to`: the ticket number, or why the submission was refused.
public struct IngressReply: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable {
        case accepted, rejected
    }

    public var status: Status
    public var ticketNumber: String?
    public var duplicate: Bool?
    public var errors: [FieldError]?

    enum CodingKeys: String, CodingKey {
        case status, duplicate, errors
        case ticketNumber = "ticket_number"
    }

    public static func accepted(ticketNumber: String, duplicate: Bool) -> IngressReply {
        IngressReply(status: .accepted, ticketNumber: ticketNumber, duplicate: duplicate, errors: nil)
    }

    public static func rejected(_ errors: [FieldError]) -> IngressReply {
        IngressReply(status: .rejected, ticketNumber: nil, duplicate: nil, errors: errors)
    }
}
