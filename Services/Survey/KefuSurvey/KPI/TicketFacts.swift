import Foundation
import KefuContracts

/// What the KPIs need to know of one ticket, folded from all of its status events in time
/// order. Folding the whole set each time makes late, repeated and out-of-order events harmless.
struct TicketFacts: Sendable, Equatable {
    struct Event: Sendable {
        let type: String
        let occurredAt: Date
        let data: StatusEventData
    }

    var number: String
    var createdAt: Date?
    var channel: String?
    var category: String?
    var priority: String?
    var teamID: String?
    var agentID: String?
    var complaint = false
    var firstResponseSeconds: Double?
    var resolvedAt: Date?
    var resolutionSeconds: Double?
    var handleSeconds: Double?
    var reopened = 0
    var transferred = 0
    var firstResponseMet: Bool?
    var resolutionMet: Bool?
    var resolutionDueAt: Date?
    var overrunSeconds: Double?
    var surveyed = false
    var csat: Int?
    var nps: Int?

    static func fold(_ number: String, _ unordered: [Event]) -> TicketFacts {
        var facts = TicketFacts(number: number)
        let events = unordered.sorted { $0.occurredAt < $1.occurredAt }
        var acceptedAt: Date?
        var firstResponseBreached = false, resolutionBreached = false
        for event in events {
            let data = event.data
            switch StatusEventType(rawValue: event.type) {
            case .ticketCreated:
                facts.createdAt = min(facts.createdAt ?? event.occurredAt, event.occurredAt)
                facts.channel = data.channel ?? facts.channel
            case .ticketClassified, .ticketRecategorised:
                facts.category = data.category ?? facts.category
                facts.priority = data.priority ?? facts.priority
                facts.complaint = facts.complaint || data.complaint == true
            case .ticketAssigned:
                facts.agentID = data.agentID ?? facts.agentID
                facts.teamID = data.teamID ?? facts.teamID
                facts.resolutionDueAt = data.resolutionDueAt ?? facts.resolutionDueAt
            case .ticketAccepted:
                if acceptedAt == nil { acceptedAt = event.occurredAt }
            case .ticketTransferred:
                facts.transferred += 1
            case .ticketResolved:
                if facts.resolvedAt == nil { facts.resolvedAt = event.occurredAt }
                if let seconds = data.handleSeconds { facts.handleSeconds = (facts.handleSeconds ?? 0) + seconds }
            case .ticketReopened:
                facts.reopened += 1
                facts.complaint = facts.complaint || data.complaint == true
            case .ticketSLABreached:
                if data.slaTarget == "first_response" { firstResponseBreached = true }
                if data.slaTarget == "resolution" { resolutionBreached = true }
            case .surveyCreated, .surveySent:
                facts.surveyed = true
            case .surveyCompleted:
                facts.surveyed = true
                if let csat = data.csat { facts.csat = csat }
                if let nps = data.nps { facts.nps = nps }
                facts.complaint = facts.complaint || data.complaint == true
            default:
                break
            }
        }
        // The first response is the acceptance, or the resolution of a ticket resolved without one:
        // either concludes the first-response target.
        let firstResponse = acceptedAt ?? facts.resolvedAt
        if let created = facts.createdAt {
            facts.firstResponseSeconds = firstResponse.map { $0.timeIntervalSince(created) }
            facts.resolutionSeconds = facts.resolvedAt.map { $0.timeIntervalSince(created) }
        }
        facts.firstResponseMet = firstResponseBreached ? false : (firstResponse != nil ? true : nil)
        facts.resolutionMet = resolutionBreached ? false : (facts.resolvedAt != nil ? true : nil)
        if resolutionBreached, let due = facts.resolutionDueAt {
            let end = facts.resolvedAt ?? events.last?.occurredAt ?? due
            facts.overrunSeconds = max(0, end.timeIntervalSince(due))
        }
        return facts
    }
}
