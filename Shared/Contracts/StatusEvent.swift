public import Foundation

/// A status event for monitoring tools: a CloudEvents 1.0 envelope in structured JSON mode.
///
/// Status events carry facts about a ticket's progress and never contact details or message
/// bodies; `StatusEventData` has no field that could hold either.
public struct StatusEvent: Codable, Sendable, Hashable {
    public static let contentType = "application/cloudevents+json"

    public var specversion: String = "1.0"
    public var id: String
    /// `/kefu/<service>`
    public var source: String
    /// `kefu.ticket.created`, …
    public var type: String
    /// The ticket number, or for a rejected submission its submission id.
    public var subject: String?
    public var time: Date
    public var datacontenttype: String = "application/json"
    public var data: StatusEventData

    public init(id: String = UUID().uuidString.lowercased(), service: String, type: StatusEventType, subject: String?,
                time: Date = Date(), data: StatusEventData) {
        self.id = id
        self.source = "/kefu/\(service)"
        self.type = type.rawValue
        self.subject = subject
        self.time = time
        self.data = data
    }

    /// The routing key on `kefu.events`: the type without its `kefu.` prefix.
    public var routingKey: String { String(type.dropFirst("kefu.".count)) }
}

public enum StatusEventType: String, Codable, Sendable, CaseIterable {
    /// The routing key on `kefu.events`: the type without its `kefu.` prefix.
    public var routingKey: String { String(rawValue.dropFirst("kefu.".count)) }

    case ticketCreated = "kefu.ticket.created"
    case ticketClassified = "kefu.ticket.classified"
    case ticketTriageNeeded = "kefu.ticket.triage_needed"
    case ticketAssigned = "kefu.ticket.assigned"
    case ticketAccepted = "kefu.ticket.accepted"
    case ticketWaiting = "kefu.ticket.waiting"
    case ticketRecategorised = "kefu.ticket.recategorised"
    case ticketResumed = "kefu.ticket.resumed"
    case ticketTransferred = "kefu.ticket.transferred"
    case ticketNoteAdded = "kefu.ticket.note_added"
    case ticketEscalated = "kefu.ticket.escalated"
    case ticketSLAWarning = "kefu.ticket.sla_warning"
    case ticketSLABreached = "kefu.ticket.sla_breached"
    case ticketResolved = "kefu.ticket.resolved"
    case ticketReopened = "kefu.ticket.reopened"
    /// A follow-up from the customer was added to an open ticket.
    case ticketMessageAdded = "kefu.ticket.message_added"
    case ticketClosed = "kefu.ticket.closed"
    /// knowledge found articles for a new ticket.
    case ticketSuggested = "kefu.ticket.suggested"
    case submissionRejected = "kefu.submission.rejected"
    case notificationSent = "kefu.notification.sent"
    case notificationFailed = "kefu.notification.failed"
    case surveySent = "kefu.survey.sent"
    case surveyCreated = "kefu.survey.created"
    case surveyCompleted = "kefu.survey.completed"
}

