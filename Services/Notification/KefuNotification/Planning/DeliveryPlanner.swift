import Foundation
import KefuContracts
import KefuServiceKit
import KefuStorage
import Logging

/// Turns a notice into a recorded delivery: picks the channel and language, renders the
/// template, holds an SMS through quiet hours, and writes the row the channel's worker sends.
/// The row is keyed by event id + address + channel, so a redelivered event records nothing new.
struct DeliveryPlanner: Sendable {
    let configuration: NotificationConfiguration
    let logger: Logger

    static let defaultOrder = ["email", "sms"]

    func record(_ notice: Notice, to recipient: Recipient, at now: Date = Date(), in work: UnitOfWork) throws {
        let preferences = recipient.preferences
        var preferred = notice.channel.map { [$0] } ?? ([preferences.channel].compactMap { $0 } + Self.defaultOrder)
        preferred = preferred.enumerated().filter { preferred.firstIndex(of: $0.element) == $0.offset }.map(\.element)
        let reachable = preferred.filter { recipient.address(on: $0) != nil }
        guard let channel = reachable.first(where: { !preferences.optOut.contains($0) }),
              let address = recipient.address(on: channel) else {
            let reason = reachable.isEmpty ? "no contact point" : "opted out of \(reachable.joined(separator: ", "))"
            try insert(Row(id: UUID(), key: "\(notice.eventID)|\(recipient.audience.rawValue):\(recipient.id)|none", notice: notice,
                           audience: recipient.audience, channel: reachable.first ?? "none", recipient: "-", status: "suppressed",
                           rendered: nil, messageID: nil, nextAttemptAt: nil, heldUntil: nil, lastError: reason), now: now, in: work)
            logger.info("notification suppressed", metadata: ["ticket_number": "\(notice.ticketNumber)", "reason": "\(reason)"])
            return
        }
        let language = TemplateKey.language(for: preferences.language ?? notice.language)
        let key = TemplateKey(event: notice.event, channel: channel, language: language)
        guard let template = try TemplateStore.template(key, on: work.connection) else {
            throw PermanentFailure("no template \(key)")
        }
        let zone = preferences.timeZone.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: configuration.defaultTimeZone)!
        var values = notice.values
        values["ticket_number"] = notice.ticketNumber
        values["customer_name"] = values["customer_name"] ?? recipient.name ?? (language == "en" ? "customer" : "客户")
        // A text message has room for the time, not the zone's name.
        let short = channel == "sms"
        for (name, time) in notice.times { values[name] = Self.format(time, in: zone, language: language, short: short) }
        switch notice.promise {
        case .by(let time)?:
            let when = Self.format(time, in: zone, language: language, short: short)
            values["reply_by"] = language == "en" ? "by \(when)" : "于\(when)前"
        case .soon?: values["reply_by"] = language == "en" ? "as soon as we can" : "尽快"
        case nil: break
        }
        values["suggested_articles"] = configuration.acknowledgementSuggestions.contains(channel)
            ? Self.articleList(notice.articles, language: language, short: short) : ""
        var rendered = template.render(values)
        let id = UUID()
        var messageID: String?
        if channel == "email" {
            // intake threads a reply by the number in brackets and by Kefu's own Message-IDs.
            if let subject = rendered.subject, !subject.contains("[\(notice.ticketNumber)]") {
                rendered.subject = "[\(notice.ticketNumber)] " + subject
            }
            messageID = "kefu.\(notice.ticketNumber).\(id.uuidString.lowercased())@\(configuration.mailDomain)"
        }
        let heldUntil = channel == "sms" && notice.priority != Priority.p1.rawValue
            ? quietHours(for: recipient, in: zone)?.heldUntil(now) : nil
        try insert(Row(id: id, key: "\(notice.eventID)|\(address)|\(channel)", notice: notice, audience: recipient.audience,
                       channel: channel, recipient: address, status: "pending", rendered: rendered, messageID: messageID,
                       nextAttemptAt: heldUntil ?? now, heldUntil: heldUntil, lastError: nil), now: now, in: work)
    }

    /// The suggested articles as a customer reads them: every one by email, the best one's link by SMS.
    static func articleList(_ articles: [TicketSuggestions.Article], language: String, short: Bool) -> String {
        let linked = articles.filter { $0.url != nil }
        guard let first = linked.first else { return "" }
        let english = language == "en"
        // A text message has room for one link and no title: a cut or split link is no link.
        if short { return (english ? " This may help: " : "参考：") + first.url! }
        return (english ? "These articles may answer your question:" : "以下文章或许能解答您的问题：")
            + linked.map { "\n\($0.title): \($0.url!)" }.joined()
    }

    private func quietHours(for recipient: Recipient, in zone: TimeZone) -> QuietHours? {
        let own = recipient.preferences.quietHoursStart.flatMap { start in recipient.preferences.quietHoursEnd.map { (start, $0) } }
        // Staff are told at any hour unless they set quiet hours of their own.
        guard let (start, end) = own ?? (recipient.audience == .customer ? configuration.quietHours : nil),
              let from = ContactPreferences.minutes(start), let to = ContactPreferences.minutes(end) else { return nil }
        return QuietHours(start: from, end: to, timeZone: zone)
    }

    /// A time as the customer reads it: in their time zone, which is named, and their language.
    static func format(_ time: Date, in zone: TimeZone, language: String = "zh-CN", short: Bool = false) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        if short {
            formatter.dateFormat = language == "en" ? "HH:mm, d MMM" : "M月d日HH:mm"
            return formatter.string(from: time)
        }
        formatter.dateFormat = language == "en" ? "HH:mm 'on' d MMMM yyyy" : "yyyy年M月d日 HH:mm"
        return formatter.string(from: time) + " (\(zone.identifier))"
    }

    private struct Row {
        let id: UUID
        let key: String
        let notice: Notice
        let audience: Recipient.Audience
        let channel: String
        let recipient: String
        let status: String
        let rendered: Template.Rendered?
        let messageID: String?
        let nextAttemptAt: Date?
        let heldUntil: Date?
        let lastError: String?
    }

    private func insert(_ row: Row, now: Date, in work: UnitOfWork) throws {
        try work.query("""
            INSERT INTO notification.deliveries (id, idempotency_key, ticket_number, ticket_channel, purpose, audience, channel,
                recipient, status, provider, subject, body, html, message_id, priority, attempts_allowed, next_attempt_at,
                held_until, last_error, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
            ON CONFLICT (idempotency_key) DO NOTHING
            """, [row.id, row.key, row.notice.ticketNumber, row.notice.ticketChannel, row.notice.event, row.audience.rawValue,
                  row.channel, row.recipient, row.status, Channel(rawValue: row.channel)?.provider ?? "none",
                  row.rendered?.subject, row.rendered?.text, row.rendered?.html, row.messageID, row.notice.priority,
                  configuration.retry.maxAttempts, row.nextAttemptAt, row.heldUntil, row.lastError, now])
    }
}
