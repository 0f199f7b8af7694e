public import KefuContracts

/// What rules and the model look at in a ticket.
public struct TicketFacts: Sendable {
    public var subject: String?
    public var body: String
    public var channel: String?
    public var customerTier: String?
    public var productModel: String?
    public var metadata: [String: JSONValue]
    /// As the submitter declared it, if they did.
    public var language: String?

    public init(subject: String?, body: String, channel: String? = nil, customerTier: String? = nil,
                productModel: String? = nil, metadata: [String: JSONValue] = [:], language: String? = nil) {
        self.subject = subject
        self.body = body
        self.channel = channel
        self.customerTier = customerTier
        self.productModel = productModel
        self.metadata = metadata
        self.language = language
    }

    public init(_ ticket: TicketCreated) {
        self.init(subject: ticket.subject, body: ticket.body, channel: ticket.channel.rawValue,
                  customerTier: ticket.customer.tier.rawValue, productModel: ticket.product?.model,
                  metadata: ticket.metadata ?? [:], language: ticket.language)
    }

    /// Subject and body, as the model reads them.
    public var text: String { [subject, body].compactMap { $0 }.joined(separator: "\n") }

    func value(of field: String) -> String? {
        switch field {
        case "text": text
        case "subject": subject
        case "body": body
        case "channel": channel
        case "customer_tier": customerTier
        case "product_model": productModel
        default: field.hasPrefix("metadata.") ? metadata[String(field.dropFirst("metadata.".count))]?.plainText : nil
        }
    }
}

extension JSONValue {
    /// A scalar as text, for matching; arrays and objects are not matched.
    var plainText: String? {
        switch self {
        case .string(let text): text
        case .bool(let value): value ? "true" : "false"
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .null, .array, .object: nil
        }
    }
}
