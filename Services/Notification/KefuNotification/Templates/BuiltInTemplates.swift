/// The templates Kefu ships, in Simplified Chinese and English. An edit through the API
/// overrides one; deleting the edit brings the built-in back.
enum BuiltInTemplates {
    static func template(for key: TemplateKey) -> Template? {
        guard let wording = wordings[key.event]?[key.language] else { return nil }
        switch key.channel {
        case "email":
            return Template(subject: "[{{ticket_number}}] " + wording.subject, text: wording.body.joined(separator: "\n\n"),
                            html: html(wording.body))
        case "sms":
            return Template(subject: nil, text: wording.sms)
        default:
            return nil
        }
    }

    static var keys: [TemplateKey] {
        TemplateKey.events.flatMap { event in
            TemplateKey.channels.flatMap { channel in
                TemplateKey.languages.map { TemplateKey(event: event, channel: channel, language: $0) }
            }
        }
    }

    private struct Wording {
        let subject: String
        let body: [String]
        let sms: String
    }

    private static func html(_ paragraphs: [String]) -> String {
        """
        <!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>\
        <body style="font-family:sans-serif;line-height:1.5;max-width:36em">\
        \(paragraphs.map { "<p>\($0)</p>" }.joined())\
        </body></html>
        """
    }

    private static let wordings: [String: [String: Wording]] = [
        "acknowledgement": [
            "zh-CN": Wording(subject: "您的服务请求已受理",
                             body: ["{{customer_name}}，您好：", "您的服务请求已受理，工单号 {{ticket_number}}。",
                                    "我们将{{reply_by}}与您联系。回复本邮件即可补充信息。", "{{suggested_articles}}"],
                             sms: "您的服务请求已受理，工单号{{ticket_number}}，我们将{{reply_by}}与您联系。{{suggested_articles}}"),
            "en": Wording(subject: "We have received your request",
                          body: ["Dear {{customer_name}},", "We have received your request. Your ticket number is {{ticket_number}}.",
                                 "We will contact you {{reply_by}}. Reply to this mail to add anything.", "{{suggested_articles}}"],
                          sms: "We received your request, ticket {{ticket_number}}. We will contact you {{reply_by}}.{{suggested_articles}}"),
        ],
        "assigned": [
            "zh-CN": Wording(subject: "您的工单已由专人处理",
                             body: ["{{customer_name}}，您好：", "工单 {{ticket_number}} 已由 {{agent_name}} 负责处理。",
                                    "我们将于 {{first_response_due}} 前答复您。"],
                             sms: "工单{{ticket_number}}已由{{agent_name}}负责，将于{{first_response_due}}前答复您。"),
            "en": Wording(subject: "Your ticket is being handled",
                          body: ["Dear {{customer_name}},", "{{agent_name}} is handling your ticket {{ticket_number}}.",
                                 "You will hear from us by {{first_response_due}}."],
                          sms: "Ticket {{ticket_number}}: {{agent_name}} is handling it; you will hear from us by {{first_response_due}}."),
        ],
        "waiting": [
            "zh-CN": Wording(subject: "我们需要更多信息",
                             body: ["{{customer_name}}，您好：", "为处理工单 {{ticket_number}}，我们需要您补充一些信息。",
                                    "请直接回复本邮件，或致电客服并提供工单号。"],
                             sms: "工单{{ticket_number}}需要您补充信息，请回复或致电客服。"),
            "en": Wording(subject: "We need more information",
                          body: ["Dear {{customer_name}},", "To go on with ticket {{ticket_number}} we need a little more information from you.",
                                 "Please reply to this mail, or call us quoting the ticket number."],
                          sms: "Ticket {{ticket_number}}: we need more information from you. Please reply or call us."),
        ],
        "reply": [
            "zh-CN": Wording(subject: "工单回复", body: ["{{customer_name}}，您好：", "{{reply_text}}", "—— {{agent_name}}"],
                             sms: "工单{{ticket_number}}：{{reply_text}}"),
            "en": Wording(subject: "A reply to your ticket", body: ["Dear {{customer_name}},", "{{reply_text}}", "— {{agent_name}}"],
                          sms: "Ticket {{ticket_number}}: {{reply_text}}"),
        ],
        "resolved": [
            "zh-CN": Wording(subject: "您的工单已解决",
                             body: ["{{customer_name}}，您好：", "工单 {{ticket_number}} 已解决。", "{{resolution}}",
                                    "如问题仍未解决，请直接回复本邮件。"],
                             sms: "工单{{ticket_number}}已解决。如仍有问题请回复。"),
            "en": Wording(subject: "Your ticket is resolved",
                          body: ["Dear {{customer_name}},", "Ticket {{ticket_number}} is resolved.", "{{resolution}}",
                                 "If the problem is still there, just reply to this mail."],
                          sms: "Ticket {{ticket_number}} is resolved. Reply if the problem is still there."),
        ],
        "survey_invitation": [
            "zh-CN": Wording(subject: "请评价我们的服务",
                             body: ["{{customer_name}}，您好：", "工单 {{ticket_number}} 已处理完毕，请花一分钟评价我们的服务：",
                                    "{{survey_link}}", "链接有效期至 {{survey_expires}}。"],
                             sms: "工单{{ticket_number}}已处理完毕，请回复数字1-5评价服务（5为非常满意）。"),
            "en": Wording(subject: "How did we do?",
                          body: ["Dear {{customer_name}},", "Ticket {{ticket_number}} is done. Please take a minute to tell us how we did:",
                                 "{{survey_link}}", "The link works until {{survey_expires}}."],
                          sms: "Ticket {{ticket_number}} is done. Reply with a digit 1-5 to rate us (5 = very satisfied)."),
        ],
        "staff_assigned": [
            "zh-CN": Wording(subject: "新工单：{{ticket_subject}}",
                             body: ["工单 {{ticket_number}}（{{priority}}，{{category}}）已分配给您。",
                                    "首次响应截止：{{first_response_due}}"],
                             sms: "新工单{{ticket_number}}（{{priority}}），首次响应截止{{first_response_due}}。"),
            "en": Wording(subject: "New ticket: {{ticket_subject}}",
                          body: ["Ticket {{ticket_number}} ({{priority}}, {{category}}) is assigned to you.",
                                 "First response due: {{first_response_due}}"],
                          sms: "New ticket {{ticket_number}} ({{priority}}), first response due {{first_response_due}}."),
        ],
        "sla_warning": [
            "zh-CN": Wording(subject: "SLA预警", body: ["工单 {{ticket_number}}（{{priority}}）的{{sla_target}}时限即将到期：已用 {{elapsed}}，时限 {{target}}。"],
                             sms: "SLA预警：工单{{ticket_number}}（{{priority}}）{{sla_target}}已用{{elapsed}}/{{target}}。"),
            "en": Wording(subject: "SLA warning", body: ["Ticket {{ticket_number}} ({{priority}}) is close to its {{sla_target}} target: {{elapsed}} of {{target}} used."],
                          sms: "SLA warning: ticket {{ticket_number}} ({{priority}}) {{sla_target}} {{elapsed}} of {{target}}."),
        ],
        "sla_breached": [
            "zh-CN": Wording(subject: "SLA超时", body: ["工单 {{ticket_number}}（{{priority}}）已超出{{sla_target}}时限 {{target}}。"],
                             sms: "SLA超时：工单{{ticket_number}}（{{priority}}）已超出{{sla_target}}时限{{target}}。"),
            "en": Wording(subject: "SLA breached", body: ["Ticket {{ticket_number}} ({{priority}}) has missed its {{sla_target}} target of {{target}}."],
                          sms: "SLA breached: ticket {{ticket_number}} ({{priority}}) missed {{sla_target}} target {{target}}."),
        ],
        "escalated": [
            "zh-CN": Wording(subject: "工单升级（第{{escalation_level}}级）",
                             body: ["工单 {{ticket_number}}（{{priority}}，{{category}}）已升级至您（{{team}}），请跟进。"],
                             sms: "工单{{ticket_number}}（{{priority}}）已升级至您，请跟进。"),
            "en": Wording(subject: "Ticket escalated (level {{escalation_level}})",
                          body: ["Ticket {{ticket_number}} ({{priority}}, {{category}}) has been escalated to you ({{team}}). Please follow it up."],
                          sms: "Ticket {{ticket_number}} ({{priority}}) was escalated to you. Please follow it up."),
        ],
    ]
}
