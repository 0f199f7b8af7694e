/// Which template: the event it tells of, the channel and the language.
struct TemplateKey: Codable, Sendable, Hashable, CustomStringConvertible {
    var event: String
    var channel: String
    var language: String

    static let languages = ["zh-CN", "en"]
    static let channels = ["email", "sms"]

    /// Events told to customers, then to staff.
    static let customerEvents = ["acknowledgement", "assigned", "waiting", "reply", "resolved", "survey_invitation"]
    static let staffEvents = ["staff_assigned", "sla_warning", "sla_breached", "escalated"]
    static var events: [String] { customerEvents + staffEvents }

    /// Every placeholder some event fills; a template naming another is refused.
    static let placeholders: Set<String> = [
        "ticket_number", "ticket_subject", "customer_name", "agent_name", "priority", "category", "first_response_due",
        "resolution_due", "resolution", "reply_text", "survey_link", "survey_expires", "sla_target",
        "elapsed", "target", "escalation_level", "team", "reply_by", "suggested_articles",
    ]

    /// `zh-CN` for anything Chinese, English otherwise.
    static func language(for tag: String?) -> String {
        guard let tag else { return "zh-CN" }
        return tag.lowercased().hasPrefix("zh") ? "zh-CN" : "en"
    }

    var description: String { "\(event)/\(channel)/\(language)" }
}
