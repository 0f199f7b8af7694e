public import Foundation

/// A service-to-service message on `kefu.work`. The routing key and AMQP `type` are `messageType`.
public protocol WorkMessage: Codable, Sendable {
    static var messageType: String { get }
}

/// intake → classification, notification: a new ticket, with everything needed to act on it.
public struct TicketCreated: WorkMessage, Hashable {
    public static let messageType = "ticket.created"

    public struct Customer: Codable, Sendable, Hashable {
        public var id: String
        public var name: String?
        public var phone: String?
        public var email: String?
        public var tier: Submission.Tier
        /// Sent with `customer.updated`; a new ticket's message leaves it out.
        public var preferences: ContactPreferences?
        public init(id: String, name: String?, phone: String?, email: String?, tier: Submission.Tier,
                    preferences: ContactPreferences? = nil) {
            self.id = id
            self.name = name
            self.phone = phone
            self.email = email
            self.tier = tier
            self.preferences = preferences
        }
    }

    public var ticketNumber: String
    public var submissionID: String
    public var channel: Submission.Channel
    public var subject: String?
    public var body: String
    public var language: String?
    public var customer: Customer
    public var product: Submission.Product?
    /// The integrator's metadata, as submitted; classification rules can match on it.
    public var metadata: [String: JSONValue]?
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case channel, subject, body, language, customer, product, metadata
        case ticketNumber = "ticket_number"
        case submissionID = "submission_id"
        case createdAt = "created_at"
    }

    public init(ticketNumber: String, submissionID: String, channel: Submission.Channel, subject: String?, body: String,
                language: String?, customer: Customer, product: Submission.Product?, metadata: [String: JSONValue]? = nil,
                createdAt: Date) {
        self.ticketNumber = ticketNumber
        self.submissionID = submissionID
        self.channel = channel
        self.subject = subject
        self.body = body
        self.language = language
        self.customer = customer
        self.product = product
        self.metadata = metadata
        self.createdAt = createdAt
    }
}

/// intake → notification: a customer's name or contact data changed through intake's API.
public struct CustomerUpdated: WorkMessage, Hashable {
    public static let messageType = "customer.updated"

    public var customer: TicketCreated.Customer

    public init(customer: TicketCreated.Customer) {
        self.customer = customer
    }
}

/// intake → every service holding a copy of customer data: erase it. Tickets stay.
public struct CustomerErased: WorkMessage, Hashable {
    public static let messageType = "customer.erased"

    public var customerID: String
    public var erasedAt: Date

    enum CodingKeys: String, CodingKey {
        case customerID = "customer_id"
        case erasedAt = "erased_at"
    }

    public init(customerID: String, erasedAt: Date) {
        self.customerID = customerID
        self.erasedAt = erasedAt
    }
}

/// Ticket priority, P1 (emergency) to P4 (low).
public enum Priority: String, Codable, Sendable, CaseIterable, Comparable {
    case p1 = "P1", p2 = "P2", p3 = "P3", p4 = "P4"

    public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rawValue < rhs.rawValue }

    /// One level more urgent, stopping at P1.
    public var raised: Priority {
        switch self {
        case .p1, .p2: .p1
        case .p3: .p2
        case .p4: .p3
        }
    }
}

/// A place on Earth, in degrees.
public struct Coordinates: Codable, Sendable, Hashable {
    public var latitude: Double
    public var longitude: Double

    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }

    /// From submission metadata such as `"site": {"latitude": 31.2, "longitude": 121.5}`.
    public init?(_ value: JSONValue?) {
        guard case .object(let object)? = value, case .number(let latitude)? = object["latitude"],
              case .number(let longitude)? = object["longitude"], (-90...90).contains(latitude),
              (-180...180).contains(longitude) else { return nil }
        self.init(latitude: latitude, longitude: longitude)
    }

    /// Great-circle distance in kilometres (haversine, mean Earth radius).
    public func distance(to other: Coordinates) -> Double {
        let radians = Double.pi / 180
        let dLatitude = (other.latitude - latitude) * radians
        let dLongitude = (other.longitude - longitude) * radians
        let a = sin(dLatitude / 2) * sin(dLatitude / 2)
            + cos(latitude * radians) * cos(other.latitude * radians) * sin(dLongitude / 2) * sin(dLongitude / 2)
        return 6371.0088 * 2 * atan2(a.squareRoot(), (1 - a).squareRoot())
    }
}

/// classification → dispatch: the decision for a ticket.
public struct TicketClassified: WorkMessage, Hashable {
    public static let messageType = "ticket.classified"

