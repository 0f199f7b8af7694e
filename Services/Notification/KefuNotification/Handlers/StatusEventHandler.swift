import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit
import KefuStorage
import Logging

/// Status events from every service: integrators' webhooks, the customer's notices of who is
/// handling their ticket and of questions for them, and staff's notices of assignments, SLA
/// warnings, breaches and escalations.
struct StatusEventHandler: MessageHandler {
    let planner: DeliveryPlanner

    func handle(_ delivery: Delivery, in work: UnitOfWork) throws {
        let event = try delivery.decode(StatusEvent.self)
        try WebhookSubscriptions.record(event, body: delivery.body, attemptsAllowed: planner.configuration.retry.maxAttempts,
                                         in: work)
        guard let number = event.data.ticketNumber ?? event.subject, event.type.hasPrefix("kefu.ticket.") else { return }
        let data = event.data
        try work.query("""
            UPDATE notification.tickets SET priority = coalesce($2, priority), category = coalesce($3, category) WHERE number = $1
            """, [number, data.priority, data.category])
        let copy = try TicketCopy.load(number, on: work.connection)
            ?? TicketCopy(number: number, customerID: "", channel: data.channel ?? "unknown", language: nil, subject: nil,
                          priority: data.priority, category: data.category)
        func notice(_ name: String) -> Notice {
            var notice = copy.notice(name, eventID: event.id)
            notice.values["team"] = data.teamID ?? ""
            notice.values["sla_target"] = data.slaTarget.map { $0.replacingOccurrences(of: "_", with: " ") } ?? ""
            notice.values["elapsed"] = data.elapsedSeconds.map(Self.duration) ?? ""
            notice.values["target"] = data.targetSeconds.map(Self.duration) ?? ""
            notice.values["escalation_level"] = data.escalationLevel.map(String.init) ?? ""
            if let due = data.firstResponseDueAt { notice.times["first_response_due"] = due }
            if let due = data.resolutionDueAt { notice.times["resolution_due"] = due }
            return notice
        }
        switch StatusEventType(rawValue: event.type) {
        case .ticketAssigned:
            let agent = try data.agentID.flatMap { try Recipient.staff($0, on: work.connection) }
            if let agent { try planner.record(notice("staff_assigned"), to: agent, in: work) }
            var customerNotice = notice("assigned")
            customerNotice.values["agent_name"] = agent?.name ?? (TemplateKey.language(for: copy.language) == "en" ? "our team" : "客服专员")
            try tellCustomer(customerNotice, of: copy, in: work)
        case .ticketWaiting where data.waitingOn == "customer":
            try tellCustomer(notice("waiting"), of: copy, in: work)
        case .ticketSLAWarning, .ticketSLABreached:
            let name = event.type == StatusEventType.ticketSLAWarning.rawValue ? "sla_warning" : "sla_breached"
            if let supervisorID = data.supervisorID, let supervisor = try Recipient.staff(supervisorID, on: work.connection) {
                try planner.record(notice(name), to: supervisor, in: work)
            }
        case .ticketEscalated:
            if let supervisorID = data.agentID, let supervisor = try Recipient.staff(supervisorID, on: work.connection) {
                try planner.record(notice("escalated"), to: supervisor, in: work)
            }
        default:
            break
        }
    }

    private func tellCustomer(_ notice: Notice, of copy: TicketCopy, in work: UnitOfWork) throws {
        guard let customer = try Recipient.customer(copy.customerID, on: work.connection) else {
            planner.logger.info("no customer contact for a ticket event", metadata: ["ticket_number": "\(copy.number)"])
            return
        }
        try planner.record(notice, to: customer, in: work)
    }

    static func duration(_ seconds: Double) -> String {
        let minutes = Int(seconds / 60)
        return minutes >= 60 ? "\(minutes / 60)h\(String(format: "%02d", minutes % 60))m" : "\(minutes)m"
    }
}
