public import Foundation

/// A ticket submission as integrators send it: the ingress contract, version 1 (docs/asyncapi.yaml).
public struct Submission: Codable, Sendable, Hashable {
    public enum Channel: String, Codable, Sendable, CaseIterable {
        case phone, email, web, chat, sms, social, api
        /// A proactive ticket survey opened for a scheduled revisit or routine inspection.
        case revisit
    }

    public enum Tier: String, Codable, Sendable, CaseIterable {
        case standard, vip, key
    }

    public struct Customer: Codable, Sendable, Hashable {
        public var name: String?
        public var phone: String?
        public var email: String?
        public var externalID: String?
        public var tier: Tier?

        enum CodingKeys: String, CodingKey {
            case name, phone, email, tier
            case externalID = "external_id"
        }

        public init(name: String? = nil, phone: String? = nil, email: String? = nil, externalID: String? = nil, tier: Tier? = nil) {
            self.name = name
            self.phone = phone
            self.email = email
            self.externalID = externalID
            self.tier = tier
        }
    }

    public struct Product: Codable, Sendable, Hashable {
        public var model: String?
        public var serial: String?
        /// A calendar date, `YYYY-MM-DD`.
        public var deliveredOn: String?

        enum CodingKeys: String, CodingKey {
            case model, serial
            case deliveredOn = "delivered_on"
        }

        public init(model: String? = nil, serial: String? = nil, deliveredOn: String? = nil) {
            self.model = model
            self.serial = serial
            self.deliveredOn = deliveredOn
        }
    }

    public struct Attachment: Codable, Sendable, Hashable {
        public var filename: String
        public var contentType: String?
        public var size: Int?
        public var url: String?
        /// Lower-case hex SHA-256 of the content, when the gateway (or intake, for mail) knows it.
        public var sha256: String?

        enum CodingKeys: String, CodingKey {
            case filename, size, url, sha256
            case contentType = "content_type"
        }

        public init(filename: String, contentType: String? = nil, size: Int? = nil, url: String? = nil,
                    sha256: String? = nil) {
            self.filename = filename
            self.contentType = contentType
            self.size = size
            self.url = url
            self.sha256 = sha256
        }
    }

    public var submissionID: String
    public var channel: Channel
    /// The ticket this submission follows up, e.g. a number the caller typed into the IVR.
    public var ticketNumber: String?
    public var receivedAt: Date?
    public var customer: Customer
    public var subject: String?
    public var body: String
    public var language: String?
    public var product: Product?
    public var attachments: [Attachment]?
    public var metadata: [String: JSONValue]?

    enum CodingKeys: String, CodingKey {
        case channel, customer, subject, body, language, product, attachments, metadata
        case submissionID = "submission_id"
        case ticketNumber = "ticket_number"
        case receivedAt = "received_at"
    }

    public init(submissionID: String, channel: Channel, ticketNumber: String? = nil, receivedAt: Date? = nil,
                customer: Customer,
                subject: String? = nil, body: String, language: String? = nil, product: Product? = nil,
                attachments: [Attachment]? = nil, metadata: [String: JSONValue]? = nil) {
        self.submissionID = submissionID
        self.channel = channel
        self.ticketNumber = ticketNumber
        self.receivedAt = receivedAt
        self.customer = customer
        self.subject = subject
        self.body = body
        self.language = language
        self.product = product
        self.attachments = attachments
        self.metadata = metadata
    }

    /// Largest accepted body, in UTF-8 bytes.
    public static let maximumBodyBytes = 64 * 1024
    /// RFC 5322's line limit, which mail subjects live under.
    public static let maximumSubjectCharacters = 998
    public static let maximumAttachments = 20
}