    public var ticketNumber: String
    public var channel: Submission.Channel
    public var customerID: String
    public var customerTier: Submission.Tier
    public var category: String
    public var priority: Priority
    public var slaClass: String
    public var language: String
    public var complaint: Bool
    /// Set when the ticket went through triage: a person decided it, or nobody did in time and it
    /// carries classification's best guess.
    public var triage: TriageOutcome?
    /// The product's model, for agents' product skills.
    public var productModel: String?
    /// Where the work is, when it is on site: field engineers nearby are preferred.
    public var site: Coordinates?
    /// A team the ticket must go to, when something upstream already knows.
    public var teamID: String?
    public var classifiedAt: Date

    public enum TriageOutcome: String, Codable, Sendable, Hashable {
        /// Sent on at once with the best guess, to the triage team, while it waits for a person.
        case pending
        case decided
        case timedOut = "timed_out"
    }

    enum CodingKeys: String, CodingKey {
        case channel, category, priority, language, complaint, triage, site
        case ticketNumber = "ticket_number"
        case customerID = "customer_id"
        case customerTier = "customer_tier"
        case slaClass = "sla_class"
        case productModel = "product_model"
        case teamID = "team_id"
        case classifiedAt = "classified_at"
    }

    public init(ticketNumber: String, channel: Submission.Channel, customerID: String, customerTier: Submission.Tier,
                category: String, priority: Priority, slaClass: String, language: String, complaint: Bool,
                triage: TriageOutcome? = nil, productModel: String? = nil, site: Coordinates? = nil, teamID: String? = nil,
                classifiedAt: Date) {
        self.triage = triage
        self.productModel = productModel
        self.site = site
        self.teamID = teamID
        self.ticketNumber = ticketNumber
        self.channel = channel
        self.customerID = customerID
        self.customerTier = customerTier
        self.category = category
        self.priority = priority
        self.slaClass = slaClass
        self.language = language
        self.complaint = complaint
        self.classifiedAt = classifiedAt
    }
}

/// dispatch → survey (and later notification): the agent resolved the ticket.
public struct TicketResolved: WorkMessage, Hashable {
    public static let messageType = "ticket.resolved"

    public var ticketNumber: String
    public var customerID: String
    public var agentID: String
    public var category: String
    public var channel: Submission.Channel
    public var resolution: String?
    public var resolvedAt: Date

    enum CodingKeys: String, CodingKey {
        case category, channel, resolution
        case ticketNumber = "ticket_number"
        case customerID = "customer_id"
        case agentID = "agent_id"
        case resolvedAt = "resolved_at"
    }

    public init(ticketNumber: String, customerID: String, agentID: String, category: String,
                channel: Submission.Channel, resolution: String?, resolvedAt: Date) {
        self.ticketNumber = ticketNumber
        self.customerID = customerID
        self.agentID = agentID
        self.category = category
        self.channel = channel
        self.resolution = resolution
        self.resolvedAt = resolvedAt
    }
}

/// dispatch → classification: an agent changed a ticket's category. Classification keeps it as a
/// training example, so the model learns from the people who know.
public struct TicketRecategorised: WorkMessage, Hashable {
    public static let messageType = "ticket.recategorised"

    public var ticketNumber: String
    public var category: String
    public var previousCategory: String
    public var agentID: String
    public var reason: String?
    public var recategorisedAt: Date

    enum CodingKeys: String, CodingKey {
        case category, reason
        case ticketNumber = "ticket_number"
        case previousCategory = "previous_category"
        case agentID = "agent_id"
        case recategorisedAt = "recategorised_at"
    }

    public init(ticketNumber: String, category: String, previousCategory: String, agentID: String, reason: String?,
                recategorisedAt: Date) {
        self.ticketNumber = ticketNumber
        self.category = category
        self.previousCategory = previousCategory
        self.agentID = agentID
        self.reason = reason
        self.recategorisedAt = recategorisedAt
    }
}

/// dispatch → notification: a new ticket's service targets, once dispatch has started its clocks,
/// with the language classification decided. The customer's acknowledgement waits for it, so
/// that it promises the ticket's own first-response time in the right language.
public struct TicketScheduled: WorkMessage, Hashable {
    public static let messageType = "ticket.scheduled"

    public var ticketNumber: String
    public var language: String
    public var priority: Priority
    public var complaint: Bool
    public var firstResponseDueAt: Date
    public var resolutionDueAt: Date
    public var scheduledAt: Date

    enum CodingKeys: String, CodingKey {
        case language, priority, complaint
        case ticketNumber = "ticket_number"
        case firstResponseDueAt = "first_response_due_at"
        case resolutionDueAt = "resolution_due_at"
        case scheduledAt = "scheduled_at"
    }

    public init(ticketNumber: String, language: String, priority: Priority, complaint: Bool, firstResponseDueAt: Date,
                resolutionDueAt: Date, scheduledAt: Date) {
        self.ticketNumber = ticketNumber
        self.language = language
        self.priority = priority
        self.complaint = complaint
        self.firstResponseDueAt = firstResponseDueAt
        self.resolutionDueAt = resolutionDueAt
        self.scheduledAt = scheduledAt
    }
}