/// The facts a status event carries. Every field is optional except the time of the change.
public struct StatusEventData: Codable, Sendable, Hashable {
    public var ticketNumber: String?
    public var status: String?
    public var channel: String?
    public var category: String?
    public var priority: String?
    public var teamID: String?
    public var agentID: String?
    public var slaClass: String?
    public var firstResponseDueAt: Date?
    public var resolutionDueAt: Date?
    public var occurredAt: Date
    /// For rejections and failures: which fields or which step, never the submitted values.
    public var reasons: [FieldError]?
    /// notification.*: the channel used and the delivery's id.
    public var deliveryChannel: String?
    public var deliveryID: String?
    /// survey.*: the survey's id.
    public var surveyID: String?
    /// ticket.created: the closed ticket a late follow-up opened this one for.
    public var relatedTicketNumber: String?
    /// ticket.sla_warning, ticket.sla_breached: which target (`first_response`, `resolution`,
    /// `on_site`), its length and the time used so far, in seconds (business time when the
    /// policy counts business time).
    public var slaTarget: String?
    public var targetSeconds: Double?
    public var elapsedSeconds: Double?
    /// ticket.escalated: 1 when the supervisor is told, 2 and more as the ticket moves up a level.
    public var escalationLevel: Int?
    /// ticket.sla_warning, ticket.sla_breached: the supervisor of the ticket's team, who is told.
    public var supervisorID: String?
    /// ticket.waiting: `customer` or `parts`.
    public var waitingOn: String?
    /// ticket.classified: whether the ticket is a complaint. survey.completed: whether the
    /// answer raised one.
    public var complaint: Bool?
    /// ticket.resolved: working time from acceptance to resolution, in seconds, by the team's
    /// calendar.
    public var handleSeconds: Double?
    /// survey.completed: the scores given (no comment: status events carry no customer text).
    public var csat: Int?
    public var nps: Int?
    /// ticket.suggested: the articles suggested, best first. ticket.closed from knowledge: the
    /// article that solved the customer's problem (`article_ids` of one).
    public var articleIDs: [String]?

    enum CodingKeys: String, CodingKey {
        case status, channel, category, priority, reasons
        case ticketNumber = "ticket_number"
        case teamID = "team_id"
        case agentID = "agent_id"
        case slaClass = "sla_class"
        case firstResponseDueAt = "first_response_due_at"
        case resolutionDueAt = "resolution_due_at"
        case occurredAt = "occurred_at"
        case deliveryChannel = "delivery_channel"
        case deliveryID = "delivery_id"
        case surveyID = "survey_id"
        case relatedTicketNumber = "related_ticket_number"
        case slaTarget = "sla_target"
        case targetSeconds = "target_seconds"
        case elapsedSeconds = "elapsed_seconds"
        case escalationLevel = "escalation_level"
        case supervisorID = "supervisor_id"
        case waitingOn = "waiting_on"
        case complaint, csat, nps
        case handleSeconds = "handle_seconds"
        case articleIDs = "article_ids"
    }

    public init(ticketNumber: String? = nil, status: String? = nil, channel: String? = nil, category: String? = nil,
                priority: String? = nil, teamID: String? = nil, agentID: String? = nil, slaClass: String? = nil,
                firstResponseDueAt: Date? = nil, resolutionDueAt: Date? = nil, occurredAt: Date = Date(),
                reasons: [FieldError]? = nil, deliveryChannel: String? = nil, deliveryID: String? = nil,
                surveyID: String? = nil, relatedTicketNumber: String? = nil, slaTarget: String? = nil,
                targetSeconds: Double? = nil, elapsedSeconds: Double? = nil, escalationLevel: Int? = nil, supervisorID: String? = nil,
                waitingOn: String? = nil, complaint: Bool? = nil, handleSeconds: Double? = nil, csat: Int? = nil,
                nps: Int? = nil, articleIDs: [String]? = nil) {
        self.ticketNumber = ticketNumber
        self.status = status
        self.channel = channel
        self.category = category
        self.priority = priority
        self.teamID = teamID
        self.agentID = agentID
        self.slaClass = slaClass
        self.firstResponseDueAt = firstResponseDueAt
        self.resolutionDueAt = resolutionDueAt
        self.occurredAt = occurredAt
        self.reasons = reasons
        self.deliveryChannel = deliveryChannel
        self.deliveryID = deliveryID
        self.relatedTicketNumber = relatedTicketNumber
        self.surveyID = surveyID
        self.slaTarget = slaTarget
        self.targetSeconds = targetSeconds
        self.elapsedSeconds = elapsedSeconds
        self.escalationLevel = escalationLevel
        self.supervisorID = supervisorID
        self.waitingOn = waitingOn
        self.complaint = complaint
        self.handleSeconds = handleSeconds
        self.csat = csat
        self.nps = nps
        self.articleIDs = articleIDs
    }
}
