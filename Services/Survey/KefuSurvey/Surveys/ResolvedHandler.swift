import Foundation
import KefuContracts
import KefuMessaging
import KefuServiceKit
import KefuStorage

/// A resolved ticket gets one survey, with an unguessable token, and notification is asked to
/// invite the customer: a link by email, a digit to reply by SMS. A ticket resolved again after
/// its survey was answered or expired gets none: it closes after `KEFU_RECLOSE_AFTER_HOURS` of
/// quiet instead (`ReclosingStore`), so that nothing stays resolved for good.
struct ResolvedHandler: MessageHandler {
    let configuration: SurveyConfiguration

    func handle(_ delivery: Delivery, in work: UnitOfWork) throws {
        let ticket = try delivery.decode(TicketResolved.self)
        // A ticket reopened and resolved again keeps its first survey.
        let id = UUID()
        let now = Date()
        let expires = now.addingTimeInterval(configuration.validity)
        let customer = try work.query("SELECT phone, language FROM survey.customers WHERE id = $1", [ticket.customerID]).first
        let token = RandomToken.make()
        let language: String? = try customer?.decode("language")
        let created = try work.query("""
            INSERT INTO survey.surveys (id, ticket_number, customer_id, agent_id, token, status, expires_at, created_at, sent_at,
                                        language, phone, category, channel)
            VALUES ($1, $2, $3, $4, $5, 'sent', $6, $7, $7, $8, $9, $10, $11)
            ON CONFLICT (ticket_number) DO NOTHING
            """, [id, ticket.ticketNumber, ticket.customerID, ticket.agentID, token, expires, now, language,
                  try customer?.decode("phone") as String?, ticket.category, ticket.channel.rawValue]).affectedRows == 1
        guard created else {
            try ReclosingStore.schedule(ticket, at: now, after: configuration.recloseAfter, in: work)
            return
        }
        let data = StatusEventData(ticketNumber: ticket.ticketNumber, status: "sent", channel: ticket.channel.rawValue,
                                   category: ticket.category, agentID: ticket.agentID, occurredAt: now,
                                   surveyID: id.uuidString.lowercased())
        try work.emit(.surveyCreated, subject: ticket.ticketNumber, data: data)
        try work.send(NotificationRequested(
            ticketNumber: ticket.ticketNumber, customerID: ticket.customerID, template: "survey_invitation",
            values: ["survey_link": "\(configuration.publicURL)/s/\(token)",
                     "survey_expires": Self.day(expires, language: language)]),
            id: "survey.invitation:\(id.uuidString.lowercased())")
        try work.emit(.surveySent, subject: ticket.ticketNumber, data: data)
    }

    static func day(_ date: Date, language: String?) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: language?.hasPrefix("en") == true ? "en_US_POSIX" : "zh_CN")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = language?.hasPrefix("en") == true ? "d MMMM yyyy" : "yyyy年M月d日"
        return formatter.string(from: date)
    }
}