/// classification → dispatch: how triage ended for a ticket dispatch already holds. A person's
/// decision may change the category, the priority, the SLA class and the team, and dispatch
/// re-routes the ticket if nobody has accepted it yet; a timeout changes only the flag.
public struct TicketTriaged: WorkMessage, Hashable {
    public static let messageType = "ticket.triaged"

    public var ticketNumber: String
    public var outcome: TicketClassified.TriageOutcome
    public var category: String
    public var priority: Priority
    public var slaClass: String
    public var complaint: Bool
    /// The team the person chose, if any; otherwise dispatch keeps the ticket where it is.
    public var teamID: String?
    public var decidedBy: String?
    public var triagedAt: Date

    enum CodingKeys: String, CodingKey {
        case outcome, category, priority, complaint
        case ticketNumber = "ticket_number"
        case slaClass = "sla_class"
        case teamID = "team_id"
        case decidedBy = "decided_by"
        case triagedAt = "triaged_at"
    }

    public init(ticketNumber: String, outcome: TicketClassified.TriageOutcome, category: String, priority: Priority,
                slaClass: String, complaint: Bool, teamID: String?, decidedBy: String?, triagedAt: Date) {
        self.ticketNumber = ticketNumber
        self.outcome = outcome
        self.category = category
        self.priority = priority
        self.slaClass = slaClass
        self.complaint = complaint
        self.teamID = teamID
        self.decidedBy = decidedBy
        self.triagedAt = triagedAt
    }
}

/// dispatch → notification: an agent's reply to the customer, to be sent on the customer's channel.
public struct TicketReplied: WorkMessage, Hashable {
    public static let messageType = "ticket.replied"

    public var ticketNumber: String
    public var customerID: String
    public var agentID: String
    public var text: String
    public var repliedAt: Date

    enum CodingKeys: String, CodingKey {
        case text
        case ticketNumber = "ticket_number"
        case customerID = "customer_id"
        case agentID = "agent_id"
        case repliedAt = "replied_at"
    }

    public init(ticketNumber: String, customerID: String, agentID: String, text: String, repliedAt: Date) {
        self.ticketNumber = ticketNumber
        self.customerID = customerID
        self.agentID = agentID
        self.text = text
        self.repliedAt = repliedAt
    }
}

/// any service → notification: tell a ticket's customer something, with a template of
/// notification's (e.g. survey's `survey_invitation`) and the values it needs.
public struct NotificationRequested: WorkMessage, Hashable {
    public static let messageType = "notification.requested"

    public var ticketNumber: String
    public var customerID: String
    /// The template's event name.
    public var template: String
    /// Values for the template's placeholders, beside the ticket's own.
    public var values: [String: String]
    /// Force a channel (`email` or `sms`) instead of the customer's preference.
    public var channel: String?

    enum CodingKeys: String, CodingKey {
        case template, values, channel
        case ticketNumber = "ticket_number"
        case customerID = "customer_id"
    }

    public init(ticketNumber: String, customerID: String, template: String, values: [String: String] = [:],
                channel: String? = nil) {
        self.ticketNumber = ticketNumber
        self.customerID = customerID
        self.template = template
        self.values = values
        self.channel = channel
    }
}

/// survey → dispatch: a low score with the customer's words; dispatch reopens the ticket and
/// escalates it to the team's supervisor.
public struct SurveyComplaint: WorkMessage, Hashable {
    public static let messageType = "survey.complaint"

    public var ticketNumber: String
    public var surveyID: String
    public var csat: Int?
    public var nps: Int?
    public var comment: String?
    public var answeredAt: Date

    enum CodingKeys: String, CodingKey {
        case csat, nps, comment
        case ticketNumber = "ticket_number"
        case surveyID = "survey_id"
        case answeredAt = "answered_at"
    }

    public init(ticketNumber: String, surveyID: String, csat: Int?, nps: Int?, comment: String?, answeredAt: Date) {
        self.ticketNumber = ticketNumber
        self.surveyID = surveyID
        self.csat = csat
        self.nps = nps
        self.comment = comment
        self.answeredAt = answeredAt
    }
}

/// intake → survey: a customer owns a product delivered on a known date, from a submission or
/// the archive API; survey schedules its inspections and the customer's revisits from it.
public struct ProductRegistered: WorkMessage, Hashable {
    public static let messageType = "product.registered"

    public var customerID: String
    public var tier: Submission.Tier
    public var model: String?
    public var serial: String?
    public var deliveredOn: String

    enum CodingKeys: String, CodingKey {
        case tier, model, serial
        case customerID = "customer_id"
        case deliveredOn = "delivered_on"
    }

    public init(customerID: String, tier: Submission.Tier, model: String?, serial: String?, deliveredOn: String) {
        self.customerID = customerID
        self.tier = tier
        self.model = model
        self.serial = serial
        self.deliveredOn = deliveredOn
    }
}
